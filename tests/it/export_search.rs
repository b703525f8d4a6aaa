//! The export's offline search: the index written for `content/`, then the
//! real `search.js` in headless Chromium from `file://` (tokenizer parity with
//! Rust, queries, rendering), and the index size on the whole corpus.

use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};
use thirtyfour::prelude::*;
use tshoot::KnowledgeBase;
use tshoot::export::PageMap;
use tshoot::export::search::{IndexStats, SEARCH_JS, decode_postings, tokens, write_index};
use tshoot::i18n::Catalog;

use crate::chromium::{Chromium, artifacts, wait_for_text};
use crate::harness::{load, locale, repo, shared};

const LOCALES: [&str; 6] = ["en-us", "de-de", "pl-pl", "pt-br", "sv-se", "zh-cn"];

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

/// Writes the index of every locale, the pages and the script into `site`.
fn write_site(kb: &KnowledgeBase, site: &Path) -> Vec<(String, IndexStats)> {
    let locales: Vec<_> = LOCALES.iter().map(|t| locale(t)).collect();
    let pages = PageMap::new(kb, &locales);
    let catalog = Catalog::embedded();
    std::fs::create_dir_all(site.join("assets")).expect("assets dir");
    std::fs::write(site.join("assets/search.js"), SEARCH_JS).expect("search.js");
    locales
        .iter()
        .map(|l| {
            let folder = site.join(l.as_str());
            let stats = write_index(kb, &catalog, &pages, l, &folder.join("search")).expect("index");
            std::fs::write(folder.join("search.html"), page(l.as_str())).expect("page");
            (l.to_string(), stats)
        })
        .collect()
}

/// The data of one index file (`tshootSearchData("de-de","t0",DATA);`).
fn data_of(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("index file");
    let start = text.find(",[").into_iter().chain(text.find(",{")).min().expect("data starts");
    let body = text[start + 1..].trim_end().trim_end_matches(';').trim_end_matches(')');
    serde_json::from_str(body).expect("index file holds JSON")
}

#[test]
fn bundled_content_index_is_complete_and_decodes() {
    let kb = load(&[repo("content")]);
    let dir = tempfile::tempdir().expect("temp dir");
    let stats = write_site(&kb, dir.path());
    let records: usize = kb.articles.iter().map(|a| a.records.len()).sum();
    for (tag, s) in &stats {
        assert_eq!(s.docs, records, "{tag}: one document per record");
        let search = dir.path().join(tag).join("search");
        let meta = data_of(&search.join("meta.js"));
        assert_eq!(meta["docs"], json!(records));
        let shards: Vec<&str> = meta["shards"].as_str().expect("shards").split(' ').collect();
        assert_eq!(shards.len(), s.term_shards);
        for (i, shard_key) in shards.iter().enumerate() {
            let flat = data_of(&search.join(format!("t{i}.js")));
            let flat = flat.as_array().expect("flat entries");
            for pair in flat.chunks(2) {
                let (key, value) = (pair[0].as_str().expect("key"), pair[1].as_str().expect("value"));
                assert!(key >= *shard_key, "{key} sorts into shard {i}");
                let own = value.rsplit('~').next().unwrap_or("");
                let postings = decode_postings(own).unwrap_or_else(|| panic!("{tag} {key}: {value}"));
                assert!(postings.iter().all(|(d, w)| (*d as usize) < records && (1..16).contains(w)), "{key}");
            }
        }
    }
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
    let kb = load(&[repo("content")]);
    // Kept in target/test-artifacts/export-search/ to open by hand.
    let dir = artifacts().join("export-search");
    let _ = std::fs::remove_dir_all(&dir);
    write_site(&kb, &dir);
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
        Ok(())
    }
    .await;
    let shots = artifacts();
    let _ = driver.screenshot(&shots.join("export-search.png")).await;
    let errors = browser.console_errors().await;
    browser.quit().await;
    result?;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    Ok(())
}

