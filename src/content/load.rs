//! The loader: walks content roots, reads and parses files in parallel, expands
//! includes, groups translations into articles, aligns records across locales,
//! computes freshness and resolves cross-article references. All file I/O of
//! the content layer happens here; parsing itself is in `parse.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;
use regex::Regex;

use super::codes::{self, TextKind};
use super::diagnostics::{Diagnostic, LineIndex};
use super::freshness::{freshness, source_hash};
use super::headings::kind_from_anchor;
use super::parse::{self, Parsed, ParsedFile, ParsedRecord};
use crate::error::{Error, Result};
use crate::model::{
    Article, ArticleId, AuthoredTree, DocDate, Freshness, Locale, LocaleMap, MediaFiles, Record, RecordId, RecordKind,
    RecordText, RefTarget, SourceLocation, TranslationType, Variant, image_type,
};

/// How content is loaded.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// Locale of files that name none (no front matter key, no locale folder).
    pub default_locale: Locale,
    /// Fallback locales tried after the reader's own, before the source language.
    pub fallback: Vec<Locale>,
    /// Files larger than this are an error diagnostic and are not read.
    pub max_file_bytes: u64,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            default_locale: Locale::parse("en-us").expect("en-us is a locale"),
            fallback: Vec::new(),
            max_file_bytes: 16 * 1024 * 1024,
        }
    }
}

/// What a load produced: articles (sorted by id) and every diagnostic.
#[derive(Debug, Default)]
pub struct Loaded {
    pub articles: Vec<Article>,
    /// Authored decision trees from each root's `trees/` folder.
    pub trees: Vec<AuthoredTree>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files looked at (candidates with a `.md` or `.txt` name).
    pub files: usize,
    pub bytes: u64,
    /// Images the articles show that are files in a content root.
    pub media: MediaFiles,
}

/// Loads every content root. Fails only when a root cannot be read at all;
/// problems in files are diagnostics and never stop the other files.
pub fn load(roots: &[PathBuf], options: &LoadOptions, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Loaded> {
    let started = std::time::Instant::now();
    let mut candidates = Vec::new();
    let mut root_infos = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        let info = RootInfo::new(root)?;
        walk_root(i, &info, &mut candidates)?;
        root_infos.push(info);
    }
    let total = candidates.len();
    let walked = started.elapsed();
    let done = AtomicUsize::new(0);
    let results: Vec<FileResult> = candidates
        .par_iter()
        .map(|c| {
            let r = load_file(c, &root_infos[c.root], options);
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            r
        })
        .collect();

    let parsed = started.elapsed();
    let mut diagnostics = Vec::new();
    let mut bytes = 0;
    let mut include_targets: HashSet<PathBuf> = HashSet::default();
    for r in &results {
        include_targets.extend(r.include_targets.iter().cloned());
    }
    let mut files = Vec::with_capacity(results.len());
    for r in results {
        bytes += r.bytes;
        diagnostics.extend(r.diagnostics);
        if let Some(f) = r.file {
            // A file named by an [!INCLUDE] is a fragment, never an article.
            if include_targets.contains(&f.canonical) {
                continue;
            }
            files.push(f);
        }
    }
    let mut media = MediaFiles::default();
    for f in &mut files {
        for (dest, path, file) in std::mem::take(&mut f.images) {
            media.insert(f.path.clone(), dest, path, file);
        }
    }
    for (i, info) in root_infos.iter().enumerate() {
        if !files.iter().any(|f| f.root == i) {
            diagnostics.push(
                Diagnostic::warning("no-articles", &info.given, "no articles found in this content folder")
                    .with_hint("articles are `.md` or `.txt` files that begin with YAML front matter (`---`); pass another folder with `--content DIR`"),
            );
        }
    }

    let groups = group_files(&files);
    let grouped = started.elapsed();
    // Articles are built in parallel; each takes its files' texts (moved, not copied).
    let mut contents: Vec<Option<FileContent>> = files.iter_mut().map(|f| Some(f.take_content())).collect();
    let groups: Vec<(Vec<usize>, HashMap<usize, FileContent>)> = groups
        .into_iter()
        .map(|members| {
            let taken = members.iter().filter_map(|&i| contents[i].take().map(|c| (i, c))).collect();
            (members, taken)
        })
        .collect();
    let built_articles: Vec<(Built, Vec<Diagnostic>)> = groups
        .into_par_iter()
        .map(|(members, contents)| {
            let mut diags = Vec::new();
            (build_article(&files, members, contents, options, &mut diags), diags)
        })
        .collect();
    let mut articles = Vec::with_capacity(built_articles.len());
    for (article, diags) in built_articles {
        articles.push(article);
        diagnostics.extend(diags);
    }
    let built = started.elapsed();
    assign_unique_ids(&mut articles);
    resolve_references(&files, &mut articles, &mut diagnostics);
    detect_reference_cycles(&articles, &mut diagnostics);
    let articles: Vec<Article> = articles.into_iter().map(|a| a.article).collect();
    tracing::debug!(
        walk_ms = walked.as_millis() as u64,
        parse_ms = (parsed - walked).as_millis() as u64,
        group_ms = (grouped - parsed).as_millis() as u64,
        build_ms = (built - grouped).as_millis() as u64,
        resolve_ms = (started.elapsed() - built).as_millis() as u64,
        "load phases"
    );

    let trees = load_trees(&root_infos, options, &mut diagnostics);
    diagnostics.sort_by(|a, b| (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code)));
    diagnostics.dedup();
    Ok(Loaded { articles, trees, diagnostics, files: total, bytes, media })
}

