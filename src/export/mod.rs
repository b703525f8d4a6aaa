//! Static export: the portal as files that work from `file://`, with an
//! offline search ([`search`]) and an offline troubleshooter ([`walks`]).
//!
//! Layout of a site (every link relative):
//!
//! ```text
//! index.html               picks a locale from navigator.languages (plain links without JS)
//! 404.html  sitemap.xml    (sitemap only with --base-url)
//! assets/                  style.css, search.js, troubleshoot.js
//! <locale>/index.html      home
//! <locale>/search.html     search page (search.html?q=…)
//! <locale>/troubleshoot.html   troubleshooter (#s=<token>, #article=<id>, #code=<code>, #tree=<id>, #q=<text>)
//! <locale>/404.html
//! <locale>/a/<id>.html     article pages
//! <locale>/search/*.js     offline search index, loaded by <script> tags
//! <locale>/walk/*.js       offline troubleshooter data, loaded by <script> tags
//! media/<root>/<path>      images the articles show, copied from the content roots
//! ```

pub mod search;
pub mod walks;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::i18n::Catalog;
use crate::kb::KnowledgeBase;
use crate::model::{Article, ArticleId, Locale};
use crate::render::pages::{Context, ser};
use crate::render::{ArticleFiles, Links, RenderError, STYLE_CSS, Start, Templates, View, media_url_path, url_encode};

/// Which locale folders hold a page of each article.
///
/// An article gets a page in every exported locale it has a translation in;
/// an article with none of them gets one page, in the first exported locale.
/// A reader of any other locale is sent to the first page along the
/// article's fallback chain. So the export stays one page per translation,
/// not one per locale and article.
#[derive(Debug)]
pub struct PageMap {
    locales: Vec<Locale>,
    pages: BTreeMap<ArticleId, Vec<Locale>>,
    chains: BTreeMap<(ArticleId, Locale), Locale>,
    /// Turns `other.md#cause-1` links in content into page links.
    files: ArticleFiles,
}

impl PageMap {
    /// `locales`: the exported locales, the first one the default.
    pub fn new(kb: &KnowledgeBase, locales: &[Locale]) -> PageMap {
        let mut pages = BTreeMap::new();
        let mut chains = BTreeMap::new();
        let files = ArticleFiles::new(kb);
        for a in &kb.articles {
            let mut written: Vec<Locale> = locales.iter().filter(|l| a.variants.contains_key(l)).cloned().collect();
            if written.is_empty()
                && let Some(first) = locales.first()
            {
                written.push(first.clone());
            }
            for reader in locales {
                let target = if written.contains(reader) {
                    reader.clone()
                } else {
                    kb.chain(a, reader).into_iter().find(|l| written.contains(l)).unwrap_or_else(|| written[0].clone())
                };
                chains.insert((a.id.clone(), reader.clone()), target);
            }
            pages.insert(a.id.clone(), written);
        }
        PageMap { locales: locales.to_vec(), pages, chains, files }
    }

    /// The exported locales, the default first.
    pub fn locales(&self) -> &[Locale] {
        &self.locales
    }

    /// The locale folders that hold a page of `id`.
    pub fn page_locales(&self, id: &ArticleId) -> &[Locale] {
        self.pages.get(id).map_or(&[], Vec::as_slice)
    }

    /// The locale folder whose page of `id` a reader of `reader` gets.
    pub fn page_locale(&self, reader: &Locale, id: &ArticleId) -> Option<&Locale> {
        self.chains.get(&(id.clone(), reader.clone()))
    }

    /// The link to article `id` (and `#anchor`) from a page in the reader's
    /// locale folder (`<reader>/…`): `a/<id>.html` or `../<other>/a/<id>.html`.
    pub fn article_href(&self, reader: &Locale, id: &ArticleId, anchor: Option<&str>) -> Option<String> {
        let target = self.page_locale(reader, id)?;
        let mut href = if target == reader { format!("a/{id}.html") } else { format!("../{target}/a/{id}.html") };
        if let Some(anchor) = anchor {
            href.push('#');
            href.push_str(anchor);
        }
        Some(href)
    }

    /// The link for a Markdown link destination in content (`other.md#cause-1`)
    /// from a page in the reader's locale folder, when it names a loaded article.
    pub fn link(&self, reader: &Locale, dest: &str) -> Option<String> {
        let (id, anchor) = self.resolve(dest)?;
        self.article_href(reader, id, anchor)
    }

    /// The article (and anchor) a Markdown link destination in content names.
    pub fn resolve<'d>(&self, dest: &'d str) -> Option<(&ArticleId, Option<&'d str>)> {
        self.files.resolve(dest)
    }

    /// Every page to write: (locale folder, article).
    pub fn pages<'a>(&'a self, kb: &'a KnowledgeBase) -> impl Iterator<Item = (&'a Locale, &'a Article)> + 'a {
        kb.articles.iter().flat_map(move |a| self.page_locales(&a.id).iter().map(move |l| (l, a)))
    }
}

