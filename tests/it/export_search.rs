//! The export's offline search: the indexes written for `content/` (one per
//! text locale; what each reader sees in them), then the real `search.js` in
//! headless Chromium from `file://` (tokenizer parity with Rust, queries,
//! fallback documents, rendering), and the index size and first-search
//! payload on the whole corpus.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use thirtyfour::prelude::*;
use tshoot::KnowledgeBase;
use tshoot::export::PageMap;
use tshoot::export::search::{IndexStats, SEARCH_JS, decode_list, decode_postings, index_locales, tokens, write_index};
use tshoot::i18n::Catalog;
use tshoot::model::ArticleId;

use crate::chromium::{Chromium, artifacts, wait_for_text};
use crate::harness::{load, locale, repo, shared};

const LOCALES: [&str; 6] = ["en-us", "de-de", "pl-pl", "pt-br", "sv-se", "zh-cn"];
/// The locales of `content/` and one with neither content nor UI strings of its own.
const READERS: [&str; 7] = ["en-us", "de-de", "pl-pl", "pt-br", "sv-se", "zh-cn", "fr-fr"];

/// A minimal search page, as the export's pages engineer writes it.
fn page(tag: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="{tag}"><head><meta charset="utf-8"><title>Search</title><link rel="icon" href="data:,"></head>
<body>
<form class="search" role="search" action="search.html" method="get"><input id="q" name="q" type="search"><button type="submit">Search</button></form>
<div id="results" data-locale="{tag}" data-index="search/"></div>
<script src="../assets/search.js"></script>
</body></html>
"#
    )
}

/// Exports `readers` ([`index_locales`]: their indexes and what they
/// search), their search pages and the script into `site`; the stats of each
/// index folder, and how long they took.
fn write_site(kb: &KnowledgeBase, readers: &[&str], site: &Path) -> (Vec<(String, IndexStats)>, Duration) {
    let locales: Vec<_> = readers.iter().map(|t| locale(t)).collect();
    let pages = PageMap::new(kb, &locales);
    let catalog = Catalog::embedded();
    std::fs::create_dir_all(site.join("assets")).expect("assets dir");
    std::fs::write(site.join("assets/search.js"), SEARCH_JS).expect("search.js");
    let started = Instant::now();
    let stats = index_locales(kb, &pages)
        .iter()
        .map(|l| {
            let stats = write_index(kb, &catalog, &pages, l, &site.join(l.as_str()).join("search")).expect("index");
            (l.to_string(), stats)
        })
        .collect();
    let took = started.elapsed();
    for l in &locales {
        std::fs::write(site.join(l.as_str()).join("search.html"), page(l.as_str())).expect("page");
    }
    (stats, took)
}

/// `content/` with one record (409012's cause 2) left out of the Swedish
/// translation, so a Swedish page shows a record's English text, and one
/// record only in Swedish (409012's cause 3), which every other reader finds
/// in the English index (the records without text in any fallback locale).
fn content_with_partial_swedish() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("dir");
        for e in std::fs::read_dir(from).expect("read dir").flatten() {
            if e.file_type().expect("type").is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
            }
        }
    }
    let dir = tempfile::tempdir().expect("temp dir");
    copy(&repo("content"), dir.path());
    let file = dir.path().join("sv-se/error-409012-file-lock-conflict.md");
    let text = std::fs::read_to_string(&file).expect("sv-se 409012");
    let (start, end) = (text.find("### <a name=\"cause-2\">"), text.find("## <a name=\"solutions\">"));
    let (Some(start), Some(end)) = (start, end) else { panic!("409012 in sv-se has cause 2, then solutions") };
    let own =
        "### <a name=\"cause-3\"></a>Orsak 3\n\nKvartalsrapporten blockeras av en gammal snapshotreplikering.\n\n";
    std::fs::write(&file, format!("{}{own}{}", &text[..start], &text[end..])).expect("write");
    dir
}

/// The data of one index file (`tshootSearchData("de-de","t0",DATA);`).
fn data_of(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("index file");
    let start = text.find(",[").into_iter().chain(text.find(",{")).min().expect("data starts");
    let body = text[start + 1..].trim_end().trim_end_matches(';').trim_end_matches(')');
    serde_json::from_str(body).expect("index file holds JSON")
}

