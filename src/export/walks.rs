//! The offline troubleshooter: walk descriptions per locale, loaded by `<script>` tags.
//!
//! Not one file per node: per article, what every node of its walks shows,
//! precomputed with the [`Engine`] (its plan, its reference expansion, its
//! labels), so `assets/troubleshoot.js` only replays a token's steps. Tokens
//! are the server's: the same `#s=<token>` opens the same node offline.
//!
//! Files in `<site>/<locale>/walk/`, each plain JavaScript calling
//! `tshootWalkData(locale, name, data)` (no fetch, modules or wasm: they are
//! blocked on `file://`):
//!
//! ```text
//! meta.js   {v, fp, shards, keys, msg: {id: text}, err: {malformed, version, stale},
//!            trees: {id: {title, start, nodes: {id: {h, q, o: [[label, tag, hash]]}}}}}
//! k<N>.js   {hash: article id | record id}: how a token's first derived step is
//!           found; N = first hash byte % keys
//! a<N>.js   {article id: {t, h, n, w: [start], k: {hash: key}, rec: {record id: record}}};
//!           N = FNV-1a (32 bit, UTF-8) of the article id % shards
//! ```
//!
//! Hashes are the 6-byte short hashes of a token's steps, in lowercase hex.
//! An article: `t` title, `h` hash of its `a` step, `w` its walk starts: first
//! its `n` symptoms (record order), then records authored trees lead to, last
//! the walk without a symptom (`id` null). A start: `id`, `h` (its step hash),
//! `l` label, `p` the plan `[{k: key hash, r, x}]` (what trying it shows), `e`
//! what escalating shows. A key (a record a yes/no answer names): `id`, `l`
//! label, `r`, `x` (what "it fixed it" shows). Shown records `r` are
//! `[[record id, role]]`, related articles `x` are `[[id, title, href]]`, and
//! a record (in `rec`) is `{h: sanitized HTML, f: fallback badge, u: [unresolved refs]}`.
//! Record ids of the article's own records are written `#<anchor>`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::export::PageMap;
use crate::i18n::{Arg, Catalog};
use crate::kb::KnowledgeBase;
use crate::model::{AnswerTarget, Article, ArticleId, Locale, Record, RecordId, RecordKind};
use crate::render::markdown_html;
use crate::tree::token::{self, Step, TokenError};
use crate::tree::{Engine, Shows};

/// The script that walks this data: `<site>/assets/troubleshoot.js`.
pub const TROUBLESHOOT_JS: &str = include_str!("assets/troubleshoot.js");

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkStats {
    pub articles: usize,
    pub files: usize,
    pub bytes: u64,
}

const MAX_SHARDS: usize = 256;

/// How many articles and keys go in one file (about: hashes spread them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalkLayout {
    pub articles_per_shard: usize,
    pub keys_per_file: usize,
}

impl Default for WalkLayout {
    fn default() -> Self {
        WalkLayout { articles_per_shard: 40, keys_per_file: 500 }
    }
}

/// UI strings the script needs; arguments become `{name}` placeholders.
const MESSAGES: &[(&str, &[&str])] = &[
    ("tree-which-symptom", &[]),
    ("tree-did-it-fix", &[]),
    ("tree-yes", &[]),
    ("tree-no", &[]),
    ("tree-resolved", &[]),
    ("tree-escalate", &[]),
    ("tree-no-match", &["query"]),
    ("tree-symptom", &[]),
    ("tree-cause", &[]),
    ("tree-solution", &[]),
    ("tree-fixed-by", &[]),
    ("tree-next-steps", &[]),
    ("tree-related", &[]),
    ("tree-back", &[]),
    ("tree-not-translated", &["language"]),
    ("tree-unresolved", &["target"]),
    ("tree-reference", &["article"]),
    ("portal-troubleshoot", &[]),
    ("portal-steps", &[]),
    ("portal-describe", &[]),
    ("portal-search-button", &[]),
];

/// The shard of an article: FNV-1a (32 bit) of its id's UTF-8 bytes, modulo `shards`.
pub fn shard_of(id: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize % shards.max(1)
}

