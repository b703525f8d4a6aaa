//! The knowledge-base model: plain data, no I/O.
//!
//! An [`Article`] groups the locale [`Variant`]s of one troubleshooting article;
//! its [`Record`]s (symptoms, causes, solutions, …) are aligned across locales by
//! a stable [`RecordId`] (`<article>#<anchor>`), each holding its text per locale.

mod ids;
mod locale;
mod locale_map;
mod media;

pub use ids::{ArticleId, RecordId, RefTarget};
pub use locale::Locale;
pub use locale_map::LocaleMap;
pub use media::{MediaFiles, image_type};

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;

/// What a record is, by the section it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    Symptom,
    Cause,
    Solution,
    Workaround,
    Info,
    NextSteps,
}

impl RecordKind {
    pub const ALL: [RecordKind; 6] = [
        RecordKind::Symptom,
        RecordKind::Cause,
        RecordKind::Solution,
        RecordKind::Workaround,
        RecordKind::Info,
        RecordKind::NextSteps,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Symptom => "symptom",
            RecordKind::Cause => "cause",
            RecordKind::Solution => "solution",
            RecordKind::Workaround => "workaround",
            RecordKind::Info => "info",
            RecordKind::NextSteps => "next-steps",
        }
    }

    /// Solutions and workarounds both answer a cause.
    pub fn is_remedy(self) -> bool {
        matches!(self, RecordKind::Solution | RecordKind::Workaround)
    }
}

impl std::str::FromStr for RecordKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordKind::ALL.into_iter().find(|k| k.as_str().eq_ignore_ascii_case(s)).ok_or_else(|| {
            format!("unknown record kind `{s}` (expected symptom, cause, solution, workaround, info or next-steps)")
        })
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who wrote a variant: the source language, or a human or machine translation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TranslationType {
    Source,
    Human,
    Machine,
}

impl TranslationType {
    pub fn as_str(self) -> &'static str {
        match self {
            TranslationType::Source => "source",
            TranslationType::Human => "human",
            TranslationType::Machine => "machine",
        }
    }
}

/// How a translation relates to the loaded source-language file (DESIGN.md §1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Freshness {
    /// The source itself, or translated from exactly the loaded source bytes.
    Current,
    /// Translated from another revision whose date equals the source's (or is missing).
    OtherRevision,
    /// Translated from an earlier revision.
    Older,
    /// Translated from a later revision than the loaded source.
    Newer,
    /// No hash, or no source file to compare with.
    Unknown,
}

impl Freshness {
    pub fn as_str(self) -> &'static str {
        match self {
            Freshness::Current => "current",
            Freshness::OtherRevision => "other-revision",
            Freshness::Older => "older",
            Freshness::Newer => "newer",
            Freshness::Unknown => "unknown",
        }
    }

    /// `older` and `other-revision` translations deserve an "outdated" banner.
    pub fn is_outdated(self) -> bool {
        matches!(self, Freshness::Older | Freshness::OtherRevision)
    }
}

/// A date as written in `ms.date` (US `M/D/YYYY`), comparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl DocDate {
    /// Parses `M/D/YYYY` (one- or two-digit month and day); `None` for anything else.
    pub fn parse_us(text: &str) -> Option<DocDate> {
        let mut parts = text.trim().split('/');
        let month: u8 = parts.next()?.trim().parse().ok()?;
        let day: u8 = parts.next()?.trim().parse().ok()?;
        let year: u16 = parts.next()?.trim().parse().ok()?;
        if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        if year < 100 {
            return None;
        }
        Some(DocDate { year, month, day })
    }
}

impl std::fmt::Display for DocDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for DocDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a piece of content came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SourceLocation {
    /// The file path as given (content root joined with the relative path),
    /// shared by the file's records.
    pub path: std::sync::Arc<std::path::Path>,
    /// 1-based line of the record's heading (or first line).
    pub line: usize,
}

/// One locale's copy of an article.
#[derive(Clone, Debug, Serialize)]
pub struct Variant {
    pub locale: Locale,
    pub title: String,
    pub description: Option<String>,
    pub translation: TranslationType,
    pub freshness: Freshness,
    /// `ms.date`, parsed.
    pub date: Option<DocDate>,
    /// `ms.lasthandoff`, parsed.
    pub last_handoff: Option<DocDate>,
    pub path: PathBuf,
    /// Index of the content root (command-line order) the file was loaded from.
    pub root: usize,
    /// Front matter as loaded; keys lowercased, unknown keys kept.
    pub front_matter: serde_json::Map<String, serde_json::Value>,
    /// Anchors of this variant's records, in document order.
    pub record_order: Vec<String>,
}

