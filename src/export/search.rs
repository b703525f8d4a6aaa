//! The offline search index: one per text locale, sharded, loaded by `<script>` tags.
//!
//! `<site>/<T>/search/` holds the index of the documents (record texts)
//! written in locale `T`: no fallback copies. A reader of locale `L`
//! searches `L`'s index (if `L` has any text) plus the indexes of the
//! fallback locales (`kb.options.fallback`, then the source locales of
//! articles, most used first: in practice en-us), as the server does: it sees
//! the `L` documents and, from the other indexes, the documents of records
//! that have no `L` text, each record once (marked "not translated", ranked
//! ×0.8, ×0.6 more in another language). So that every reader finds every
//! record, the first fallback locale's index also holds the few records that
//! have no text in any fallback locale, in their own text (`copies`).
//!
//! Each file is a plain script that calls the global
//! `tshootSearchData(locale, name, data)` with the locale of its folder (no
//! `fetch`, no modules: they must load from `file://`):
//!
//! * `meta.js` (`name` = `"meta"`): `{v: 2, locale, …}` with two parts.
//!   - The index of `locale`'s texts, when it has any: `docs, docShard,
//!     shards, common, kinds, copies?`. `shards` is the smallest key of each
//!     term shard `t<i>.js`, joined by spaces (the first is `""`): a word
//!     lives in the last shard whose key is `<=` the word (UTF-16 order,
//!     JavaScript's `<`). `kinds` is `[[kind, first doc]…]`: documents are
//!     numbered by kind, then by article, so a kind is a range. `common`
//!     lists the stems with long postings (over 3 KB), joined by spaces: a
//!     query that has rarer words skips the words that only stand for common
//!     stems. `copies` is `{locale: list}`: the documents whose text is in
//!     another locale than the index's.
//!   - For readers of `locale`, when it is exported: `use`, the indexes to
//!     search in order, `[{l, hide?|only?, page?}…]`: `l` the index's locale
//!     (its files are in `../<l>/search/`), `hide` or `only` the documents
//!     of that index the reader does not see, or the only ones it sees (a
//!     list, see below; both left out: all), `page` `{locale: list}` the
//!     documents whose page for this reader is in another locale folder than
//!     the one their doc shard names. `w`, `{text locale: factor}`: the
//!     factor of the scores of documents in another locale than the
//!     reader's. And `t`, the UI strings: `results` (`[[n, "… {count} …"]…]`
//!     for representative numbers; pick the one whose `Intl.PluralRules`
//!     category matches), `noResults` (`{query}`), `didYouMean`, `fallback`
//!     (`{language}`), `kinds` (`{kind: label}`).
//! * `t<i>.js`: `["key", "value", …]`, sorted. A key is a surface form (a
//!   token of the text, see [`tokens`]), a stem, or an error code (its tokens
//!   joined by spaces: `http 500 19`). A value without `~` is the key's own
//!   postings (the key is its own stem). Otherwise it is `~p1~p2…~postings`:
//!   each `p` names a stem of the surface form as one base64 digit (how many
//!   UTF-16 units to drop from the end of the key) and the text to append; the
//!   pointer `A` (drop nothing, append nothing) is the key itself. The
//!   trailing postings (maybe empty) are the key's own, as a stem.
//! * postings: base64 VLQ numbers (5 bits a digit, low first, 32 = more
//!   follows), one per document: `(doc - previous doc) * 16 + weight`, weight
//!   1–15 (title ×3 over body, term frequency, kind, error codes +8, codes
//!   the article is about +11).
//! * lists (of documents, in `meta.js`): base64 VLQ numbers, ascending, each
//!   the difference to the previous one (the first: to 0).
//! * `d<i>.js`: documents `i*docShard …`: `{a: [[article id, article title,
//!   href?]…], d: [[article index in a, anchor, title, excerpt]…]}`; `href`
//!   is relative to any locale folder (they sit side by side), by default
//!   `../<T>/a/<id>.html`; append `#anchor`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io;
use std::path::Path;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::PageMap;
use crate::content::codes::{self, TextKind};
use crate::content::parse::plain_text;
use crate::i18n::{Arg, Catalog};
use crate::kb::KnowledgeBase;
use crate::model::{Article, Locale, Record, RecordKind, RecordText};
use crate::search::analyzer::{language_key, stemmer};

/// The browser side: copy to `assets/search.js`.
pub const SEARCH_JS: &str = include_str!("assets/search.js");

/// What [`write_index`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexStats {
    pub docs: usize,
    pub terms: usize,
    pub term_shards: usize,
    pub doc_shards: usize,
    pub bytes: u64,
}