/// A record id as the data writes it: `#<anchor>` within its own article.
fn relative(article: &ArticleId, id: &str) -> String {
    id.strip_prefix(article.as_str()).filter(|rest| rest.starts_with('#')).unwrap_or(id).to_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the walk data of `locale` into `dir` (`<site>/<locale>/walk/`).
pub fn write_walks(
    kb: &KnowledgeBase,
    catalog: &Catalog,
    pages: &PageMap,
    locale: &Locale,
    dir: &Path,
) -> std::io::Result<WalkStats> {
    write_walks_with(kb, catalog, pages, locale, dir, WalkLayout::default())
}

/// [`write_walks`] with another file layout (tests use tiny files).
pub fn write_walks_with(
    kb: &KnowledgeBase,
    catalog: &Catalog,
    pages: &PageMap,
    locale: &Locale,
    dir: &Path,
    layout: WalkLayout,
) -> std::io::Result<WalkStats> {
    std::fs::create_dir_all(dir)?;
    let engine = Engine::new(kb, catalog);
    let mut stats = WalkStats { articles: kb.articles.len(), ..WalkStats::default() };

    // Records authored trees lead to are walk starts too, symptoms or not.
    let mut tree_starts: HashMap<ArticleId, Vec<RecordId>> = HashMap::new();
    for tree in &kb.trees {
        for question in tree.nodes.values() {
            for answer in &question.answers {
                if let AnswerTarget::Record(r) = &answer.target
                    && let Some(id) = RecordId::parse(r).filter(|id| kb.record(id).is_some())
                {
                    let starts = tree_starts.entry(id.article.clone()).or_default();
                    if !starts.contains(&id) {
                        starts.push(id);
                    }
                }
            }
        }
    }

    let shards = kb.articles.len().div_ceil(layout.articles_per_shard.max(1)).clamp(1, MAX_SHARDS);
    let mut shard_data: Vec<Map<String, Value>> = vec![Map::new(); shards];
    let mut keys: Vec<(String, String)> = Vec::new();
    for article in &kb.articles {
        let extra = tree_starts.get(&article.id).map_or(&[][..], Vec::as_slice);
        let walk = ArticleWalk { engine: &engine, kb, pages, locale };
        let (data, article_keys) = walk.article(article, extra);
        shard_data[shard_of(article.id.as_str(), shards)].insert(article.id.to_string(), data);
        keys.extend(article_keys);
    }

    let key_files = keys.len().div_ceil(layout.keys_per_file.max(1)).clamp(1, 256);
    let mut key_data: Vec<BTreeMap<String, String>> = vec![BTreeMap::new(); key_files];
    for (hash, target) in keys {
        let first = u8::from_str_radix(&hash[..2], 16).unwrap_or(0);
        key_data[usize::from(first) % key_files].insert(hash, target);
    }

    let mut write = |name: &str, data: &Value| -> std::io::Result<()> {
        let text = script(locale, name, data);
        std::fs::write(dir.join(format!("{name}.js")), &text)?;
        stats.files += 1;
        stats.bytes += text.len() as u64;
        Ok(())
    };
    write("meta", &meta(kb, catalog, locale, shards, key_files))?;
    for (n, data) in shard_data.into_iter().enumerate() {
        write(&format!("a{n}"), &Value::Object(data))?;
    }
    for (n, data) in key_data.into_iter().enumerate() {
        write(&format!("k{n}"), &json!(data))?;
    }
    Ok(stats)
}

/// `tshootWalkData("<locale>","<name>",<data>);`
fn script(locale: &Locale, name: &str, data: &Value) -> String {
    let json = data.to_string().replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    format!("tshootWalkData({},{},{json});\n", Value::from(locale.as_str()), Value::from(name))
}

fn meta(kb: &KnowledgeBase, catalog: &Catalog, locale: &Locale, shards: usize, key_files: usize) -> Value {
    let mut msg = Map::new();
    for (id, args) in MESSAGES {
        let args: Vec<(&str, Arg)> = args.iter().map(|a| (*a, Arg::Str(format!("{{{a}}}")))).collect();
        msg.insert((*id).to_owned(), Value::from(catalog.message(locale, id, &args)));
    }
    let err = json!({
        "malformed": TokenError::Malformed.to_string(),
        "version": TokenError::Version(255).to_string().replace("255", "{version}"),
        "stale": TokenError::Stale.to_string(),
    });
    let mut trees = Map::new();
    for tree in &kb.trees {
        let mut nodes = Map::new();
        for (node_id, question) in &tree.nodes {
            let mut options = Vec::new();
            for answer in &question.answers {
                let step = match &answer.target {
                    AnswerTarget::Node(n) => Step::Node(tree.id.clone(), n.clone()),
                    AnswerTarget::Record(r) => match RecordId::parse(r).filter(|id| kb.record(id).is_some()) {
                        Some(id) => Step::Symptom(id),
                        None => continue,
                    },
                    AnswerTarget::Article(a) => {
                        let id = ArticleId::sanitize(a);
                        if kb.article(&id).is_none() {
                            continue;
                        }
                        Step::Article(id)
                    }
                };
                options.push(json!([
                    catalog.message(locale, &answer.label, &[]),
                    char::from(step.tag()).to_string(),
                    hex(&step.hash()),
                ]));
            }
            let step = Step::Node(tree.id.clone(), node_id.clone());
            nodes.insert(
                node_id.clone(),
                json!({
                    "h": hex(&step.hash()),
                    "q": catalog.message(locale, &question.question, &[]),
                    "o": options,
                }),
            );
        }
        trees.insert(
            tree.id.clone(),
            json!({ "title": catalog.message(locale, &tree.title, &[]), "start": tree.start, "nodes": nodes }),
        );
    }
    json!({
        "v": token::VERSION,
        "fp": hex(&token::fingerprint(kb)),
        "shards": shards,
        "keys": key_files,
        "msg": msg,
        "err": err,
        "trees": trees,
    })
}

struct ArticleWalk<'a> {
    engine: &'a Engine<'a>,
    kb: &'a KnowledgeBase,
    pages: &'a PageMap,
    locale: &'a Locale,
}

