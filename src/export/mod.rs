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
//! <locale>/troubleshoot.html   troubleshooter (#s=<token>, #article=<id>, #tree=<id>, #q=<text>)
//! <locale>/404.html
//! <locale>/a/<id>.html     article pages
//! <locale>/search/*.js     offline search index, loaded by <script> tags
//! <locale>/walk/*.js       offline troubleshooter data, loaded by <script> tags
//! ```

pub mod search;
pub mod walks;

use std::collections::{BTreeMap, HashMap};

use crate::kb::KnowledgeBase;
use crate::model::{Article, ArticleId, Locale};

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
    /// Lowercase file name → article, to turn `other.md#cause-1` links into page links.
    files: HashMap<String, ArticleId>,
}

impl PageMap {
    /// `locales`: the exported locales, the first one the default.
    pub fn new(kb: &KnowledgeBase, locales: &[Locale]) -> PageMap {
        let mut pages = BTreeMap::new();
        let mut chains = BTreeMap::new();
        let mut files = HashMap::new();
        for a in &kb.articles {
            for v in a.variants.values() {
                if let Some(name) = v.path.file_name().and_then(|n| n.to_str()) {
                    files.entry(name.to_lowercase()).or_insert_with(|| a.id.clone());
                }
            }
            let mut written: Vec<Locale> = locales.iter().filter(|l| a.variants.contains_key(*l)).cloned().collect();
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
        if dest.contains(':') || dest.starts_with('/') || dest.starts_with('#') {
            return None;
        }
        let (path, anchor) = dest.split_once('#').map_or((dest, None), |(p, a)| (p, Some(a)));
        let name = path.rsplit('/').next()?.to_lowercase();
        self.article_href(reader, self.files.get(&name)?, anchor)
    }

    /// Every page to write: (locale folder, article).
    pub fn pages<'a>(&'a self, kb: &'a KnowledgeBase) -> impl Iterator<Item = (&'a Locale, &'a Article)> + 'a {
        kb.articles.iter().flat_map(move |a| self.page_locales(&a.id).iter().map(move |l| (l, a)))
    }
}
