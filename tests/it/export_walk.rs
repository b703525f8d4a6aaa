//! The static export's offline troubleshooter: walk data written by
//! `export::walks`, walked by `assets/troubleshoot.js` in headless Chromium
//! from `file://`, must show the nodes the server's engine computes for the
//! same tokens, to readers of every locale, from whichever locale folder
//! holds an article's data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use thirtyfour::prelude::*;
use tshoot::KnowledgeBase;
use tshoot::export::walks::{TROUBLESHOOT_JS, WalkLayout, WalkStats, Walks};
use tshoot::export::{ExportOptions, PageMap, export};
use tshoot::i18n::{Arg, Catalog};
use tshoot::model::{Article, ArticleId, Locale, RecordKind};
use tshoot::render::Templates;
use tshoot::search::{SearchIndex, SearchRequest};
use tshoot::tree::token::{self, Step};
use tshoot::tree::{Engine, Entry, Node, NodeKind};

use crate::chromium::{Chromium, artifacts};
use crate::harness::{load, locale, repo};

/// The exported locales: en-us first, then every other locale of the content.
fn export_locales(kb: &KnowledgeBase) -> Vec<Locale> {
    let en = locale("en-us");
    let mut out = vec![en.clone()];
    out.extend(kb.locales().into_iter().filter(|l| *l != en));
    out
}

fn page(tag: &str) -> String {
    page_with(tag, "")
}

/// The page, with `scripts` before `troubleshoot.js`.
fn page_with(tag: &str, scripts: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{tag}\"><head><meta charset=\"utf-8\"><title>Troubleshooter</title>\
         <link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"../assets/style.css\"></head><body><main><h1>Troubleshooter</h1>\
         <div id=\"walk\" data-locale=\"{tag}\" data-walk=\"walk/\"></div></main>\
         {scripts}<script src=\"../assets/troubleshoot.js\"></script></body></html>"
    )
}

/// A minimal site: `assets/troubleshoot.js`, the walk data of every exported
/// locale, and the troubleshooter page of each of `tags`.
fn export_site(
    kb: &KnowledgeBase,
    catalog: &Catalog,
    pages: &PageMap,
    tags: &[&str],
    layout: WalkLayout,
) -> (tempfile::TempDir, BTreeMap<Locale, WalkStats>) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("assets")).expect("assets");
    std::fs::write(dir.path().join("assets/troubleshoot.js"), TROUBLESHOOT_JS).expect("script");
    std::fs::write(dir.path().join("assets/style.css"), tshoot::render::STYLE_CSS).expect("style");
    let walks = Walks::build_with(kb, catalog, pages, layout);
    let mut stats = BTreeMap::new();
    for l in pages.locales() {
        let written = walks.write(l, &dir.path().join(l.as_str()).join("walk")).expect("walk data");
        stats.insert(l.clone(), written);
    }
    // Data once per page, plus copies for readers who read the walk otherwise.
    let held: usize = stats.values().map(|s| s.articles - s.copies).sum();
    assert_eq!(held, pages.pages(kb).count(), "{stats:#?}");
    for tag in tags {
        std::fs::write(dir.path().join(tag).join("troubleshoot.html"), page(tag)).expect("page");
    }
    (dir, stats)
}

/// Whether the walk data of locale folder `folder` holds article `id`.
fn holds(site: &Path, folder: &str, id: &ArticleId) -> bool {
    let needle = format!("\"i\":\"{id}\"");
    std::fs::read_dir(site.join(folder).join("walk")).expect("walk folder").any(|e| {
        let path = e.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.starts_with('a') && std::fs::read_to_string(&path).expect("shard").contains(&needle)
    })
}

/// The text of a top-level function of `troubleshoot.js`.
fn js_function(name: &str) -> &'static str {
    let start = TROUBLESHOOT_JS.find(&format!("\n  function {name}(")).expect("function");
    let end = start + TROUBLESHOOT_JS[start..].find("\n  }\n").expect("function end") + 4;
    &TROUBLESHOOT_JS[start..end]
}

