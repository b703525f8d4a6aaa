//! Paths of the repository and of what tests require. No imports from the
//! test crate: benches include this file too (`#[path]`).

use std::path::{Path, PathBuf};

pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// `path` when it exists. Missing: a failure when `CI` is set (`fix` says
/// what provides it), else `None` with a note, so the test skips.
pub fn required(path: PathBuf, fix: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{} is missing and CI is set: {fix}", path.display());
    }
    eprintln!("note: {} is missing; test skipped (set CI=1 to make this fail)", path.display());
    None
}