/// FxHash (as in rustc): the index hashes millions of short words, and needs no DoS resistance.
#[derive(Clone, Copy, Default)]
struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]));
        }
        for b in chunks.remainder() {
            self.add(u64::from(*b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fx {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fx>>;

/// A term shard is cut after this many bytes (a first search loads one per word).
const TERM_SHARD_BYTES: usize = 8 * 1024;
/// Words whose postings are longer than this are common: a query skips them
/// when it has rarer words (they would load much and rank little).
const COMMON_BYTES: usize = 3 * 1024;
/// Documents per doc shard.
const DOC_SHARD_DOCS: usize = 8;
/// Excerpt length in characters (cut at a space).
const EXCERPT_CHARS: usize = 160;
/// Representative numbers for the plural forms of `portal-results`.
const PLURAL_SAMPLES: [u32; 10] = [0, 1, 2, 3, 5, 11, 21, 22, 100, 101];

/// Characters cut into bigrams: Han, Hiragana, Katakana (JavaScript mirrors this table).
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3007}' | '\u{3021}'..='\u{3029}' | '\u{3040}'..='\u{30ff}' | '\u{31f0}'..='\u{31ff}'
        | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{ff66}'..='\u{ff9f}'
        | '\u{20000}'..='\u{3134f}')
}

/// The tokens of `text`, as `search.js` makes them: maximal runs of
/// alphanumeric characters and `_`, lowercased; CJK runs become overlapping
/// bigrams (a lone CJK character stays one token); a token with `_` is
/// followed by its parts.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_token(text, &mut |t| out.push(t.to_owned()));
    out
}

/// Calls `f` with each token of `text` ([`tokens`]), without allocating for ASCII runs.
fn each_token(text: &str, f: &mut impl FnMut(&str)) {
    let mut lower = String::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() || c == '_' {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            run_tokens(&text[s..i], &mut lower, f);
        }
    }
    if let Some(s) = start {
        run_tokens(&text[s..], &mut lower, f);
    }
}

/// The tokens of one run of word characters.
fn run_tokens(run: &str, lower: &mut String, f: &mut impl FnMut(&str)) {
    if !run.is_ascii() {
        return push_run(&run.to_lowercase(), f);
    }
    let run = if run.bytes().any(|b| b.is_ascii_uppercase()) {
        lower.clear();
        lower.push_str(run);
        lower.make_ascii_lowercase();
        lower.as_str()
    } else {
        run
    };
    word_tokens(run, f);
}

/// A segment without CJK: the word, then its `_` parts; nothing for only `_`.
fn word_tokens(s: &str, f: &mut impl FnMut(&str)) {
    if s.bytes().all(|b| b == b'_') {
        return;
    }
    f(s);
    if s.contains('_') {
        s.split('_').filter(|p| !p.is_empty()).for_each(&mut *f);
    }
}

fn push_run(run: &str, f: &mut impl FnMut(&str)) {
    let mut rest = run;
    let mut pair = String::new();
    while let Some(first) = rest.chars().next() {
        let cjk = is_cjk(first);
        let end = rest.char_indices().find(|(_, c)| is_cjk(*c) != cjk).map_or(rest.len(), |(i, _)| i);
        let segment = &rest[..end];
        if cjk {
            let chars: Vec<char> = segment.chars().collect();
            if chars.len() == 1 {
                f(segment);
            } else {
                for w in chars.windows(2) {
                    pair.clear();
                    pair.extend(w);
                    f(&pair);
                }
            }
        } else {
            word_tokens(segment, f);
        }
        rest = &rest[end..];
    }
}

/// The index key of an error code: its tokens joined by spaces (`http 500.19` → `http 500 19`).
pub fn code_key(code: &str) -> String {
    tokens(code).join(" ")
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn push_vlq(mut v: u64, out: &mut String) {
    loop {
        let digit = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            out.push(B64[digit] as char);
            return;
        }
        out.push(B64[digit | 32] as char);
    }
}

/// Postings as base64 VLQ: `(doc - previous) * 16 + weight` each. Docs ascending, weights 1–15.
pub fn encode_postings(postings: &[(u32, u8)]) -> String {
    let mut out = String::new();
    let mut previous = 0;
    for &(doc, weight) in postings {
        debug_assert!(doc >= previous && (1..16).contains(&weight));
        push_vlq(u64::from(doc - previous) * 16 + u64::from(weight & 15), &mut out);
        previous = doc;
    }
    out
}

/// Base64 VLQ numbers; `None` for malformed text.
fn decode_vlq(text: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    let (mut value, mut shift) = (0u64, 0u32);
    for b in text.bytes() {
        let digit = B64.iter().position(|c| *c == b)? as u64;
        if shift >= 60 {
            return None;
        }
        value |= (digit & 31) << shift;
        if digit & 32 != 0 {
            shift += 5;
            continue;
        }
        out.push(value);
        (value, shift) = (0, 0);
    }
    (shift == 0).then_some(out)
}

/// The inverse of [`encode_postings`]; `None` for malformed text.
pub fn decode_postings(text: &str) -> Option<Vec<(u32, u8)>> {
    let mut doc = 0u32;
    decode_vlq(text)?
        .into_iter()
        .map(|v| {
            doc = doc.checked_add(u32::try_from(v / 16).ok()?)?;
            Some((doc, (v % 16) as u8))
        })
        .collect()
}