/// What `#walk` shows, read from the DOM.
const SNAPSHOT: &str = r#"
const w = document.getElementById('walk');
const t = e => e ? e.textContent : null;
const links = sel => Array.from(w.querySelectorAll(sel)).map(a => [a.textContent, a.getAttribute('href')]);
const back = Array.from(w.querySelectorAll(':scope > p > a')).filter(a => !a.closest('section'));
return {
  state: w.getAttribute('data-state'),
  hash: location.hash,
  prompt: t(w.querySelector(':scope > h2.prompt')),
  options: links(':scope > ul.options > li > a.option'),
  crumbs: links(':scope > nav > ol.crumbs > li > a'),
  related: links(':scope > ul:not(.options) > li > a'),
  records: Array.from(w.querySelectorAll(':scope > section.record')).map(s => ({
    id: s.getAttribute('data-record'),
    class: s.className,
    role: t(s.querySelector(':scope > h2')),
    badge: t(s.querySelector(':scope > p.badge')),
    unresolved: s.querySelectorAll(':scope > p.unresolved').length,
    text: s.textContent.length,
  })),
  links: Array.from(w.querySelectorAll(':scope > section.record a[href], :scope > ul:not(.options) a[href]'))
    .map(a => a.getAttribute('href')).filter(h => !h.startsWith('#') && !/^[a-z]+:/.test(h))
    .map(h => new URL(h, location.href).href),
  scripts: Array.from(document.querySelectorAll('script[src]')).map(s => s.src),
  back: back.length ? back[0].getAttribute('href') : null,
  banner: t(w.querySelector(':scope > p.banner')),
  form: !!w.querySelector(':scope > form'),
};
"#;

async fn snapshot(driver: &WebDriver) -> WebDriverResult<Value> {
    Ok(driver.execute(SNAPSHOT, Vec::<Value>::new()).await?.json().clone())
}

