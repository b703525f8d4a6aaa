//! Page contexts shared by the server and the static export: the same
//! templates, with URLs from a [`Links`] implementation (absolute routes for
//! the server, relative file paths for the export).

use std::collections::{BTreeMap, HashMap};

use minijinja::Value;

use super::{RenderError, Templates, record_html, safe};
use crate::i18n::{Arg, Catalog};
use crate::kb::KnowledgeBase;
use crate::model::{Article, ArticleId, Freshness, Locale, TranslationType};

/// Where pages are, as seen from the page being rendered.
pub trait Links {
    /// A file of the theme's assets (`style.css`).
    fn asset(&self, name: &str) -> String;
    fn home(&self, locale: &Locale) -> String;
    /// The search page, with a query when given.
    fn search(&self, locale: &Locale, query: Option<&str>) -> String;
    /// Search results for a service's articles.
    fn service(&self, locale: &Locale, service: &str) -> String;
    /// An article's page for a reader of `reader` (and an anchor in it).
    fn article(&self, reader: &Locale, id: &ArticleId, anchor: Option<&str>) -> String;
    /// The troubleshooter, optionally starting from an entry.
    fn troubleshoot(&self, locale: &Locale, start: Option<Start<'_>>) -> String;
    /// A Markdown link destination from content (`other.md#cause-1`), rewritten
    /// when it names a loaded article; `None` keeps it as written.
    fn content(&self, reader: &Locale, dest: &str) -> Option<String>;
    /// An image file of the content, by its media path (`0/en-us/media/a.png`).
    fn media(&self, path: &str) -> String;
}

/// Lowercase file name → article: resolves links in content (`other.md#cause-1`),
/// which name files, to the articles they are about.
#[derive(Debug, Default)]
pub struct ArticleFiles(HashMap<String, ArticleId>);

impl ArticleFiles {
    pub fn new(kb: &KnowledgeBase) -> ArticleFiles {
        let mut files = HashMap::new();
        for a in &kb.articles {
            for v in a.variants.values() {
                if let Some(name) = v.path.file_name().and_then(|n| n.to_str()) {
                    files.entry(name.to_lowercase()).or_insert_with(|| a.id.clone());
                }
            }
        }
        ArticleFiles(files)
    }

    /// The article (and anchor) a link destination names, if it is loaded.
    pub fn resolve<'d>(&self, dest: &'d str) -> Option<(&ArticleId, Option<&'d str>)> {
        if dest.contains(':') || dest.starts_with('/') || dest.starts_with('#') {
            return None;
        }
        let (path, anchor) = dest.split_once('#').map_or((dest, None), |(p, a)| (p, Some(a)));
        let name = path.rsplit('/').next()?.to_lowercase();
        Some((self.0.get(&name)?, anchor))
    }
}

/// How a troubleshooter link starts a walk.
#[derive(Clone, Copy, Debug)]
pub enum Start<'a> {
    Article(&'a ArticleId),
    Tree(&'a str),
}

/// What a page renders from, borrowed from the server's site or the export.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub kb: &'a KnowledgeBase,
    pub catalog: &'a Catalog,
    pub templates: &'a Templates,
    /// Locales the portal offers, for the language switcher.
    pub locales: &'a [Locale],
}