/// One document of an index: record id (`article#anchor`), text locale, the href its doc shard gives.
struct Doc {
    id: String,
    text: String,
    href: Option<String>,
}

/// The documents of the index in `search`, by number.
fn documents(search: &Path) -> Vec<Doc> {
    let meta = data_of(&search.join("meta.js"));
    let index = meta["locale"].as_str().expect("locale").to_owned();
    let docs = meta["docs"].as_u64().unwrap_or(0) as usize;
    let per_shard = meta["docShard"].as_u64().unwrap_or(1) as usize;
    let mut copies = BTreeMap::new();
    for (l, list) in meta["copies"].as_object().into_iter().flatten() {
        for n in decode_list(list.as_str().expect("list")).expect("copies decode") {
            copies.insert(n as usize, l.clone());
        }
    }
    let mut out = Vec::new();
    for i in 0..docs.div_ceil(per_shard) {
        let shard = data_of(&search.join(format!("d{i}.js")));
        for d in shard["d"].as_array().expect("docs") {
            let a = &shard["a"][d[0].as_u64().expect("article index") as usize];
            let text = copies.get(&out.len()).cloned().unwrap_or_else(|| index.clone());
            out.push(Doc {
                id: format!("{}#{}", a[0].as_str().expect("id"), d[1].as_str().expect("anchor")),
                text,
                href: a[2].as_str().map(str::to_owned),
            });
        }
    }
    out
}