/// Reads `trees/*.yaml` of every root (trees are not articles: the walk skips them).
fn load_trees(roots: &[RootInfo], options: &LoadOptions, diags: &mut Vec<Diagnostic>) -> Vec<AuthoredTree> {
    let mut trees: Vec<AuthoredTree> = Vec::new();
    for root in roots.iter().filter(|r| r.single_file.is_none()) {
        let Ok(entries) = std::fs::read_dir(root.canonical.join("trees")) else { continue };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
            .collect();
        files.sort();
        for file in files {
            let shown = root.given.join("trees").join(file.file_name().unwrap_or_default());
            let text = match read_limited(&file, &shown, options.max_file_bytes) {
                Ok(bytes) => match decode(&bytes, &shown) {
                    Ok(t) => t.to_owned(),
                    Err(d) => {
                        diags.push(*d);
                        continue;
                    }
                },
                Err(d) => {
                    diags.push(*d);
                    continue;
                }
            };
            let (tree, d) = super::trees::parse_tree(&text, &shown);
            diags.extend(d);
            if let Some(tree) = tree {
                if let Some(other) = trees.iter().find(|t| t.id == tree.id) {
                    diags.push(Diagnostic::warning(
                        "tree-duplicate",
                        &shown,
                        format!(
                            "tree id `{}` is also used by `{}`; this one is ignored",
                            tree.id,
                            other.path.display()
                        ),
                    ));
                    continue;
                }
                trees.push(tree);
            }
        }
    }
    trees
}

struct RootInfo {
    given: PathBuf,
    canonical: PathBuf,
    /// Only this file, when the root given is a file.
    single_file: Option<PathBuf>,
    /// A locale named by the root's own path (`corpus/iot-hub/en-us`).
    locale: Option<Locale>,
}

impl RootInfo {
    fn new(given: &Path) -> Result<RootInfo> {
        let canonical = given.canonicalize().map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                Error::ContentRootMissing { path: given.to_path_buf() }
            } else {
                Error::ContentRootUnreadable { path: given.to_path_buf(), source }
            }
        })?;
        let (dir, single_file) = if canonical.is_file() {
            let parent = canonical.parent().map(Path::to_path_buf).unwrap_or_else(|| canonical.clone());
            (parent, Some(canonical))
        } else {
            (canonical, None)
        };
        let locale = dir.components().rev().find_map(|c| c.as_os_str().to_str().and_then(Locale::from_path_segment));
        Ok(RootInfo { given: given.to_path_buf(), canonical: dir, single_file, locale })
    }

    fn display_path(&self, rel: &Path) -> PathBuf {
        if self.single_file.is_some() { self.given.clone() } else { self.given.join(rel) }
    }
}

struct Candidate {
    root: usize,
    /// Relative to the root, `/`-separated.
    rel: String,
    path: PathBuf,
    /// Under an `includes/` folder: a fragment, not an article.
    fragment: bool,
}

fn walk_root(root: usize, info: &RootInfo, out: &mut Vec<Candidate>) -> Result<()> {
    if let Some(file) = &info.single_file {
        let rel = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        out.push(Candidate { root, rel, path: info.given.clone(), fragment: false });
        return Ok(());
    }
    let walker = walkdir::WalkDir::new(&info.canonical)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| info.given.clone());
            Error::ContentRootUnreadable {
                path,
                source: e.into_io_error().unwrap_or_else(|| std::io::Error::other("file-system loop")),
            }
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        if !(name.ends_with(".md") || name.ends_with(".txt")) {
            continue;
        }
        let Ok(rel_path) = entry.path().strip_prefix(&info.canonical) else {
            continue;
        };
        let rel = rel_path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        let fragment =
            rel_path.parent().is_some_and(|p| p.components().any(|c| c.as_os_str().eq_ignore_ascii_case("includes")));
        out.push(Candidate { root, path: info.display_path(rel_path), rel, fragment });
    }
    Ok(())
}

/// One file that is an article, parsed, with includes expanded.
struct LoadedFile {
    root: usize,
    rel: String,
    path: Arc<Path>,
    canonical: PathBuf,
    locale: Locale,
    /// Path relative to the locale folder (or the root), lowercase: localized
    /// repositories keep paths, so this links translations.
    locale_rel: String,
    parsed: ParsedFile,
    translation: TranslationType,
    date: Option<DocDate>,
    handoff: Option<DocDate>,
    /// Per record (same order as `parsed.records`): what the parallel stage found.
    extras: Vec<RecordExtras>,
    /// Images the records show that are files in the root: (destination as written, media path, file).
    images: Vec<(String, String, PathBuf)>,
}

/// Work done per record while files are still processed in parallel.
struct RecordExtras {
    error_codes: BTreeSet<String>,
    links: Vec<parse::Link>,
}

/// What an article takes of a loaded file: record texts, front matter and
/// error codes. The file keeps what references need (anchors, links).
struct FileContent {
    markdowns: Vec<String>,
    titles: Vec<String>,
    front_matter: serde_json::Map<String, serde_json::Value>,
    record_codes: Vec<BTreeSet<String>>,
}

impl LoadedFile {
    fn take_content(&mut self) -> FileContent {
        FileContent {
            markdowns: self.parsed.records.iter_mut().map(|r| std::mem::take(&mut r.markdown)).collect(),
            titles: self.parsed.records.iter_mut().map(|r| std::mem::take(&mut r.title)).collect(),
            front_matter: std::mem::take(&mut self.parsed.front_matter),
            record_codes: self.extras.iter_mut().map(|e| std::mem::take(&mut e.error_codes)).collect(),
        }
    }

    fn extras_of(&self, anchor: &str) -> Option<&RecordExtras> {
        self.parsed.records.iter().position(|r| r.anchor == anchor).map(|i| &self.extras[i])
    }
}

struct FileResult {
    file: Option<LoadedFile>,
    diagnostics: Vec<Diagnostic>,
    include_targets: Vec<PathBuf>,
    bytes: u64,
}

