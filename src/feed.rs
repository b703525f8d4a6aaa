//! The record feed: one JSON object per record and locale, for `tshoot dump`,
//! `export --format jsonl` and RAG ingestion. The shape is documented in the
//! README; bump [`SCHEMA`] on any breaking change.

use serde::Serialize;

use crate::content::parse::plain_text;
use crate::kb::KnowledgeBase;
use crate::model::{Article, Locale, Record, RecordText, RefTarget};

/// Version of the feed's shape, in every line as `schema`.
pub const SCHEMA: u32 = 1;

#[derive(Debug, Serialize)]
pub struct FeedRecord<'a> {
    pub schema: u32,
    pub id: String,
    pub article: &'a str,
    pub kind: &'static str,
    pub locale: &'a Locale,
    /// The requested locale when this text is a fallback, else null.
    pub fallback_from: Option<&'a Locale>,
    pub title: &'a str,
    pub markdown: &'a str,
    pub text: String,
    pub refs: Vec<String>,
    pub unresolved_refs: &'a [String],
    pub causes: Vec<String>,
    pub solutions: Vec<String>,
    pub group: Option<&'a str>,
    pub service: Option<&'a str>,
    pub error_codes: Vec<&'a str>,
    pub translation: Translation,
    pub source: Source<'a>,
}

#[derive(Debug, Serialize)]
pub struct Translation {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub freshness: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Source<'a> {
    pub path: std::borrow::Cow<'a, str>,
    pub line: usize,
}

/// Every record in every locale it has (`locale: None`), or every record once
/// in `locale` or its fallback.
pub fn records<'a>(kb: &'a KnowledgeBase, locale: Option<&'a Locale>) -> impl Iterator<Item = FeedRecord<'a>> + 'a {
    kb.articles.iter().flat_map(move |article| {
        article.records.iter().flat_map(move |record| {
            let items: Vec<FeedRecord<'a>> = match locale {
                None => record.texts.iter().map(|(l, t)| entry(article, record, l, t, None)).collect(),
                Some(wanted) => {
                    let chain = kb.chain(article, wanted);
                    record
                        .text_in(&chain)
                        .map(|(l, t, fallback)| entry(article, record, l, t, fallback.then_some(wanted)))
                        .into_iter()
                        .collect()
                }
            };
            items
        })
    })
}

fn entry<'a>(
    article: &'a Article,
    record: &'a Record,
    locale: &'a Locale,
    text: &'a RecordText,
    fallback_from: Option<&'a Locale>,
) -> FeedRecord<'a> {
    let variant = article.variants.get(locale);
    let body = text.markdown.split_once('\n').map_or(text.markdown.as_str(), |(head, rest)| {
        if head.trim_start().starts_with('#') { rest } else { text.markdown.as_str() }
    });
    FeedRecord {
        schema: SCHEMA,
        id: record.id.to_string(),
        article: article.id.as_str(),
        kind: record.kind.as_str(),
        locale,
        fallback_from,
        title: &text.title,
        markdown: &text.markdown,
        text: plain_text(body),
        refs: text.refs.iter().map(RefTarget::to_string).collect(),
        unresolved_refs: &text.unresolved_refs,
        causes: record.causes.iter().map(ToString::to_string).collect(),
        solutions: record.solutions.iter().map(ToString::to_string).collect(),
        group: record.group.get(locale).map(String::as_str),
        service: article.service.as_deref(),
        error_codes: text.error_codes.iter().map(String::as_str).collect(),
        translation: Translation {
            kind: variant.map_or("source", |v| v.translation.as_str()),
            freshness: variant.map_or("unknown", |v| v.freshness.as_str()),
        },
        source: Source { path: text.source.path.to_string_lossy(), line: text.source.line },
    }
}
