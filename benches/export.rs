//! The static export against Pagefind, on all of `../shared/corpus/`:
//!
//! 1. time `tshoot export` (pages + offline search index + walk data);
//! 2. time Pagefind (npm package `pagefind`, installed into `target/pagefind/`
//!    on first run) indexing the same exported HTML;
//! 3. in headless Chromium, per locale, one query from `benches/search-queries.tsv`:
//!    the bytes a first search loads and the time to the first results, for
//!    tshoot from `file://` and for Pagefind over a loopback HTTP server
//!    (Pagefind cannot search from `file://`).
//!
//! Bytes count what the search feature loads (scripts, index, result data),
//! not the host page and stylesheet, which both would share.
//! Run: `cargo bench --bench export`.

#[path = "../tests/it/chromium.rs"]
#[allow(dead_code)]
mod chromium;
#[path = "../tests/it/paths.rs"]
#[allow(dead_code)]
mod paths;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use tshoot::KnowledgeBase;
use tshoot::content::load::LoadOptions;
use tshoot::export::{ExportOptions, export};
use tshoot::i18n::Catalog;
use tshoot::render::{Templates, url_encode};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus");
    assert!(corpus.exists(), "{} is missing", corpus.display());
    let work = root.join("target/bench-export");
    std::fs::create_dir_all(&work).expect("work dir");
    // The site goes to memory (tmpfs) when there is one: both tools are timed
    // without disk effects (ext4 slows down creating files for a minute after
    // many were deleted, which would penalize whichever tool runs second).
    let site_root = std::env::var_os("TSHOOT_BENCH_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let shm = Path::new("/dev/shm");
        if shm.is_dir() { shm.join("tshoot-bench-export") } else { work.clone() }
    });
    let site = site_root.join("site");
    if site.exists() {
        std::fs::remove_dir_all(&site).expect("remove the previous site");
    }
    println!("site: {}", site.display());

    let t = Instant::now();
    let kb = KnowledgeBase::load(&[corpus], LoadOptions::default(), &|_, _| {}).expect("corpus loads");
    let load = t.elapsed();
    let templates = Templates::new(None).expect("theme");
    let t = Instant::now();
    let stats =
        export(&kb, &Catalog::embedded(), &templates, &site, &ExportOptions::default(), &|_, _| {}).expect("export");
    let exported = t.elapsed();
    println!(
        "tshoot: load {:.2} s + export {:.2} s = {:.2} s: {} files, {:.1} MB, {} article pages",
        load.as_secs_f64(),
        exported.as_secs_f64(),
        (load + exported).as_secs_f64(),
        stats.files,
        stats.bytes as f64 / 1e6,
        stats.article_pages
    );

    let pagefind = install_pagefind(&work);
    let pf_out = site.join("pagefind");
    let t = Instant::now();
    let run = Command::new(&pagefind)
        .arg("--site")
        .arg(&site)
        .arg("--output-path")
        .arg(&pf_out)
        .stdout(Stdio::null())
        .status()
        .expect("run pagefind");
    let indexed = t.elapsed();
    assert!(run.success(), "pagefind failed");
    let pf_files = walk(&pf_out);
    println!(
        "pagefind: index {:.2} s: {} files, {:.1} MB",
        indexed.as_secs_f64(),
        pf_files.len(),
        pf_files.iter().map(|p| size(p)).sum::<u64>() as f64 / 1e6
    );

    let queries = first_queries(root);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(compare(&site, &queries));
}

/// `target/bench-export/node_modules/.bin/pagefind`, installed from npm when missing.
fn install_pagefind(work: &Path) -> PathBuf {
    let bin = work.join("node_modules/.bin/pagefind");
    if !bin.exists() {
        eprintln!("installing pagefind from npm into {}", work.display());
        let status = Command::new("npm")
            .args(["install", "--no-save", "--no-audit", "--no-fund", "--prefix"])
            .arg(work)
            .arg("pagefind@1.6.0")
            .status()
            .expect("npm runs (install Node.js and npm)");
        assert!(status.success(), "npm install pagefind failed");
    }
    bin
}