#[test]
fn bundled_content_indexes_hold_each_text_once_and_readers_see_every_record_once() {
    let content = content_with_partial_swedish();
    let kb = load(&[content.path().to_owned()]);
    let pages = PageMap::new(&kb, &READERS.map(locale));
    let dir = tempfile::tempdir().expect("temp dir");
    let (stats, _) = write_site(&kb, &READERS, dir.path());
    let texts: BTreeMap<String, BTreeSet<String>> = kb
        .articles
        .iter()
        .flat_map(|a| a.records.iter())
        .map(|r| (r.id.to_string(), r.texts.keys().map(|l| l.to_string()).collect()))
        .collect();
    let mut docs_of = BTreeMap::new();
    for (tag, s) in &stats {
        let search = dir.path().join(tag).join("search");
        let meta = data_of(&search.join("meta.js"));
        assert_eq!(meta["docs"].as_u64().unwrap_or(0), s.docs as u64, "{tag}");
        let docs = documents(&search);
        assert_eq!(docs.len(), s.docs, "{tag}: every document is in a doc shard");
        // No fallback copies: the index of T holds T texts (and, in the first
        // fallback locale's, the records with no text there, in their own locale).
        for Doc { id, text, .. } in &docs {
            assert!(texts[id].contains(text), "{tag}: {id} has no {text} text");
            assert!(text == tag || !texts[id].contains(tag.as_str()), "{tag}: {id} copied though it has {tag} text");
        }
        let shards: Vec<&str> = meta["shards"].as_str().map_or(vec![], |s| s.split(' ').collect());
        assert_eq!(shards.len(), s.term_shards);
        for (i, shard_key) in shards.iter().enumerate() {
            let flat = data_of(&search.join(format!("t{i}.js")));
            let flat = flat.as_array().expect("flat entries");
            for pair in flat.chunks(2) {
                let (key, value) = (pair[0].as_str().expect("key"), pair[1].as_str().expect("value"));
                assert!(key >= *shard_key, "{key} sorts into shard {i}");
                let own = value.rsplit('~').next().unwrap_or("");
                let postings = decode_postings(own).unwrap_or_else(|| panic!("{tag} {key}: {value}"));
                assert!(postings.iter().all(|(d, w)| (*d as usize) < s.docs && (1..16).contains(w)), "{key}");
            }
        }
        docs_of.insert(tag.clone(), docs);
    }
    // English is the fallback locale: its index holds every record, in English when it has English text.
    assert_eq!(docs_of["en-us"].len(), texts.len());
    assert_eq!(
        docs_of["en-us"].iter().filter(|d| d.text != "en-us").count(),
        texts.values().filter(|t| !t.contains("en-us")).count()
    );

    // What each reader sees: its own texts, and each record without one exactly once, from a fallback index.
    for reader in READERS {
        let meta = data_of(&dir.path().join(reader).join("search/meta.js"));
        let own = docs_of.get(reader).is_some_and(|d| !d.is_empty());
        assert_eq!(own, meta["docs"].as_u64().is_some(), "{reader}: an index only where there are texts");
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (i, u) in meta["use"].as_array().expect("use").iter().enumerate() {
            let index = u["l"].as_str().expect("index locale");
            assert_eq!(i == 0 && own, index == reader, "{reader}: its own index first, then fallbacks: {u}");
            let docs = &docs_of[index];
            let hide: BTreeSet<u32> =
                u["hide"].as_str().map_or_else(BTreeSet::new, |l| decode_list(l).expect("hide").into_iter().collect());
            let only: Option<BTreeSet<u32>> =
                u["only"].as_str().map(|l| decode_list(l).expect("only").into_iter().collect());
            let mut page = BTreeMap::new();
            for (l, list) in u["page"].as_object().into_iter().flatten() {
                for n in decode_list(list.as_str().expect("page list")).expect("page decode") {
                    page.insert(n, l.as_str());
                }
            }
            for (n, Doc { id, text, href }) in docs.iter().enumerate() {
                let n = n as u32;
                if hide.contains(&n) || only.as_ref().is_some_and(|o| !o.contains(&n)) {
                    continue;
                }
                assert!(seen.insert(id.clone(), text.clone()).is_none(), "{reader}: {id} seen twice");
                // The link search.js makes: the reader's page of the article, as the pages link it.
                let (article, anchor) = id.split_once('#').expect("record id");
                let href = match page.get(&n) {
                    Some(l) => format!("../{l}/a/{article}.html"),
                    None => href.clone().unwrap_or_else(|| format!("../{index}/a/{article}.html")),
                };
                let href = href.strip_prefix(&format!("../{reader}/")).map_or(href.clone(), str::to_owned);
                let expected = pages.article_href(&locale(reader), &ArticleId::sanitize(article), Some(anchor));
                assert_eq!(Some(format!("{href}#{anchor}")), expected, "{reader}: {id} in {index}");
            }
        }
        for (id, locales) in &texts {
            let text = seen.get(id).unwrap_or_else(|| panic!("{reader}: {id} not seen"));
            if locales.contains(reader) {
                assert_eq!(text, reader, "{reader}: {id} has {reader} text, so not its {text} text");
            }
        }
        assert_eq!(seen.len(), texts.len(), "{reader}");
    }
    assert!(!texts["409012-filelockconflict#cause-2"].contains("sv-se"), "the Swedish translation lacks a record");
    assert_eq!(texts["409012-filelockconflict#cause-3"], BTreeSet::from(["sv-se".to_owned()]));
    let en = data_of(&dir.path().join("en-us/search/meta.js"));
    assert!(en["copies"]["sv-se"].is_string(), "the Swedish-only record is in the English index: {}", en["copies"]);

    let pl = data_of(&dir.path().join("pl-pl/search/meta.js"));
    let forms: Vec<&str> =
        pl["t"]["results"].as_array().expect("results").iter().filter_map(|r| r[1].as_str()).collect();
    for form in ["{count} wynik", "{count} wyniki", "{count} wyników"] {
        assert!(forms.contains(&form), "{forms:?}");
    }
    let zh = data_of(&dir.path().join("zh-cn/search/meta.js"));
    assert!(zh["t"]["noResults"].as_str().is_some_and(|t| t.contains("{query}")), "{zh}");
}

/// Sample text in every language, with codes, diacritics, CJK and underscores.
const SAMPLES: &[&str] = &[
    "Error 0x8007016A: The cloud file provider is not running.",
    "HTTP Error 500.19 and 404103 DeviceNotFound, AADSTS50011",
    "Der Agent zeigt „Keine Verbindung möglich“ an; Verbindungen über Port 443. Größe ÄÖÜ ß",
    "Połączenie nie powiodło się: błąd 430021 — ŁÓDŹ żółć",
    "A conexão falhou (erro 503001); sincronização não é possível.",
    "Anslutningen bröts på enheten. Åtgärd: starta om tjänsten.",
    "同步令牌已过期（错误 430021）。请重新登录 Harbor Sync 代理。",
    "デバイスが定期的に切断される ｶﾀｶﾅ 𠀀𠀁 々〇",
    "set HARBOR_SYNC_TOKEN=__init__ ___ x_1_y",
    "İstanbul ΣΊΣΥΦΟΣ Straße ﬁle ½ ² Ⅻ ٣ mixed日本語text",
];

