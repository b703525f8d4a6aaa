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

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, Term};

use crate::content::codes::{self, TextKind};
use crate::kb::KnowledgeBase;
use crate::model::{Locale, RecordKind};
use analyzer::{CODE_ANALYZER, LANGUAGES, analysis_of, analyzer_name, language_key, terms};

/// What to search for.
#[derive(Clone, Debug)]
pub struct SearchRequest {
    pub text: String,
    /// The reader's locale.
    pub locale: Locale,
    pub kind: Option<RecordKind>,
    pub service: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

impl SearchRequest {
    pub fn new(text: impl Into<String>, locale: Locale) -> Self {
        SearchRequest { text: text.into(), locale, kind: None, service: None, limit: 10, offset: 0 }
    }
}

/// Search results: one hit per record (or article), best first.
#[derive(Clone, Debug, Serialize)]
pub struct Hits {
    /// Matching records after de-duplication (among the first 1,000 documents).
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
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
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    article: Field,
    kind: Field,
    /// Locale the text is written in.
    locale: Field,
    /// Locales the record has text in (a record missing in L is searched through its fallback).
    present: Field,
    service: Field,
    codes: Field,
    /// Codes in the article's titles: the article is *about* them.
    title_codes: Field,
    title: [Field; LANGUAGES.len()],
    body: [Field; LANGUAGES.len()],
}

/// An in-memory index of a knowledge base.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Language keys of the articles' source locales (queried for fallback texts).
    source_languages: BTreeSet<&'static str>,
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
    /// Builds the index from a knowledge base.
    pub fn build(kb: &KnowledgeBase) -> Result<SearchIndex, SearchError> {
        let mut builder = Schema::builder();
        let id = builder.add_text_field("id", STRING | STORED);
        let article = builder.add_text_field("article", STRING | STORED);
        let kind = builder.add_text_field("kind", STRING | STORED);
        let locale = builder.add_text_field("locale", STRING | STORED);
        let present = builder.add_text_field("present", STRING);
        let service = builder.add_text_field("service", STRING | STORED);
        let code_options = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default().set_tokenizer(CODE_ANALYZER).set_index_option(IndexRecordOption::Basic),
            )
            .set_stored();
        let codes_field = builder.add_text_field("codes", code_options.clone());
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
        let fields =
            Fields { id, article, kind, locale, present, service, codes: codes_field, title_codes, title, body };
        let index = Index::create_in_ram(builder.build());
        analyzer::register(&index);

        let mut writer = index.writer_with_num_threads(2, 64 * 1024 * 1024)?;
        let mut source_languages = BTreeSet::new();
        for a in &kb.articles {
            if let Some(l) = &a.source_locale {
                source_languages.insert(language_key(l.language()));
            }
            let mut about = BTreeSet::new();
            for (loc, variant) in &a.variants {
                codes::extract(&variant.title, loc.language(), TextKind::Title, &mut about);
            }
            about.extend(a.error_codes.iter().filter(|c| c.chars().all(|ch| ch.is_ascii_alphabetic())).cloned());
            let add_about = |doc: &mut TantivyDocument| {
                for c in &about {
                    doc.add_text(fields.title_codes, c);
                }
            };
            for (loc, variant) in &a.variants {
                let li = lang_index(language_key(loc.language()));
                let mut doc = TantivyDocument::default();
                doc.add_text(fields.id, a.id.as_str());
                doc.add_text(fields.article, a.id.as_str());
                doc.add_text(fields.kind, "article");
                add_about(&mut doc);
                doc.add_text(fields.locale, loc.as_str());
                for l in a.variants.keys() {
                    doc.add_text(fields.present, l.as_str());
                }
                if let Some(s) = &a.service {
                    doc.add_text(fields.service, s);
                }
                for c in &a.error_codes {
                    doc.add_text(fields.codes, c);
                }
                doc.add_text(fields.title[li], &variant.title);
                doc.add_text(fields.body[li], variant.description.as_deref().unwrap_or(""));
                writer.add_document(doc)?;
            }
            for r in &a.records {
                for (loc, text) in &r.texts {
                    let li = lang_index(language_key(loc.language()));
                    let mut doc = TantivyDocument::default();
                    doc.add_text(fields.id, r.id.to_string());
                    doc.add_text(fields.article, a.id.as_str());
                    doc.add_text(fields.kind, r.kind.as_str());
                    add_about(&mut doc);
                    doc.add_text(fields.locale, loc.as_str());
                    for l in r.texts.keys() {
                        doc.add_text(fields.present, l.as_str());
                    }
                    if let Some(s) = &a.service {
                        doc.add_text(fields.service, s);
                    }
                    for c in &text.error_codes {
                        doc.add_text(fields.codes, c);
                    }
                    let title = if text.title.is_empty() {
                        a.variants.get(loc).map_or("", |v| v.title.as_str())
                    } else {
                        text.title.as_str()
                    };
                    doc.add_text(fields.title[li], title);
                    let body = text.markdown.split_once('\n').map_or("", |(_, b)| b);
                    let body = if text.title.is_empty() { text.markdown.as_str() } else { body };
                    doc.add_text(fields.body[li], crate::content::parse::plain_text(body));
                    writer.add_document(doc)?;
                }
            }
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(SearchIndex { index, reader, fields, source_languages })
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<Hits, SearchError> {
        let f = self.fields;
        let searcher = self.reader.searcher();
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
                    if chars >= 5 && n == 0 {
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
            should.push(boosted(Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)), 20.0));
            let about = Term::from_field_text(f.title_codes, code);
            should.push(boosted(Box::new(TermQuery::new(about, IndexRecordOption::Basic)), 30.0));
            if code.chars().count() >= 9 && code.chars().all(|c| c.is_ascii_alphabetic()) {
                should.push(boosted(Box::new(FuzzyTermQuery::new(term, 2, true)), 8.0));
            }
        }
        if should.is_empty() {
            return Ok(Hits { total: 0, hits: Vec::new(), facets: Facets::default() });
        }