/// Compares as JavaScript does (UTF-16 code units), so `<` finds shards.
fn js_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Pointer from surface form `key` to `stem`: drop count (base64 digit) and suffix.
fn pointer(key: &str, stem: &str) -> Option<String> {
    let common: usize = key.chars().zip(stem.chars()).take_while(|(a, b)| a == b).count();
    let rest: String = key.chars().skip(common).collect();
    let drop = rest.encode_utf16().count();
    let suffix: String = stem.chars().skip(common).collect();
    if drop >= 64 || suffix.contains(['~', '#']) {
        return None;
    }
    Some(format!("{}{suffix}", B64[drop] as char))
}

fn kind_weight(kind: RecordKind) -> f32 {
    match kind {
        RecordKind::Symptom => 1.3,
        RecordKind::Cause | RecordKind::Solution | RecordKind::Workaround => 1.1,
        _ => 0.8,
    }
}

/// How one document uses one key.
#[derive(Clone, Copy, Default)]
struct Use {
    title: u32,
    body: u32,
    /// Error-code bonus.
    bonus: u8,
}

fn weight(u: Use, kind: RecordKind) -> u8 {
    let mut text = 0.0;
    if u.title > 0 {
        text += 3.0;
    }
    if u.body > 0 {
        text += 1.0 + (u.body as f32).ln();
    }
    let text = text * kind_weight(kind) * 1.2;
    (text.round() as u32 + u32::from(u.bonus)).clamp(1, 15) as u8
}

struct Source<'a> {
    article: &'a Article,
    record: &'a Record,
    locale: &'a Locale,
    text: &'a RecordText,
}

/// One document, analyzed: surface tokens with their counts, by field.
struct Analyzed {
    language: &'static str,
    title: String,
    excerpt: String,
    /// Surface tokens with their counts in the title and the body.
    surfaces: Vec<(String, u32, u32)>,
    codes: BTreeMap<String, u8>,
}

fn analyze(s: &Source, about: &BTreeSet<String>) -> Analyzed {
    let variant_title = s.article.variants.get(s.locale).map_or("", |v| v.title.as_str());
    let title = if s.text.title.is_empty() { variant_title.to_owned() } else { s.text.title.clone() };
    let body_md = if s.text.title.is_empty() {
        s.text.markdown.as_str()
    } else {
        s.text.markdown.split_once('\n').map_or("", |x| x.1)
    };
    let body = plain_text(body_md);
    let mut counts: FastMap<String, (u32, u32)> = FastMap::default();
    let mut count = |t: &str, title: bool| {
        let c = match counts.get_mut(t) {
            Some(c) => c,
            None => counts.entry(t.to_owned()).or_default(),
        };
        if title { c.0 += 1 } else { c.1 += 1 }
    };
    each_token(&title, &mut |t| count(t, true));
    each_token(&body, &mut |t| count(t, false));
    let mut surfaces: Vec<(String, u32, u32)> = counts.into_iter().map(|(t, (a, b))| (t, a, b)).collect();
    surfaces.sort_unstable();
    let mut codes = BTreeMap::new();
    for c in &s.text.error_codes {
        codes.insert(code_key(c), 8u8);
    }
    for c in about {
        codes.insert(code_key(c), 11u8);
    }
    codes.remove("");
    Analyzed { language: language_key(s.locale.language()), title, excerpt: excerpt(&body), surfaces, codes }
}

fn excerpt(text: &str) -> String {
    // The words joined by single spaces, as far as the excerpt can reach.
    let mut flat = String::new();
    let mut chars = 0;
    for word in text.split_whitespace() {
        if chars > EXCERPT_CHARS {
            break;
        }
        if !flat.is_empty() {
            flat.push(' ');
            chars += 1;
        }
        flat.push_str(word);
        chars += word.chars().count();
    }
    if chars <= EXCERPT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > EXCERPT_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches(|c: char| !c.is_alphanumeric()))
}

/// Codes the article is about: in its titles, and its error names (as the server ranks them).
fn about_codes(a: &Article) -> BTreeSet<String> {
    let mut about = BTreeSet::new();
    for (loc, variant) in &a.variants {
        codes::extract(&variant.title, loc.language(), TextKind::Title, &mut about);
    }
    about.extend(a.error_codes.iter().filter(|c| c.chars().all(|ch| ch.is_ascii_alphabetic())).cloned());
    about
}

fn script(locale: &Locale, name: &str, data: &Value) -> String {
    format!("tshootSearchData({},{},{});\n", json!(locale.as_str()), json!(name), data)
}

/// A list of document numbers (ascending) as base64 VLQ differences.
pub fn encode_list(numbers: &[u32]) -> String {
    let mut out = String::new();
    let mut previous = 0;
    for &n in numbers {
        debug_assert!(n >= previous);
        push_vlq(u64::from(n - previous), &mut out);
        previous = n;
    }
    out
}

