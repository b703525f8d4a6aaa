//! The offline troubleshooter: walk data loaded by `<script>` tags.
//!
//! Not one file per node: per article, what every node of its walks shows,
//! precomputed with the [`Engine`] (its plan, its reference expansion, its
//! labels), so `assets/troubleshoot.js` only replays a token's steps. Tokens
//! are the server's: the same `#s=<token>` opens the same node offline.
//!
//! An article's data is written once, rendered once, per locale folder that
//! has a page of it ([`PageMap::page_locales`]): as a reader of that locale
//! `T` gets it (the texts of `T`'s fallback chain). A reader of another
//! locale `L` uses the data of `T = PageMap::page_locale(L, id)` (a German
//! reader of an English-only article loads `../en-us/walk/a<N>.js`): the
//! script adds the "not translated" badge to each record whose text is not in
//! `L` and takes prompts, role labels and messages from `L`'s meta. That is
//! what the engine shows `L`, unless the walk touches an article that `L`
//! reads otherwise than `T` (another text, title or page: an English-only
//! article whose "see …" shows a record of a translated one); only then is
//! the article's data also written for `L`, into `L`'s folder (a *copy*).
//! Every href in the data is `../<locale>/a/<id>.html#anchor`, valid from any
//! locale folder, to the page a reader of the data's locale gets.
//!
//! Files in `<site>/<locale>/walk/`, each plain JavaScript calling
//! `tshootWalkData(locale, name, data)` (no fetch, modules or wasm: they are
//! blocked on `file://`):
//!
//! ```text
//! meta.js   the reader's {v, fp, keys, msg: {id: text}, err: {malformed, version, stale},
//!           trees: {id: {title, start, nodes: {id: {h, q, o: [[label, tag, hash]]}}}}}
//! k<N>.js   the reader's keys: where the data of a token's first derived step is:
//!           {article hash: [folder, shard], walk start hash: [folder, shard, article hash]},
//!           and which articles carry an error code: {code hash: {c: [article hash]}}
//!           (the hash of `code:<code>`, for `#code=` starts);
//!           N = first hash byte % keys; the data is in `../<folder>/walk/a<shard>.js`
//! a<N>.js   the data this folder holds: {article hash: article};
//!           N = FNV-1a (32 bit, UTF-8) of the article id % this folder's shards
//! ```
//!
//! Hashes are the 6-byte short hashes of a token's steps (SHA-1 of the id),
//! in lowercase hex. An article: `i` its id, `t` title, `w` its walk starts:
//! first its `n` symptoms (record order), then records authored trees lead to,
//! last the walk without a symptom (whose `h` is the article hash). A start:
//! `h` (its step hash), `l` label, `p` the plan `[{k: key hash, r, x}]` (what
//! trying it shows), `e` what escalating shows. A key (a record a yes/no
//! answer names): `l` label, `r`, `x` (what "it fixed it" shows). Shown
//! records `r` are `[[record id, role]]`, related articles `x` are `[[id,
//! title, href]]`, and a record (in `rec`) is `{h: sanitized HTML, l: text
//! locale (when not the folder's), u: [unresolved refs]}`. Record ids of the
//! article's own records are written `#<anchor>`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde_json::{Map, Value, json};

use crate::export::{PageMap, StaticLinks};
use crate::i18n::{Arg, Catalog};
use crate::kb::KnowledgeBase;
use crate::model::{AnswerTarget, Article, ArticleId, Locale, Record, RecordId, RecordKind};
use crate::render::{Links, record_html};
use crate::tree::token::{self, Step, TokenError};
use crate::tree::{Engine, Shows};

/// The script that walks this data: `<site>/assets/troubleshoot.js`.
pub const TROUBLESHOOT_JS: &str = include_str!("assets/troubleshoot.js");

/// What one locale folder's walk data holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WalkStats {
    /// Articles whose data the folder holds.
    pub articles: usize,
    /// Of those, articles without a page in the folder: copies for readers
    /// of this locale, who read some article of the walk otherwise.
    pub copies: usize,
    pub files: usize,
    pub bytes: u64,
}

impl std::ops::AddAssign for WalkStats {
    fn add_assign(&mut self, other: WalkStats) {
        self.articles += other.articles;
        self.copies += other.copies;
        self.files += other.files;
        self.bytes += other.bytes;
    }
}

const MAX_SHARDS: usize = 256;
const MAX_KEY_FILES: usize = 256;

/// How many articles and keys go in one file (about: hashes spread them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WalkLayout {
    pub articles_per_shard: usize,
    pub keys_per_file: usize,
}