/// The first query of each locale in the quality set.
fn first_queries(root: &Path) -> BTreeMap<String, String> {
    let tsv = std::fs::read_to_string(root.join("benches/search-queries.tsv")).expect("query file");
    let mut out = BTreeMap::new();
    for line in tsv.lines().skip(1).filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() >= 2 {
            out.entry(cols[0].to_owned()).or_insert_with(|| cols[1].to_owned());
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() { stack.push(p) } else { out.push(p) }
        }
    }
    out
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Bytes on disk of the loaded resources whose URL contains one of `parts`.
fn loaded_bytes(site: &Path, urls: &[String], prefix: &str, parts: &[&str]) -> (u64, usize) {
    let mut bytes = 0;
    let mut files = 0;
    for url in urls.iter().filter(|u| parts.iter().any(|p| u.contains(p))) {
        let Some(rel) = url.strip_prefix(prefix) else { continue };
        let rel = rel.split(['?', '#']).next().unwrap_or("");
        let rel = percent_decode(rel);
        bytes += size(&site.join(rel.trim_start_matches('/')));
        files += 1;
    }
    (bytes, files)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = text.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn resource_urls(driver: &WebDriver) -> Vec<String> {
    let ret = driver
        .execute("return performance.getEntriesByType('resource').map(e => e.name);", vec![])
        .await
        .expect("resource list");
    ret.convert().unwrap_or_default()
}

async fn wait_for(driver: &WebDriver, script: &str) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value = driver.execute(script, vec![]).await.expect("script").json().clone();
        if !value.is_null() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {script}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn compare(site: &Path, queries: &BTreeMap<String, String>) {
    let browser = chromium::Chromium::start().await.expect("Chromium (scripts/test installs it)");
    let driver = &browser.driver;
    let site_url = format!("file://{}", site.canonicalize().expect("site").display());

    // Pagefind over loopback HTTP: a one-file page per locale that runs its JS API.
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("port").port();
    // Pagefind fetches from a web worker, out of the page's resource timing: the
    // server's access log says what it loaded.
    let log_path = site.with_file_name("http.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let mut server = Command::new("python3")
        .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", &port.to_string(), "--directory"])
        .arg(site)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("python3 http.server");
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "http server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    println!("first search per locale (bytes the search loads; time from opening the page to results):");
    println!(
        "{:7} {:>10} {:>5} {:>6} {:>5} {:>11} {:>5} {:>6} {:>5}  query",
        "locale", "tshoot B", "files", "ms", "hits", "pagefind B", "files", "ms", "hits"
    );
    for (locale, query) in queries {
        // tshoot, from file://, a fresh page each time.
        driver.goto("about:blank").await.expect("blank");
        let url = format!("{site_url}/{locale}/search.html?q={}", url_encode(query));
        driver.goto(&url).await.expect("open search page");
        let ms = wait_for(
            driver,
            "const m = performance.getEntriesByName('tshoot-results'); return m.length ? m[0].startTime : null;",
        )
        .await;
        let urls = resource_urls(driver).await;
        // Script-loaded files from file:// are not in resource timing: search.js lists them.
        let loaded: Vec<String> = driver
            .execute("return tshootSearch.loaded();", vec![])
            .await
            .expect("loaded")
            .convert()
            .unwrap_or_default();
        let urls: Vec<String> = urls.into_iter().chain(loaded).collect();
        if std::env::var_os("BENCH_DEBUG").is_some() {
            eprintln!("{url}\n{urls:#?}");
        }
        let (t_bytes, t_files) = loaded_bytes(site, &urls, &site_url, &["/search/", "search.js"]);
        let t_hits = driver.find_all(By::Css("#results ol.results > li")).await.map_or(0, |l| l.len());
        let t_ms = ms.as_f64().unwrap_or(f64::NAN);

        // Pagefind, over HTTP, its own API: search, then the data of the first 10 results.
        let page = format!(
            "<!doctype html><html lang=\"{locale}\"><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>pf</title><script type=\"module\">\
             const t0 = performance.now(); const pf = await import('/pagefind/pagefind.js'); \
             const r = await pf.search({q}); await Promise.all(r.results.slice(0, 10).map(x => x.data())); \
             window.pfDone = {{ ms: performance.now(), n: r.results.length }};</script></html>",
            q = serde_json::to_string(query).expect("json")
        );
        std::fs::write(site.join(format!("pf-{locale}.html")), page).expect("bench page");
        driver.goto("about:blank").await.expect("blank");
        let log_start = std::fs::metadata(&log_path).map_or(0, |m| m.len()) as usize;
        driver.goto(format!("http://127.0.0.1:{port}/pf-{locale}.html")).await.expect("open pagefind page");
        let done = wait_for(driver, "return window.pfDone || null;").await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        let log = std::fs::read(&log_path).expect("log");
        let urls: Vec<String> = String::from_utf8_lossy(&log[log_start.min(log.len())..])
            .lines()
            .filter_map(|l| l.split("\"GET ").nth(1)?.split(' ').next().map(|p| format!("http://127.0.0.1:{port}{p}")))
            .collect();
        let (p_bytes, p_files) = loaded_bytes(site, &urls, &format!("http://127.0.0.1:{port}"), &["/pagefind/"]);
        let p_ms = done["ms"].as_f64().unwrap_or(f64::NAN);
        let p_hits = done["n"].as_u64().unwrap_or(0);
        if std::env::var_os("BENCH_DEBUG").is_some() {
            eprintln!("{done}\n{urls:#?}");
        }
        println!(
            "{locale:7} {t_bytes:>10} {t_files:>5} {t_ms:>6.0} {t_hits:>5} {p_bytes:>11} {p_files:>5} {p_ms:>6.0} {p_hits:>5}  {query}"
        );
    }
    let errors = browser.console_errors().await;
    if !errors.is_empty() {
        println!("console errors: {errors:?}");
    }
    browser.quit().await;
    let _ = server.kill();
    let _ = server.wait();
}
