//! The decision tree: from what a user observes to the solution that fixes it.
//!
//! Derived from content, so every article is walkable without authoring:
//! "Which of these do you see?" over symptoms, then each cause linked to the
//! chosen symptom (article order, adjustable by feedback weights), each with
//! its solutions, "Did this fix it?"; when all are tried, next steps and
//! related articles. The walk is stateless: a [`token`] of the answers so far,
//! naming records by id. The engine returns record ids, Markdown and localized
//! prompts; HTML is render/'s job.

pub mod authored;
pub mod token;

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::content::load::is_reference_only;
use crate::content::parse::plain_text;
use crate::i18n::{Arg, Catalog};
use crate::kb::KnowledgeBase;
use crate::model::{Article, ArticleId, Locale, Record, RecordId, RecordKind, RefTarget};
use crate::search::{SearchIndex, SearchRequest};
use token::{Lookup, Step, TokenError};

/// How a walk begins.
#[derive(Clone, Debug)]
pub enum Entry {
    /// A description in the user's words: symptoms found by search.
    Query(String),
    /// An error code: the symptoms of the articles that carry it.
    ErrorCode(String),
    /// A service (`ms.service`): its articles.
    Service(String),
    Article(ArticleId),
    /// An authored tree (`trees/*.yaml`), by its id.
    Tree(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// Choose among options (symptoms or articles).
    Question,
    /// Try a solution (or check a cause): did it fix it?
    TrySolution,
    Resolved,
    /// Everything was tried: next steps and related articles.
    Escalate,
}

/// A localized prompt and the Fluent message it came from.
#[derive(Clone, Debug, Serialize)]
pub struct Prompt {
    pub message: &'static str,
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    /// A record id, an article id, or `yes` / `no`.
    pub id: String,
    pub label: String,
    /// The state after choosing this option.
    pub token: String,
}

/// A record to show on a node.
#[derive(Clone, Debug, Serialize)]
pub struct Shown {
    pub id: String,
    pub kind: RecordKind,
    /// Why it is shown: `symptom`, `cause`, `solution`, `resolved`, `next-steps`, `reference`.
    pub role: &'static str,
    /// Locale of the text.
    pub locale: Locale,
    /// Set when the text is not in the reader's locale: the localized label to show.
    pub fallback: Option<String>,
    pub title: String,
    pub markdown: String,
    /// The record whose "see …" led here.
    pub via: Option<String>,
    /// References that could not be resolved: show them as links, `<file stem>#<anchor>`.
    pub unresolved_refs: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Crumb {
    pub label: String,
    pub token: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RelatedArticle {
    pub id: String,
    pub title: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Node {
    pub id: String,
    pub kind: NodeKind,
    pub prompt: Prompt,
    pub options: Vec<Choice>,
    pub records: Vec<Shown>,
    /// The answers so far, each with the token that returns to it.
    pub breadcrumbs: Vec<Crumb>,
    /// This node's state; empty for a start node.
    pub token: String,
    /// The previous node's state (`Some("")` means: back to the start).
    pub back: Option<String>,
    pub related: Vec<RelatedArticle>,
}

impl Node {
    /// A node that ends a walk (fixed, or everything tried): no options.
    fn end(
        id: String,
        kind: NodeKind,
        prompt: Prompt,
        shows: Shows,
        breadcrumbs: Vec<Crumb>,
        token: String,
        back: Option<String>,
    ) -> Node {
        let Shows { records, related } = shows;
        Node { id, kind, prompt, options: Vec::new(), records, breadcrumbs, token, back, related }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("no article `{0}`")]
    UnknownArticle(String),
    #[error("no decision tree `{0}`")]
    UnknownTree(String),
    #[error("a free-text start needs the search index")]
    NoSearch,
    #[error("search failed")]
    Search(#[from] crate::search::SearchError),
}

/// The walk engine over one knowledge base.
pub struct Engine<'a> {
    kb: &'a KnowledgeBase,
    catalog: &'a Catalog,
    lookup: Lookup,
    /// Feedback weights by record id, around 1.0 for untried records (higher
    /// first); causes and solutions keep article order among equals.
    pub weights: HashMap<RecordId, f32>,
}

/// One planned attempt: a cause with one of its remedies, or alone.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub cause: Option<RecordId>,
    pub remedy: Option<RecordId>,
}

impl Attempt {
    /// What a yes/no answer names.
    pub fn key(&self) -> Option<&RecordId> {
        self.remedy.as_ref().or(self.cause.as_ref())
    }
}

/// What a node shows, without the path to it: its records and related
/// articles. The static export precomputes these per attempt.
#[derive(Clone, Debug, Default)]
pub struct Shows {
    pub records: Vec<Shown>,
    pub related: Vec<RelatedArticle>,
}

/// Options a start node lists at most (symptoms, then articles).
pub const MAX_OPTIONS: usize = 8;
const MAX_REFERENCE_DEPTH: usize = 4;

impl<'a> Engine<'a> {
    pub fn new(kb: &'a KnowledgeBase, catalog: &'a Catalog) -> Engine<'a> {
        Engine { kb, catalog, lookup: Lookup::new(kb), weights: HashMap::new() }
    }

    fn msg(&self, locale: &Locale, id: &'static str, args: &[(&str, Arg)]) -> Prompt {
        Prompt { message: id, text: self.catalog.message(locale, id, args) }
    }

    fn token(&self, steps: &[Step]) -> String {
        token::encode(self.lookup.fingerprint(), steps)
    }

    /// The first node of a walk.
    pub fn start(&self, entry: &Entry, search: Option<&SearchIndex>, locale: &Locale) -> Result<Node, TreeError> {
        let mut symptoms: Vec<RecordId> = Vec::new();
        let mut articles: Vec<ArticleId> = Vec::new();
        match entry {
            Entry::Tree(id) => {
                let tree =
                    self.kb.trees.iter().find(|t| &t.id == id).ok_or_else(|| TreeError::UnknownTree(id.clone()))?;
                return self.node(&self.token(&[Step::Node(tree.id.clone(), tree.start.clone())]), locale);
            }
            Entry::Article(id) => {
                let article = self.kb.article(id).ok_or_else(|| TreeError::UnknownArticle(id.to_string()))?;
                symptoms.extend(article.records_of(RecordKind::Symptom).map(|r| r.id.clone()));
                if symptoms.is_empty() {
                    return self.node(&self.token(&[Step::Article(id.clone())]), locale);
                }
            }
            Entry::ErrorCode(code) => {
                let code = code.to_lowercase();
                for a in self.kb.articles.iter().filter(|a| a.error_codes.contains(&code)) {
                    let before = symptoms.len();
                    symptoms.extend(a.records_of(RecordKind::Symptom).map(|r| r.id.clone()));
                    if symptoms.len() == before {
                        articles.push(a.id.clone());
                    }
                }
            }
            Entry::Service(service) => {
                articles.extend(
                    self.kb.articles.iter().filter(|a| a.service.as_deref() == Some(service)).map(|a| a.id.clone()),
                );
            }
            Entry::Query(text) => {
                let index = search.ok_or(TreeError::NoSearch)?;
                let mut request = SearchRequest::new(text.clone(), locale.clone());
                request.kind = Some(RecordKind::Symptom);
                request.limit = MAX_OPTIONS;
                for hit in index.search(&request)?.hits {
                    if let Some(id) = RecordId::parse(&hit.id) {
                        symptoms.push(id);
                    }
                }
                if symptoms.is_empty() {
                    // Articles without symptom sections are still walkable.
                    request.kind = None;
                    request.per_article = true;
                    for hit in index.search(&request)?.hits {
                        articles.push(ArticleId::sanitize(&hit.article));
                    }
                }
            }
        }
        let mut options = Vec::new();
        for id in symptoms.iter().take(MAX_OPTIONS) {
            if let Some((article, record)) = self.kb.record(id) {
                options.push(Choice {
                    id: id.to_string(),
                    label: self.label(article, record, locale),
                    token: self.token(&[Step::Symptom(id.clone())]),
                });
            }
        }
        for id in articles.iter().take(MAX_OPTIONS.saturating_sub(options.len()).max(if symptoms.is_empty() {
            50
        } else {
            0
        })) {
            if let Some(article) = self.kb.article(id) {
                options.push(Choice {
                    id: id.to_string(),
                    label: self.article_title(article, locale),
                    token: self.token(&[Step::Article(id.clone())]),
                });
            }
        }
        let prompt = match (entry, options.is_empty()) {
            (Entry::Query(q) | Entry::ErrorCode(q), true) => {
                self.msg(locale, "tree-no-match", &[("query", Arg::Str(q.clone()))])
            }
            _ => self.msg(locale, "tree-which-symptom", &[]),
        };
        Ok(Node {
            id: "start".to_owned(),
            kind: NodeKind::Question,
            prompt,
            options,
            records: Vec::new(),
            breadcrumbs: Vec::new(),
            token: String::new(),
            back: None,
            related: Vec::new(),
        })
    }

    /// The answer a token ends with, when it is "fixed it" or "did not fix it":
    /// (record, fixed). For feedback.
    pub fn last_answer(&self, token: &str) -> Option<(RecordId, bool)> {
        match self.lookup.decode(token).ok()?.pop()? {
            Step::Yes(id) => Some((id, true)),
            Step::No(id) => Some((id, false)),
            _ => None,
        }
    }

    /// The node a token stands for.
    pub fn node(&self, token: &str, locale: &Locale) -> Result<Node, TreeError> {
        let steps = self.lookup.decode(token)?;
        self.node_for(&steps, locale)
    }

    fn node_for(&self, all: &[Step], locale: &Locale) -> Result<Node, TreeError> {
        // Questions of an authored tree come first; the derived walk follows.
        let split = all.iter().position(|s| !matches!(s, Step::Node(..))).unwrap_or(all.len());
        let (prefix, steps) = all.split_at(split);
        if steps.is_empty() {
            return self.question(prefix, locale);
        }
        let (article, symptom) = match steps.first() {
            Some(Step::Symptom(s)) => {
                let (a, r) = self.kb.record(s).ok_or(TokenError::Stale)?;
                (a, Some(r))
            }
            Some(Step::Article(a)) => (self.kb.article(a).ok_or(TokenError::Stale)?, None),
            _ => return Err(TokenError::Malformed.into()),
        };
        let plan = self.plan(article, symptom);
        let mut rejected: HashSet<&RecordId> = HashSet::new();
        let mut fixed = None;
        for (i, step) in steps.iter().enumerate().skip(1) {
            match step {
                Step::No(id) if plan.iter().any(|p| p.key() == Some(id)) => {
                    rejected.insert(id);
                }
                Step::Yes(id) if i == steps.len() - 1 && plan.iter().any(|p| p.key() == Some(id)) => fixed = Some(id),
                _ => return Err(TokenError::Malformed.into()),
            }
        }
        let token = self.token(all);
        let back = Some(if all.len() > 1 { self.token(&all[..all.len() - 1]) } else { String::new() });
        let breadcrumbs = self.breadcrumbs(all, locale);

        if let Some(id) = fixed {
            let shows = self.resolved_shows(id, locale);
            let prompt = self.msg(locale, "tree-resolved", &[]);
            return Ok(Node::end(
                format!("resolved:{id}"),
                NodeKind::Resolved,
                prompt,
                shows,
                breadcrumbs,
                token,
                back,
            ));
        }

        let next = plan.iter().find(|p| p.key().is_some_and(|k| !rejected.contains(k)));
        let Some(attempt) = next else {
            let shows = self.escalate_shows(article, steps, locale);
            let prompt = self.msg(locale, "tree-escalate", &[]);
            let id = format!("escalate:{}", article.id);
            return Ok(Node::end(id, NodeKind::Escalate, prompt, shows, breadcrumbs, token, back));
        };
        let Shows { records, related } = self.attempt_shows(article, symptom, attempt, locale);
        let key = attempt.key().cloned().ok_or(TokenError::Malformed)?;
        let with = |s: Step| {
            let mut v = all.to_vec();
            v.push(s);
            self.token(&v)
        };
        let options = vec![
            Choice {
                id: "yes".to_owned(),
                label: self.catalog.message(locale, "tree-yes", &[]),
                token: with(Step::Yes(key.clone())),
            },
            Choice {
                id: "no".to_owned(),
                label: self.catalog.message(locale, "tree-no", &[]),
                token: with(Step::No(key.clone())),
            },
        ];
        Ok(Node {
            id: format!("try:{key}"),
            kind: NodeKind::TrySolution,
            prompt: self.msg(locale, "tree-did-it-fix", &[]),
            options,
            records,
            breadcrumbs,
            token,
            back,
            related,
        })
    }

    /// A question of an authored tree; `steps` are all tree nodes, the last one current.
    fn question(&self, steps: &[Step], locale: &Locale) -> Result<Node, TreeError> {
        let Some(Step::Node(tree_id, node_id)) = steps.last() else { return Err(TokenError::Malformed.into()) };
        let tree = self.kb.trees.iter().find(|t| &t.id == tree_id).ok_or(TokenError::Stale)?;
        let question = tree.nodes.get(node_id).ok_or(TokenError::Stale)?;
        let with = |s: Step| {
            let mut v = steps.to_vec();
            v.push(s);
            self.token(&v)
        };
        let mut options = Vec::new();
        for answer in &question.answers {
            let (id, step) = match &answer.target {
                crate::model::AnswerTarget::Node(n) => {
                    (format!("{tree_id}/{n}"), Step::Node(tree_id.clone(), n.clone()))
                }
                crate::model::AnswerTarget::Record(r) => {
                    match RecordId::parse(r).filter(|id| self.kb.record(id).is_some()) {
                        Some(id) => (r.clone(), Step::Symptom(id)),
                        None => continue,
                    }
                }
                crate::model::AnswerTarget::Article(a) => {
                    let id = ArticleId::sanitize(a);
                    if self.kb.article(&id).is_none() {
                        continue;
                    }
                    (a.clone(), Step::Article(id))
                }
            };
            options.push(Choice { id, label: self.catalog.message(locale, &answer.label, &[]), token: with(step) });
        }
        Ok(Node {
            id: format!("tree:{tree_id}/{node_id}"),
            kind: NodeKind::Question,
            prompt: Prompt { message: "tree-question", text: self.catalog.message(locale, &question.question, &[]) },
            options,
            records: Vec::new(),
            breadcrumbs: self.breadcrumbs(&steps[..steps.len() - 1], locale),
            token: self.token(steps),
            back: (steps.len() > 1).then(|| self.token(&steps[..steps.len() - 1])),
            related: Vec::new(),
        })
    }

    /// Causes of the symptom (or of the article), most likely first, each with
    /// its remedies; a cause without remedies is an attempt of its own, and an
    /// article without causes tries its remedies directly.
    pub fn plan(&self, article: &Article, symptom: Option<&Record>) -> Vec<Attempt> {
        // Feedback weights are around 1.0 (untried); a cause weighs what its
        // best remedy weighs unless it was answered on its own.
        let weight = |id: &RecordId| -> f32 {
            if let Some(w) = self.weights.get(id) {
                return *w;
            }
            article
                .record(&id.anchor)
                .filter(|r| r.kind == RecordKind::Cause && r.id.article == article.id)
                .and_then(|r| r.solutions.iter().filter_map(|s| self.weights.get(s)).copied().reduce(f32::max))
                .unwrap_or(1.0)
        };
        let order = |ids: &mut Vec<RecordId>| {
            let pos = |id: &RecordId| article.records.iter().position(|r| &r.id == id).unwrap_or(usize::MAX);
            ids.sort_by(|a, b| weight(b).total_cmp(&weight(a)).then(pos(a).cmp(&pos(b))));
        };
        let mut causes: Vec<RecordId> = match symptom {
            Some(s) if !s.causes.is_empty() => s.causes.clone(),
            _ => article.records_of(RecordKind::Cause).map(|r| r.id.clone()).collect(),
        };
        order(&mut causes);
        let mut plan = Vec::new();
        for c in causes {
            let mut remedies = article.record(&c.anchor).map(|r| r.solutions.clone()).unwrap_or_default();
            order(&mut remedies);
            if remedies.is_empty() {
                plan.push(Attempt { cause: Some(c.clone()), remedy: None });
            }
            for r in remedies {
                plan.push(Attempt { cause: Some(c.clone()), remedy: Some(r) });
            }
        }
        if plan.is_empty() {
            let mut remedies: Vec<RecordId> =
                article.records.iter().filter(|r| r.kind.is_remedy()).map(|r| r.id.clone()).collect();
            order(&mut remedies);
            plan.extend(remedies.into_iter().map(|r| Attempt { cause: None, remedy: Some(r) }));
        }
        plan
    }

    /// What trying `attempt` shows: the symptom (when one was chosen), the cause, the remedy.
    pub fn attempt_shows(
        &self,
        article: &Article,
        symptom: Option<&Record>,
        attempt: &Attempt,
        locale: &Locale,
    ) -> Shows {
        let mut seen = HashSet::new();
        let mut related = Vec::new();
        let mut records = Vec::new();
        if let Some(s) = symptom {
            self.show(article, s, "symptom", None, locale, &mut records, &mut seen, &mut related, 0);
        }
        if let Some((a, c)) = attempt.cause.as_ref().and_then(|c| self.kb.record(c)) {
            self.show(a, c, "cause", None, locale, &mut records, &mut seen, &mut related, 0);
        }
        if let Some((a, r)) = attempt.remedy.as_ref().and_then(|r| self.kb.record(r)) {
            self.show(a, r, "solution", None, locale, &mut records, &mut seen, &mut related, 0);
        }
        Shows { records, related }
    }

    /// What "this fixed it" (`id`) shows.
    pub fn resolved_shows(&self, id: &RecordId, locale: &Locale) -> Shows {
        let mut seen = HashSet::new();
        let mut related = Vec::new();
        let mut records = Vec::new();
        if let Some((a, r)) = self.kb.record(id) {
            self.show(a, r, "resolved", None, locale, &mut records, &mut seen, &mut related, 0);
        }
        Shows { records, related }
    }

    /// What a walk of `article` shows when everything was tried; `steps` are
    /// its derived steps (from the symptom or article on), whose records'
    /// references name related articles.
    pub fn escalate_shows(&self, article: &Article, steps: &[Step], locale: &Locale) -> Shows {
        let mut records = Vec::new();
        let mut seen = HashSet::new();
        let mut related = Vec::new();
        for r in article.records_of(RecordKind::NextSteps) {
            self.show(article, r, "next-steps", None, locale, &mut records, &mut seen, &mut related, 0);
        }
        // Articles referenced along the way are related too.
        let mut referenced = BTreeSet::new();
        for step in steps {
            if let Step::No(id) | Step::Symptom(id) = step
                && let Some((_, r)) = self.kb.record(id)
            {
                for t in r.texts.values() {
                    for target in &t.refs {
                        let a = match target {
                            RefTarget::Record(rid) => &rid.article,
                            RefTarget::Article(aid) => aid,
                        };
                        if a != &article.id {
                            referenced.insert(a.clone());
                        }
                    }
                }
            }
        }
        for a in referenced {
            if let Some(art) = self.kb.article(&a)
                && !related.iter().any(|r: &RelatedArticle| r.id == a.as_str())
            {
                related.push(RelatedArticle { id: a.to_string(), title: self.article_title(art, locale) });
            }
        }
        Shows { records, related }
    }

    /// Adds `record` in the reader's locale (or its fallback, labelled), then,
    /// when its text only points elsewhere ("see 401003 … solution 1"), the
    /// records it points at, each once: cycles end at a record already shown.
    #[allow(clippy::too_many_arguments)]
    fn show(
        &self,
        article: &Article,
        record: &Record,
        role: &'static str,
        via: Option<&RecordId>,
        locale: &Locale,
        out: &mut Vec<Shown>,
        seen: &mut HashSet<RecordId>,
        related: &mut Vec<RelatedArticle>,
        depth: usize,
    ) {
        if !seen.insert(record.id.clone()) {
            return;
        }
        let chain = self.kb.chain(article, locale);
        let Some((text_locale, text, fallback)) = record.text_in(&chain) else { return };
        let fallback = fallback.then(|| {
            self.catalog.message(locale, "tree-not-translated", &[("language", Arg::Str(text_locale.to_string()))])
        });
        out.push(Shown {
            id: record.id.to_string(),
            kind: record.kind,
            role,
            locale: text_locale.clone(),
            fallback,
            title: text.title.clone(),
            markdown: text.markdown.clone(),
            via: via.map(ToString::to_string),
            unresolved_refs: text.unresolved_refs.clone(),
        });
        if depth >= MAX_REFERENCE_DEPTH || !is_reference_only(text) {
            return;
        }
        for target in &text.refs {
            match target {
                RefTarget::Record(id) => {
                    if let Some((a, r)) = self.kb.record(id) {
                        self.show(a, r, "reference", Some(&record.id), locale, out, seen, related, depth + 1);
                    }
                }
                RefTarget::Article(id) => {
                    if let Some(a) = self.kb.article(id)
                        && !related.iter().any(|r| r.id == id.as_str())
                    {
                        related.push(RelatedArticle { id: id.to_string(), title: self.article_title(a, locale) });
                    }
                }
            }
        }
    }

    fn breadcrumbs(&self, steps: &[Step], locale: &Locale) -> Vec<Crumb> {
        (1..=steps.len())
            .map(|n| {
                let label = match &steps[n - 1] {
                    Step::Article(a) => self.kb.article(a).map(|a| self.article_title(a, locale)).unwrap_or_default(),
                    Step::Node(t, n) => self
                        .kb
                        .trees
                        .iter()
                        .find(|tree| &tree.id == t)
                        .and_then(|tree| tree.nodes.get(n))
                        .map(|q| self.catalog.message(locale, &q.question, &[]))
                        .unwrap_or_default(),
                    Step::Symptom(id) | Step::No(id) | Step::Yes(id) => {
                        self.kb.record(id).map(|(a, r)| self.label(a, r, locale)).unwrap_or_default()
                    }
                };
                Crumb { label, token: self.token(&steps[..n]) }
            })
            .collect()
    }

    /// A short label for a record: the first sentence of its text in the reader's locale.
    pub fn label(&self, article: &Article, record: &Record, locale: &Locale) -> String {
        let chain = self.kb.chain(article, locale);
        let Some((_, text, _)) = record.text_in(&chain) else { return record.id.to_string() };
        let body = text.markdown.split_once('\n').map_or("", |(_, b)| b);
        let plain = plain_text(body);
        let first = plain.lines().find(|l| !l.trim().is_empty()).unwrap_or(&text.title);
        let mut label: String = first.chars().take(160).collect();
        if first.chars().count() > 160 {
            label.push('…');
        }
        if label.trim().is_empty() { text.title.clone() } else { label }
    }

    /// An article's title in the reader's locale (or its fallback).
    pub fn article_title(&self, article: &Article, locale: &Locale) -> String {
        let chain = self.kb.chain(article, locale);
        chain.iter().find_map(|l| article.variants.get(l)).map_or_else(|| article.id.to_string(), |v| v.title.clone())
    }
}