        // Which documents a reader of L may see: L texts, and texts of records without L.
        let locale_term = Term::from_field_text(f.locale, request.locale.as_str());
        let present_term = Term::from_field_text(f.present, request.locale.as_str());
        let in_locale: Box<dyn Query> = Box::new(TermQuery::new(locale_term, IndexRecordOption::Basic));
        let lacks_locale: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, Box::new(tantivy::query::AllQuery) as Box<dyn Query>),
            (Occur::MustNot, Box::new(TermQuery::new(present_term, IndexRecordOption::Basic))),
        ]));
        let visible = BooleanQuery::new(vec![(Occur::Should, in_locale), (Occur::Should, lacks_locale)]);
        let mut must: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(BooleanQuery::new(should))), (Occur::Must, Box::new(visible))];
        if let Some(kind) = request.kind {
            let t = Term::from_field_text(f.kind, kind.as_str());
            must.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
        }
        if let Some(service) = &request.service {
            let t = Term::from_field_text(f.service, service);
            must.push((Occur::Must, Box::new(TermQuery::new(t, IndexRecordOption::Basic))));
        }
        let query = BooleanQuery::new(must);

        let top = searcher.search(&query, &TopDocs::with_limit(1000).order_by_score())?;
        let mut generators: BTreeMap<usize, SnippetGenerator> = BTreeMap::new();
        let mut seen = HashSet::new();
        let mut all: Vec<(Hit, TantivyDocument)> = Vec::new();
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let get = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_owned();
            let id = get(f.id);
            let text_locale = get(f.locale);
            // A record found in several fallback locales counts once.
            if !seen.insert(id.clone()) {
                continue;
            }
            let kind = get(f.kind);
            let key = Locale::parse(&text_locale).map_or("default", |l| language_key(l.language()));
            let li = lang_index(key);
            let title = get(f.title[li]);
            let fallback = text_locale != request.locale.as_str();
            let score = score * kind_weight(&kind) * if fallback { 0.8 } else { 1.0 };
            all.push((
                Hit {
                    id,
                    article: get(f.article),
                    kind,
                    locale: text_locale,
                    fallback,
                    title,
                    snippet_html: String::new(),
                    score,
                },
                doc,
            ));
        }
        all.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
        let mut facets = Facets::default();
        for (hit, doc) in &all {
            *facets.kind.entry(hit.kind.clone()).or_default() += 1;
            *facets.locale.entry(hit.locale.clone()).or_default() += 1;
            if let Some(s) = doc.get_first(f.service).and_then(|v| v.as_str()) {
                *facets.service.entry(s.to_owned()).or_default() += 1;
            }
            for c in doc.get_all(f.codes).filter_map(|v| v.as_str()) {
                *facets.error_code.entry(c.to_owned()).or_default() += 1;
            }
        }
        let total = all.len();
        let mut hits = Vec::new();
        for (mut hit, doc) in all.into_iter().skip(request.offset).take(request.limit) {
            let key = Locale::parse(&hit.locale).map_or("default", |l| language_key(l.language()));
            let li = lang_index(key);
            if let std::collections::btree_map::Entry::Vacant(e) = generators.entry(li) {
                let mut g = SnippetGenerator::create(&searcher, &query, f.body[li])?;
                g.set_max_num_chars(200);
                e.insert(g);
            }
            if let Some(g) = generators.get(&li) {
                hit.snippet_html = g.snippet_from_doc(&doc).to_html();
            }
            hits.push(hit);
        }
        let _ = &self.index;
        Ok(Hits { total, hits, facets })
    }
}