/// The export's URLs: relative paths from a page `up` levels below the site root.
struct StaticLinks<'a> {
    pages: &'a PageMap,
    /// `""` at the root, `"../"` in a locale folder, `"../../"` for articles.
    up: &'static str,
}

impl Links for StaticLinks<'_> {
    fn asset(&self, name: &str) -> String {
        format!("{}assets/{name}", self.up)
    }

    fn home(&self, locale: &Locale) -> String {
        format!("{}{locale}/index.html", self.up)
    }

    fn search(&self, locale: &Locale, query: Option<&str>) -> String {
        match query {
            Some(q) => format!("{}{locale}/search.html?q={}", self.up, url_encode(q)),
            None => format!("{}{locale}/search.html", self.up),
        }
    }

    fn service(&self, locale: &Locale, service: &str) -> String {
        self.search(locale, Some(service))
    }

    fn article(&self, reader: &Locale, id: &ArticleId, anchor: Option<&str>) -> String {
        let Some(target) = self.pages.page_locale(reader, id) else {
            return format!("{}{reader}/404.html", self.up);
        };
        match anchor {
            Some(a) => format!("{}{target}/a/{id}.html#{a}", self.up),
            None => format!("{}{target}/a/{id}.html", self.up),
        }
    }

    fn troubleshoot(&self, locale: &Locale, start: Option<Start<'_>>) -> String {
        let page = format!("{}{locale}/troubleshoot.html", self.up);
        match start {
            None => page,
            Some(Start::Article(id)) => format!("{page}#article={id}"),
            Some(Start::Tree(id)) => format!("{page}#tree={}", url_encode(id)),
        }
    }

    fn media(&self, path: &str) -> String {
        format!("{}media/{}", self.up, media_url_path(path))
    }

    fn content(&self, reader: &Locale, dest: &str) -> Option<String> {
        let (id, anchor) = self.pages.resolve(dest)?;
        Some(self.article(reader, id, anchor))
    }
}

/// What `tshoot export` writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExportFormat {
    /// The portal as static HTML with offline search and troubleshooter.
    #[default]
    Html,
    /// The record feed, one JSON Lines file per locale (`tshoot dump`'s schema).
    Jsonl,
}

#[derive(Clone, Debug, Default)]
pub struct ExportOptions {
    /// Locales to export; empty: every locale with UI strings or content.
    pub locales: Vec<Locale>,
    /// Absolute URL the site will be served from: writes `sitemap.xml`.
    pub base_url: Option<String>,
    pub format: ExportFormat,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct ExportStats {
    pub locales: Vec<Locale>,
    pub article_pages: usize,
    pub files: usize,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "`{}` exists and was not written by `tshoot export`; refusing to replace it (remove it or pick another --out)",
        .0.display()
    )]
    Foreign(PathBuf),
    #[error("no locale to export: {0}")]
    NoLocale(String),
    #[error(transparent)]
    Render(#[from] RenderError),
}

/// Marks a folder as an export, so a later export may replace it.
const MARKER: &str = ".tshoot-export";

/// Files of the default theme's assets.
const ASSETS: &[(&str, &str)] = &[
    ("style.css", STYLE_CSS),
    ("choose.js", include_str!("assets/choose.js")),
    ("search.js", search::SEARCH_JS),
    ("troubleshoot.js", walks::TROUBLESHOOT_JS),
];

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> ExportError + '_ {
    move |source| ExportError::Write { path: path.to_owned(), source }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    std::fs::write(path, bytes).map_err(io_error(path))
}

/// The locales to export, the default first.
pub fn export_locales(kb: &KnowledgeBase, catalog: &Catalog, wanted: &[Locale]) -> Result<Vec<Locale>, ExportError> {
    let mut all: Vec<Locale> = catalog.locales().into_iter().cloned().collect();
    all.extend(kb.locales());
    all.sort();
    all.dedup();
    let mut locales: Vec<Locale> = if wanted.is_empty() {
        all
    } else {
        let missing: Vec<&str> = wanted.iter().filter(|l| !all.contains(l)).map(Locale::as_str).collect();
        if !missing.is_empty() {
            return Err(ExportError::NoLocale(format!(
                "{} has neither UI strings nor content (available: {})",
                missing.join(", "),
                all.iter().map(Locale::as_str).collect::<Vec<_>>().join(", ")
            )));
        }
        wanted.to_vec()
    };
    if locales.is_empty() {
        return Err(ExportError::NoLocale("the content and UI strings name none".to_owned()));
    }
    if let Some(i) = locales.iter().position(|l| l == &kb.options.default_locale) {
        let default = locales.remove(i);
        locales.insert(0, default);
    }
    Ok(locales)
}