fn load_file(c: &Candidate, root: &RootInfo, options: &LoadOptions) -> FileResult {
    let mut result = FileResult { file: None, diagnostics: Vec::new(), include_targets: Vec::new(), bytes: 0 };
    let canonical = root.canonical.join(&c.rel);
    let bytes = match read_limited(&canonical, &c.path, options.max_file_bytes) {
        Ok(b) => b,
        Err(d) => {
            result.diagnostics.push(*d);
            return result;
        }
    };
    result.bytes = bytes.len() as u64;
    if c.fragment {
        // Fragments are read when an article includes them.
        return result;
    }
    let text = match decode(&bytes, &c.path) {
        Ok(t) => t,
        Err(d) => {
            result.diagnostics.push(*d);
            return result;
        }
    };
    let (parsed, mut diags) = parse::parse_file(text, &c.path);
    let mut parsed = match parsed {
        Parsed::Article(p) => *p,
        Parsed::NotArticle => {
            if c.rel.to_ascii_lowercase().ends_with(".md") {
                diags.push(
                    Diagnostic::info("not-an-article", &c.path, "no YAML front matter: not an article, skipped")
                        .with_hint("articles begin with a `---` line, then YAML keys such as `title:`, then `---`"),
                );
            }
            result.diagnostics = diags;
            return result;
        }
        Parsed::Failed => {
            result.diagnostics = diags;
            return result;
        }
    };

    // Locale: front matter, else the closest locale folder, else the root's path, else the default.
    let dirs: Vec<&str> = c.rel.split('/').collect();
    let dirs = &dirs[..dirs.len().saturating_sub(1)];
    let folder = dirs.iter().enumerate().rev().find_map(|(i, d)| Locale::from_path_segment(d).map(|l| (i, l)));
    let locale_rel = match &folder {
        Some((i, _)) => c.rel.split('/').skip(i + 1).collect::<Vec<_>>().join("/"),
        None => c.rel.clone(),
    }
    .to_lowercase();
    let fm_locale = ["ms.contentlocale", "locale"].iter().find_map(|k| parsed.get(k));
    let locale = match fm_locale.as_deref().map(|l| (l, Locale::parse(l))) {
        Some((_, Some(l))) => l,
        other => {
            if let Some((bad, None)) = other {
                diags.push(
                    Diagnostic::warning(
                        "bad-locale",
                        &c.path,
                        format!("`{bad}` is not a locale tag; using the folder or default locale"),
                    )
                    .with_hint("write locales like `de-DE` or `zh-CN`"),
                );
            }
            folder.map(|(_, l)| l).or_else(|| root.locale.clone()).unwrap_or_else(|| options.default_locale.clone())
        }
    };

    let translation = match parsed.get("ms.translationtype").map(|t| t.to_ascii_lowercase()) {
        None => TranslationType::Source,
        Some(t) if t == "mt" || t == "machine" => TranslationType::Machine,
        Some(t) if t == "ht" || t == "human" => TranslationType::Human,
        Some(t) => {
            diags.push(
                Diagnostic::warning(
                    "bad-translation-type",
                    &c.path,
                    format!("unknown `ms.translationtype: {t}`; read as a human translation"),
                )
                .with_hint("use `HT` (human) or `MT` (machine); leave it out in source-language files"),
            );
            TranslationType::Human
        }
    };
    let date_of = |key: &str, diags: &mut Vec<Diagnostic>| {
        let value = parsed.get(key)?;
        let date = DocDate::parse_us(&value);
        if date.is_none() {
            diags.push(
                Diagnostic::warning("bad-date", &c.path, format!("`{key}: {value}` is not a M/D/YYYY date; ignored"))
                    .with_hint("write dates the way Microsoft Docs does, e.g. `01/30/2020`"),
            );
        }
        date
    };
    let date = date_of("ms.date", &mut diags);
    let handoff = date_of("ms.lasthandoff", &mut diags);

    // Expand includes inside each record, confined to this root.
    // Lines are only needed for an include's diagnostics: most files have none.
    let index = std::cell::LazyCell::new(|| LineIndex::new(text));
    let mut expanded = vec![false; parsed.records.len()];
    for (record, expanded) in parsed.records.iter_mut().zip(&mut expanded) {
        let line_of = |offset: usize| index.line_col(record.offset + offset).0;
        let mut stack = vec![canonical.clone()];
        if let Some(text) = expand_includes(
            &record.markdown,
            &canonical,
            root,
            &c.path,
            &line_of,
            &mut stack,
            options,
            &mut diags,
            &mut result.include_targets,
        ) {
            record.markdown = text;
            *expanded = true;
        }
    }

    let lang = locale.language();
    let mut links: Vec<Vec<parse::Link>> = parsed.records.iter_mut().map(|r| std::mem::take(&mut r.links)).collect();
    let extras: Vec<RecordExtras> = (parsed.records.iter().zip(&expanded).zip(&mut links))
        .map(|((r, &expanded), links)| {
            if expanded {
                // Included text was not in the file's pass: read the record again.
                let (plain, links) = parse::analyze(&r.markdown);
                record_extras(r, &plain, links, lang)
            } else {
                record_extras(r, &parsed.plain_of(r), std::mem::take(links), lang)
            }
        })
        .collect();
    // The records' codes are read: the file's plain text is not needed any more.
    parsed.plain = String::new();
    let images = local_images(c, root, &parsed.records, &extras, options, &mut diags);

    result.diagnostics = diags;
    result.file = Some(LoadedFile {
        root: c.root,
        rel: c.rel.clone(),
        path: c.path.as_path().into(),
        canonical,
        locale,
        locale_rel,
        parsed,
        translation,
        date,
        handoff,
        extras,
        images,
    });
    result
}

/// The images a file's records show that are files inside its root:
/// (destination as written, media path, file). Images on the web are the
/// browser's to fetch; a local one that is missing (or not a png, jpg, gif,
/// webp or svg file, or outside the root) is one warning per file.
fn local_images(
    c: &Candidate,
    root: &RootInfo,
    records: &[ParsedRecord],
    extras: &[RecordExtras],
    options: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, String, PathBuf)> {
    let dir = c.rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut found: Vec<(String, String, PathBuf)> = Vec::new();
    let mut missing: Vec<(usize, &str)> = Vec::new();
    for (record, extras) in records.iter().zip(extras) {
        for link in extras.links.iter().filter(|l| l.image) {
            let dest = link.dest.as_str();
            // URLs, `data:` and site-absolute paths are left as written.
            let Some((path, _)) = local_path(dest) else { continue };
            if found.iter().any(|(d, ..)| d == dest) || missing.iter().any(|&(_, d)| d == dest) {
                continue;
            }
            match image_file(root, dir, path, options) {
                Some((rel, file)) => found.push((dest.to_owned(), format!("{}/{rel}", c.root), file)),
                None => missing.push((line_at(record.line, &record.markdown, link.offset), dest)),
            }
        }
    }
    if let Some(&(line, first)) = missing.first() {
        let more = match missing.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        diags.push(
            Diagnostic::warning(
                "image-not-found",
                &c.path,
                format!("image `{first}` is not an image file in the content folder{more}; its alt text is shown"),
            )
            .at(line, 1)
            .with_hint("put png, jpg, gif, webp or svg files beside the article; paths are relative to its folder"),
        );
    }
    found
}

