//! Shared test helpers: where `../shared/` is, loading content, fixtures.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use tshoot::KnowledgeBase;
use tshoot::content::load::LoadOptions;
use tshoot::model::{Article, Locale};

pub use crate::paths::{repo, required};

/// `../shared/<rel>` beside the repository. Missing: a failure when `CI` is
/// set, else `None` with a note (a developer without the corpus can still test).
pub fn shared(rel: &str) -> Option<PathBuf> {
    required(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared").join(rel),
        "corpus tests must not skip; put the shared folder beside the repository",
    )
}

/// Runs the test body only when every shared path exists.
#[macro_export]
macro_rules! require_shared {
    ($($rel:expr),+) => {
        ($(match $crate::harness::shared($rel) { Some(p) => p, None => return }),+)
    };
}

pub fn load(roots: &[PathBuf]) -> KnowledgeBase {
    load_with(roots, LoadOptions::default())
}

pub fn load_with(roots: &[PathBuf], options: LoadOptions) -> KnowledgeBase {
    KnowledgeBase::load(roots, options, &|_, _| {}).expect("content roots load")
}

pub fn locale(tag: &str) -> Locale {
    Locale::parse(tag).expect("valid locale")
}

pub fn anchors_of(article: &Article, locale_tag: &str) -> Vec<String> {
    article.variants[&locale(locale_tag)].record_order.clone()
}

/// The whole `../shared/corpus/iot-hub` loaded once per test binary (debug builds are slow).
pub fn iot_hub() -> Option<&'static KnowledgeBase> {
    static KB: OnceLock<Option<KnowledgeBase>> = OnceLock::new();
    KB.get_or_init(|| shared("corpus/iot-hub").map(|p| load(&[p]))).as_ref()
}

/// Copies a fixture folder into a fresh temp dir, so tests can add generated files.
pub fn fixture(name: &str) -> tempfile::TempDir {
    let src = repo("tests/fixtures").join(name);
    assert!(src.is_dir(), "missing fixture folder {}: create it under tests/fixtures/", src.display());
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&src, dir.path());
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}