/// Writes the export into `out` atomically: into a sibling temporary folder,
/// then swapped into place, so an interrupted export never leaves a
/// half-written site over a good one. `progress(done, total)` counts files.
pub fn export(
    kb: &KnowledgeBase,
    catalog: &Catalog,
    templates: &Templates,
    out: &Path,
    options: &ExportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ExportStats, ExportError> {
    if out.exists() && !out.join(MARKER).exists() {
        let empty = std::fs::read_dir(out).map_err(io_error(out))?.next().is_none();
        if !empty {
            return Err(ExportError::Foreign(out.to_owned()));
        }
    }
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("site");
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    let staging = parent.join(format!(".{name}.tshoot-tmp-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
    }
    let result = match options.format {
        ExportFormat::Html => write_site(kb, catalog, templates, &staging, options, progress),
        ExportFormat::Jsonl => write_feed(kb, catalog, &staging, options),
    };
    let stats = match result.and_then(|stats| write(&staging.join(MARKER), b"").map(|()| stats)) {
        Ok(stats) => stats,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let old = parent.join(format!(".{name}.tshoot-old-{}", std::process::id()));
    if out.exists() {
        std::fs::rename(out, &old).map_err(io_error(out))?;
    }
    std::fs::rename(&staging, out).map_err(io_error(out))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io_error(&old))?;
    }
    Ok(stats)
}

/// The record feed: `<locale>.jsonl` per locale.
fn write_feed(
    kb: &KnowledgeBase,
    catalog: &Catalog,
    dir: &Path,
    options: &ExportOptions,
) -> Result<ExportStats, ExportError> {
    let locales = export_locales(kb, catalog, &options.locales)?;
    let mut stats = ExportStats { locales: locales.clone(), ..ExportStats::default() };
    for locale in &locales {
        let mut text = Vec::new();
        for record in crate::feed::records(kb, Some(locale)) {
            serde_json::to_writer(&mut text, &record).map_err(|e| io_error(dir)(e.into()))?;
            text.push(b'\n');
        }
        write(&dir.join(format!("{locale}.jsonl")), &text)?;
        stats.files += 1;
        stats.bytes += text.len() as u64;
    }
    Ok(stats)
}

/// One file of the site, rendered in parallel, written by the caller.
type File = (PathBuf, Vec<u8>);

fn write_site(
    kb: &KnowledgeBase,
    catalog: &Catalog,
    templates: &Templates,
    dir: &Path,
    options: &ExportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ExportStats, ExportError> {
    let locales = export_locales(kb, catalog, &options.locales)?;
    let pages = PageMap::new(kb, &locales);
    let view = View { kb, catalog, templates, locales: &locales };
    let root = StaticLinks { pages: &pages, up: "" };
    let in_locale = StaticLinks { pages: &pages, up: "../" };
    let in_articles = StaticLinks { pages: &pages, up: "../../" };
    let article_pages: Vec<(&Locale, &Article)> = pages.pages(kb).collect();
    let total = article_pages.len() + locales.len() * 6 + 2 + ASSETS.len();
    let done = AtomicUsize::new(0);
    let tick = || progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);

    let mut files: Vec<File> = Vec::new();
    files.push(("index.html".into(), choose_page(&view, &root)?.into_bytes()));
    files.push(("404.html".into(), view.not_found(&root, &locales[0])?.into_bytes()));
    for (name, body) in ASSETS {
        files.push((Path::new("assets").join(name), body.as_bytes().to_vec()));
    }
    for locale in &locales {
        let scripts = |names: &[&str]| -> Context {
            let list: Vec<String> = names.iter().map(|n| in_locale.asset(n)).collect();
            Context::from([("scripts", ser(list))])
        };
        let offline = ser(serde_json::json!({ "index": "search/", "walk": "walk/" }));
        files.push((
            Path::new(locale.as_str()).join("index.html"),
            view.home(&in_locale, locale, Context::new())?.into_bytes(),
        ));
        files.push((Path::new(locale.as_str()).join("404.html"), view.not_found(&in_locale, locale)?.into_bytes()));

        let title = catalog.message(locale, "portal-search-title", &[]);
        let mut ctx = view.base(&in_locale, locale, &title, None, &|l| Some(in_locale.search(l, None)));
        ctx.extend(scripts(&["search.js"]));
        ctx.insert("offline", offline.clone());
        files.push((Path::new(locale.as_str()).join("search.html"), view.render("search.html", &ctx)?.into_bytes()));

        let title = catalog.message(locale, "portal-troubleshoot", &[]);
        let mut ctx = view.base(&in_locale, locale, &title, None, &|l| Some(in_locale.troubleshoot(l, None)));
        ctx.extend(scripts(&["search.js", "troubleshoot.js"]));
        ctx.insert("offline", offline);
        ctx.insert("start_form", minijinja::Value::from(true));
        ctx.insert("prompt", minijinja::Value::from(catalog.message(locale, "portal-describe", &[])));
        files.push((
            Path::new(locale.as_str()).join("troubleshoot.html"),
            view.render("troubleshoot.html", &ctx)?.into_bytes(),
        ));
    }
    for _ in 0..files.len() {
        tick();
    }
    let rendered: Vec<Result<File, ExportError>> = article_pages
        .par_iter()
        .filter_map(|(locale, article)| {
            let html = view.article(&in_articles, article, locale, Context::new())?;
            tick();
            Some(
                html.map(|h| {
                    (Path::new(locale.as_str()).join("a").join(format!("{}.html", article.id)), h.into_bytes())
                })
                .map_err(ExportError::from),
            )
        })
        .collect();
    let mut article_count = 0;
    for file in rendered {
        files.push(file?);
        article_count += 1;
    }
    if let Some(base) = &options.base_url {
        files.push(("sitemap.xml".into(), sitemap(base, &files).into_bytes()));
    }
    let mut stats = ExportStats { locales: locales.clone(), article_pages: article_count, ..ExportStats::default() };
    // The offline search index of each text locale (and what each locale's readers search), walk data of each locale.
    let walk_data = walks::Walks::build(kb, catalog, &pages);
    let index_locales = search::index_locales(kb, &pages);
    let data: Vec<Result<(u64, usize), ExportError>> = index_locales
        .par_iter()
        .map(|locale| (locale, true))
        .chain(locales.par_iter().map(|locale| (locale, false)))
        .map(|(locale, is_search)| {
            let folder = dir.join(locale.as_str()).join(if is_search { "search" } else { "walk" });
            let written = if is_search {
                search::write_index(kb, catalog, &pages, locale, &folder)
                    .map(|s| (s.bytes, s.term_shards + s.doc_shards + 1))
            } else {
                walk_data.write(locale, &folder).map(|s| (s.bytes, s.files))
            };
            if !is_search || locales.contains(locale) {
                tick();
            }
            written.map_err(io_error(&folder))
        })
        .collect();
    for d in data {
        let (bytes, count) = d?;
        stats.bytes += bytes;
        stats.files += count;
    }
    files.par_iter().try_for_each(|(path, bytes)| write(&dir.join(path), bytes))?;
    stats.files += files.len();
    stats.bytes += files.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
    // Images the articles show, copied as they are.
    let media: Vec<(&str, &Path)> = kb.media.iter().collect();
    let copied: Vec<Result<u64, ExportError>> = media
        .par_iter()
        .map(|(path, file)| {
            let to = path.split('/').fold(dir.join("media"), |to, segment| to.join(segment));
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(io_error(parent))?;
            }
            std::fs::copy(file, &to).map_err(io_error(&to))
        })
        .collect();
    for bytes in copied {
        stats.bytes += bytes?;
        stats.files += 1;
    }
    Ok(stats)
}