/// A destination that is a path relative to its file (not a URL, `data:`, a
/// site-absolute path or an anchor alone): the path, and its `?…`/`#…` suffix.
fn local_path(dest: &str) -> Option<(&str, &str)> {
    if dest.starts_with('/') || dest.contains(':') {
        return None;
    }
    let split = dest.find(['?', '#']).unwrap_or(dest.len());
    (split > 0).then(|| dest.split_at(split))
}

/// The line of byte `offset` of a record's Markdown whose first line is `first_line`.
fn line_at(first_line: usize, markdown: &str, offset: usize) -> usize {
    first_line + markdown[..offset.min(markdown.len())].matches('\n').count()
}

/// The root-relative path and the file of an image path written in a file
/// of the root's folder `dir`, if it is an image file inside the root.
fn image_file(root: &RootInfo, dir: &str, path: &str, options: &LoadOptions) -> Option<(String, PathBuf)> {
    let rel = normalize_rel(&format!("{dir}/{path}"))?;
    image_type(&rel)?;
    let file = root.canonical.join(&rel);
    let meta = std::fs::metadata(&file).ok()?;
    if !meta.is_file() || meta.len() > options.max_file_bytes {
        return None;
    }
    // Checked through symlinks too: a link must not lead out of the root.
    let real = file.canonicalize().ok()?;
    real.starts_with(&root.canonical).then_some((rel, real))
}

fn read_limited(path: &Path, shown: &Path, limit: u64) -> Result<Vec<u8>, Box<Diagnostic>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Box::new(Diagnostic::error("read-failed", shown, format!("cannot read file: {e}"))))?;
    if meta.len() > limit {
        return Err(Box::new(
            Diagnostic::error(
                "file-too-large",
                shown,
                format!("file is {} bytes, over the {limit}-byte limit; skipped", meta.len()),
            )
            .with_hint("split the article, or raise the limit with `--max-file-size`"),
        ));
    }
    std::fs::read(path).map_err(|e| Box::new(Diagnostic::error("read-failed", shown, format!("cannot read file: {e}"))))
}

fn decode<'a>(bytes: &'a [u8], shown: &Path) -> Result<&'a str, Box<Diagnostic>> {
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        // The prefix is valid UTF-8 by definition of `valid_up_to`.
        let prefix = std::str::from_utf8(valid).unwrap_or("");
        let (line, column) = LineIndex::new(prefix).line_col(prefix.len());
        Box::new(
            Diagnostic::error(
                "invalid-utf8",
                shown,
                format!(
                    "file is not valid UTF-8 (byte 0x{:02x} at offset {})",
                    bytes[e.valid_up_to()],
                    e.valid_up_to()
                ),
            )
            .at(line, column)
            .with_hint("save the file as UTF-8"),
        )
    })
}

static INCLUDE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\[!INCLUDE\s*\[[^\]]*\]\(\s*<?([^)\s>]+)>?\s*\)\s*\]").expect("static regex"));

/// Replaces `[!INCLUDE [title](path)]` with the fragment's text (front matter
/// dropped), recursively. A path that leaves the content root is never read.
#[allow(clippy::too_many_arguments)]
fn expand_includes(
    markdown: &str,
    file: &Path,
    root: &RootInfo,
    shown: &Path,
    line_of: &dyn Fn(usize) -> usize,
    stack: &mut Vec<PathBuf>,
    options: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
    targets: &mut Vec<PathBuf>,
) -> Option<String> {
    // Most records include nothing: they keep their text (no copy).
    if !INCLUDE.is_match(markdown) {
        return None;
    }
    let mut out = String::with_capacity(markdown.len());
    let mut last = 0;
    for caps in INCLUDE.captures_iter(markdown) {
        let whole = caps.get(0).expect("group 0 always matches");
        out.push_str(&markdown[last..whole.start()]);
        last = whole.end();
        let target = &caps[1];
        let line = line_of(whole.start());
        let at = |d: Diagnostic| d.at(line, 1);
        let dir = file.parent().unwrap_or(&root.canonical);
        let outside = || {
            at(Diagnostic::error(
                "include-outside-root",
                shown,
                format!("include `{target}` points outside the content folder; not read"),
            )
            .with_hint("includes must stay inside the content folder they are used from"))
        };
        let resolved = match normalize(&dir.join(target)) {
            Some(r) if r.starts_with(&root.canonical) => r,
            _ => {
                diags.push(outside());
                continue;
            }
        };
        // Symlinks could still lead out: check the real path too.
        match resolved.canonicalize() {
            Ok(real) if !real.starts_with(&root.canonical) => {
                diags.push(outside());
                continue;
            }
            Err(_) => {
                diags.push(at(Diagnostic::warning(
                    "include-missing",
                    shown,
                    format!("included file `{target}` does not exist"),
                )
                .with_hint("check the path; it is relative to the including file")));
                continue;
            }
            Ok(_) => {}
        }
        if stack.contains(&resolved) {
            diags.push(at(Diagnostic::error(
                "include-cycle",
                shown,
                format!("include `{target}` includes itself (cycle); not expanded"),
            )
            .with_hint("remove the `[!INCLUDE]` that leads back to a file already being included")));
            continue;
        }
        if stack.len() > 8 {
            diags.push(at(Diagnostic::error(
                "include-depth",
                shown,
                format!("includes nest deeper than 8 levels at `{target}`; not expanded"),
            )));
            continue;
        }
        targets.push(resolved.clone());
        let bytes = match read_limited(&resolved, &resolved, options.max_file_bytes) {
            Ok(b) => b,
            Err(d) => {
                diags.push(at(Diagnostic { file: shown.to_path_buf(), ..*d }));
                continue;
            }
        };
        let Ok(text) = std::str::from_utf8(&bytes) else {
            diags.push(at(Diagnostic::error(
                "invalid-utf8",
                shown,
                format!("included file `{target}` is not valid UTF-8"),
            )));
            continue;
        };
        let fragment = strip_front_matter(text);
        // Its links and images are written from its own folder; the record is read from the article's.
        let article_dir = stack[0].parent().unwrap_or(&root.canonical);
        let fragment = rebase_destinations(fragment, resolved.parent().unwrap_or(dir), article_dir, &root.canonical);
        stack.push(resolved.clone());
        let expanded = expand_includes(&fragment, &resolved, root, shown, &|_| line, stack, options, diags, targets);
        stack.pop();
        out.push_str(expanded.as_deref().unwrap_or(&fragment).trim());
    }
    out.push_str(&markdown[last..]);
    Some(out)
}