/// Every text of `content/`, cut in pieces, plus the samples.
fn parity_texts() -> Vec<String> {
    let mut texts: Vec<String> = SAMPLES.iter().map(|s| s.to_string()).collect();
    for tag in LOCALES {
        for entry in std::fs::read_dir(repo("content").join(tag)).expect("content dir").flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                texts.push(text);
            }
        }
    }
    texts
}

async fn js(driver: &WebDriver, script: &str, args: Vec<Value>) -> Value {
    driver.execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}")).json().clone()
}

/// The first hit's article for a query, and the hits.
async fn query(driver: &WebDriver, text: &str) -> Vec<Value> {
    let v = js(driver, "return tshootSearch.query(arguments[0], {limit: 8});", vec![json!(text)]).await;
    v.as_array().cloned().unwrap_or_default()
}

fn first_article(hits: &[Value]) -> &str {
    hits.first().and_then(|h| h["article"].as_str()).unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_search_in_chromium_matches_rust_and_finds_articles() -> WebDriverResult<()> {
    let Some(browser) = Chromium::start().await else { return Ok(()) };
    let driver = &browser.driver;
    let content = content_with_partial_swedish();
    let kb = load(&[content.path().to_owned()]);
    let (de, sv, en) = (locale("de-de"), locale("sv-se"), locale("en-us"));
    let records = || kb.articles.iter().flat_map(|a| a.records.iter().map(move |r| (a, r)));
    let with_german: BTreeSet<String> =
        records().filter(|(_, r)| r.texts.contains_key(&de)).map(|(_, r)| r.id.to_string()).collect();
    let english_only: BTreeSet<String> =
        kb.articles.iter().filter(|a| a.variants.keys().eq([&en])).map(|a| a.id.to_string()).collect();
    // A record with English text and no Swedish one, in an article translated into Swedish:
    // its longest words as a query.
    let (untranslated, words) = records()
        .find(|(a, r)| a.variants.contains_key(&sv) && !r.texts.contains_key(&sv) && r.texts.contains_key(&en))
        .map(|(_, r)| {
            let mut words: Vec<String> = tokens(&r.texts[&en].markdown);
            words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
            words.dedup();
            (r.id.to_string(), words.into_iter().take(4).collect::<Vec<_>>().join(" "))
        })
        .expect("a record without Swedish text in an article with a Swedish translation");
    // Kept in target/test-artifacts/export-search/ to open by hand.
    let dir = artifacts().join("export-search");
    let _ = std::fs::remove_dir_all(&dir);
    write_site(&kb, &READERS, &dir);
    let url = |tag: &str, q: &str| {
        let mut u = url_of(&dir.join(tag).join("search.html"));
        if !q.is_empty() {
            u.push_str("?q=");
            u.push_str(&encode(q));
        }
        u
    };

    let result: WebDriverResult<()> = async {
        // Tokenizer parity over all of content/ and the samples.
        driver.goto(url("en-us", "")).await?;
        let texts = parity_texts();
        let js_tokens = js(driver, "return arguments[0].map(t => tshootSearch.tokens(t));", vec![json!(texts)]).await;
        for (i, text) in texts.iter().enumerate() {
            assert_eq!(js_tokens[i], json!(tokens(text)), "token parity for {:?}", &text[..text.len().min(80)]);
        }

        // German: word forms the expected article only holds in another form
        // (content/de-de: "abgemeldete" only in 430021, "abgemeldet" only in 0x8007016a).
        driver.goto(url("de-de", "")).await?;
        for (q, only_by_stem) in
            [("abgemeldet", "430021-synctokenexpired"), ("abgemeldete", "0x8007016a-cloudfileprovidernotrunning")]
        {
            let hits = query(driver, q).await;
            assert!(hits.iter().any(|h| h["article"] == only_by_stem), "{q}: {hits:#?}");
        }
        // Typos: a transposition in a long German word, one letter missing in English.
        for (tag, q, expected) in
            [("de-de", "Clouddateianbeiter", "clouddateianbieter"), ("en-us", "conection", "connection")]
        {
            driver.goto(url(tag, q)).await?;
            wait_for_text(driver, "#results p.suggestion a", expected).await?;
        }
        // Chinese bigrams, Polish words, a multi-word code.
        for (tag, q, expected) in [
            ("zh-cn", "云文件提供程序", "0x8007016a-cloudfileprovidernotrunning"),
            ("pl-pl", "plików w chmurze", "0x8007016a-cloudfileprovidernotrunning"),
            ("en-us", "HTTP 503", "503001-serviceunavailable"),
        ] {
            driver.goto(url(tag, "")).await?;
            let hits = query(driver, q).await;
            assert_eq!(first_article(&hits), expected, "{tag} {q}: {hits:#?}");
        }

        // The page: ?q= fills the input and renders the server's markup, matches in <b>.
        driver.goto(url("de-de", "0x8007016A Platzhalter")).await?;
        wait_for_text(driver, "#results p[role=status]", "Ergebnis").await?;
        assert_eq!(driver.find(By::Id("q")).await?.value().await?.as_deref(), Some("0x8007016A Platzhalter"));
        let first = driver.find(By::Css("#results ol.results > li > h2 > a")).await?;
        assert!(
            first.attr("href").await?.is_some_and(|h| h.starts_with("a/0x8007016a-cloudfileprovidernotrunning.html#"))
        );
        driver.find(By::Css("#results ol.results > li > p.meta > span.kind")).await?;
        let mut bold = Vec::new();
        for b in driver.find_all(By::Css("#results ol.results > li > p.snippet > b")).await? {
            bold.push(b.text().await?.to_lowercase());
        }
        assert!(bold.iter().any(|b| b == "platzhalter"), "{bold:?}");

        // A record with no German text: found through its English text, marked.
        driver.goto(url("de-de", "401017")).await?;
        wait_for_text(
            driver,
            "#results ol.results li p.meta span.badge",
            "Nicht in Ihre Sprache übersetzt; angezeigt auf en-us",
        )
        .await?;

        // Kind filter and at most two hits per article.
        let hits =
            js(driver, "return tshootSearch.query('Agent Harbor Sync', {kind: 'symptom', limit: 20});", vec![]).await;
        let hits = hits.as_array().cloned().unwrap_or_default();
        assert!(!hits.is_empty() && hits.iter().all(|h| h["kind"] == "symptom"), "{hits:#?}");
        let hits = query(driver, "Harbor Sync Agent").await;
        for h in &hits {
            assert!(hits.iter().filter(|o| o["article"] == h["article"]).count() <= 2, "{hits:#?}");
        }

        // Polish plural forms, and no markup from the query.
        driver.goto(url("pl-pl", "<marquee>zzqxv</marquee>")).await?;
        wait_for_text(driver, "#results p[role=status]", "Brak wyników dla „<marquee>zzqxv</marquee>”").await?;
        assert!(driver.find_all(By::Css("#results marquee")).await?.is_empty());
        let counts = js(driver, "return Promise.all([1, 2, 5, 22].map(n => tshootSearch.countText(n)));", vec![]).await;
        assert_eq!(counts, json!(["1 wynik", "2 wyniki", "5 wyników", "22 wyniki"]));

        // An error code from content/ ranks its article first, in every locale.
        for tag in LOCALES {
            driver.goto(url(tag, "")).await?;
            let hits = query(driver, "0x8007016A").await;
            assert_eq!(first_article(&hits), "0x8007016a-cloudfileprovidernotrunning", "{tag}: {hits:#?}");
        }

        // A German reader sees the German document of a translated record, never
        // its English one, and the English documents of records without German text.
        let queries =
            ["sync token expired", "cloud file provider is not running", "device not authorized", "path too long"];
        let mut english_hidden = 0;
        let mut fallback_articles = BTreeSet::new();
        for q in queries {
            driver.goto(url("en-us", "")).await?;
            let en_hits = js(driver, "return tshootSearch.query(arguments[0], {limit: 50});", vec![json!(q)]).await;
            english_hidden += en_hits
                .as_array()
                .into_iter()
                .flatten()
                .filter(|h| h["id"].as_str().is_some_and(|id| with_german.contains(id)))
                .count();
            driver.goto(url("de-de", "")).await?;
            let hits = js(driver, "return tshootSearch.query(arguments[0], {limit: 50});", vec![json!(q)]).await;
            for h in hits.as_array().into_iter().flatten() {
                let (id, article) = (h["id"].as_str().unwrap_or(""), h["article"].as_str().unwrap_or(""));
                let href = h["href"].as_str().unwrap_or("");
                if h["fallback"] == json!("en-us") {
                    assert_eq!(h["locale"], json!("en-us"), "{h}");
                    assert!(!with_german.contains(id), "{q}: the English text of {id}, which has German text: {h}");
                    fallback_articles.insert(article.to_owned());
                    let page = if english_only.contains(article) { "../en-us/a/" } else { "a/" };
                    assert!(href.starts_with(&format!("{page}{article}.html#")), "{h}");
                } else {
                    assert_eq!((&h["locale"], &h["fallback"]), (&json!("de-de"), &Value::Null), "{q}: {h}");
                    assert!(href.starts_with(&format!("a/{article}.html#")), "{h}");
                }
            }
        }
        assert!(english_hidden > 0, "the queries find English texts of records with German text in en-us");
        assert!(fallback_articles.iter().any(|a| english_only.contains(a)), "{fallback_articles:?}");

        // A record only in Swedish: every reader finds it (in the English index), on its own page of the article.
        for tag in ["en-us", "de-de", "sv-se"] {
            driver.goto(url(tag, "")).await?;
            let hits = query(driver, "Kvartalsrapporten snapshotreplikering").await;
            let hit = hits.first().cloned().unwrap_or_default();
            assert_eq!(hit["id"], json!("409012-filelockconflict#cause-3"), "{tag}: {hits:#?}");
            assert_eq!(hit["href"], json!("a/409012-filelockconflict.html#cause-3"), "{tag}: {hit}");
            let fallback = if tag == "sv-se" { Value::Null } else { json!("sv-se") };
            assert_eq!(hit["fallback"], fallback, "{tag}: {hit}");
        }

        // Swedish has fewer records: the English text of one it lacks links to the Swedish page.
        driver.goto(url("sv-se", "")).await?;
        let hits = js(driver, "return tshootSearch.query(arguments[0], {limit: 50});", vec![json!(words)]).await;
        let hit = hits.as_array().into_iter().flatten().find(|h| h["id"] == json!(untranslated));
        let hit = hit.unwrap_or_else(|| panic!("sv-se {words:?}: no {untranslated} in {hits:#}"));
        assert_eq!(hit["fallback"], json!("en-us"), "{hit}");
        let (article, anchor) = untranslated.split_once('#').unwrap_or_default();
        assert_eq!(hit["href"], json!(format!("a/{article}.html#{anchor}")), "{hit}");

        // A locale without content searches the fallback index: everything is "not translated".
        driver.goto(url("fr-fr", "401017")).await?;
        wait_for_text(driver, "#results ol.results li p.meta span.badge", "en-us").await?;
        let hits = query(driver, "Harbor Sync Agent").await;
        assert!(!hits.is_empty(), "fr-fr finds the English texts");
        for h in &hits {
            assert_eq!(h["fallback"], json!("en-us"), "{h}");
            let href = h["href"].as_str().unwrap_or("");
            assert!(href.starts_with(&format!("../en-us/a/{}.html#", h["article"].as_str().unwrap_or(""))), "{h}");
        }
        Ok(())
    }
    .await;
    let shots = artifacts();
    let _ = driver.screenshot(&shots.join("export-search.png")).await;
    browser.finish(result).await
}

fn url_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// A written site: its folder, and the stats of each index folder.
type Site = (PathBuf, Vec<(String, IndexStats)>);

/// The whole shared corpus's indexes, written once per test run (a debug
/// build takes a while) into target/test-artifacts/export-search-corpus/.
fn corpus_site() -> Option<&'static Site> {
    static SITE: OnceLock<Option<Site>> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = shared("corpus")?;
        let started = Instant::now();
        let kb = load(&[root]);
        let loaded = started.elapsed();
        let site = artifacts().join("export-search-corpus");
        let _ = std::fs::remove_dir_all(&site);
        let (stats, written) = write_site(&kb, &LOCALES, &site);
        eprintln!("corpus: {} articles loaded in {loaded:.1?}; indexes written in {written:.1?}", kb.articles.len());
        Some((site, stats))
    })
    .as_ref()
}

