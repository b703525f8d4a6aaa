//! The knowledge base: articles loaded from content roots, immutable once built,
//! queried by every higher layer (search, tree, web, export).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use serde::Serialize;

use crate::content::diagnostics::{Diagnostic, Severity};
use crate::content::load::{self, LoadOptions};
use crate::error::Result;
use crate::model::{Article, ArticleId, AuthoredTree, Locale, MediaFiles, Record, RecordId};

#[derive(Debug)]
pub struct KnowledgeBase {
    pub articles: Vec<Article>,
    /// Authored decision trees (checked by `tree::authored::validate`).
    pub trees: Vec<AuthoredTree>,
    pub diagnostics: Vec<Diagnostic>,
    pub options: LoadOptions,
    /// Files looked at and their bytes.
    pub files: usize,
    pub bytes: u64,
    /// Images the articles show that are files in a content root.
    pub media: MediaFiles,
    by_id: HashMap<ArticleId, usize>,
}

impl KnowledgeBase {
    /// Loads content roots. `progress` is told (done, total) files as they are parsed.
    pub fn load(roots: &[PathBuf], options: LoadOptions, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Self> {
        let loaded = load::load(roots, &options, progress)?;
        let by_id = loaded.articles.iter().enumerate().map(|(i, a)| (a.id.clone(), i)).collect();
        Ok(KnowledgeBase {
            articles: loaded.articles,
            trees: loaded.trees,
            diagnostics: loaded.diagnostics,
            options,
            files: loaded.files,
            bytes: loaded.bytes,
            media: loaded.media,
            by_id,
        })
    }

    /// The file a record's text in `locale` comes from (`id` is `<article>#<anchor>`).
    pub fn text_source(&self, id: &str, locale: &Locale) -> Option<&std::path::Path> {
        let id = RecordId::parse(id)?;
        let text = self.article(&id.article)?.record(&id.anchor)?.texts.get(locale)?;
        Some(&text.source.path)
    }

    pub fn article(&self, id: &ArticleId) -> Option<&Article> {
        self.by_id.get(id).map(|&i| &self.articles[i])
    }

    pub fn article_by_str(&self, id: &str) -> Option<&Article> {
        self.articles.get(*self.by_id.get(&ArticleId::sanitize(id))?).filter(|a| a.id.as_str() == id)
    }

    pub fn record(&self, id: &RecordId) -> Option<(&Article, &Record)> {
        let article = self.article(&id.article)?;
        Some((article, article.record(&id.anchor)?))
    }

    /// Every locale any article has, sorted.
    pub fn locales(&self) -> BTreeSet<Locale> {
        self.articles.iter().flat_map(|a| a.variants.keys().cloned()).collect()
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }

    /// The fallback chain for a reader of `locale` in `article`.
    pub fn chain(&self, article: &Article, locale: &Locale) -> Vec<Locale> {
        article.fallback_chain(locale, &self.options.fallback)
    }

    /// Counts for `check`, `/healthz` and the export.
    pub fn summary(&self) -> Summary {
        let mut s =
            Summary { articles: self.articles.len(), files: self.files, bytes: self.bytes, ..Summary::default() };
        for a in &self.articles {
            for (locale, v) in &a.variants {
                *s.variants.entry(locale.to_string()).or_default() += 1;
                if v.freshness.is_outdated() {
                    s.outdated_translations += 1;
                }
                *s.freshness.entry(v.freshness.as_str()).or_default() += 1;
            }
            for r in &a.records {
                s.records += 1;
                for (locale, t) in &r.texts {
                    *s.records_by_kind.entry(r.kind.as_str()).or_default().entry(locale.to_string()).or_default() += 1;
                    s.unresolved_references += t.unresolved_refs.len();
                    s.resolved_references += t.refs.len();
                }
                for locale in a.variants.keys() {
                    if !r.texts.contains_key(locale) {
                        s.untranslated_records += 1;
                    }
                }
            }
        }
        s.locales = self.locales().into_iter().map(|l| l.to_string()).collect();
        for d in &self.diagnostics {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// What `check` reports after the diagnostics (and `--format json` as `summary`).
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub articles: usize,
    pub files: usize,
    pub bytes: u64,
    pub locales: Vec<String>,
    /// Articles per locale.
    pub variants: BTreeMap<String, usize>,
    /// Records (aligned across locales).
    pub records: usize,
    /// Record texts by kind, then locale.
    pub records_by_kind: BTreeMap<&'static str, BTreeMap<String, usize>>,
    /// (record, locale) pairs where the article has the locale but not the record.
    pub untranslated_records: usize,
    pub resolved_references: usize,
    pub unresolved_references: usize,
    /// Variants whose freshness is `older` or `other-revision`.
    pub outdated_translations: usize,
    pub freshness: BTreeMap<&'static str, usize>,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}