/// `text`'s relative link and image destinations, written from the folder
/// `from`, rewritten to lead to the same files from the folder `to`
/// (`../media/a.png` in `includes/` is `media/a.png` from the root). URLs,
/// absolute paths, anchors and anything that would leave the root stay as written.
fn rebase_destinations<'a>(text: &'a str, from: &Path, to: &Path, root: &Path) -> std::borrow::Cow<'a, str> {
    if from == to {
        return text.into();
    }
    let mut out = String::new();
    let mut last = 0;
    for span in parse::destination_spans(text) {
        let Some((path, suffix)) = local_path(&text[span.clone()]) else { continue };
        let Some(target) = normalize(&from.join(path)).filter(|t| t.starts_with(root)) else {
            continue;
        };
        out.push_str(&text[last..span.start]);
        out.push_str(&relative_path(to, &target));
        out.push_str(suffix);
        last = span.end;
    }
    if last == 0 {
        return text.into();
    }
    out.push_str(&text[last..]);
    out.into()
}

/// The path from the folder `from` to `target` (both normalized), with `/`.
fn relative_path(from: &Path, target: &Path) -> String {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_owned(), from.len() - common);
    let downs = to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

fn strip_front_matter(text: &str) -> &str {
    let t = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(rest) = t.strip_prefix("---") {
        let mut pos = 0;
        for line in rest.split_inclusive('\n') {
            pos += line.len();
            if pos > line.len() && matches!(line.trim_end(), "---" | "...") {
                return &rest[pos..];
            }
        }
    }
    t
}

/// Lexically normalizes `a/./b/../c`; `None` when `..` climbs above the start.
pub fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    Some(out)
}