fn url_of(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Index size on the whole shared corpus for en-us (printed; run with `--nocapture`).
#[test]
fn corpus_index_size_for_en_us() {
    let Some(root) = shared("corpus") else { return };
    let started = Instant::now();
    let kb = load(&[root]);
    let loaded = started.elapsed();
    let locales: Vec<_> = LOCALES.iter().map(|t| locale(t)).collect();
    let pages = PageMap::new(&kb, &locales);
    // Kept in target/test-artifacts/export-search-corpus/ to look at.
    let search = artifacts().join("export-search-corpus/en-us/search");
    let _ = std::fs::remove_dir_all(&search);
    let started = Instant::now();
    let stats = write_index(&kb, &Catalog::embedded(), &pages, &locale("en-us"), &search).expect("index");
    let written = started.elapsed();
    let size = |name: &str| std::fs::metadata(search.join(name)).map_or(0, |m| m.len());
    let files: Vec<String> = std::fs::read_dir(&search)
        .expect("index dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let sum = |prefix: char| -> u64 { files.iter().filter(|f| f.starts_with(prefix)).map(|f| size(f)).sum() };
    let biggest = files.iter().filter(|f| f.starts_with('t')).map(|f| size(f)).max().unwrap_or(0);
    eprintln!(
        "corpus en-us: {} articles loaded in {loaded:.1?}; index written in {written:.1?}\n  docs {}, terms {}, \
         files {}, total {} bytes\n  meta.js {} bytes\n  term shards {} avg {} bytes (max {})\n  doc shards {} avg {} bytes",
        kb.articles.len(),
        stats.docs,
        stats.terms,
        files.len(),
        stats.bytes,
        size("meta.js"),
        stats.term_shards,
        sum('t') / stats.term_shards.max(1) as u64,
        biggest,
        stats.doc_shards,
        sum('d') / stats.doc_shards.max(1) as u64,
    );
    assert_eq!(stats.term_shards + stats.doc_shards + 1, files.len());
    assert_eq!(stats.bytes, files.iter().map(|f| size(f)).sum::<u64>());
}

/// What a first search loads on the whole corpus (en-us), in Chromium:
/// search.js plus the index files it inserted (printed; run with `--nocapture`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_searches_on_the_corpus_load_little() -> WebDriverResult<()> {
    let Some(root) = shared("corpus") else { return Ok(()) };
    let Some(browser) = Chromium::start().await else { return Ok(()) };
    let driver = &browser.driver;
    let kb = load(&[root]);
    let dir = tempfile::tempdir().expect("temp dir");
    let en = locale("en-us");
    let pages = PageMap::new(&kb, std::slice::from_ref(&en));
    let search = dir.path().join("en-us/search");
    write_index(&kb, &Catalog::embedded(), &pages, &en, &search).expect("index");
    std::fs::create_dir_all(dir.path().join("assets")).expect("assets dir");
    std::fs::write(dir.path().join("assets/search.js"), SEARCH_JS).expect("search.js");
    std::fs::write(dir.path().join("en-us/search.html"), page("en-us")).expect("page");
    let queries = [
        "device disconnects from IoT hub",
        "0x80070005",
        "Outlook crashes when opening attachments",
        "the printer is offline",
        "DeviceNotFound",
        "windows update error 0x80070643",
        "cannot conect to vpn",
    ];
    let result: WebDriverResult<()> = async {
        for q in queries {
            let started = Instant::now();
            driver.goto(format!("{}?q={}", url_of(&dir.path().join("en-us/search.html")), encode(q))).await?;
            wait_for_text(driver, "#results p[role=status]", "").await?;
            let elapsed = started.elapsed();
            let loaded = js(driver, "return tshootSearch.loaded();", vec![]).await;
            let files: Vec<&str> = loaded.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            let bytes: u64 = files.iter().map(|f| std::fs::metadata(search.join(f)).map_or(0, |m| m.len())).sum();
            let hits = driver.find_all(By::Css("#results ol.results > li")).await?.len();
            let first = match driver.find(By::Css("#results ol.results > li > h2 > a")).await {
                Ok(a) => a.attr("href").await?.unwrap_or_default(),
                Err(_) => String::new(),
            };
            eprintln!(
                "{q:?}: {hits} hits in {elapsed:.0?}, {} files, {bytes} index bytes + {} search.js = {} bytes; first {first}",
                files.len(),
                SEARCH_JS.len(),
                bytes + SEARCH_JS.len() as u64
            );
        }
        Ok(())
    }
    .await;
    let errors = browser.console_errors().await;
    browser.quit().await;
    result?;
    assert!(errors.is_empty(), "console errors: {errors:?}");
    Ok(())
}