impl Default for WalkLayout {
    fn default() -> Self {
        WalkLayout { articles_per_shard: 40, keys_per_file: 1000 }
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

/// The key of an error code's entry: the short hash of `code:<code>` (lowercase).
fn code_entry_key(code: &str) -> String {
    hex(&token::short_hash(&format!("code:{}", code.to_lowercase())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A page's href from any locale folder: `../<locale>/a/<id>.html#anchor`.
fn page_href(locale: &Locale, id: &ArticleId, anchor: Option<&str>) -> String {
    match anchor {
        Some(a) => format!("../{locale}/a/{id}.html#{a}"),
        None => format!("../{locale}/a/{id}.html"),
    }
}

/// The walk data of a whole export, computed once ([`Walks::build`]), then
/// written locale folder by locale folder ([`Walks::write`]).
pub struct Walks<'a> {
    kb: &'a KnowledgeBase,
    catalog: &'a Catalog,
    pages: &'a PageMap,
    layout: WalkLayout,
    /// Per article of the knowledge base, in its order.
    articles: Vec<ArticleData>,
    /// How many `a<N>.js` each folder's articles are spread over.
    shards: BTreeMap<Locale, usize>,
}

struct ArticleData {
    id: ArticleId,
    /// The hash of its `a` step.
    hash: String,
    /// The hashes of its walk starts' `s` steps.
    starts: Vec<String>,
    /// Its data (serialized) per folder that holds it.
    data: Vec<(Locale, String)>,
    /// The folder whose data a reader uses, per exported locale ([`PageMap::locales`] order).
    folders: Vec<Option<Locale>>,
}

impl<'a> Walks<'a> {
    /// Computes the walk data of every article for the exported locales of `pages`.
    pub fn build(kb: &'a KnowledgeBase, catalog: &'a Catalog, pages: &'a PageMap) -> Walks<'a> {
        Walks::build_with(kb, catalog, pages, WalkLayout::default())
    }

    /// [`Walks::build`] with another file layout (tests use tiny files).
    pub fn build_with(
        kb: &'a KnowledgeBase,
        catalog: &'a Catalog,
        pages: &'a PageMap,
        layout: WalkLayout,
    ) -> Walks<'a> {
        let engine = Engine::new(kb, catalog);
        let tree_starts = tree_starts(kb);
        let articles: Vec<ArticleData> = kb
            .articles
            .par_iter()
            .map(|article| {
                let extra = tree_starts.get(&article.id).map_or(&[][..], Vec::as_slice);
                article_data(&engine, kb, pages, article, extra)
            })
            .collect();
        let mut held: BTreeMap<Locale, usize> = BTreeMap::new();
        for a in &articles {
            for (folder, _) in &a.data {
                *held.entry(folder.clone()).or_default() += 1;
            }
        }
        let shards = held
            .into_iter()
            .map(|(folder, n)| (folder, n.div_ceil(layout.articles_per_shard.max(1)).clamp(1, MAX_SHARDS)))
            .collect();
        Walks { kb, catalog, pages, layout, articles, shards }
    }

    /// Writes the walk folder of the exported locale `locale` (`<site>/<locale>/walk/`):
    /// its meta and keys, and the data it holds.
    pub fn write(&self, locale: &Locale, dir: &Path) -> std::io::Result<WalkStats> {
        let Some(reader) = self.pages.locales().iter().position(|l| l == locale) else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{locale} is not an exported locale"),
            ));
        };
        std::fs::create_dir_all(dir)?;
        let mut stats = WalkStats::default();

        // The data this folder holds.
        let shards = self.shards.get(locale).copied().unwrap_or(0);
        let mut shard_text: Vec<String> = vec![String::new(); shards];
        for a in &self.articles {
            let Some((_, data)) = a.data.iter().find(|(l, _)| l == locale) else { continue };
            stats.articles += 1;
            if !self.pages.page_locales(&a.id).contains(locale) {
                stats.copies += 1;
            }
            let text = &mut shard_text[shard_of(a.id.as_str(), shards)];
            text.push(if text.is_empty() { '{' } else { ',' });
            text.push_str(&Value::from(a.hash.as_str()).to_string());
            text.push(':');
            text.push_str(data);
        }

        // Where the reader finds each article's data.
        let mut keys: Vec<(&str, Value)> = Vec::new();
        for a in &self.articles {
            let Some(Some(folder)) = a.folders.get(reader) else { continue };
            let shard = shard_of(a.id.as_str(), self.shards.get(folder).copied().unwrap_or(1));
            keys.push((&a.hash, json!([folder, shard])));
            for start in &a.starts {
                keys.push((start, json!([folder, shard, a.hash])));
            }
        }
        // Which articles carry each error code (`#code=…` starts), in the knowledge base's order.
        let mut codes: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (article, a) in self.kb.articles.iter().zip(&self.articles) {
            if matches!(a.folders.get(reader), Some(Some(_))) {
                for code in &article.error_codes {
                    codes.entry(code).or_default().push(&a.hash);
                }
            }
        }
        let code_hashes: Vec<String> = codes.keys().map(|code| code_entry_key(code)).collect();
        for (hash, articles) in code_hashes.iter().zip(codes.values()) {
            keys.push((hash, json!({ "c": articles })));
        }
        let key_files = keys.len().div_ceil(self.layout.keys_per_file.max(1)).clamp(1, MAX_KEY_FILES);
        let mut key_data: Vec<BTreeMap<&str, Value>> = vec![BTreeMap::new(); key_files];
        for (hash, entry) in keys {
            let first = u8::from_str_radix(&hash[..2], 16).unwrap_or(0);
            key_data[usize::from(first) % key_files].insert(hash, entry);
        }

        let mut write = |name: &str, json: &str| -> std::io::Result<()> {
            let text = script(locale, name, json);
            std::fs::write(dir.join(format!("{name}.js")), &text)?;
            stats.files += 1;
            stats.bytes += text.len() as u64;
            Ok(())
        };
        write("meta", &meta(self.kb, self.catalog, locale, key_files).to_string())?;
        for (n, mut text) in shard_text.into_iter().enumerate() {
            if !text.is_empty() {
                text.push('}');
                write(&format!("a{n}"), &text)?;
            }
        }
        for (n, data) in key_data.into_iter().enumerate() {
            write(&format!("k{n}"), &json!(data).to_string())?;
        }
        Ok(stats)
    }
}

/// Records authored trees lead to: walk starts too, symptoms or not.
fn tree_starts(kb: &KnowledgeBase) -> HashMap<ArticleId, Vec<RecordId>> {
    let mut starts: HashMap<ArticleId, Vec<RecordId>> = HashMap::new();
    for tree in &kb.trees {
        for question in tree.nodes.values() {
            for answer in &question.answers {
                if let AnswerTarget::Record(r) = &answer.target
                    && let Some(id) = RecordId::parse(r).filter(|id| kb.record(id).is_some())
                {
                    let list = starts.entry(id.article.clone()).or_default();
                    if !list.contains(&id) {
                        list.push(id);
                    }
                }
            }
        }
    }
    starts
}

/// An article's data in each folder that has a page of it, and, for readers
/// of the other locales, whichever of those they read alike (else a copy).
fn article_data(
    engine: &Engine<'_>,
    kb: &KnowledgeBase,
    pages: &PageMap,
    article: &Article,
    extra: &[RecordId],
) -> ArticleData {
    let walk = |locale: &Locale| ArticleWalk { engine, kb, pages, locale }.article(article, extra);
    let homes = pages.page_locales(&article.id);
    let mut data = Vec::with_capacity(homes.len());
    let mut touched = Vec::with_capacity(homes.len());
    let mut starts = Vec::new();
    for home in homes {
        let built = walk(home);
        data.push((home.clone(), built.data.to_string()));
        touched.push(built.touched);
        starts = built.starts;
    }
    let mut folders = Vec::with_capacity(pages.locales().len());
    for reader in pages.locales() {
        if homes.contains(reader) {
            folders.push(Some(reader.clone()));
            continue;
        }
        let Some(i) = pages.page_locale(reader, &article.id).and_then(|t| homes.iter().position(|h| h == t)) else {
            folders.push(None);
            continue;
        };
        let alike = touched[i]
            .iter()
            .all(|b| kb.article(b).is_none_or(|b| reading(kb, pages, b, reader) == reading(kb, pages, b, &homes[i])));
        if alike {
            folders.push(Some(homes[i].clone()));
        } else {
            data.push((reader.clone(), walk(reader).data.to_string()));
            folders.push(Some(reader.clone()));
        }
    }
    let hash = hex(&Step::Article(article.id.clone()).hash());
    ArticleData { id: article.id.clone(), hash, starts, data, folders }
}

/// What a reader of `locale` reads of `article`, all the walk data depends
/// on: the page links go to, the title's locale, each record's text locale.
/// Two locales that read every article a walk touches alike see the same walk.
type Reading<'k> = (Option<&'k Locale>, Option<&'k Locale>, Vec<Option<&'k Locale>>);

