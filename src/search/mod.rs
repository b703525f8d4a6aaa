//! Multilingual search over records. tantivy lives only in this module: our
//! [`SearchRequest`] goes in, our [`Hits`] come out.
//!
//! One document per record text (per locale it is written in) plus one per
//! article variant. A reader of locale L searches the L documents, and the
//! documents of records that have no L text (found through their fallback
//! text and marked as such). Error codes match exactly in any locale and rank
//! first; longer words tolerate typos.

pub mod analyzer;
pub mod baseline;
pub mod suggest;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use serde::Serialize;
use sha1::{Digest, Sha1};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STRING, Schema, TantivyDocument, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, IndexReader, Searcher, Term};

use crate::content::codes::{self, TextKind};
use crate::kb::KnowledgeBase;
use crate::model::{Article, Locale, RecordKind};
use analyzer::{CODE_ANALYZER, LANGUAGES, analysis_of, analyzer_name, language_key, terms};

/// What to search for.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    pub text: String,
    /// The reader's locale.
    pub locale: Locale,
    pub kind: Option<RecordKind>,
    pub service: Option<String>,
    /// Only records carrying this error code (canonical lowercase form).
    pub error_code: Option<String>,
    /// Keep only the best hit of each article.
    pub per_article: bool,
    pub limit: usize,
    pub offset: usize,
    /// Score multipliers by record or article id: the hook for feedback
    /// (solutions that fixed problems rank higher). Empty means none.
    pub boosts: Arc<HashMap<String, f32>>,
}

impl SearchRequest {
    pub fn new(text: impl Into<String>, locale: Locale) -> Self {
        SearchRequest {
            text: text.into(),
            locale,
            kind: None,
            service: None,
            error_code: None,
            per_article: false,
            limit: 10,
            offset: 0,
            boosts: Arc::default(),
        }
    }
}

/// Guesses the locale of a query from its script and letters, for callers that
/// give none: kana → ja, Han → zh, then letters only one language uses; else `fallback`.
pub fn detect_locale(text: &str, fallback: &Locale) -> Locale {
    let has = |f: &dyn Fn(char) -> bool| text.chars().any(f);
    let tag = if has(&|c| matches!(c, '\u{3040}'..='\u{30ff}')) {
        "ja-jp"
    } else if has(&|c| matches!(c, '\u{4e00}'..='\u{9fff}')) {
        "zh-cn"
    } else if has(&|c| "ąćęłńśźżĄĆĘŁŃŚŹŻ".contains(c)) {
        "pl-pl"
    } else if has(&|c| "ãõçÃÕÇ".contains(c)) {
        "pt-br"
    } else if has(&|c| "åÅ".contains(c)) {
        "sv-se"
    } else if has(&|c| "äöüßÄÖÜ".contains(c)) {
        "de-de"
    } else {
        return fallback.clone();
    };
    Locale::parse(tag).unwrap_or_else(|| fallback.clone())
}