/// Normalizes a `/`-separated relative path string; `None` when it climbs out.
fn normalize_rel(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Groups files into articles: same `uid`, same locale-relative path, or the
/// same H1 anchor across locales; the transitive closure of these links.
fn group_files(files: &[LoadedFile]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..files.len()).collect();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut union = |a: usize, b: usize| {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    let mut by_uid: HashMap<String, usize> = HashMap::default();
    let mut by_path: HashMap<&str, usize> = HashMap::default();
    let mut by_h1: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if let Some(uid) = f.parsed.get("uid") {
            if let Some(&j) = by_uid.get(&uid.to_lowercase()) {
                union(i, j);
            } else {
                by_uid.insert(uid.to_lowercase(), i);
            }
        }
        if let Some(&j) = by_path.get(f.locale_rel.as_str()) {
            union(i, j);
        } else {
            by_path.insert(&f.locale_rel, i);
        }
        if let Some(h1) = &f.parsed.h1
            && !h1.anchor.is_empty()
        {
            by_h1.entry(h1.anchor.as_str()).or_default().push(i);
        }
    }
    // Files of one locale are never linked by H1 anchor directly; when other
    // locales join them they meet as duplicates.
    for members in by_h1.values() {
        let locales: HashSet<&Locale> = members.iter().map(|&i| &files[i].locale).collect();
        if locales.len() >= 2 {
            for &m in &members[1..] {
                union(members[0], m);
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..files.len() {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    groups.into_values().collect()
}

/// An article under construction: which file backs each locale.
struct Built {
    article: Article,
    /// Winning file per locale.
    files: BTreeMap<Locale, usize>,
    /// Locale-relative path of the main variant, for colliding ids.
    rel_id: String,
}

fn build_article(
    files: &[LoadedFile],
    members: Vec<usize>,
    mut contents: HashMap<usize, FileContent>,
    options: &LoadOptions,
    diags: &mut Vec<Diagnostic>,
) -> Built {
    // The source: a source-language file, preferring the default locale.
    let mut sources: Vec<usize> =
        members.iter().copied().filter(|&i| files[i].translation == TranslationType::Source).collect();
    let order = |a: &usize, b: &usize| {
        let (fa, fb) = (&files[*a], &files[*b]);
        (fb.handoff, fb.date).cmp(&(fa.handoff, fa.date)).then(fa.root.cmp(&fb.root)).then(fa.rel.cmp(&fb.rel))
    };
    sources.sort_by(|a, b| {
        let da = files[*a].locale == options.default_locale;
        let db = files[*b].locale == options.default_locale;
        db.cmp(&da).then(order(a, b))
    });
    let source = sources.first().copied();
    // Only a group with translations needs the source's hash: hash lazily.
    let has_translations = members.iter().any(|&i| files[i].translation != TranslationType::Source);
    let source_hash_value = source
        .filter(|_| has_translations)
        .and_then(|s| std::fs::read(&files[s].canonical).ok())
        .map(|bytes| source_hash(&bytes));
    let source_key = source.zip(source_hash_value.as_deref()).map(|(s, h)| (h, files[s].date));

    let fresh = |i: usize| match files[i].translation {
        TranslationType::Source => Freshness::Current,
        _ => {
            let hash = contents.get(&i).and_then(|c| parse::front_matter_value(&c.front_matter, "ms.openlocfilehash"));
            freshness(hash.as_deref(), files[i].date, source_key)
        }
    };

    // One file per locale; the rest are duplicates.
    let mut by_locale: BTreeMap<Locale, Vec<usize>> = BTreeMap::new();
    for &i in &members {
        by_locale.entry(files[i].locale.clone()).or_default().push(i);
    }
    let mut chosen: BTreeMap<Locale, usize> = BTreeMap::new();
    for (locale, mut list) in by_locale {
        list.sort_by(|a, b| {
            let ca = fresh(*a) == Freshness::Current;
            let cb = fresh(*b) == Freshness::Current;
            cb.cmp(&ca).then(order(a, b))
        });
        for &loser in &list[1..] {
            diags.push(
                Diagnostic::warning(
                    "duplicate-variant",
                    &files[loser].path,
                    format!(
                        "this file and `{}` are both the {locale} copy of one article; `{}` is used",
                        files[list[0]].path.display(),
                        files[list[0]].path.display()
                    ),
                )
                .with_hint("remove one of them, or give them different `uid`s if they are different articles"),
            );
        }
        chosen.insert(locale, list[0]);
    }
    let main = source
        .filter(|s| chosen.values().any(|c| c == s))
        .or_else(|| chosen.values().next().copied())
        .expect("a group has at least one member");

    // Article id: uid, else the source's H1 anchor, else the H1 anchor all share, else the path.
    let rel_id = {
        let rel = &files[main].locale_rel;
        let stem = rel.rsplit_once('.').map_or(rel.as_str(), |(s, _)| s);
        ArticleId::sanitize(&stem.replace('/', ".")).to_string()
    };
    let uid =
        chosen.values().find_map(|&i| contents.get(&i).and_then(|c| parse::front_matter_value(&c.front_matter, "uid")));
    let shared_h1 = {
        let anchors: BTreeSet<&str> =
            chosen.values().filter_map(|&i| files[i].parsed.h1.as_ref().map(|h| h.anchor.as_str())).collect();
        (anchors.len() == 1 && chosen.values().all(|&i| files[i].parsed.h1.is_some()))
            .then(|| anchors.into_iter().next().map(str::to_owned))
            .flatten()
    };
    let id_text = uid
        .or_else(|| {
            source.and_then(|s| files[s].parsed.h1.as_ref().map(|h| h.anchor.clone())).filter(|a| !a.is_empty())
        })
        .or(shared_h1)
        .unwrap_or_else(|| rel_id.clone());
    let id = ArticleId::sanitize(&id_text);

    let source_locale = source.filter(|s| chosen.values().any(|c| c == s)).map(|s| files[s].locale.clone());
    let mut variants = LocaleMap::new();
    let mut records: Vec<Record> = Vec::new();
    // Source first, then the other locales in order: records keep the source's order.
    let mut locale_order: Vec<&Locale> = chosen.keys().collect();
    if let Some(sl) = &source_locale {
        locale_order.sort_by_key(|l| *l != sl);
    }
    let freshness_of: HashMap<usize, Freshness> = chosen.values().map(|&i| (i, fresh(i))).collect();
    let locale_order: Vec<Locale> = locale_order.into_iter().cloned().collect();
    let mut error_codes = BTreeSet::new();
    for locale in &locale_order {
        let fi = chosen[locale];
        let FileContent { mut markdowns, mut titles, front_matter, mut record_codes } =
            contents.remove(&fi).expect("each chosen file's content is taken once");
        let f = &files[fi];
        let lang = locale.language();
        let title = parse::front_matter_value(&front_matter, "title")
            .or_else(|| f.parsed.h1.as_ref().map(|h| h.text.clone()))
            .unwrap_or_else(|| id.to_string());
        codes::extract(&title, lang, TextKind::Title, &mut error_codes);
        if let Some(h1) = &f.parsed.h1 {
            codes::extract(&h1.text, lang, TextKind::H1, &mut error_codes);
        }
        variants.insert(
            locale.clone(),
            Variant {
                locale: locale.clone(),
                title,
                description: parse::front_matter_value(&front_matter, "description"),
                translation: f.translation,
                freshness: freshness_of[&fi],
                date: f.date,
                last_handoff: f.handoff,
                path: f.path.to_path_buf(),
                root: f.root,
                front_matter,
                record_order: f.parsed.records.iter().map(|r| r.anchor.clone()).collect(),
            },
        );
        for (k, pr) in f.parsed.records.iter().enumerate() {
            let rid = RecordId::new(id.clone(), pr.anchor.clone());
            let pos = match records.iter().position(|r| r.id == rid) {
                Some(p) => p,
                None => {
                    records.push(Record {
                        id: rid,
                        kind: pr.kind,
                        group: LocaleMap::new(),
                        texts: LocaleMap::new(),
                        causes: Vec::new(),
                        solutions: Vec::new(),
                    });
                    records.len() - 1
                }
            };
            let record = &mut records[pos];
            let codes = record_codes.get_mut(k).map(std::mem::take).unwrap_or_default();
            let text = RecordText {
                title: std::mem::take(&mut titles[k]),
                markdown: std::mem::take(&mut markdowns[k]),
                source: SourceLocation { path: f.path.clone(), line: pr.line },
                refs: Vec::new(),
                unresolved_refs: Vec::new(),
                error_codes: codes,
            };
            error_codes.extend(text.error_codes.iter().cloned());
            record.texts.insert(locale.clone(), text);
            if let Some(g) = &pr.group {
                record.group.insert(locale.clone(), g.clone());
            }
            for c in &pr.causes {
                let c = RecordId::new(id.clone(), c.clone());
                if !record.causes.contains(&c) {
                    record.causes.push(c);
                }
            }
            for s in &pr.solutions {
                let s = RecordId::new(id.clone(), s.clone());
                if !record.solutions.contains(&s) {
                    record.solutions.push(s);
                }
            }
        }
    }
    // CamelCase error names only from the source H1, else the H1 all variants share.
    let h1_for_names = source
        .and_then(|s| files[s].parsed.h1.as_ref())
        .or_else(|| files[main].parsed.h1.as_ref())
        .map(|h| h.text.clone());
    if let Some(h1) = h1_for_names {
        error_codes.extend(codes::camel_case_names(&h1));
    }

    variants.shrink_to_fit();
    for r in &mut records {
        r.texts.shrink_to_fit();
        r.group.shrink_to_fit();
    }
    records.shrink_to_fit();
    let main_file = &files[main];
    let main_front_matter = &variants[&main_file.locale].front_matter;
    let article = Article {
        id,
        service: parse::front_matter_value(main_front_matter, "ms.service")
            .or_else(|| parse::front_matter_value(main_front_matter, "services")),
        topic: parse::front_matter_value(main_front_matter, "ms.topic"),
        date: main_file.date,
        error_codes,
        source_locale,
        variants,
        records,
    };
    Built { article, files: chosen, rel_id }
}

/// Error codes of one record (from its title and plain text) beside its links.
fn record_extras(pr: &ParsedRecord, plain: &str, links: Vec<parse::Link>, lang: &str) -> RecordExtras {
    let mut error_codes = BTreeSet::new();
    if !pr.title.is_empty() {
        codes::extract(&pr.title, lang, TextKind::Heading, &mut error_codes);
    }
    // The heading line is the first line of the plain text; it was read above.
    let body = if pr.level == 0 { plain } else { plain.split_once('\n').map_or("", |(_, b)| b) };
    codes::extract(body, lang, TextKind::Body, &mut error_codes);
    RecordExtras { error_codes, links }
}

fn assign_unique_ids(built: &mut [Built]) {
    let mut count: HashMap<ArticleId, usize> = HashMap::default();
    for b in built.iter() {
        *count.entry(b.article.id.clone()).or_default() += 1;
    }
    let mut taken: HashSet<ArticleId> = built.iter().map(|b| b.article.id.clone()).collect();
    for b in built.iter_mut() {
        if count[&b.article.id] > 1 {
            let mut id = ArticleId::sanitize(&b.rel_id);
            let mut n = 2;
            while taken.contains(&id) {
                id = ArticleId::sanitize(&format!("{}-{n}", b.rel_id));
                n += 1;
            }
            taken.insert(id.clone());
            set_article_id(&mut b.article, id);
        }
    }
    built.sort_by(|a, b| a.article.id.cmp(&b.article.id));
}

fn set_article_id(article: &mut Article, id: ArticleId) {
    let fix = |r: &mut RecordId| r.article = id.clone();
    for record in &mut article.records {
        fix(&mut record.id);
        record.causes.iter_mut().for_each(fix);
        record.solutions.iter_mut().for_each(fix);
    }
    article.id = id;
}

/// The record an anchor of `file` lands in: a record's own anchor first, else
/// the first record holding it as a sub-heading or `<a name>` anchor. A scan,
/// not a map: few files are the target of a link.
fn record_anchor<'a>(file: &'a LoadedFile, anchor: &str) -> Option<&'a str> {
    let records = &file.parsed.records;
    records
        .iter()
        .find(|r| r.anchor == anchor)
        .or_else(|| records.iter().find(|r| r.extra_anchors.iter().any(|a| a == anchor)))
        .map(|r| r.anchor.as_str())
}

fn resolve_references(files: &[LoadedFile], built: &mut [Built], diags: &mut Vec<Diagnostic>) {
    // (root, root-relative path) → article; file name → articles.
    let mut by_path: HashMap<(usize, String), usize> = HashMap::default();
    let mut by_name: HashMap<String, BTreeSet<usize>> = HashMap::default();
    for (ai, b) in built.iter().enumerate() {
        for &fi in b.files.values() {
            let f = &files[fi];
            by_path.insert((f.root, f.rel.to_lowercase()), ai);
            let name = f.rel.rsplit('/').next().unwrap_or(&f.rel).to_lowercase();
            by_name.entry(name).or_default().insert(ai);
        }
    }

    // Articles in parallel; the updates are applied after.
    let targets = Targets { files, built, by_path: &by_path, by_name: &by_name };
    let per_article: Vec<(Vec<Update>, Vec<Diagnostic>)> =
        (0..built.len()).into_par_iter().map(|ai| targets.resolve(ai)).collect();
    for (updates, found) in per_article {
        diags.extend(found);
        for (ai, ri, locale, refs, unresolved) in updates {
            if let Some(text) = built[ai].article.records[ri].texts.get_mut(&locale) {
                text.refs = refs;
                text.unresolved_refs = unresolved;
            }
        }
    }
}

/// (article, record, locale) → resolved and unresolved references.
type Update = (usize, usize, Locale, Vec<RefTarget>, Vec<String>);

/// What a reference can point at: every loaded article, by path, file name and anchor.
struct Targets<'a> {
    files: &'a [LoadedFile],
    built: &'a [Built],
    /// (root, root-relative path) → article.
    by_path: &'a HashMap<(usize, String), usize>,
    /// File name → articles.
    by_name: &'a HashMap<String, BTreeSet<usize>>,
}

impl Targets<'_> {
    /// The references of article `ai`'s records, and warnings for those that lead nowhere.
    fn resolve(&self, ai: usize) -> (Vec<Update>, Vec<Diagnostic>) {
        let Targets { files, built, by_path, by_name } = *self;
        let b = &built[ai];
        let mut updates: Vec<Update> = Vec::new();
        let mut diags: Vec<Diagnostic> = Vec::new();
        for (ri, record) in b.article.records.iter().enumerate() {
            for (locale, text) in &record.texts {
                let f = &files[b.files[locale]];
                let dir = f.rel.rsplit_once('/').map_or("", |(d, _)| d);
                let mut refs = Vec::new();
                let mut unresolved = Vec::new();
                let links = f.extras_of(&record.id.anchor).map_or(&[][..], |e| e.links.as_slice());
                for link in links.iter().filter(|l| !l.image) {
                    let dest = link.dest.trim();
                    let (path_part, anchor) = match dest.split_once('#') {
                        Some((p, a)) => (p, Some(a)),
                        None => (dest, None),
                    };
                    let path_part = path_part.split('?').next().unwrap_or(path_part);
                    if path_part.is_empty()
                        || path_part.starts_with('/')
                        || path_part.contains("://")
                        || path_part.contains(':')
                        || !path_part.to_ascii_lowercase().ends_with(".md")
                    {
                        continue;
                    }
                    let target = normalize_rel(&format!("{dir}/{path_part}"))
                        .and_then(|p| by_path.get(&(f.root, p.to_lowercase())).copied())
                        .or_else(|| {
                            let name = path_part.rsplit('/').next().unwrap_or(path_part).to_lowercase();
                            by_name.get(&name).filter(|s| s.len() == 1).and_then(|s| s.first().copied())
                        });
                    // Only a warning needs the line.
                    let line = || line_at(text.source.line, &text.markdown, link.offset);
                    let stem = path_part.rsplit('/').next().unwrap_or(path_part);
                    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
                    match (target, anchor) {
                        (Some(t), Some(anchor)) if !anchor.is_empty() => {
                            let target_files = &built[t].files;
                            let tb = &built[t].article;
                            let in_locale =
                                |l: &Locale| target_files.get(l).and_then(|&fi| record_anchor(&files[fi], anchor));
                            let found = in_locale(locale)
                                .or_else(|| tb.source_locale.as_ref().and_then(in_locale))
                                .or_else(|| target_files.values().find_map(|&fi| record_anchor(&files[fi], anchor)));
                            match found {
                                Some(rec_anchor) => {
                                    push_unique(&mut refs, RefTarget::Record(RecordId::new(tb.id.clone(), rec_anchor)))
                                }
                                None => {
                                    let u = format!("{stem}#{anchor}");
                                    diags.push(
                                        Diagnostic::warning(
                                            "unresolved-reference",
                                            &text.source.path,
                                            format!(
                                                "reference `{dest}`: article `{}` has no section `#{anchor}`",
                                                tb.id
                                            ),
                                        )
                                        .at(line(), 1)
                                        .with_hint("link to an anchor the target article has, e.g. `#cause-1`"),
                                    );
                                    push_unique(&mut unresolved, u);
                                }
                            }
                        }
                        (Some(t), _) => push_unique(&mut refs, RefTarget::Article(built[t].article.id.clone())),
                        (None, Some(anchor))
                            if kind_from_anchor(anchor).is_some_and(|k| k != RecordKind::NextSteps) =>
                        {
                            diags.push(
                                Diagnostic::warning(
                                    "unresolved-reference",
                                    &text.source.path,
                                    format!("reference `{dest}`: no loaded article is `{path_part}`"),
                                )
                                .at(line(), 1)
                                .with_hint(
                                    "load the folder that holds it with another `--content DIR`, or fix the link",
                                ),
                            );
                            push_unique(&mut unresolved, format!("{stem}#{anchor}"));
                        }
                        _ => {}
                    }
                }
                if !refs.is_empty() || !unresolved.is_empty() {
                    updates.push((ai, ri, locale.clone(), refs, unresolved));
                }
            }
        }
        (updates, diags)
    }
}