fn reading<'k>(kb: &KnowledgeBase, pages: &'k PageMap, article: &'k Article, locale: &Locale) -> Reading<'k> {
    let chain = kb.chain(article, locale);
    let title = chain.iter().find_map(|l| article.variants.get_key_value(l).map(|(l, _)| l));
    let texts = article.records.iter().map(|r| r.text_in(&chain).map(|(l, _, _)| l)).collect();
    (pages.page_locale(locale, &article.id), title, texts)
}

/// `tshootWalkData("<locale>","<name>",<json>);`
fn script(locale: &Locale, name: &str, json: &str) -> String {
    let json = json.replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    format!("tshootWalkData({},{},{json});\n", Value::from(locale.as_str()), Value::from(name))
}

fn meta(kb: &KnowledgeBase, catalog: &Catalog, locale: &Locale, key_files: usize) -> Value {
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
        "keys": key_files,
        "msg": msg,
        "err": err,
        "trees": trees,
    })
}

/// One article's walks as a reader of `locale` sees them.
struct ArticleWalk<'a> {
    engine: &'a Engine<'a>,
    kb: &'a KnowledgeBase,
    pages: &'a PageMap,
    locale: &'a Locale,
}

struct BuiltWalk {
    data: Value,
    /// The hashes of its walk starts' `s` steps.
    starts: Vec<String>,
    /// Articles whose texts, titles or pages the data shows.
    touched: BTreeSet<ArticleId>,
}