/// A serializable value for templates.
pub fn ser<T: serde::Serialize>(value: T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

/// Message ids the templates use (`t["…"]`).
const UI: &[&str] = &[
    "portal-name",
    "portal-skip",
    "portal-search-label",
    "portal-search-placeholder",
    "portal-search-button",
    "portal-language",
    "portal-home-title",
    "portal-home-intro",
    "portal-troubleshoot",
    "portal-guided",
    "portal-services",
    "portal-error-codes",
    "portal-articles",
    "portal-filters",
    "portal-more",
    "portal-machine-translation",
    "portal-troubleshoot-this",
    "portal-leads-to",
    "portal-fixed-by",
    "portal-steps",
    "portal-describe",
    "portal-home-link",
    "portal-needs-script",
    "tree-related",
    "tree-back",
];

/// A locale's name in its own language, for the switcher.
pub fn locale_name(tag: &Locale) -> String {
    let name = match tag.as_str() {
        "en-us" => "English",
        "de-de" => "Deutsch",
        "zh-cn" => "中文（简体）",
        "pl-pl" => "Polski",
        "sv-se" => "Svenska",
        "pt-br" => "Português (Brasil)",
        "fr-fr" => "Français",
        "es-es" => "Español",
        "ja-jp" => "日本語",
        other => other,
    };
    name.to_owned()
}

/// A template context under construction.
pub type Context = BTreeMap<&'static str, Value>;

impl View<'_> {
    /// The context every page shares: strings, links, locale switcher, search box.
    /// `switch` gives the same page in another locale, `None` when it has none.
    pub fn base(
        &self,
        links: &dyn Links,
        locale: &Locale,
        title: &str,
        query: Option<&str>,
        switch: &dyn Fn(&Locale) -> Option<String>,
    ) -> Context {
        let t: BTreeMap<&str, String> = UI.iter().map(|id| (*id, self.catalog.message(locale, id, &[]))).collect();
        let locales: Vec<Value> = self
            .locales
            .iter()
            .filter_map(|l| {
                switch(l).map(|url| {
                    ser(serde_json::json!({ "tag": l, "name": locale_name(l), "url": url, "current": l == locale }))
                })
            })
            .collect();
        let urls = serde_json::json!({
            "style": links.asset("style.css"),
            "home": links.home(locale),
            "search": links.search(locale, None),
            "troubleshoot": links.troubleshoot(locale, None),
        });
        let mut ctx = Context::new();
        ctx.insert("t", ser(&t));
        ctx.insert("lang", Value::from(locale.as_str()));
        ctx.insert("locale", Value::from(locale.as_str()));
        ctx.insert("title", Value::from(title));
        ctx.insert("query", Value::from(query.unwrap_or("")));
        ctx.insert("locales", Value::from(locales));
        ctx.insert("urls", ser(urls));
        ctx
    }

    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, RenderError> {
        self.templates.render(name, ser(ctx))
    }

    /// The "not found" page in the reader's language.
    pub fn not_found(&self, links: &dyn Links, locale: &Locale) -> Result<String, RenderError> {
        let title = self.catalog.message(locale, "portal-not-found-title", &[]);
        let mut ctx = self.base(links, locale, &title, None, &|l| Some(links.home(l)));
        ctx.insert("message", Value::from(self.catalog.message(locale, "portal-not-found", &[])));
        self.render("error.html", &ctx)
    }

    /// The home page: guided trees, services, common error codes, articles.
    pub fn home(&self, links: &dyn Links, locale: &Locale, extra: Context) -> Result<String, RenderError> {
        let title = self.catalog.message(locale, "portal-home-title", &[]);
        let mut ctx = self.base(links, locale, &title, None, &|l| Some(links.home(l)));
        let mut services: BTreeMap<&str, usize> = BTreeMap::new();
        let mut codes: BTreeMap<&str, usize> = BTreeMap::new();
        let mut articles = Vec::new();
        for a in &self.kb.articles {
            if let Some(s) = &a.service {
                *services.entry(s).or_default() += 1;
            }
            // Codes an article is about: those in its id (the title's code).
            for c in &a.error_codes {
                if a.id.as_str().contains(c.as_str()) {
                    *codes.entry(c).or_default() += 1;
                }
            }
            let chain = self.kb.chain(a, locale);
            if let Some((l, v)) = chain.iter().find_map(|l| a.variants.get_key_value(l)) {
                articles.push(serde_json::json!({
                    "url": links.article(locale, &a.id, None), "title": v.title, "locale": l, "fallback": l != locale,
                }));
            }
        }
        let services: Vec<_> = services
            .into_iter()
            .map(
                |(name, count)| serde_json::json!({ "name": name, "count": count, "url": links.service(locale, name) }),
            )
            .collect();
        let codes: Vec<_> = codes
            .keys()
            .take(40)
            .map(|c| serde_json::json!({ "code": c, "url": links.search(locale, Some(c)) }))
            .collect();
        let trees: Vec<_> = self
            .kb
            .trees
            .iter()
            .map(|t| {
                serde_json::json!({
                    "url": links.troubleshoot(locale, Some(Start::Tree(&t.id))),
                    "title": self.catalog.message(locale, &t.title, &[]),
                })
            })
            .collect();
        ctx.insert("services", ser(&services));
        ctx.insert("codes", ser(&codes));
        ctx.insert("articles", ser(&articles));
        ctx.insert("trees", ser(&trees));
        ctx.extend(extra);
        self.render("home.html", &ctx)
    }

    /// An article page for a reader of `locale`: its text in the reader's
    /// chain, badges and banners, records with their anchors and relations.
    /// `None` when the article has no text for this reader.
    pub fn article(
        &self,
        links: &dyn Links,
        article: &Article,
        locale: &Locale,
        extra: Context,
    ) -> Option<Result<String, RenderError>> {
        let chain = self.kb.chain(article, locale);
        let (shown_locale, variant) = chain.iter().find_map(|l| article.variants.get_key_value(l))?;
        // The switcher lists only the translations this article has.
        let switch = |l: &Locale| article.variants.contains_key(l).then(|| links.article(l, &article.id, None));
        let mut ctx = self.base(links, locale, &variant.title, None, &switch);
        let not_translated =
            |l: &Locale| self.catalog.message(locale, "tree-not-translated", &[("language", Arg::Str(l.to_string()))]);
        let banner = match variant.freshness {
            f if f.is_outdated() => Some(self.catalog.message(locale, "portal-outdated", &[])),
            Freshness::Newer => Some(self.catalog.message(locale, "portal-newer", &[])),
            _ => None,
        };
        let banner = banner.or_else(|| (shown_locale != locale).then(|| not_translated(shown_locale)));
        let local = |ids: &[crate::model::RecordId]| -> Vec<String> {
            ids.iter().filter(|c| c.article == article.id).map(|c| c.anchor.clone()).collect()
        };
        let records: Vec<Value> = article
            .records
            .iter()
            .filter_map(|r| {
                let (l, text, fallback) = r.text_in(&chain)?;
                let html = record_html(self.kb, Some(&text.source.path), &text.markdown, &|p| links.media(p), &|d| {
                    links.content(locale, d)
                });
                let fallback = (fallback && l != shown_locale).then(|| not_translated(l));
                let mut v: BTreeMap<&str, Value> = BTreeMap::new();
                v.insert("anchor", Value::from(r.id.anchor.as_str()));
                v.insert("kind", Value::from(r.kind.as_str()));
                v.insert("html", safe(html));
                v.insert("fallback", ser(fallback));
                v.insert("causes", ser(local(&r.causes)));
                v.insert("solutions", ser(local(&r.solutions)));
                Some(ser(v))
            })
            .collect();
        ctx.insert("id", Value::from(article.id.as_str()));
        ctx.insert("troubleshoot_url", Value::from(links.troubleshoot(locale, Some(Start::Article(&article.id)))));
        ctx.insert("machine", Value::from(variant.translation == TranslationType::Machine));
        ctx.insert("banner", ser(banner));
        ctx.insert("codes", ser(&article.error_codes));
        ctx.insert("records", Value::from(records));
        ctx.extend(extra);
        Some(self.render("article.html", &ctx))
    }
}