/// The root page: picks the reader's locale from `navigator.languages`, with
/// plain links for readers without JavaScript.
fn choose_page(view: &View<'_>, links: &StaticLinks<'_>) -> Result<String, ExportError> {
    let default = &view.locales[0];
    let title = view.catalog.message(default, "portal-choose-language", &[]);
    let mut ctx = view.base(links, default, &title, None, &|l| Some(links.home(l)));
    let prompts: BTreeMap<&str, String> =
        view.locales.iter().map(|l| (l.as_str(), view.catalog.message(l, "portal-choose-language", &[]))).collect();
    let locales: Vec<_> = view
        .locales
        .iter()
        .map(|l| {
            serde_json::json!({
                "tag": l, "name": crate::render::locale_name(l), "url": links.home(l), "prompt": prompts[l.as_str()],
            })
        })
        .collect();
    ctx.insert("locales", ser(locales));
    ctx.insert("scripts", ser(["assets/choose.js"]));
    Ok(view.render("choose.html", &ctx)?)
}

/// `sitemap.xml` over the HTML pages, for a site published at `base`.
fn sitemap(base: &str, files: &[File]) -> String {
    let base = base.trim_end_matches('/');
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut paths: Vec<String> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "html") && !p.ends_with("404.html"))
        .map(|(p, _)| p.to_string_lossy().replace('\\', "/"))
        .collect();
    paths.sort();
    for path in paths {
        let loc = format!("{base}/{path}").replace('&', "&amp;").replace('<', "&lt;");
        xml.push_str(&format!("  <url><loc>{loc}</loc></url>\n"));
    }
    xml.push_str("</urlset>\n");
    xml
}