/// Search results: one hit per record (or article), best first.
#[derive(Clone, Debug, Serialize)]
pub struct Hits {
    /// Matching records after de-duplication, among the best 100 documents
    /// (more when a later page asks for more): a lower bound on large result sets.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// The query with words the content never uses replaced by close known ones ("did you mean").
    pub suggestion: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    /// A record id (`<article>#<anchor>`), or an article id for article documents.
    pub id: String,
    pub article: String,
    /// A record kind, or `article`.
    pub kind: String,
    /// The locale of the text that matched.
    pub locale: String,
    /// True when the record has no text in the requested locale.
    pub fallback: bool,
    pub title: String,
    /// A fragment of the text with matches in `<b>…</b>`; everything else HTML-escaped.
    pub snippet_html: String,
    pub score: f32,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Facets {
    pub kind: BTreeMap<String, usize>,
    pub service: BTreeMap<String, usize>,
    pub locale: BTreeMap<String, usize>,
    pub error_code: BTreeMap<String, usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index error")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder `{}`", path.display())]
    Io {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{}` is not empty and holds no tshoot index; choose an empty folder for the index", path.display())]
    ForeignDir { path: std::path::PathBuf },
}

/// What [`SearchIndex::open_or_build`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IndexUpdate {
    /// Articles whose documents were kept from the saved index.
    pub reused: usize,
    /// Articles (re)indexed because they are new or changed.
    pub indexed: usize,
    /// Articles removed from the index.
    pub removed: usize,
}

/// Bump when the schema or the documents change shape: saved indexes are rebuilt.
const SCHEMA_VERSION: u32 = 5;

/// Documents read per search for facets and de-duplication; `total` counts
/// the distinct records among them.
const FACET_DOCS: usize = 100;
const MANIFEST: &str = "tshoot-index.json";

/// Saved beside the index: a content hash per article.
#[derive(Serialize, serde::Deserialize)]
struct Manifest {
    schema: u32,
    articles: BTreeMap<String, String>,
}

/// The fast field naming a document's [`DocMeta`].
const KEY_FIELD: &str = "key";

#[derive(Clone, Copy)]
struct Fields {
    article: Field,
    kind: Field,
    /// [`doc_key`] of the document: its entry in [`SearchIndex::docs`].
    key: Field,
    /// Locales whose readers may see this text: the one it is written in, and
    /// those the record has no text in (they find it as a fallback).
    readers: Field,
    service: Field,
    codes: Field,
    /// Codes in the article's titles: the article is *about* them.
    title_codes: Field,
    title: [Field; LANGUAGES.len()],
    body: [Field; LANGUAGES.len()],
}

/// An in-memory index of a knowledge base.
pub struct SearchIndex {
    reader: IndexReader,
    fields: Fields,
    /// Language keys of the articles' source locales (queried for fallback texts).
    source_languages: BTreeSet<&'static str>,
    vocabulary: suggest::Vocabulary,
    /// Every document's id, kind, locale, service and codes by [`doc_key`]:
    /// de-duplication and facets over the best 100 documents read these,
    /// not the document store (each stored document sits in a compressed
    /// block of its own; reading 100 cost more than running the query).
    docs: foldhash::HashMap<u64, DocMeta>,
    code_names: suggest::CodeNames,
}

/// What a search needs to know of a document besides its text.
#[derive(Debug)]
struct DocMeta {
    /// A record id, or an article id for article documents.
    id: String,
    article: Arc<str>,
    /// A record kind, or `article`.
    kind: &'static str,
    /// The locale the text is written in.
    locale: Locale,
    service: Option<Arc<str>>,
    codes: Box<[String]>,
}

/// A document's key: stable across runs, as saved indexes are reused.
fn doc_key(id: &str, locale: &Locale) -> u64 {
    let mut hasher = Sha1::new();
    hasher.update(id.as_bytes());
    hasher.update([0]);
    hasher.update(locale.as_str().as_bytes());
    let digest = hasher.finalize();
    u64::from_le_bytes(std::array::from_fn(|i| digest[i]))
}

/// Every document of the index ([`documents`]) as [`DocMeta`] by key.
fn doc_metas(kb: &KnowledgeBase) -> foldhash::HashMap<u64, DocMeta> {
    let mut docs = foldhash::HashMap::default();
    for a in &kb.articles {
        let article: Arc<str> = Arc::from(a.id.as_str());
        let service: Option<Arc<str>> = a.service.as_deref().map(Arc::from);
        for d in documents(a) {
            let meta = DocMeta {
                article: article.clone(),
                kind: d.kind,
                locale: d.locale.clone(),
                service: service.clone(),
                codes: d.codes.iter().cloned().collect(),
                id: d.id,
            };
            docs.insert(doc_key(&meta.id, d.locale), meta);
        }
    }
    docs
}

/// One document: an article variant, or one locale's text of a record.
struct Document<'a> {
    /// A record id, or the article id.
    id: String,
    /// A record kind, or `article`.
    kind: &'static str,
    locale: &'a Locale,
    /// Whether the record (or article) has text in a locale; readers of the
    /// other locales see this document as a fallback.
    has_locale: Box<dyn Fn(&Locale) -> bool + 'a>,
    codes: &'a BTreeSet<String>,
    title: &'a str,
    /// Plain text, or Markdown to turn into plain text.
    body: Body<'a>,
}

enum Body<'a> {
    Plain(&'a str),
    Markdown(&'a str),
}

/// The documents of an article, in a fixed order: the index and the
/// in-memory table ([`doc_metas`]) are both made from this.
fn documents(a: &Article) -> impl Iterator<Item = Document<'_>> {
    let variants = a.variants.iter().map(move |(loc, variant)| Document {
        id: a.id.to_string(),
        kind: "article",
        locale: loc,
        has_locale: Box::new(move |l| a.variants.contains_key(l)),
        codes: &a.error_codes,
        title: &variant.title,
        body: Body::Plain(variant.description.as_deref().unwrap_or("")),
    });
    let texts = a.records.iter().flat_map(move |r| {
        r.texts.iter().map(move |(loc, text)| {
            // The intro has no heading: it goes by the article's title.
            let (title, body) = if text.title.is_empty() {
                (a.variants.get(loc).map_or("", |v| v.title.as_str()), text.markdown.as_str())
            } else {
                (text.title.as_str(), text.markdown.split_once('\n').map_or("", |(_, b)| b))
            };
            Document {
                id: r.id.to_string(),
                kind: r.kind.as_str(),
                locale: loc,
                has_locale: Box::new(move |l| r.texts.contains_key(l)),
                codes: &text.error_codes,
                title,
                body: Body::Markdown(body),
            }
        })
    });
    variants.chain(texts)
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

fn lang_index(key: &str) -> usize {
    LANGUAGES.iter().position(|(l, _)| *l == key).unwrap_or(LANGUAGES.len() - 1)
}

/// Weight per record kind: symptom text above cause and solution text, above the rest.
fn kind_weight(kind: &str) -> f32 {
    match kind {
        "symptom" => 1.3,
        "cause" | "solution" | "workaround" => 1.1,
        "article" => 0.6,
        _ => 0.8,
    }
}

impl SearchIndex {
    /// Builds an in-memory index of a knowledge base.
    pub fn build(kb: &KnowledgeBase) -> Result<SearchIndex, SearchError> {
        Self::build_with_progress(kb, &|_, _| {})
    }

    /// Builds an in-memory index; `progress` is told (done, total) articles.
    pub fn build_with_progress(
        kb: &KnowledgeBase,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<SearchIndex, SearchError> {
        let (schema, fields) = schema();
        let index = Index::builder().schema(schema).settings(index_settings()).create_in_ram()?;
        analyzer::register(&index);
        let mut writer = index.writer_with_num_threads(2, 64 * 1024 * 1024)?;
        let docs = all_docs(&fields, kb, progress);
        for doc in docs.into_iter().flatten() {
            writer.add_document(doc)?;
        }
        writer.commit()?;
        SearchIndex::over(&index, fields, kb)
    }

    /// A searcher over `index`, with the in-memory tables made from `kb`.
    fn over(index: &Index, fields: Fields, kb: &KnowledgeBase) -> Result<SearchIndex, SearchError> {
        Ok(SearchIndex {
            reader: index.reader()?,
            fields,
            source_languages: source_languages(kb),
            vocabulary: suggest::Vocabulary::build(kb),
            docs: doc_metas(kb),
            code_names: suggest::CodeNames::build(kb),
        })
    }

    /// Opens the index saved in `dir` and brings it up to date with `kb`:
    /// articles whose content changed since the manifest are re-indexed, the
    /// rest is reused. A missing, foreign-version or damaged index is rebuilt.
    /// `progress` is told (done, total) articles as documents are prepared.
    pub fn open_or_build(
        kb: &KnowledgeBase,
        dir: &Path,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<(SearchIndex, IndexUpdate), SearchError> {
        std::fs::create_dir_all(dir).map_err(|source| SearchError::Io { path: dir.to_path_buf(), source })?;
        let manifest_path = dir.join(MANIFEST);
        let old: Option<Manifest> = std::fs::read(&manifest_path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(|m: &Manifest| m.schema == SCHEMA_VERSION);
        let (schema, _) = schema();
        let opened = match &old {
            Some(_) => tantivy::directory::MmapDirectory::open(dir)
                .ok()
                .and_then(|d| Index::open(d).ok())
                .filter(|i| i.schema() == schema),
            None => None,
        };
        // Which locales exist changes every document's `missing` field: part of each hash.
        let locales = kb.locales();
        let locale_key = locales.iter().map(Locale::as_str).collect::<Vec<_>>().join(",");
        let current: BTreeMap<String, String> = kb
            .articles
            .iter()
            .map(|a| (a.id.to_string(), format!("{}-{}", article_hash(a), short(&locale_key))))
            .collect();
        let (index, previous) = match (opened, old) {
            (Some(index), Some(m)) => (index, m.articles),
            _ => {
                // Only wipe what is ours: an empty folder or one holding our manifest.
                clear_index_dir(dir)?;
                let d = tantivy::directory::MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
                (Index::create(d, schema, index_settings())?, BTreeMap::new())
            }
        };
        analyzer::register(&index);
        let fields = fields_of(&index.schema())?;
        let changed: Vec<&Article> =
            kb.articles.iter().filter(|a| previous.get(a.id.as_str()) != current.get(a.id.as_str())).collect();
        let removed: Vec<&String> = previous.keys().filter(|id| !current.contains_key(*id)).collect();
        let mut update =
            IndexUpdate { reused: kb.articles.len() - changed.len(), indexed: changed.len(), removed: removed.len() };
        if !changed.is_empty() || !removed.is_empty() {
            let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(2, 64 * 1024 * 1024)?;
            let stale: Vec<String> =
                removed.iter().map(|id| id.to_string()).chain(changed.iter().map(|a| a.id.to_string())).collect();
            for id in &stale {
                writer.delete_term(Term::from_field_text(fields.article, id));
            }
            let total = changed.len();
            let done = std::sync::atomic::AtomicUsize::new(0);
            let docs: Vec<Vec<TantivyDocument>> = changed
                .par_iter()
                .map(|a| {
                    let d = article_docs(&fields, a, &locales);
                    progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
                    d
                })
                .collect();
            for doc in docs.into_iter().flatten() {
                writer.add_document(doc)?;
            }
            writer.commit()?;
        } else {
            update.indexed = 0;
        }
        let manifest = Manifest { schema: SCHEMA_VERSION, articles: current };
        let bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        std::fs::write(&manifest_path, bytes)
            .map_err(|source| SearchError::Io { path: manifest_path.clone(), source })?;
        Ok((SearchIndex::over(&index, fields, kb)?, update))
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<Hits, SearchError> {
        let searcher = self.reader.searcher();
        let Some((query, words)) = self.query(&searcher, request) else {
            return Ok(Hits { total: 0, hits: Vec::new(), facets: Facets::default(), suggestion: None });
        };

        // Enough documents for the page after de-duplication, and for facets.
        let wanted = ((request.offset + request.limit) * 3).max(FACET_DOCS);
        let top = searcher.search(&query, &TopDocs::with_limit(wanted).order_by_score())?;
        let keys =
            searcher.segment_readers().iter().map(|s| s.fast_fields().u64(KEY_FIELD)).collect::<Result<Vec<_>, _>>()?;
        let mut seen = foldhash::HashSet::default();
        let mut found: Vec<(f32, DocAddress, &DocMeta)> = Vec::new();
        for (score, address) in top {
            let meta = keys[address.segment_ord as usize].first(address.doc_id).and_then(|k| self.docs.get(&k));
            let Some(meta) = meta else { continue };
            // A record found in several fallback locales counts once; with
            // `per_article`, an article counts once.
            let key: &str = if request.per_article { &meta.article } else { &meta.id };
            if !seen.insert(key) {
                continue;
            }
            let fallback = meta.locale != request.locale;
            let feedback = request.boosts.get(&meta.id).copied().unwrap_or(1.0);
            let score = score * kind_weight(meta.kind) * if fallback { 0.8 } else { 1.0 } * feedback;
            found.push((score, address, meta));
        }
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut facets = Facets::default();
        for (_, _, meta) in &found {
            *facets.kind.entry(meta.kind.to_owned()).or_default() += 1;
            *facets.locale.entry(meta.locale.to_string()).or_default() += 1;
            if let Some(s) = &meta.service {
                *facets.service.entry(s.to_string()).or_default() += 1;
            }
            for c in &meta.codes {
                *facets.error_code.entry(c.clone()).or_default() += 1;
            }
        }

        // Only the shown hits are read from the store and get a snippet.
        let mut generators: BTreeMap<usize, SnippetGenerator> = BTreeMap::new();
        let mut hits = Vec::new();
        for (score, address, meta) in found.iter().skip(request.offset).take(request.limit) {
            let li = lang_index(language_key(meta.locale.language()));
            let doc: TantivyDocument = searcher.doc(*address)?;
            let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("");
            if let std::collections::btree_map::Entry::Vacant(e) = generators.entry(li) {
                let mut g = SnippetGenerator::create(&searcher, &query, self.fields.body[li])?;
                g.set_max_num_chars(200);
                e.insert(g);
            }
            let body = snippet_window(text(self.fields.body[li]), words.get(&li).map_or(&[], Vec::as_slice));
            let snippet_html = generators.get(&li).map(|g| g.snippet(body).to_html()).unwrap_or_default();
            hits.push(Hit {
                id: meta.id.clone(),
                article: meta.article.to_string(),
                kind: meta.kind.to_owned(),
                locale: meta.locale.to_string(),
                fallback: meta.locale != request.locale,
                title: text(self.fields.title[li]).to_owned(),
                snippet_html,
                score: *score,
            });
        }
        let suggestion = self.vocabulary.suggest(&request.text);
        Ok(Hits { total: found.len(), hits, facets, suggestion })
    }

    /// The query for a request, and the terms it looks for by language index
    /// (to place snippets); `None` when the text yields nothing to look for.
    fn query(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
    ) -> Option<(BooleanQuery, HashMap<usize, Vec<String>>)> {
        let f = self.fields;
        let reader_key = language_key(request.locale.language());
        let mut languages: Vec<&'static str> = vec![reader_key];
        for l in &self.source_languages {
            if !languages.contains(l) {
                languages.push(l);
            }
        }

        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let boosted =
            |q: Box<dyn Query>, b: f32| -> (Occur, Box<dyn Query>) { (Occur::Should, Box::new(BoostQuery::new(q, b))) };
        let mut by_language = HashMap::new();
        for (n, key) in languages.iter().enumerate() {
            let li = lang_index(key);
            let weight = if n == 0 { 1.0 } else { 0.6 };
            let words = terms(analysis_of(key), &request.text);
            let mut seen = HashSet::new();
            for w in &words {
                if !seen.insert(w.clone()) {
                    continue;
                }
                for (field, b) in [(f.title[li], 3.0), (f.body[li], 1.0)] {
                    let term = Term::from_field_text(field, w);
                    should.push(boosted(
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                        b * weight,
                    ));
                    let chars = w.chars().count();
                    // Typos in words, never in numbers (610001 is not 610002), and only for
                    // words the index does not know: exact hits are not drowned, and
                    // walking the term dictionary is the costliest part of a search.
                    let unknown = || searcher.doc_freq(&term).is_ok_and(|n| n == 0);
                    if chars >= 5 && n == 0 && !w.chars().any(|c| c.is_ascii_digit()) && unknown() {
                        let distance = if chars >= 9 { 2 } else { 1 };
                        should.push(boosted(Box::new(FuzzyTermQuery::new(term, distance, true)), 0.4 * b * weight));
                    }
                }
            }
            // Words close together in the text score higher.
            if n == 0 && words.len() >= 2 && words.len() <= 12 {
                let phrase: Vec<(usize, Term)> =
                    words.iter().enumerate().map(|(i, w)| (i, Term::from_field_text(f.body[li], w))).collect();
                let mut q = PhraseQuery::new_with_offset(phrase);
                q.set_slop(3);
                should.push(boosted(Box::new(q), 2.0));
            }
            by_language.insert(li, words);
        }
        // Error codes: exact in any locale, ranked first; long names tolerate typos.
        let mut code_terms = BTreeSet::new();
        codes::extract(&request.text, request.locale.language(), TextKind::Body, &mut code_terms);
        for token in request.text.split(|c: char| !c.is_alphanumeric()) {
            let token = token.to_lowercase();
            if token.chars().count() >= 5 && token.chars().any(|c| c.is_ascii_alphanumeric()) {
                code_terms.insert(token);
            }
        }
        for code in &code_terms {
            let term = Term::from_field_text(f.codes, code);
            should.push(boosted(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), 20.0));
            let about = Term::from_field_text(f.title_codes, code);
            should.push(boosted(Box::new(TermQuery::new(about, IndexRecordOption::Basic)), 30.0));
            for name in self.code_names.close_to(code) {
                let term = Term::from_field_text(f.codes, name);
                let q = TermQuery::new(term, IndexRecordOption::Basic);
                should.push((Occur::Should, Box::new(ConstScoreQuery::new(Box::new(q), 8.0))));
            }
        }
        if should.is_empty() {
            return None;
        }

        // Which documents a reader of L may see: L texts, and texts of records
        // without L. A filter: it adds nothing to the score.
        let reader = Term::from_field_text(f.readers, request.locale.as_str());
        let visible = TermQuery::new(reader, IndexRecordOption::Basic);
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(BooleanQuery::new(should))),
            (Occur::Must, Box::new(ConstScoreQuery::new(Box::new(visible), 0.0))),
        ];
        if let Some(kind) = request.kind {
            let t = Term::from_field_text(f.kind, kind.as_str());
            must.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
        }
        if let Some(service) = &request.service {
            let t = Term::from_field_text(f.service, service);
            must.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
        }
        if let Some(code) = &request.error_code {
            let t = Term::from_field_text(f.codes, &code.to_lowercase());
            must.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
        }
        Some((BooleanQuery::new(must), by_language))
    }
}

/// Characters a snippet is cut from: room for a 200-character fragment
/// around the first match, a little of the text before it.
const SNIPPET_WINDOW: usize = 280;
const SNIPPET_LEAD: usize = 60;

/// The part of `text` a snippet is taken from: a window around the first
/// place one of `terms` occurs (terms are stems, mostly prefixes of the words
/// in the text), else its start. Snippets tokenize and stem what they are
/// given: whole long bodies made them a fifth of a search.
fn snippet_window<'t>(text: &'t str, terms: &[String]) -> &'t str {
    if text.len() <= SNIPPET_WINDOW {
        return text;
    }
    let lower = text.as_bytes().to_ascii_lowercase();
    let first = terms
        .iter()
        .filter(|t| !t.is_empty())
        .filter_map(|t| memchr::memmem::find(&lower, t.as_bytes()))
        .min()
        .unwrap_or(0);
    let first = (0..=first).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
    let lead = text[..first].char_indices().rev().nth(SNIPPET_LEAD - 1).map_or(0, |(i, _)| i);
    let end = text[lead..].char_indices().nth(SNIPPET_WINDOW).map_or(text.len(), |(i, _)| lead + i);
    &text[lead..end]
}

/// Smaller document-store blocks than tantivy's 16 KB: a search reads the
/// shown hits from the store, and each read decompresses a whole block.
fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings { docstore_blocksize: 4096, ..Default::default() }
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let article = builder.add_text_field("article", STRING);
    let kind = builder.add_text_field("kind", STRING);
    let key = builder.add_u64_field(KEY_FIELD, FAST);
    let readers = builder.add_text_field("readers", STRING);
    let service = builder.add_text_field("service", STRING);
    let code_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(CODE_ANALYZER).set_index_option(IndexRecordOption::Basic),
    );
    let codes = builder.add_text_field("codes", code_options.clone());
    let title_codes = builder.add_text_field("title_codes", code_options);
    let text_options = |key: &str| {
        TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(&analyzer_name(key))
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
            .set_stored()
    };
    let title: [Field; LANGUAGES.len()] = std::array::from_fn(|i| {
        builder.add_text_field(&format!("title_{}", LANGUAGES[i].0), text_options(LANGUAGES[i].0))
    });
    let body: [Field; LANGUAGES.len()] = std::array::from_fn(|i| {
        builder.add_text_field(&format!("body_{}", LANGUAGES[i].0), text_options(LANGUAGES[i].0))
    });
    (builder.build(), Fields { article, kind, key, readers, service, codes, title_codes, title, body })
}

fn fields_of(schema: &Schema) -> Result<Fields, SearchError> {
    let f = |name: &str| schema.get_field(name).map_err(SearchError::from);
    let mut title = [f("article")?; LANGUAGES.len()];
    let mut body = title;
    for (i, (key, _)) in LANGUAGES.iter().enumerate() {
        title[i] = f(&format!("title_{key}"))?;
        body[i] = f(&format!("body_{key}"))?;
    }
    Ok(Fields {
        article: f("article")?,
        kind: f("kind")?,
        key: f(KEY_FIELD)?,
        readers: f("readers")?,
        service: f("service")?,
        codes: f("codes")?,
        title_codes: f("title_codes")?,
        title,
        body,
    })
}

fn source_languages(kb: &KnowledgeBase) -> BTreeSet<&'static str> {
    kb.articles.iter().filter_map(|a| a.source_locale.as_ref()).map(|l| language_key(l.language())).collect()
}

/// Documents for every article, prepared in parallel.
fn all_docs(
    fields: &Fields,
    kb: &KnowledgeBase,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Vec<Vec<TantivyDocument>> {
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = kb.articles.len();
    let locales = kb.locales();
    kb.articles
        .par_iter()
        .map(|a| {
            let d = article_docs(fields, a, &locales);
            progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
            d
        })
        .collect()
}

/// One document per article variant and one per record text ([`documents`]).
fn article_docs(fields: &Fields, a: &Article, locales: &BTreeSet<Locale>) -> Vec<TantivyDocument> {
    // Codes in the titles (and the error names) say what the article is about.
    let mut about = BTreeSet::new();
    for (loc, variant) in &a.variants {
        codes::extract(&variant.title, loc.language(), TextKind::Title, &mut about);
    }
    about.extend(a.error_codes.iter().filter(|c| c.chars().all(|ch| ch.is_ascii_alphabetic())).cloned());
    documents(a)
        .map(|d| {
            let li = lang_index(language_key(d.locale.language()));
            let mut doc = TantivyDocument::default();
            doc.add_u64(fields.key, doc_key(&d.id, d.locale));
            doc.add_text(fields.article, a.id.as_str());
            doc.add_text(fields.kind, d.kind);
            doc.add_text(fields.readers, d.locale.as_str());
            for l in locales.iter().filter(|l| !(d.has_locale)(l)) {
                doc.add_text(fields.readers, l.as_str());
            }
            for c in &about {
                doc.add_text(fields.title_codes, c);
            }
            if let Some(s) = &a.service {
                doc.add_text(fields.service, s);
            }
            for c in d.codes {
                doc.add_text(fields.codes, c);
            }
            doc.add_text(fields.title[li], d.title);
            match d.body {
                Body::Plain(text) => doc.add_text(fields.body[li], text),
                Body::Markdown(md) => doc.add_text(fields.body[li], crate::content::parse::plain_text(md)),
            }
            doc
        })
        .collect()
}

/// A content hash of everything an article puts into the index. `DefaultHasher`
/// is stable within a Rust release; a toolchain change at worst rebuilds.
fn article_hash(a: &Article) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    a.id.as_str().hash(&mut h);
    a.service.hash(&mut h);
    a.error_codes.hash(&mut h);
    for (loc, v) in &a.variants {
        (loc.as_str(), &v.title, &v.description).hash(&mut h);
    }
    for r in &a.records {
        (r.id.to_string(), r.kind.as_str()).hash(&mut h);
        for (loc, t) in &r.texts {
            (loc.as_str(), &t.title, &t.markdown, &t.error_codes).hash(&mut h);
        }
    }
    format!("{:016x}", h.finish())
}

fn short(text: &str) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    format!("{:08x}", h.finish() as u32)
}

fn clear_index_dir(dir: &Path) -> Result<(), SearchError> {
    let io = |source| SearchError::Io { path: dir.to_path_buf(), source };
    let entries: Vec<_> = std::fs::read_dir(dir).map_err(io)?.collect::<Result<_, _>>().map_err(io)?;
    if entries.is_empty() {
        return Ok(());
    }
    if !dir.join(MANIFEST).exists() {
        return Err(SearchError::ForeignDir { path: dir.to_path_buf() });
    }
    for e in entries {
        let path = e.path();
        let result = if path.is_dir() { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        result.map_err(|source| SearchError::Io { path, source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_windows_surround_the_first_match() {
        let filler = "lorem ipsum dolor sit amet ".repeat(40);
        let text = format!("{filler}The Device disconnected after the token expired. {filler}");
        let window = snippet_window(&text, &["nothing".into(), "disconnect".into()]);
        assert!(window.contains("Device disconnected after"), "{window}");
        assert!(window.chars().count() <= SNIPPET_WINDOW && window.len() < text.len());
        assert!(snippet_window(&text, &["absent".into()]).starts_with("lorem"), "no match: the start");
        let short = "A short text.";
        assert_eq!(snippet_window(short, &["text".into()]), short);
        // Multi-byte text is cut on character boundaries, counted in characters.
        let zh = format!("{}设备断开连接{}", "文".repeat(400), "字".repeat(400));
        let window = snippet_window(&zh, &["断开".into()]);
        assert!(window.contains("设备断开连接") && window.chars().count() == SNIPPET_WINDOW, "{window}");
    }

    #[test]
    fn detects_locale_from_script_and_letters() {
        let en = Locale::parse("en-us").expect("locale");
        let d = |t: &str| detect_locale(t, &en).to_string();
        assert_eq!(d("设备断开连接"), "zh-cn");
        assert_eq!(d("デバイスが切断される"), "ja-jp");
        assert_eq!(d("urządzenie się rozłącza"), "pl-pl");
        assert_eq!(d("Gerät trennt die Verbindung"), "de-de");
        assert_eq!(d("anslutningen bröts på enheten"), "sv-se");
        assert_eq!(d("conexão perdida"), "pt-br");
        assert_eq!(d("device disconnects"), "en-us");
    }
}