/// The inverse of [`encode_list`]; `None` for malformed text.
pub fn decode_list(text: &str) -> Option<Vec<u32>> {
    let mut n = 0u32;
    decode_vlq(text)?
        .into_iter()
        .map(|v| {
            n = n.checked_add(u32::try_from(v).ok()?)?;
            Some(n)
        })
        .collect()
}

fn kind_rank(kind: RecordKind) -> usize {
    RecordKind::ALL.iter().position(|k| *k == kind).unwrap_or(RecordKind::ALL.len())
}

/// The locales every reader searches after its own, those that have text:
/// the configured fallback, then the articles' source locales (most used
/// first); when there are none, the locale with the most texts. The first
/// one's index also holds the records that have no text in any of them.
fn fallback_locales(kb: &KnowledgeBase) -> Vec<&Locale> {
    let mut texts: BTreeMap<&Locale, usize> = BTreeMap::new();
    let mut sources: BTreeMap<&Locale, usize> = BTreeMap::new();
    for a in &kb.articles {
        for r in &a.records {
            for l in r.texts.keys() {
                *texts.entry(l).or_default() += 1;
            }
        }
        if let Some(l) = &a.source_locale {
            *sources.entry(l).or_default() += 1;
        }
    }
    fn by_count(m: BTreeMap<&Locale, usize>) -> Vec<&Locale> {
        let mut v: Vec<(&Locale, usize)> = m.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v.into_iter().map(|(l, _)| l).collect()
    }
    let mut out: Vec<&Locale> = Vec::new();
    for l in kb.options.fallback.iter().chain(by_count(sources)) {
        if texts.contains_key(l) && !out.contains(&l) {
            out.push(l);
        }
    }
    if out.is_empty()
        && let Some(l) = by_count(texts).first()
    {
        out.push(l);
    }
    out
}

/// One document of an index: article and record (indexes into the
/// knowledge base) and the locale of its text.
#[derive(Clone, Copy)]
struct DocKey<'a> {
    article: usize,
    record: usize,
    text: &'a Locale,
}

/// The documents of the index of `locale`, by kind, then article, then
/// record order: the records with text in `locale`; in the first fallback
/// locale's index also the records with no text in any fallback locale (in
/// their first text along the article's chain), so every reader finds them.
fn documents<'k>(kb: &'k KnowledgeBase, locale: &Locale, fallbacks: &[&Locale]) -> Vec<DocKey<'k>> {
    let host = fallbacks.first() == Some(&locale);
    let mut docs: Vec<DocKey> = Vec::new();
    for (ai, a) in kb.articles.iter().enumerate() {
        let mut chain = None;
        for (ri, r) in a.records.iter().enumerate() {
            if let Some((text, _)) = r.texts.get_key_value(locale) {
                docs.push(DocKey { article: ai, record: ri, text });
            } else if host && !fallbacks.iter().any(|l| r.texts.contains_key(l)) {
                let chain = chain.get_or_insert_with(|| kb.chain(a, locale));
                if let Some((text, _, _)) = r.text_in(chain) {
                    docs.push(DocKey { article: ai, record: ri, text });
                }
            }
        }
    }
    docs.sort_by_key(|d| kind_rank(kb.articles[d.article].records[d.record].kind));
    docs
}

/// The locale folder a document links to by default: its text's when the
/// article has a page there, else the article's first page.
fn own_page<'p>(pages: &'p PageMap, article: &Article, text: &'p Locale) -> Option<&'p Locale> {
    let written = pages.page_locales(&article.id);
    if written.contains(text) { Some(text) } else { written.first() }
}

/// One index a reader searches: which of its documents it sees, and where they link.
struct Searched<'k> {
    locale: &'k Locale,
    /// Per document of the index.
    visible: Vec<bool>,
    /// Documents whose page for this reader is in another folder than their own.
    pages: BTreeMap<Locale, Vec<u32>>,
    /// The locales of the texts it sees there.
    texts: BTreeSet<&'k Locale>,
}

/// The indexes a reader of `reader` searches, in order: its own (when it has
/// text), then the fallback locales' ([`fallback_locales`]). It sees every
/// document of its own index and, in the others, the documents of records
/// that have no `reader` text, each record once (in the first index holding it).
fn searched<'k>(kb: &'k KnowledgeBase, pages: &PageMap, reader: &'k Locale) -> Vec<Searched<'k>> {
    let fallbacks = fallback_locales(kb);
    let own = kb.articles.iter().any(|a| a.records.iter().any(|r| r.texts.contains_key(reader)));
    let order: Vec<&Locale> =
        own.then_some(reader).into_iter().chain(fallbacks.iter().copied().filter(|l| *l != reader)).collect();
    // Records already seen in an earlier index.
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Vec::new();
    for locale in order {
        let docs = documents(kb, locale, &fallbacks);
        let mut searched = Searched {
            locale,
            visible: Vec::with_capacity(docs.len()),
            pages: BTreeMap::new(),
            texts: BTreeSet::new(),
        };
        for (n, d) in docs.iter().enumerate() {
            let a = &kb.articles[d.article];
            let visible = seen.insert((d.article, d.record))
                && (locale == reader || !a.records[d.record].texts.contains_key(reader));
            searched.visible.push(visible);
            if !visible {
                continue;
            }
            searched.texts.insert(d.text);
            if let Some(page) = pages.page_locale(reader, &a.id)
                && own_page(pages, a, d.text) != Some(page)
            {
                searched.pages.entry(page.clone()).or_default().push(n as u32);
            }
        }
        if searched.visible.iter().any(|v| *v) {
            out.push(searched);
        }
    }
    out
}