/// Waits until the page has rendered `hash`, then reads it.
async fn rendered(driver: &WebDriver, hash: &str) -> WebDriverResult<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let snap = snapshot(driver).await?;
        if snap["state"] == hash && snap["hash"] == hash {
            return Ok(snap);
        }
        if Instant::now() > deadline {
            panic!("the page never rendered `{hash}`: {snap:#}");
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

fn href(token: &str) -> String {
    if token.is_empty() { "#".to_owned() } else { format!("#s={token}") }
}

fn role_label(catalog: &Catalog, reader: &Locale, role: &str, id: &str) -> String {
    let id = match role {
        "symptom" => "tree-symptom",
        "cause" => "tree-cause",
        "solution" => "tree-solution",
        "resolved" => "tree-fixed-by",
        "next-steps" => "tree-next-steps",
        _ => {
            let article = id.split('#').next().unwrap_or("").to_owned();
            return catalog.message(reader, "tree-reference", &[("article", Arg::Str(article))]);
        }
    };
    catalog.message(reader, id, &[])
}

/// What the page should show for an engine node.
fn expected(node: &Node, catalog: &Catalog, pages: &PageMap, reader: &Locale) -> Value {
    json!({
        "prompt": node.prompt.text,
        "options": node.options.iter().map(|o| json!([o.label, href(&o.token)])).collect::<Vec<_>>(),
        "crumbs": node.breadcrumbs.iter().map(|c| json!([c.label, href(&c.token)])).collect::<Vec<_>>(),
        // From any locale folder, to the page a reader gets.
        "related": node.related.iter().map(|a| {
            let id = ArticleId::sanitize(&a.id);
            let folder = pages.page_locale(reader, &id).expect("article page");
            json!([a.title, format!("../{folder}/a/{id}.html")])
        }).collect::<Vec<_>>(),
        "records": node.records.iter().map(|r| json!({
            "id": r.id,
            "class": format!("record record-{}", r.role),
            "role": role_label(catalog, reader, r.role, &r.id),
            "badge": r.fallback,
            "unresolved": r.unresolved_refs.len(),
        })).collect::<Vec<_>>(),
        "back": node.back.as_deref().map(href),
    })
}

/// Asserts the page shows `node` (the parts the engine decides).
fn assert_shows(snap: &Value, node: &Node, catalog: &Catalog, pages: &PageMap, reader: &Locale, what: &str) {
    let want = expected(node, catalog, pages, reader);
    for key in ["prompt", "options", "crumbs", "related", "back"] {
        assert_eq!(snap[key], want[key], "{what} ({reader}, node {}): `{key}` differs", node.id);
    }
    let got = snap["records"].as_array().expect("records");
    let records = want["records"].as_array().expect("records");
    assert_eq!(got.len(), records.len(), "{what} ({reader}, node {}): records {snap:#}", node.id);
    for (g, w) in got.iter().zip(records) {
        for key in ["id", "class", "role", "badge", "unresolved"] {
            assert_eq!(g[key], w[key], "{what} ({reader}, node {}): record `{key}`", node.id);
        }
        assert!(g["text"].as_u64().unwrap_or(0) > g["role"].as_str().map_or(0, |r| r.len() as u64), "empty record");
    }
    assert_eq!(snap["banner"], Value::Null, "{what}: no error banner");
}

async fn show(driver: &WebDriver, site: &Path, tag: &str, fragment: &str) -> WebDriverResult<Value> {
    show_page(driver, site, tag, "troubleshoot.html", fragment).await
}

async fn show_page(driver: &WebDriver, site: &Path, tag: &str, page: &str, fragment: &str) -> WebDriverResult<Value> {
    let hash = if fragment.is_empty() { String::new() } else { format!("#{fragment}") };
    driver.goto(&format!("file://{}/{tag}/{page}{hash}", site.display())).await?;
    rendered(driver, &hash).await
}

/// What [`parity`] saw.
#[derive(Debug, Default)]
struct Walked {
    /// Nodes that matched the engine's.
    checked: usize,
    /// Links in records and related articles, as absolute `file://` URLs.
    links: BTreeSet<String>,
}

/// Every walk of every article (each symptom: "no" until escalation, "yes"
/// at each attempt), the article start, and the authored tree, compared node
/// by node; then clicks through one walk.
async fn parity(
    driver: &WebDriver,
    site: &Path,
    kb: &KnowledgeBase,
    catalog: &Catalog,
    pages: &PageMap,
    tag: &str,
    sample: &[&Article],
) -> WebDriverResult<Walked> {
    let engine = Engine::new(kb, catalog);
    let reader = locale(tag);
    let mut walked = Walked::default();
    let mut check = async |node: &Node, what: &str| -> WebDriverResult<()> {
        let snap = show(driver, site, tag, &format!("s={}", node.token)).await?;
        assert_shows(&snap, node, catalog, pages, &reader, what);
        walked.checked += 1;
        let links = snap["links"].as_array().expect("links");
        walked.links.extend(links.iter().filter_map(|l| l.as_str().map(str::to_owned)));
        Ok(())
    };
    let mut kinds = std::collections::BTreeSet::new();
    for article in sample {
        let start = engine.start(&Entry::Article(article.id.clone()), None, &reader).expect("start");
        let snap = show(driver, site, tag, &format!("article={}", article.id)).await?;
        assert_shows(&snap, &start, catalog, pages, &reader, "article start");
        let firsts: Vec<Node> = if start.token.is_empty() {
            start.options.iter().map(|o| engine.node(&o.token, &reader).expect("symptom node")).collect()
        } else {
            vec![start]
        };
        for first in firsts {
            let mut node = first;
            for _ in 0..40 {
                kinds.insert(format!("{:?}", node.kind));
                check(&node, &article.id.to_string()).await?;
                if node.kind != NodeKind::TrySolution {
                    break;
                }
                let yes = engine.node(&node.options[0].token, &reader).expect("yes");
                assert_eq!(yes.kind, NodeKind::Resolved);
                check(&yes, "resolved").await?;
                node = engine.node(&node.options[1].token, &reader).expect("no");
            }
        }
    }
    assert!(kinds.contains("Escalate") && kinds.contains("TrySolution"), "{kinds:?}");

    // The authored tree: its questions, then the walks they lead to.
    for tree in &kb.trees {
        let start = engine.start(&Entry::Tree(tree.id.clone()), None, &reader).expect("tree start");
        let snap = show(driver, site, tag, &format!("tree={}", tree.id)).await?;
        assert_shows(&snap, &start, catalog, pages, &reader, "tree start");
        let mut queue = vec![start];
        while let Some(node) = queue.pop() {
            check(&node, "tree").await?;
            for o in &node.options {
                let next = engine.node(&o.token, &reader).expect("tree answer");
                if next.kind == NodeKind::Question || node.kind == NodeKind::Question {
                    queue.push(next);
                }
            }
        }
    }

    // Clicking through: the fragment carries the engine's tokens.
    let article = sample
        .iter()
        .find(|a| a.records_of(RecordKind::Symptom).next().is_some_and(|s| engine.plan(a, Some(s)).len() >= 2))
        .expect("an article with a symptom and two attempts");
    let start = engine.start(&Entry::Article(article.id.clone()), None, &reader).expect("start");
    show(driver, site, tag, &format!("article={}", article.id)).await?;
    let mut node = start;
    for (step, pick) in [0, 1, 0].into_iter().enumerate() {
        let option = &node.options[pick];
        driver.find_all(By::Css("#walk a.option")).await?[pick].click().await?;
        let snap = rendered(driver, &href(&option.token)).await?;
        node = engine.node(&option.token, &reader).expect("next");
        assert_shows(&snap, &node, catalog, pages, &reader, &format!("click {step}"));
    }
    assert_eq!(node.kind, NodeKind::Resolved);
    driver.screenshot(&artifacts().join(format!("export-walk-{tag}-resolved.png"))).await?;
    // Back, then a crumb.
    let back = node.back.clone().expect("back");
    driver.find(By::Css("#walk > p > a")).await?.click().await?;
    rendered(driver, &href(&back)).await?;
    let crumb = node.breadcrumbs[0].token.clone();
    driver.find(By::Css("#walk nav ol.crumbs li a")).await?.click().await?;
    let snap = rendered(driver, &href(&crumb)).await?;
    assert_shows(&snap, &engine.node(&crumb, &reader).expect("crumb"), catalog, pages, &reader, "crumb");
    driver.back().await?;
    rendered(driver, &href(&back)).await?;
    Ok(walked)
}

/// Checks that each `file://` link names a file of the site, and an anchor that file has.
fn check_links(site: &Path, links: &BTreeSet<String>) {
    let site = site.canonicalize().expect("site");
    for link in links {
        let (path, anchor) = link.split_once('#').map_or((link.as_str(), None), |(p, a)| (p, Some(a)));
        let file = PathBuf::from(path.strip_prefix("file://").expect("a file URL"));
        assert!(file.starts_with(&site), "{link} leaves the site");
        assert!(file.is_file(), "{link}: no such file");
        if let Some(anchor) = anchor {
            let html = std::fs::read_to_string(&file).expect("page");
            assert!(
                html.contains(&format!("id=\"{anchor}\"")) || html.contains(&format!("name=\"{anchor}\"")),
                "{link}: no such anchor"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_walks_show_the_engines_nodes_from_file_urls() -> WebDriverResult<()> {
    let Some(browser) = Chromium::start().await else { return Ok(()) };
    let kb = load(&[repo("content")]);
    let catalog = Catalog::embedded();
    let pages = PageMap::new(&kb, &export_locales(&kb));
    let tags = ["de-de", "zh-cn", "en-us"];
    // A file per article and few keys per file: the script must pick the right files.
    let layout = WalkLayout { articles_per_shard: 1, keys_per_file: 3 };
    let (site, stats) = export_site(&kb, &catalog, &pages, &tags, layout);
    for (l, s) in &stats {
        assert!(s.files >= 6, "{l}: meta and key files: {s:?}");
    }
    // English-only articles are read from en-us, except where their walk
    // shows German texts (a reference into a translated article).
    let de = &stats[&locale("de-de")];
    assert!(de.articles < kb.articles.len() && de.copies >= 1, "{de:?}");
    let driver = &browser.driver;

    let result: WebDriverResult<()> = async {
        for tag in tags {
            let all: Vec<&Article> = kb.articles.iter().collect();
            let walked = parity(driver, site.path(), &kb, &catalog, &pages, tag, &all).await?;
            eprintln!("{tag}: {} nodes match the engine", walked.checked);
        }

        // The script's short hashes are the server's (SHA-1 by hand: ASCII,
        // padding at block edges, several blocks, UTF-8).
        let inputs: Vec<String> = ["", "a", "error-409012-file-lock-conflict#symptom-1", "Grüße#症状-1"]
            .into_iter()
            .map(str::to_owned)
            .chain([55, 56, 63, 64, 119, 120, 300].map(|n| "x".repeat(n)))
            .collect();
        let code = format!(
            "var HASH_BYTES = {};\n{}\n{}\nreturn arguments[0].map(shortHash);",
            token::HASH_BYTES,
            js_function("toHex"),
            js_function("shortHash")
        );
        let got = driver.execute(&code, vec![json!(inputs)]).await?.json().clone();
        let want: Vec<String> =
            inputs.iter().map(|i| token::short_hash(i).iter().map(|b| format!("{b:02x}")).collect()).collect();
        assert_eq!(got, json!(want));

        // Bad and stale tokens: the server's message, and the start form.
        let engine = Engine::new(&kb, &catalog);
        let de = locale("de-de");
        let article = kb.articles.iter().find(|a| a.records_of(RecordKind::Symptom).next().is_some()).expect("article");
        let symptom = article.records_of(RecordKind::Symptom).next().expect("symptom").id.clone();
        let fingerprint = token::fingerprint(&kb);
        let gone = Step::Article(ArticleId::sanitize("no-such-article"));
        // Another fingerprint is fine while every id exists (content edited elsewhere).
        let edited = token::encode([9, 9, 9, 9], &[Step::Symptom(symptom.clone())]);
        let snap = show(driver, site.path(), "de-de", &format!("s={edited}")).await?;
        assert_shows(&snap, &engine.node(&edited, &de).expect("edited"), &catalog, &pages, &de, "edited");
        // An in-page anchor (a record's `#cause-1` link) leaves the walk as it is.
        driver.execute("location.hash = 'cause-1';", Vec::<Value>::new()).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let after = snapshot(driver).await?;
        assert_eq!(after["hash"], "#cause-1");
        assert_eq!(after["state"], Value::from(format!("#s={edited}")));
        assert_eq!(after["records"], snap["records"]);
        let token = token::encode(fingerprint, &[Step::Symptom(symptom.clone())]);
        let mut chars: Vec<char> = token.chars().collect();
        let last = chars.len() - 2;
        chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
        let damaged: String = chars.into_iter().collect();
        let stale = token::encode([9, 9, 9, 9], std::slice::from_ref(&gone));
        let unknown = token::encode(fingerprint, &[gone]);
        let yes_first = token::encode(fingerprint, &[Step::Symptom(symptom.clone()), Step::Yes(symptom.clone())]);
        let bad_tag = {
            use base64::Engine as _;
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
            let mut bytes = b64.decode(&token).expect("token bytes");
            bytes[5] = b'x';
            b64.encode(bytes)
        };
        for bad in ["AQ", "Ag", "AgAAAAA", "AQAAAAA", "!!", "AQ==", &stale, &unknown, &damaged, &yes_first, &bad_tag] {
            let message = engine.node(bad, &de).expect_err("a bad token").to_string();
            let snap = show(driver, site.path(), "de-de", &format!("s={bad}")).await?;
            assert_eq!(snap["banner"], Value::from(message), "token {bad}");
            assert_eq!(snap["form"], Value::from(true));
            assert_eq!(snap["prompt"], Value::from(catalog.message(&de, "portal-describe", &[])));
        }
        // A free-text start through the offline search (here a stand-in
        // answering what the server's index answers).
        let index = SearchIndex::build(&kb).expect("search index");
        let queries = ["Anmeldung erforderlich", "Speicherplatz voll", "Datei gesperrt", "xyzzy plugh"];
        let mut answers = serde_json::Map::new();
        for q in queries {
            let mut request = SearchRequest::new(q, de.clone());
            request.kind = Some(RecordKind::Symptom);
            request.limit = 8;
            let hits = |request: &SearchRequest| -> Vec<Value> {
                let hits = index.search(request).expect("search").hits;
                hits.iter().map(|h| json!({ "id": h.id, "article": h.article, "title": h.title })).collect()
            };
            answers.insert(format!("{q}|symptom"), Value::from(hits(&request)));
            request.kind = None;
            request.per_article = true;
            answers.insert(format!("{q}|"), Value::from(hits(&request)));
        }
        let stub = format!(
            "var ANSWERS = {};\nwindow.tshootSearch = {{ query: function (text, o) {{ \
             return Promise.resolve(ANSWERS[text + '|' + (o.kind || '')] || []); }} }};\n",
            Value::Object(answers)
        );
        std::fs::write(site.path().join("assets/search-stub.js"), stub).expect("stub");
        let scripts = "<script src=\"../assets/search-stub.js\"></script>";
        std::fs::write(site.path().join("de-de/with-search.html"), page_with("de-de", scripts)).expect("page");
        let mut answered = 0;
        for q in queries {
            let start = engine.start(&Entry::Query(q.to_owned()), Some(&index), &de).expect("query start");
            answered += usize::from(!start.options.is_empty());
            let fragment = format!("q={}", q.replace(' ', "%20"));
            let snap = show_page(driver, site.path(), "de-de", "with-search.html", &fragment).await?;
            assert_shows(&snap, &start, &catalog, &pages, &de, q);
        }
        assert!(answered >= 2, "the queries should find symptoms");

        // Error-code starts: the symptoms (then symptom-less articles) of
        // the articles that carry the code, as the engine lists them.
        let mut multi = 0;
        for code in ["409012", "HTTP 503", "0x80070643", "hsa2210", "999999"] {
            let start = engine.start(&Entry::ErrorCode(code.to_owned()), None, &de).expect("code start");
            multi += usize::from(start.options.len() > 1);
            let fragment = format!("code={}", code.replace(' ', "%20"));
            let snap = show(driver, site.path(), "de-de", &fragment).await?;
            assert_shows(&snap, &start, &catalog, &pages, &de, code);
            assert_eq!(snap["form"], Value::from(start.options.is_empty()), "{code}: the form when nothing matches");
        }
        assert!(multi >= 2, "codes carried by several articles or with several symptoms");

        // No search script: a free-text start has no match.
        let snap = show(driver, site.path(), "de-de", "q=Dateien%20synchronisieren").await?;
        let no_match = catalog.message(&de, "tree-no-match", &[("query", Arg::Str("Dateien synchronisieren".into()))]);
        assert_eq!(snap["prompt"], Value::from(no_match));
        // No fragment, an unknown article or tree: the start form.
        for fragment in ["", "article=no-such-article", "tree=no-such-tree"] {
            let snap = show(driver, site.path(), "de-de", fragment).await?;
            assert_eq!(snap["form"], Value::from(true), "{fragment}");
            assert_eq!(snap["banner"], Value::Null, "{fragment}");
        }
        driver.screenshot(&artifacts().join("export-walk-start.png")).await?;
        Ok(())
    }
    .await;
    browser.finish(result).await
}

/// A German reader of the English-only articles of `content/`, in a real
/// export: the records show in English with the German "not translated"
/// badge, prompts and labels are German, links in records resolve, every
/// node is the engine's; the data comes from the English folder unless the
/// walk shows German texts too (then from a German copy).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_german_reader_walks_english_only_articles_of_an_export() -> WebDriverResult<()> {
    let Some(browser) = Chromium::start().await else { return Ok(()) };
    let kb = load(&[repo("content")]);
    let catalog = Catalog::embedded();
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let templates = Templates::new(None).expect("theme");
    let stats = export(&kb, &catalog, &templates, &site, &ExportOptions::default(), &|_, _| {}).expect("export");
    let pages = PageMap::new(&kb, &stats.locales);
    let de = locale("de-de");
    let english_only: Vec<&Article> = kb.articles.iter().filter(|a| !a.variants.contains_key(&de)).collect();
    let (from_english, copied): (Vec<&Article>, Vec<&Article>) =
        english_only.iter().partition(|a| !holds(&site, "de-de", &a.id));
    assert!(!from_english.is_empty() && !copied.is_empty(), "{english_only:?}");
    for a in &english_only {
        assert!(holds(&site, "en-us", &a.id), "{}: the English data", a.id);
    }
    let english = locale("en-us").to_string();
    let badge = catalog.message(&de, "tree-not-translated", &[("language", Arg::Str(english))]);
    let driver = &browser.driver;

    let result: WebDriverResult<()> = async {
        let walked = parity(driver, &site, &kb, &catalog, &pages, "de-de", &english_only).await?;
        check_links(&site, &walked.links);
        assert!(walked.links.iter().any(|l| l.contains("/a/")), "{:?}", walked.links);
        eprintln!(
            "de-de, English-only: {} nodes match the engine, {} links resolve",
            walked.checked,
            walked.links.len()
        );

        // An article read from the English folder: German prompt and options,
        // English records with the German badge.
        let engine = Engine::new(&kb, &catalog);
        let article = from_english[0];
        let start = engine.start(&Entry::Article(article.id.clone()), None, &de).expect("start");
        let first = if start.token.is_empty() { &start.options[0].token } else { &start.token };
        let node = engine.node(first, &de).expect("first node");
        assert_eq!(node.kind, NodeKind::TrySolution, "{}", article.id);
        let snap = show(driver, &site, "de-de", &format!("s={}", node.token)).await?;
        assert_shows(&snap, &node, &catalog, &pages, &de, "from English");
        assert_eq!(snap["prompt"], Value::from(catalog.message(&de, "tree-did-it-fix", &[])));
        let yes_no = [catalog.message(&de, "tree-yes", &[]), catalog.message(&de, "tree-no", &[])];
        let labels: Vec<&str> =
            snap["options"].as_array().expect("options").iter().filter_map(|o| o[0].as_str()).collect();
        assert_eq!(labels, yes_no);
        let records = snap["records"].as_array().expect("records");
        assert!(!records.is_empty());
        for r in records {
            assert_eq!(r["badge"], Value::from(badge.as_str()), "{r}");
        }
        let scripts: Vec<&str> =
            snap["scripts"].as_array().expect("scripts").iter().filter_map(Value::as_str).collect();
        assert!(scripts.iter().any(|s| s.contains("/en-us/walk/a")), "{scripts:?}");
        driver.screenshot(&artifacts().join("export-walk-de-reads-en.png")).await?;
        Ok(())
    }
    .await;
    browser.finish(result).await
}

/// The whole corpus (4,393 English-only articles, 16 in six locales): walk
/// data about once, not once per locale, in a few hundred files; then, in
/// Chromium, a sample (references across articles, fallbacks to English,
/// unresolved references) walked in German matches the engine.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_walks_of_the_corpus_are_written_once_and_show_the_engines_nodes() -> WebDriverResult<()> {
    let Some(corpus) = crate::harness::shared("corpus") else { return Ok(()) };
    let kb = load(&[corpus]);
    let catalog = Catalog::embedded();
    let pages = PageMap::new(&kb, &export_locales(&kb));
    let started = Instant::now();
    let (site, stats) = export_site(&kb, &catalog, &pages, &["de-de"], WalkLayout::default());
    let elapsed = started.elapsed();
    let en = &stats[&locale("en-us")];
    let mut total = WalkStats::default();
    for (l, s) in &stats {
        eprintln!("corpus walk data, {l}: {s:?}");
        total += *s;
    }
    eprintln!(
        "corpus walk data: {} articles, {} copies, {} files, {:.1} MB in {elapsed:.1?}",
        total.articles,
        total.copies,
        total.files,
        total.bytes as f64 / 1e6
    );
    assert!(kb.articles.len() > 1000 && en.articles == kb.articles.len(), "{en:?}");
    assert!(total.files <= 250, "{total:?}");
    assert!(total.bytes < en.bytes * 13 / 10, "about the English data once: {total:?}");
    assert!(total.copies * 20 < kb.articles.len(), "few copies: {total:?}");

    let Some(browser) = Chromium::start().await else { return Ok(()) };
    let de = locale("de-de");
    let mut sample: Vec<&Article> = kb.articles.iter().filter(|a| a.variants.contains_key(&de)).collect();
    sample.extend(kb.articles.iter().filter(|a| !a.variants.contains_key(&de)).step_by(250));
    let result = parity(&browser.driver, site.path(), &kb, &catalog, &pages, "de-de", &sample).await;
    let errors = browser.console_errors().await;
    browser.quit().await;
    let walked = result?;
    eprintln!("corpus, de-de: {} nodes of {} articles match the engine", walked.checked, sample.len());
    // Content images (`media/…`) are not part of this test site (nor served
    // by the server); anything else is an error.
    let errors: Vec<&String> =
        errors.iter().filter(|e| !(e.contains("/media/") && e.contains("ERR_FILE_NOT_FOUND"))).collect();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    Ok(())
}