/// One locale's text of a record.
#[derive(Clone, Debug, Serialize)]
pub struct RecordText {
    /// Heading text as written in this locale (empty for the intro).
    pub title: String,
    /// The record's Markdown, heading included, includes expanded.
    pub markdown: String,
    pub source: SourceLocation,
    /// Cross-article references, resolved.
    pub refs: Vec<RefTarget>,
    /// References that could not be resolved, as `<file stem>#<anchor>`.
    pub unresolved_refs: Vec<String>,
    pub error_codes: BTreeSet<String>,
}

/// A symptom, cause, solution, … aligned across locales.
#[derive(Clone, Debug, Serialize)]
pub struct Record {
    pub id: RecordId,
    pub kind: RecordKind,
    /// Heading of the container the record sits in (`Causes`), per locale.
    pub group: LocaleMap<String>,
    pub texts: LocaleMap<RecordText>,
    /// For symptoms: the causes they lead to; for solutions: the causes they fix.
    pub causes: Vec<RecordId>,
    /// For causes: the solutions and workarounds that fix them.
    pub solutions: Vec<RecordId>,
}

impl Record {
    /// The text to show a reader of `chain[0]`: the first locale of `chain`
    /// this record has, else any text (sorted by locale) so nothing is hidden.
    /// The flag says whether the text is a fallback.
    pub fn text_in<'a>(&'a self, chain: &[Locale]) -> Option<(&'a Locale, &'a RecordText, bool)> {
        for (i, locale) in chain.iter().enumerate() {
            if let Some((l, t)) = self.texts.get_key_value(locale) {
                return Some((l, t, i > 0));
            }
        }
        self.texts.iter().next().map(|(l, t)| (l, t, true))
    }
}

/// A troubleshooting article in all its locales.
#[derive(Clone, Debug, Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub service: Option<String>,
    pub topic: Option<String>,
    pub date: Option<DocDate>,
    pub error_codes: BTreeSet<String>,
    /// The source-language locale, when its file is loaded.
    pub source_locale: Option<Locale>,
    pub variants: LocaleMap<Variant>,
    /// Records in document order of the source variant, then records found only in translations.
    pub records: Vec<Record>,
}

impl Article {
    pub fn record(&self, anchor: &str) -> Option<&Record> {
        self.records.iter().find(|r| r.id.anchor == anchor)
    }

    pub fn records_of(&self, kind: RecordKind) -> impl Iterator<Item = &Record> {
        self.records.iter().filter(move |r| r.kind == kind)
    }

    /// The fallback chain for a reader of `locale`: the locale itself, the
    /// configured chain, the article's source language, then every other locale.
    pub fn fallback_chain(&self, locale: &Locale, configured: &[Locale]) -> Vec<Locale> {
        let mut chain = vec![locale.clone()];
        let mut push = |l: &Locale| {
            if !chain.contains(l) {
                chain.push(l.clone());
            }
        };
        for l in configured {
            push(l);
        }
        if let Some(source) = &self.source_locale {
            push(source);
        }
        for l in self.variants.keys() {
            push(l);
        }
        chain
    }
}

/// An authored decision tree (`trees/*.yaml` in a content root): explicit
/// questions whose texts are Fluent message ids, so one tree serves every locale.
#[derive(Clone, Debug, Serialize)]
pub struct AuthoredTree {
    pub id: String,
    /// Fluent message id of the tree's title.
    pub title: String,
    pub start: String,
    pub nodes: BTreeMap<String, TreeQuestion>,
    pub path: PathBuf,
    /// 1-based line of each node's key in the file, for diagnostics.
    pub lines: BTreeMap<String, usize>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TreeQuestion {
    /// Fluent message id of the question.
    pub question: String,
    pub answers: Vec<TreeAnswer>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TreeAnswer {
    /// Fluent message id of the answer's label.
    pub label: String,
    pub target: AnswerTarget,
}

/// Where an answer leads: another question, a symptom record (the derived
/// walk goes on from there) or an article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerTarget {
    Node(String),
    Record(String),
    Article(String),
}