fn push_unique<T: PartialEq>(v: &mut Vec<T>, item: T) {
    if !v.contains(&item) {
        v.push(item);
    }
}

/// Warns about loops of records that only point at each other ("see X", where
/// X says "see this"): following them would never reach any text.
fn detect_reference_cycles(built: &[Built], diags: &mut Vec<Diagnostic>) {
    // Records that only point elsewhere, found in parallel: judging one takes a Markdown pass.
    let pointers: Vec<(RecordId, Vec<RecordId>, Arc<Path>, usize)> = built
        .par_iter()
        .flat_map_iter(|b| b.article.records.iter().flat_map(|r| r.texts.values().map(move |text| (r, text))))
        .filter(|(_, text)| is_reference_only(text))
        .filter_map(|(r, text)| {
            let targets: Vec<RecordId> = text
                .refs
                .iter()
                .filter_map(|t| match t {
                    RefTarget::Record(id) => Some(id.clone()),
                    RefTarget::Article(_) => None,
                })
                .collect();
            (!targets.is_empty()).then(|| (r.id.clone(), targets, text.source.path.clone(), text.source.line))
        })
        .collect();
    let mut edges: HashMap<RecordId, Vec<RecordId>> = HashMap::default();
    let mut paths: HashMap<RecordId, (Arc<Path>, usize)> = HashMap::default();
    for (id, targets, path, line) in pointers {
        paths.entry(id.clone()).or_insert((path, line));
        edges.entry(id).or_default().extend(targets);
    }
    // Iterative DFS with colours; report each cycle once, at its smallest id.
    let mut state: HashMap<&RecordId, u8> = HashMap::default();
    let mut keys: Vec<&RecordId> = edges.keys().collect();
    keys.sort();
    let mut reported: HashSet<Vec<RecordId>> = HashSet::default();
    for start in keys {
        if state.get(start).copied().unwrap_or(0) != 0 {
            continue;
        }
        let mut stack: Vec<(&RecordId, usize)> = vec![(start, 0)];
        state.insert(start, 1);
        while let Some((node, next)) = stack.last_mut() {
            let out = edges.get(*node).map_or(&[][..], Vec::as_slice);
            if *next < out.len() {
                let child = &out[*next];
                *next += 1;
                match state.get(child).copied().unwrap_or(0) {
                    0 if edges.contains_key(child) => {
                        state.insert(child, 1);
                        stack.push((child, 0));
                    }
                    1 => {
                        let pos = stack.iter().position(|(n, _)| *n == child).unwrap_or(0);
                        let mut cycle: Vec<RecordId> = stack[pos..].iter().map(|(n, _)| (*n).clone()).collect();
                        let min = cycle.iter().enumerate().min_by(|a, b| a.1.cmp(b.1)).map_or(0, |(i, _)| i);
                        cycle.rotate_left(min);
                        if reported.insert(cycle.clone()) {
                            let (path, line) =
                                paths.get(&cycle[0]).cloned().unwrap_or_else(|| (Arc::from(Path::new("")), 0));
                            let chain = cycle
                                .iter()
                                .map(ToString::to_string)
                                .chain(std::iter::once(cycle[0].to_string()))
                                .collect::<Vec<_>>()
                                .join(" → ");
                            diags.push(
                                Diagnostic::warning(
                                    "reference-cycle",
                                    &path,
                                    format!("references loop without reaching any text: {chain}"),
                                )
                                .at(line, 1)
                                .with_hint("let one of these sections hold the actual steps instead of a link"),
                            );
                        }
                    }
                    _ => {}
                }
            } else {
                state.insert(*node, 2);
                stack.pop();
            }
        }
    }
}

/// A record whose text is little more than a link elsewhere ("See 401003 … solution 1").
pub fn is_reference_only(text: &RecordText) -> bool {
    if text.refs.is_empty() && text.unresolved_refs.is_empty() {
        return false;
    }
    let body = text.markdown.split_once('\n').map_or("", |(_, b)| b);
    let (plain, links) = parse::analyze(body);
    links.iter().filter(|l| !l.image).count() <= 2 && plain.chars().count() <= 160
}