impl ArticleWalk<'_> {
    fn article(&self, article: &Article, extra: &[RecordId]) -> BuiltWalk {
        let mut recs = Map::new();
        let mut key_data = Map::new();
        let mut touched = BTreeSet::from([article.id.clone()]);
        let mut start_hashes = Vec::new();
        let article_step = Step::Article(article.id.clone());

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
            let (step, label) = match symptom {
                Some(r) => (Step::Symptom(r.id.clone()), self.engine.label(article, r, self.locale)),
                None => (article_step.clone(), self.engine.article_title(article, self.locale)),
            };
            if symptom.is_some() {
                start_hashes.push(hex(&step.hash()));
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
                    let label = self
                        .kb
                        .record(key)
                        .map(|(a, r)| {
                            touched.insert(a.id.clone());
                            self.engine.label(a, r, self.locale)
                        })
                        .unwrap_or_default();
                    let shows = self.engine.resolved_shows(key, self.locale);
                    let mut entry = self.shows(article, shows, &mut recs, &mut touched);
                    entry.insert("l".to_owned(), Value::from(label));
                    key_data.insert(key_hash.clone(), Value::Object(entry));
                }
                let shows = self.engine.attempt_shows(article, symptom, attempt, self.locale);
                let mut entry = self.shows(article, shows, &mut recs, &mut touched);
                entry.insert("k".to_owned(), Value::from(key_hash));
                attempts.push(Value::Object(entry));
            }
            let shows = self.engine.escalate_shows(article, &steps, self.locale);
            let escalate = self.shows(article, shows, &mut recs, &mut touched);
            walks.push(json!({ "h": hex(&step.hash()), "l": label, "p": attempts, "e": escalate }));
        }
        let data = json!({
            "i": article.id.as_str(),
            "t": self.engine.article_title(article, self.locale),
            "n": symptoms.len(),
            "w": walks,
            "k": key_data,
            "rec": recs,
        });
        BuiltWalk { data, starts: start_hashes, touched }
    }

    /// `{r, x}` for what a node shows; adds the records' texts to `recs`.
    fn shows(
        &self,
        article: &Article,
        shows: Shows,
        recs: &mut Map<String, Value>,
        touched: &mut BTreeSet<ArticleId>,
    ) -> Map<String, Value> {
        let mut shown = Vec::new();
        for r in shows.records {
            if let Some(id) = RecordId::parse(&r.id) {
                touched.insert(id.article);
            }
            let id = relative(&article.id, &r.id);
            shown.push(json!([id, r.role]));
            if !recs.contains_key(&id) {
                let mut rec = Map::new();
                let link = |dest: &str| {
                    let (target, anchor) = self.pages.resolve(dest)?;
                    Some(page_href(self.pages.page_locale(self.locale, target)?, target, anchor))
                };
                // Walk data is read from `<locale>/troubleshoot.html`: one folder below the site.
                let media = |path: &str| StaticLinks { pages: self.pages, up: "../" }.media(path);
                let source = self.kb.text_source(&r.id, &r.locale);
                rec.insert("h".to_owned(), Value::from(record_html(self.kb, source, &r.markdown, &media, &link)));
                if &r.locale != self.locale {
                    rec.insert("l".to_owned(), Value::from(r.locale.as_str()));
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
                let id = ArticleId::sanitize(&a.id);
                let href = match self.pages.page_locale(self.locale, &id) {
                    Some(target) => page_href(target, &id, None),
                    None => format!("../{}/404.html", self.locale),
                };
                touched.insert(id);
                json!([a.id, a.title, href])
            })
            .collect();
        let mut out = Map::new();
        out.insert("r".to_owned(), Value::from(shown));
        out.insert("x".to_owned(), Value::from(related));
        out
    }
}
