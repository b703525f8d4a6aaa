//! The offline search index: per locale, sharded, loaded by `<script>` tags.
//!
//! Files in `<site>/<locale>/search/`, each a plain script that calls the
//! global `tshootSearchData(locale, name, data)` (no `fetch`, no modules: they
//! must load from `file://`):
//!
//! * `meta.js` (`name` = `"meta"`): `{v, locale, docs, docShard, shards, common, kinds, t}`.
//!   `shards` is the smallest key of each term shard `t<i>.js`, joined by
//!   spaces (the first is `""`): a word lives in the last shard whose key is
//!   `<=` the word (UTF-16 order, JavaScript's `<`). `kinds` is `[[kind, first doc, label]…]`:
//!   documents are numbered by kind, then by article, so a kind is a range.
//!   `common` lists the stems with long postings (over 3 KB), joined by
//!   spaces: a query that has rarer words skips the words that only stand
//!   for common stems.
//!   `t` holds the UI strings: `results` (`[[n, "… {count} …"]…]` for
//!   representative numbers; pick the one whose `Intl.PluralRules` category
//!   matches), `noResults` (`{query}`), `didYouMean`, `fallback` (`{language}`).
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
//!   1–15 (title ×3 over body, term frequency, kind, fallback ×0.8, error codes
//!   +8, codes the article is about +11).
//! * `d<i>.js`: documents `i*docShard …`: `{a: [[article id, article title,
//!   href?]…], d: [[article index in a, anchor, title, excerpt, fallback
//!   locale?]…]}`; `href` is relative to the locale folder (`a/<id>.html`
//!   when left out), append `#anchor`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' {
            run.push(c);
        } else if !run.is_empty() {
            push_run(&run.to_lowercase(), &mut out);
            run.clear();
        }
    }
    out
}