impl ArticleWalk<'_> {
    /// An article's walk data, and its key entries (hash → id).
    fn article(&self, article: &Article, extra: &[RecordId]) -> (Value, Vec<(String, String)>) {
        let mut recs = Map::new();
        let mut key_data = Map::new();
        let mut keys = Vec::new();
        let article_step = Step::Article(article.id.clone());
        keys.push((hex(&article_step.hash()), article.id.to_string()));

        let symptoms: Vec<&Record> = article.records_of(RecordKind::Symptom).collect();
        let mut starts: Vec<Option<&Record>> = symptoms.iter().copied().map(Some).collect();
        for id in extra {
            if let Some(r) = article.record(&id.anchor).filter(|r| r.kind != RecordKind::Symptom) {
                starts.push(Some(r));
            }
        }
        starts.push(None);

        let mut walks = Vec::new();
        for symptom in starts {
            let (id, step, label) = match symptom {
                Some(r) => (
                    Value::from(relative(&article.id, &r.id.to_string())),
                    Step::Symptom(r.id.clone()),
                    self.engine.label(article, r, self.locale),
                ),
                None => (Value::Null, article_step.clone(), self.engine.article_title(article, self.locale)),
            };
            if let Some(r) = symptom {
                keys.push((hex(&step.hash()), r.id.to_string()));
            }
            let plan = self.engine.plan(article, symptom);
            let mut attempts = Vec::new();
            let mut steps = vec![step.clone()];
            let mut tried = HashSet::new();
            for attempt in &plan {
                let Some(key) = attempt.key() else { continue };
                let key_hash = hex(&Step::No(key.clone()).hash());
                if tried.insert(key.clone()) {
                    steps.push(Step::No(key.clone()));
                }
                if !key_data.contains_key(&key_hash) {
                    let label =
                        self.kb.record(key).map(|(a, r)| self.engine.label(a, r, self.locale)).unwrap_or_default();
                    let shows = self.engine.resolved_shows(key, self.locale);
                    let mut entry = self.shows(article, shows, &mut recs);
                    entry.insert("id".to_owned(), Value::from(relative(&article.id, &key.to_string())));
                    entry.insert("l".to_owned(), Value::from(label));
                    key_data.insert(key_hash.clone(), Value::Object(entry));
                }
                let shows = self.engine.attempt_shows(article, symptom, attempt, self.locale);
                let mut entry = self.shows(article, shows, &mut recs);
                entry.insert("k".to_owned(), Value::from(key_hash));
                attempts.push(Value::Object(entry));
            }
            let escalate = self.shows(article, self.engine.escalate_shows(article, &steps, self.locale), &mut recs);
            walks.push(json!({
                "id": id,
                "h": hex(&step.hash()),
                "l": label,
                "p": attempts,
                "e": escalate,
            }));
        }
        let data = json!({
            "t": self.engine.article_title(article, self.locale),
            "h": hex(&article_step.hash()),
            "n": symptoms.len(),
            "w": walks,
            "k": key_data,
            "rec": recs,
        });
        (data, keys)
    }

    /// `{r, x}` for what a node shows; adds the records' texts to `recs`.
    fn shows(&self, article: &Article, shows: Shows, recs: &mut Map<String, Value>) -> Map<String, Value> {
        let mut shown = Vec::new();
        for r in shows.records {
            let id = relative(&article.id, &r.id);
            shown.push(json!([id, r.role]));
            if !recs.contains_key(&id) {
                let mut rec = Map::new();
                rec.insert(
                    "h".to_owned(),
                    Value::from(markdown_html(&r.markdown, &|d| self.pages.link(self.locale, d))),
                );
                if let Some(f) = r.fallback {
                    rec.insert("f".to_owned(), Value::from(f));
                }
                if !r.unresolved_refs.is_empty() {
                    rec.insert("u".to_owned(), json!(r.unresolved_refs));
                }
                recs.insert(id, Value::Object(rec));
            }
        }
        let related: Vec<Value> = shows
            .related
            .into_iter()
            .map(|a| {
                let href = self
                    .pages
                    .article_href(self.locale, &ArticleId::sanitize(&a.id), None)
                    .unwrap_or_else(|| format!("a/{}.html", a.id));
                json!([a.id, a.title, href])
            })
            .collect();
        let mut out = Map::new();
        out.insert("r".to_owned(), Value::from(shown));
        out.insert("x".to_owned(), Value::from(related));
        out
    }
}
