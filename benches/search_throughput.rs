//! In-process search throughput over the whole corpus, the engine-only
//! reference for the HTTP benchmark (`benches/server.sh`). Writes the query
//! mix it used to `target/bench-queries.txt` (one URL-encoded query per line)
//! so the HTTP run uses exactly the same queries.

use std::path::Path;
use std::time::{Duration, Instant};

use tshoot::KnowledgeBase;
use tshoot::content::load::LoadOptions;
use tshoot::model::Locale;
use tshoot::search::{SearchIndex, SearchRequest};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus");
    if !corpus.exists() {
        eprintln!("search throughput: {} is missing", corpus.display());
        std::process::exit(2);
    }
    let threads: usize = std::env::var("TSHOOT_BENCH_THREADS").ok().and_then(|t| t.parse().ok()).unwrap_or(2);
    let seconds: u64 = std::env::var("TSHOOT_BENCH_SECONDS").ok().and_then(|t| t.parse().ok()).unwrap_or(10);
    let kb =
        KnowledgeBase::load(&[corpus, root.join("content")], LoadOptions::default(), &|_, _| {}).expect("corpus loads");
    let t = Instant::now();
    let index = SearchIndex::build(&kb).expect("index builds");
    eprintln!("index built in {:.1} s", t.elapsed().as_secs_f64());

    // The query mix: the quality set, every error code, and article-title words.
    let mut queries: Vec<(String, String)> = Vec::new();
    let tsv = std::fs::read_to_string(root.join("benches/search-queries.tsv")).expect("query file");
    for line in tsv.lines().skip(1).filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() >= 2 {
            queries.push((cols[0].to_owned(), cols[1].to_owned()));
        }
    }
    for a in kb.articles.iter().step_by(40) {
        if let Some(v) = a.variants.values().next() {
            let words: Vec<&str> = v.title.split_whitespace().filter(|w| w.len() > 3).take(3).collect();
            if !words.is_empty() {
                queries.push((v.locale.to_string(), words.join(" ")));
            }
        }
    }
    queries.sort();
    queries.dedup();
    let list: String = queries.iter().map(|(l, q)| format!("{l}\t{}\n", urlencode(q))).collect();
    std::fs::create_dir_all(root.join("target")).expect("target dir");
    std::fs::write(root.join("target/bench-queries.txt"), list).expect("write query list");

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let results: Vec<(usize, Vec<Duration>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (index, queries) = (&index, &queries);
                s.spawn(move || {
                    let mut n = 0;
                    let mut latencies = Vec::new();
                    let mut i = t * 7;
                    while Instant::now() < deadline {
                        let (locale, q) = &queries[i % queries.len()];
                        let mut request = SearchRequest::new(q.clone(), Locale::parse(locale).expect("locale"));
                        request.limit = 10;
                        let start = Instant::now();
                        let hits = index.search(&request).expect("search");
                        latencies.push(start.elapsed());
                        std::hint::black_box(hits);
                        n += 1;
                        i += 1;
                    }
                    (n, latencies)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).collect()
    });
    let total: usize = results.iter().map(|r| r.0).sum();
    let mut all: Vec<Duration> = results.into_iter().flat_map(|r| r.1).collect();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "in-process search: {} distinct queries, {threads} threads, {seconds} s: {:.0} queries/s, p50 {:.2} ms, p99 {:.2} ms",
        queries.len(),
        total as f64 / seconds as f64,
        pct(0.5).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0
    );

    // The slowest queries, each the best of three runs: what the p99 is made of.
    let mut each: Vec<(Duration, &str, &str)> = queries
        .iter()
        .map(|(locale, q)| {
            let mut request = SearchRequest::new(q.clone(), Locale::parse(locale).expect("locale"));
            request.limit = 10;
            let best = (0..3)
                .map(|_| {
                    let start = Instant::now();
                    std::hint::black_box(index.search(&request).expect("search"));
                    start.elapsed()
                })
                .min()
                .unwrap_or_default();
            (best, locale.as_str(), q.as_str())
        })
        .collect();
    each.sort_by_key(|e| std::cmp::Reverse(e.0));
    println!("slowest queries (best of 3, one thread):");
    for (time, locale, q) in each.iter().take(12) {
        println!("  {:6.2} ms  {locale}  {q}", time.as_secs_f64() * 1000.0);
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