fn push_run(run: &str, out: &mut Vec<String>) {
    let chars: Vec<char> = run.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let cjk = is_cjk(chars[i]);
        let mut j = i;
        while j < chars.len() && is_cjk(chars[j]) == cjk {
            j += 1;
        }
        let segment = &chars[i..j];
        if cjk {
            if segment.len() == 1 {
                out.push(segment[0].to_string());
            } else {
                out.extend(segment.windows(2).map(|w| w.iter().collect::<String>()));
            }
        } else if segment.iter().any(|c| *c != '_') {
            let s: String = segment.iter().collect();
            let parts: Vec<String> = if s.contains('_') {
                s.split('_').filter(|p| !p.is_empty()).map(str::to_owned).collect()
            } else {
                Vec::new()
            };
            out.push(s);
            out.extend(parts);
        }
        i = j;
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

/// The inverse of [`encode_postings`]; `None` for malformed text.
pub fn decode_postings(text: &str) -> Option<Vec<(u32, u8)>> {
    let mut out = Vec::new();
    let (mut doc, mut value, mut shift) = (0u32, 0u64, 0u32);
    for b in text.bytes() {
        let digit = B64.iter().position(|c| *c == b)? as u64;
        value |= (digit & 31) << shift;
        if digit & 32 != 0 {
            shift += 5;
            continue;
        }
        doc = doc.checked_add(u32::try_from(value / 16).ok()?)?;
        out.push((doc, (value % 16) as u8));
        (value, shift) = (0, 0);
    }
    (shift == 0).then_some(out)
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

fn weight(u: Use, kind: RecordKind, fallback: bool) -> u8 {
    let mut text = 0.0;
    if u.title > 0 {
        text += 3.0;
    }
    if u.body > 0 {
        text += 1.0 + (u.body as f32).ln();
    }
    let text = text * kind_weight(kind) * if fallback { 0.8 } else { 1.0 } * 1.2;
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
    surfaces: HashMap<String, (u32, u32)>,
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
    let mut surfaces: HashMap<String, (u32, u32)> = HashMap::new();
    for t in tokens(&title) {
        surfaces.entry(t).or_default().0 += 1;
    }
    for t in tokens(&body) {
        surfaces.entry(t).or_default().1 += 1;
    }
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
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
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

/// Writes the offline search index for readers of `locale` into `dir`
/// (`<site>/<locale>/search/`, created). See the module documentation for the format.
pub fn write_index(
    kb: &KnowledgeBase,
    catalog: &Catalog,
    pages: &PageMap,
    locale: &Locale,
    dir: &Path,
) -> io::Result<IndexStats> {
    std::fs::create_dir_all(dir)?;
    let mut stats = IndexStats::default();
    let mut write = |name: &str, text: String| -> io::Result<()> {
        stats.bytes += text.len() as u64;
        std::fs::write(dir.join(format!("{name}.js")), text)
    };

    // Documents: by kind, then by article, then record order.
    let mut sources = Vec::new();
    let mut abouts = Vec::new();
    for a in &kb.articles {
        if pages.article_href(locale, &a.id, None).is_none() {
            continue;
        }
        let chain = kb.chain(a, locale);
        abouts.push(about_codes(a));
        for record in &a.records {
            if let Some((text_locale, text, _)) = record.text_in(&chain) {
                sources.push((abouts.len() - 1, Source { article: a, record, locale: text_locale, text }));
            }
        }
    }
    sources.sort_by_key(|(_, s)| RecordKind::ALL.iter().position(|k| *k == s.record.kind));
    let analyzed: Vec<Analyzed> = sources.par_iter().map(|(about, s)| analyze(s, &abouts[*about])).collect();

    // Stems per language, in parallel.
    let mut by_language: BTreeMap<&'static str, BTreeSet<&str>> = BTreeMap::new();
    for d in &analyzed {
        let words = by_language.entry(d.language).or_default();
        words.extend(d.surfaces.keys().map(String::as_str).filter(|w| !w.chars().any(is_cjk)));
    }
    let stems: HashMap<(&str, &str), String> = by_language
        .iter()
        .flat_map(|(lang, words)| {
            let words: Vec<&str> = words.iter().copied().collect();
            words
                .par_chunks(2048)
                .flat_map_iter(|chunk| {
                    let mut stem = stemmer(lang);
                    chunk.iter().map(move |w| ((*lang, *w), stem(w))).collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect();

    // Postings and the surface → stems dictionary.
    let mut postings: HashMap<String, Vec<(u32, u8)>> = HashMap::new();
    let mut dictionary: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (n, (d, (_, s))) in analyzed.iter().zip(&sources).enumerate() {
        let mut uses: HashMap<&str, Use> = HashMap::new();
        for (surface, (title, body)) in &d.surfaces {
            let stem = stems.get(&(d.language, surface.as_str())).map_or(surface.as_str(), String::as_str);
            let u = uses.entry(stem).or_default();
            u.title += title;
            u.body += body;
            if let Some(set) = dictionary.get_mut(surface.as_str()) {
                if !set.contains(stem) {
                    set.insert(stem.to_owned());
                }
            } else {
                dictionary.insert(surface.clone(), BTreeSet::from([stem.to_owned()]));
            }
        }
        for (code, bonus) in &d.codes {
            let u = uses.entry(code.as_str()).or_default();
            u.bonus = u.bonus.max(*bonus);
            dictionary.entry(code.clone()).or_default().insert(code.clone());
        }
        let fallback = s.locale != locale;
        for (key, u) in uses {
            postings.entry(key.to_owned()).or_default().push((n as u32, weight(u, s.record.kind, fallback)));
        }
    }

    // Entries, sorted as JavaScript compares.
    let mut keys: Vec<&str> = dictionary.keys().chain(postings.keys()).map(String::as_str).collect();
    keys.sort_unstable_by(|a, b| js_cmp(a, b));
    keys.dedup();
    let encoded: HashMap<&str, String> = postings.par_iter().map(|(k, p)| (k.as_str(), encode_postings(p))).collect();
    // Stems with long postings: skipped in queries that have rarer words.
    let mut common: Vec<&str> =
        encoded.iter().filter(|(k, p)| p.len() > COMMON_BYTES && !k.contains(' ')).map(|(k, _)| *k).collect();
    common.sort_unstable_by(|a, b| js_cmp(a, b));
    let entries: Vec<(&str, String)> = keys
        .par_iter()
        .map(|key| {
            let own = encoded.get(*key).cloned().unwrap_or_default();
            let value = match dictionary.get(*key) {
                Some(set) if !(set.len() == 1 && set.contains(*key)) => {
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
    stats.terms = entries.len();

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
    stats.term_shards = shard_keys.len();

    // Doc shards.
    stats.docs = sources.len();
    for (i, chunk) in sources.chunks(DOC_SHARD_DOCS).enumerate() {
        let mut articles: Vec<&Article> = Vec::new();
        let mut docs = Vec::new();
        for (j, (_, s)) in chunk.iter().enumerate() {
            let ai = match articles.iter().position(|a| a.id == s.article.id) {
                Some(ai) => ai,
                None => {
                    articles.push(s.article);
                    articles.len() - 1
                }
            };
            let d = &analyzed[i * DOC_SHARD_DOCS + j];
            let mut doc = vec![json!(ai), json!(s.record.id.anchor), json!(d.title), json!(d.excerpt)];
            if s.locale != locale {
                doc.push(json!(s.locale.as_str()));
            }
            docs.push(Value::Array(doc));
        }
        let articles: Vec<Value> = articles
            .iter()
            .map(|a| {
                let href = pages.article_href(locale, &a.id, None).unwrap_or_default();
                let chain = kb.chain(a, locale);
                let title = chain.iter().find_map(|l| a.variants.get(l)).map_or("", |v| v.title.as_str());
                if href == format!("a/{}.html", a.id) {
                    json!([a.id.as_str(), title])
                } else {
                    json!([a.id.as_str(), title, href])
                }
            })
            .collect();
        write(&format!("d{i}"), script(locale, &format!("d{i}"), &json!({ "a": articles, "d": docs })))?;
        stats.doc_shards += 1;
    }

    // Meta: shard keys, kind ranges, UI strings.
    let mut kinds = Vec::new();
    for (n, (_, s)) in sources.iter().enumerate() {
        let kind = s.record.kind.as_str();
        if kinds.last().is_none_or(|(k, _, _): &(&str, usize, String)| *k != kind) {
            let id = format!("portal-kind-{kind}");
            let label = if catalog.has(locale, &id) { catalog.message(locale, &id, &[]) } else { kind.to_owned() };
            kinds.push((kind, n, label));
        }
    }
    let results: Vec<Value> = PLURAL_SAMPLES
        .iter()
        .map(|n| {
            let text = catalog.message(locale, "portal-results", &[("count", Arg::Num(f64::from(*n)))]);
            json!([n, text.replacen(&n.to_string(), "{count}", 1)])
        })
        .collect();
    let strings = json!({
        "results": results,
        "noResults": catalog.message(locale, "portal-no-results", &[("query", Arg::Str("{query}".into()))]),
        "didYouMean": catalog.message(locale, "portal-did-you-mean", &[]),
        "fallback": catalog.message(locale, "tree-not-translated", &[("language", Arg::Str("{language}".into()))]),
    });
    let meta = json!({
        "v": 1,
        "locale": locale.as_str(),
        "docs": stats.docs,
        "docShard": DOC_SHARD_DOCS,
        "shards": shard_keys.join(" "),
        "common": common.join(" "),
        "kinds": kinds.iter().map(|(k, n, l)| json!([k, n, l])).collect::<Vec<_>>(),
        "t": strings,
    });
    write("meta", script(locale, "meta", &meta))?;
    Ok(stats)
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