/// The folders to write an index into ([`write_index`]): every exported
/// locale, and the fallback locales every reader searches (their folders
/// hold only `search/` when they are not exported).
pub fn index_locales(kb: &KnowledgeBase, pages: &PageMap) -> Vec<Locale> {
    let mut out: Vec<Locale> = pages.locales().to_vec();
    for l in fallback_locales(kb) {
        if !out.contains(l) {
            out.push(l.clone());
        }
    }
    out
}

/// The factor of a score for a reader of `reader` when the text is in `text`:
/// fallback texts ×0.8, and ×0.6 in another language (as the server ranks).
fn text_weight(reader: &Locale, text: &Locale) -> f64 {
    if text == reader {
        1.0
    } else if language_key(text.language()) == language_key(reader.language()) {
        0.8
    } else {
        0.48
    }
}

/// The reader part of `meta.js`: the indexes to search, the weights of text
/// locales, the UI strings.
fn reader_meta(kb: &KnowledgeBase, catalog: &Catalog, pages: &PageMap, locale: &Locale) -> [(&'static str, Value); 3] {
    let searched = searched(kb, pages, locale);
    let mut weights = serde_json::Map::new();
    for l in searched.iter().flat_map(|s| &s.texts).filter(|l| **l != locale) {
        weights.insert(l.to_string(), json!(text_weight(locale, l)));
    }
    let uses: Vec<Value> = searched
        .iter()
        .map(|s| {
            let mut u = serde_json::Map::new();
            u.insert("l".into(), json!(s.locale.as_str()));
            let (mut hidden, mut shown) = (Vec::new(), Vec::new());
            for (n, v) in s.visible.iter().enumerate() {
                if *v { shown.push(n as u32) } else { hidden.push(n as u32) }
            }
            if !hidden.is_empty() {
                let (hide, only) = (encode_list(&hidden), encode_list(&shown));
                if hide.len() <= only.len() {
                    u.insert("hide".into(), json!(hide));
                } else {
                    u.insert("only".into(), json!(only));
                }
            }
            if !s.pages.is_empty() {
                let page: serde_json::Map<String, Value> =
                    s.pages.iter().map(|(l, docs)| (l.to_string(), json!(encode_list(docs)))).collect();
                u.insert("page".into(), Value::Object(page));
            }
            Value::Object(u)
        })
        .collect();
    let results: Vec<Value> = PLURAL_SAMPLES
        .iter()
        .map(|n| {
            let text = catalog.message(locale, "portal-results", &[("count", Arg::Num(f64::from(*n)))]);
            json!([n, text.replacen(&n.to_string(), "{count}", 1)])
        })
        .collect();
    let kinds: serde_json::Map<String, Value> = RecordKind::ALL
        .iter()
        .map(|k| {
            let id = format!("portal-kind-{}", k.as_str());
            let label =
                if catalog.has(locale, &id) { catalog.message(locale, &id, &[]) } else { k.as_str().to_owned() };
            (k.as_str().to_owned(), json!(label))
        })
        .collect();
    let strings = json!({
        "results": results,
        "noResults": catalog.message(locale, "portal-no-results", &[("query", Arg::Str("{query}".into()))]),
        "didYouMean": catalog.message(locale, "portal-did-you-mean", &[]),
        "fallback": catalog.message(locale, "tree-not-translated", &[("language", Arg::Str("{language}".into()))]),
        "kinds": kinds,
    });
    [("use", Value::Array(uses)), ("w", Value::Object(weights)), ("t", strings)]
}

/// Writes `<site>/<locale>/search/` into `dir` (created): the index of the
/// texts in `locale` (when there are any) and, when `locale` is exported, what
/// its readers search ([`index_locales`] lists the folders to write). See the
/// module documentation for the format.
pub fn write_index(
    kb: &KnowledgeBase,
    catalog: &Catalog,
    pages: &PageMap,
    locale: &Locale,
    dir: &Path,
) -> io::Result<IndexStats> {
    std::fs::create_dir_all(dir)?;
    let mut stats = IndexStats::default();
    let mut bytes = 0u64;
    let mut write = |name: &str, text: String| -> io::Result<()> {
        bytes += text.len() as u64;
        std::fs::write(dir.join(format!("{name}.js")), text)
    };
    let mut meta = serde_json::Map::new();
    meta.insert("v".into(), json!(2));
    meta.insert("locale".into(), json!(locale.as_str()));

    // Documents: by kind, then by article, then record order.
    let fallbacks = fallback_locales(kb);
    let keys = documents(kb, locale, &fallbacks);
    let mut abouts: HashMap<usize, BTreeSet<String>> = HashMap::new();
    for d in &keys {
        abouts.entry(d.article).or_insert_with(|| about_codes(&kb.articles[d.article]));
    }
    let sources: Vec<(usize, Source)> = keys
        .iter()
        .filter_map(|d| {
            let (article, record) = (&kb.articles[d.article], &kb.articles[d.article].records[d.record]);
            let (locale, text) = record.texts.get_key_value(d.text)?;
            Some((d.article, Source { article, record, locale, text }))
        })
        .collect();
    let analyzed: Vec<Analyzed> = sources.par_iter().map(|(ai, s)| analyze(s, &abouts[ai])).collect();
    let sources: Vec<Source> = sources.into_iter().map(|(_, s)| s).collect();
    stats.docs = sources.len();

    if !sources.is_empty() {
        let (shard_keys, common, terms) = write_terms(&analyzed, &sources, locale, &mut write)?;
        stats.term_shards = shard_keys.len();
        stats.terms = terms;

        // Doc shards.
        for (i, chunk) in sources.chunks(DOC_SHARD_DOCS).enumerate() {
            // An article once per text locale (a copy links to its own text's page).
            let mut articles: Vec<(&Article, &Locale)> = Vec::new();
            let mut docs = Vec::new();
            for (j, s) in chunk.iter().enumerate() {
                let ai = match articles.iter().position(|(a, l)| a.id == s.article.id && *l == s.locale) {
                    Some(ai) => ai,
                    None => {
                        articles.push((s.article, s.locale));
                        articles.len() - 1
                    }
                };
                let d = &analyzed[i * DOC_SHARD_DOCS + j];
                docs.push(json!([ai, s.record.id.anchor, d.title, d.excerpt]));
            }
            let articles: Vec<Value> = articles
                .iter()
                .map(|(a, text)| {
                    let chain = kb.chain(a, text);
                    let title = chain.iter().find_map(|l| a.variants.get(l)).map_or("", |v| v.title.as_str());
                    match own_page(pages, a, text) {
                        Some(page) if page != locale => {
                            json!([a.id.as_str(), title, format!("../{page}/a/{}.html", a.id)])
                        }
                        _ => json!([a.id.as_str(), title]),
                    }
                })
                .collect();
            write(&format!("d{i}"), script(locale, &format!("d{i}"), &json!({ "a": articles, "d": docs })))?;
            stats.doc_shards += 1;
        }

        let mut kinds: Vec<Value> = Vec::new();
        let mut last = None;
        for (n, s) in sources.iter().enumerate() {
            if last != Some(s.record.kind) {
                kinds.push(json!([s.record.kind.as_str(), n]));
                last = Some(s.record.kind);
            }
        }
        meta.insert("docs".into(), json!(stats.docs));
        meta.insert("docShard".into(), json!(DOC_SHARD_DOCS));
        meta.insert("shards".into(), json!(shard_keys.join(" ")));
        meta.insert("common".into(), json!(common));
        meta.insert("kinds".into(), Value::Array(kinds));
        let mut copies: BTreeMap<&Locale, Vec<u32>> = BTreeMap::new();
        for (n, s) in sources.iter().enumerate().filter(|(_, s)| s.locale != locale) {
            copies.entry(s.locale).or_default().push(n as u32);
        }
        if !copies.is_empty() {
            let copies: serde_json::Map<String, Value> =
                copies.iter().map(|(l, docs)| (l.to_string(), json!(encode_list(docs)))).collect();
            meta.insert("copies".into(), Value::Object(copies));
        }
    }

    if pages.locales().contains(locale) {
        for (key, value) in reader_meta(kb, catalog, pages, locale) {
            meta.insert(key.into(), value);
        }
    }
    write("meta", script(locale, "meta", &Value::Object(meta)))?;
    stats.bytes = bytes;
    Ok(stats)
}

/// Postings, the surface → stems dictionary and the term shards; returns the
/// shards' smallest keys, the common stems (joined by spaces) and the number of keys.
fn write_terms(
    analyzed: &[Analyzed],
    sources: &[Source],
    locale: &Locale,
    write: &mut impl FnMut(&str, String) -> io::Result<()>,
) -> io::Result<(Vec<String>, String, usize)> {
    // Vocabulary: (language, surface) → word number.
    let mut vocabulary: FastMap<(&str, &str), u32> = FastMap::default();
    let mut words: Vec<(&'static str, &str)> = Vec::new();
    let doc_words: Vec<Vec<u32>> = analyzed
        .iter()
        .map(|d| {
            d.surfaces
                .iter()
                .map(|(surface, _, _)| {
                    *vocabulary.entry((d.language, surface.as_str())).or_insert_with(|| {
                        words.push((d.language, surface.as_str()));
                        (words.len() - 1) as u32
                    })
                })
                .collect()
        })
        .collect();
    drop(vocabulary);

    // Stems, in parallel (CJK words are their own stems).
    let stems: Vec<String> = words
        .par_chunks(2048)
        .flat_map_iter(|chunk| {
            let mut stemmers = Vec::new();
            chunk
                .iter()
                .map(|(lang, word)| {
                    if word.chars().any(is_cjk) {
                        return (*word).to_owned();
                    }
                    let i = match stemmers.iter().position(|(l, _)| l == lang) {
                        Some(i) => i,
                        None => {
                            stemmers.push((*lang, stemmer(lang)));
                            stemmers.len() - 1
                        }
                    };
                    (stemmers[i].1)(word)
                })
                .collect::<Vec<_>>()
        })
        .collect();

    // Keys with postings (stems and codes), numbered.
    let mut key_numbers: FastMap<&str, u32> = FastMap::default();
    let mut keys_with_postings: Vec<&str> = Vec::new();
    let mut number = |key| -> u32 {
        *key_numbers.entry(key).or_insert_with(|| {
            keys_with_postings.push(key);
            (keys_with_postings.len() - 1) as u32
        })
    };
    let stem_keys: Vec<u32> = stems.iter().map(|s| number(s.as_str())).collect();
    let doc_codes: Vec<Vec<(u32, u8)>> =
        analyzed.iter().map(|d| d.codes.iter().map(|(c, bonus)| (number(c.as_str()), *bonus)).collect()).collect();

    // Each document's keys and weights, in parallel; then postings in document order.
    let doc_keys: Vec<Vec<(u32, u8)>> = analyzed
        .par_iter()
        .zip(&doc_words)
        .zip(&doc_codes)
        .zip(sources)
        .map(|(((d, ids), codes), s)| {
            let mut uses: FastMap<u32, Use> = FastMap::default();
            for ((_, title, body), id) in d.surfaces.iter().zip(ids) {
                let u = uses.entry(stem_keys[*id as usize]).or_default();
                u.title += title;
                u.body += body;
            }
            for (key, bonus) in codes {
                let u = uses.entry(*key).or_default();
                u.bonus = u.bonus.max(*bonus);
            }
            uses.into_iter().map(|(k, u)| (k, weight(u, s.record.kind))).collect()
        })
        .collect();
    let mut postings: Vec<Vec<(u32, u8)>> = vec![Vec::new(); keys_with_postings.len()];
    for (n, keys) in doc_keys.iter().enumerate() {
        for (key, w) in keys {
            postings[*key as usize].push((n as u32, *w));
        }
    }
    drop(doc_keys);

    // The surface → stems dictionary (a surface may stem differently in two languages; codes are their own).
    let mut dictionary: FastMap<&str, Vec<&str>> = FastMap::default();
    for ((_, word), stem) in words.iter().zip(&stems) {
        dictionary.entry(word).or_default().push(stem.as_str());
    }
    for d in analyzed {
        for code in d.codes.keys() {
            dictionary.entry(code.as_str()).or_default().push(code.as_str());
        }
    }
    for set in dictionary.values_mut() {
        set.sort_unstable();
        set.dedup();
    }

    // Entries, sorted as JavaScript compares.
    let mut keys: Vec<&str> = dictionary.keys().chain(&keys_with_postings).copied().collect();
    keys.par_sort_unstable_by(|a, b| js_cmp(a, b));
    keys.dedup();
    let encoded: FastMap<&str, String> = keys_with_postings
        .par_iter()
        .zip(&postings)
        .map(|(k, p)| (*k, encode_postings(p)))
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    // Stems with long postings: skipped in queries that have rarer words.
    let mut common: Vec<&str> =
        encoded.iter().filter(|(k, p)| p.len() > COMMON_BYTES && !k.contains(' ')).map(|(k, _)| *k).collect();
    common.sort_unstable_by(|a, b| js_cmp(a, b));
    let entries: Vec<(&str, String)> = keys
        .par_iter()
        .map(|key| {
            let own = encoded.get(*key).cloned().unwrap_or_default();
            let value = match dictionary.get(*key) {
                Some(set) if !(set.len() == 1 && set[0] == *key) => {
                    let mut value = String::new();
                    for stem in set {
                        value.push('~');
                        value.push_str(&pointer(key, stem).unwrap_or_else(|| "A".to_owned()));
                    }
                    value.push('~');
                    value.push_str(&own);
                    value
                }
                _ => own,
            };
            (*key, value)
        })
        .collect();

    // Term shards: contiguous ranges; a shard never starts with a multi-word code,
    // so `http 500` is in the shard of `http`.
    let mut shard_keys: Vec<String> = Vec::new();
    let mut start = 0;
    while start < entries.len() {
        let mut end = start;
        let mut size = 0;
        while end < entries.len() {
            let (key, value) = &entries[end];
            let entry = key.len() + value.len() + 6;
            // Cut when full, or before an entry that would overfill (long postings get a shard of their own).
            if end > start
                && !key.contains(' ')
                && (size >= TERM_SHARD_BYTES || size + entry > TERM_SHARD_BYTES * 5 / 4)
            {
                break;
            }
            size += entry;
            end += 1;
        }
        let key = if start == 0 {
            String::new()
        } else {
            let (first, previous) = (entries[start].0, entries[start - 1].0);
            let mut prefix = String::new();
            for c in first.chars() {
                prefix.push(c);
                if js_cmp(&prefix, previous).is_gt() {
                    break;
                }
            }
            prefix
        };
        let flat: Vec<&str> = entries[start..end].iter().flat_map(|(k, v)| [*k, v.as_str()]).collect();
        write(&format!("t{}", shard_keys.len()), script(locale, &format!("t{}", shard_keys.len()), &json!(flat)))?;
        shard_keys.push(key);
        start = end;
    }
    Ok((shard_keys, common.join(" "), entries.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> Vec<String> {
        tokens(text)
    }

    #[test]
    fn words_are_lowercased_runs() {
        assert_eq!(t("Gerät trennt die Verbindung!"), ["gerät", "trennt", "die", "verbindung"]);
        assert_eq!(t("Error 0x8007016A: HTTP 500.19"), ["error", "0x8007016a", "http", "500", "19"]);
        assert_eq!(t("połączeń—Łódź"), ["połączeń", "łódź"]);
    }

    #[test]
    fn underscores_keep_the_word_and_its_parts() {
        assert_eq!(t("set DEVICE_ID now"), ["set", "device_id", "device", "id", "now"]);
        assert_eq!(t("__init__ ___"), ["__init__", "init"]);
    }

    #[test]
    fn cjk_runs_become_bigrams() {
        assert_eq!(t("设备断开连接"), ["设备", "备断", "断开", "开连", "连接"]);
        assert_eq!(t("错"), ["错"]);
        assert_eq!(t("错误0x8007016a表示"), ["错误", "0x8007016a", "表示"]);
        assert_eq!(t("デバイスが切断"), ["デバ", "バイ", "イス", "スが", "が切", "切断"]);
    }

    #[test]
    fn codes_are_keys_of_their_tokens() {
        assert_eq!(code_key("http 500.19"), "http 500 19");
        assert_eq!(code_key("0x8007016a"), "0x8007016a");
        assert_eq!(code_key("-2016281112"), "2016281112");
    }

    #[test]
    fn postings_round_trip() {
        let postings = vec![(0, 1), (1, 15), (2, 3), (40, 7), (41, 1), (1_000_000, 15), (u32::MAX, 2)];
        let text = encode_postings(&postings);
        assert!(text.bytes().all(|b| B64.contains(&b)), "{text}");
        assert_eq!(decode_postings(&text), Some(postings));
        assert_eq!(encode_postings(&[(0, 1), (1, 2)]), "BS");
        assert_eq!(decode_postings("g"), None, "a dangling continuation is malformed");
    }

    #[test]
    fn lists_round_trip() {
        let list = [0, 1, 2, 40, 41, 1_000_000, u32::MAX];
        let text = encode_list(&list);
        assert_eq!(decode_list(&text).as_deref(), Some(&list[..]));
        assert_eq!(encode_list(&[3, 4, 36]), "DBgB");
        assert_eq!(decode_list(""), Some(vec![]));
        assert_eq!(decode_list("g"), None);
    }

    #[test]
    fn tokens_of_mixed_runs() {
        // ASCII runs (no allocation path) and others give what the per-character rules give.
        assert_eq!(t("ABC_def Ghi__ _ x"), ["abc_def", "abc", "def", "ghi__", "ghi", "x"]);
        assert_eq!(t("Straße ΣΊΣΥΦΟΣ"), ["straße", "σίσυφος"]);
        assert_eq!(t("日本語text_X"), ["日本", "本語", "text_x", "text", "x"]);
    }

    #[test]
    fn pointers_drop_and_append() {
        assert_eq!(pointer("connections", "connect").as_deref(), Some("E"));
        assert_eq!(pointer("größe", "gross").as_deref(), Some("Doss"));
        assert_eq!(pointer("verbindung", "verbind").as_deref(), Some("D"));
        assert_eq!(pointer("same", "same").as_deref(), Some("A"));
    }

    #[test]
    fn excerpts_are_short() {
        let long = "word ".repeat(200);
        let e = excerpt(&long);
        assert!(e.chars().count() <= EXCERPT_CHARS + 1 && e.ends_with('…'), "{e}");
        assert_eq!(excerpt("a  b\n c"), "a b c");
    }
}