/// Index size per locale on the whole shared corpus (printed; run with `--nocapture`).
#[test]
fn corpus_index_size() {
    let Some((site, stats)) = corpus_site() else { return };
    let (mut files, mut bytes) = (0, 0);
    for (tag, s) in stats {
        let search = site.join(tag).join("search");
        let names: Vec<String> = std::fs::read_dir(&search)
            .expect("index dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        let size = |name: &str| std::fs::metadata(search.join(name)).map_or(0, |m| m.len());
        let sum = |prefix: char| -> u64 { names.iter().filter(|f| f.starts_with(prefix)).map(|f| size(f)).sum() };
        let biggest = names.iter().filter(|f| f.starts_with('t')).map(|f| size(f)).max().unwrap_or(0);
        eprintln!(
            "corpus {tag}: docs {}, terms {}, files {}, total {} bytes; meta.js {} bytes; term shards {} avg {} \
             bytes (max {}); doc shards {} avg {} bytes",
            s.docs,
            s.terms,
            names.len(),
            s.bytes,
            size("meta.js"),
            s.term_shards,
            sum('t') / s.term_shards.max(1) as u64,
            biggest,
            s.doc_shards,
            sum('d') / s.doc_shards.max(1) as u64,
        );
        assert_eq!(s.term_shards + s.doc_shards + 1, names.len(), "{tag}");
        assert_eq!(s.bytes, names.iter().map(|f| size(f)).sum::<u64>(), "{tag}");
        files += names.len();
        bytes += s.bytes;
    }
    eprintln!("corpus: {files} search files, {bytes} bytes");
    // One index per text locale: the English texts once, not once per locale.
    assert!(files < 4000, "{files} search files");
}

/// What a first search loads on the whole corpus, in English and German, in
/// Chromium: search.js plus the index files it inserted (printed; run with `--nocapture`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_searches_on_the_corpus_load_little() -> WebDriverResult<()> {
    let Some((site, _)) = corpus_site() else { return Ok(()) };
    let Some(browser) = Chromium::start().await else { return Ok(()) };
    let driver = &browser.driver;
    let queries = [
        ("en-us", "device disconnects from IoT hub"),
        ("en-us", "0x80070005"),
        ("en-us", "Outlook crashes when opening attachments"),
        ("en-us", "the printer is offline"),
        ("en-us", "DeviceNotFound"),
        ("en-us", "windows update error 0x80070643"),
        ("en-us", "cannot conect to vpn"),
        ("de-de", "Gerät trennt die Verbindung zum IoT Hub"),
        ("de-de", "Outlook stürzt beim Öffnen von Anlagen ab"),
        ("de-de", "DeviceNotFound"),
        ("de-de", "0x80070643"),
    ];
    let result: WebDriverResult<()> = async {
        for (tag, q) in queries {
            let started = Instant::now();
            driver.goto("about:blank").await?;
            driver.goto(format!("{}?q={}", url_of(&site.join(tag).join("search.html")), encode(q))).await?;
            wait_for_text(driver, "#results p[role=status]", "").await?;
            let elapsed = started.elapsed();
            let loaded = js(driver, "return tshootSearch.loaded();", vec![]).await;
            let urls: Vec<&str> = loaded.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            let bytes: u64 = urls
                .iter()
                .map(|u| {
                    let path = u.strip_prefix("file://").unwrap_or_else(|| panic!("an absolute file URL: {u}"));
                    std::fs::metadata(path).map_or_else(|e| panic!("{path}: {e}"), |m| m.len())
                })
                .sum();
            let hits = driver.find_all(By::Css("#results ol.results > li")).await?.len();
            let first = match driver.find(By::Css("#results ol.results > li > h2 > a")).await {
                Ok(a) => a.attr("href").await?.unwrap_or_default(),
                Err(_) => String::new(),
            };
            eprintln!(
                "{tag} {q:?}: {hits} hits in {elapsed:.0?}, {} files, {bytes} index bytes + {} search.js = {} bytes; first {first}",
                urls.len(),
                SEARCH_JS.len(),
                bytes + SEARCH_JS.len() as u64
            );
        }
        Ok(())
    }
    .await;
    browser.finish(result).await
}
