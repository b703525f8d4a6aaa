//! Search quality: recall@1, recall@5 and MRR per locale over the query set in
//! `benches/search-queries.tsv`, beside a plain BM25 baseline (tantivy's default
//! tokenizer, one text field). Loads `../shared/corpus/iot-hub` and `content/`.
//! Run with `cargo bench --bench search_quality`.

use std::collections::BTreeMap;
use std::path::Path;

use tshoot::KnowledgeBase;
use tshoot::content::load::LoadOptions;
use tshoot::model::Locale;
use tshoot::search::baseline::BaselineIndex;
use tshoot::search::{SearchIndex, SearchRequest};

#[derive(Default)]
struct Score {
    queries: usize,
    at1: usize,
    at5: usize,
    rr: f64,
    misses: Vec<String>,
}

impl Score {
    fn add(&mut self, ranked: &[String], expected: &[&str], query: &str) {
        self.queries += 1;
        let hit =
            |id: &String| expected.iter().any(|e| id == e || (!e.contains('#') && id.split('#').next() == Some(e)));
        match ranked.iter().take(10).position(hit) {
            Some(p) => {
                self.at1 += usize::from(p == 0);
                self.at5 += usize::from(p < 5);
                self.rr += 1.0 / (p as f64 + 1.0);
                if p >= 5 {
                    self.misses.push(query.to_owned());
                }
            }
            None => self.misses.push(query.to_owned()),
        }
    }
    fn row(&self) -> String {
        let n = self.queries.max(1) as f64;
        format!("{:.2} | {:.2} | {:.2}", self.at1 as f64 / n, self.at5 as f64 / n, self.rr / n)
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus/iot-hub");
    if !corpus.exists() {
        eprintln!("search quality: {} is missing", corpus.display());
        std::process::exit(2);
    }
    let kb = KnowledgeBase::load(&[corpus, root.join("content")], LoadOptions::default(), &|_, _| {})
        .expect("content loads");
    let index = SearchIndex::build(&kb).expect("index builds");
    let baseline = BaselineIndex::build(&kb).expect("baseline builds");
    let queries = std::fs::read_to_string(root.join("benches/search-queries.tsv")).expect("query file");

    let mut ours: BTreeMap<String, Score> = BTreeMap::new();
    let mut base: BTreeMap<String, Score> = BTreeMap::new();
    for line in queries.lines().skip(1) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [tag, query, expected] = cols[..] else {
            eprintln!("skipping malformed line: {line}");
            continue;
        };
        let locale = Locale::parse(tag).expect("locale column");
        let expected: Vec<&str> = expected.split_whitespace().collect();
        let mut request = SearchRequest::new(query, locale.clone());
        request.limit = 10;
        let ranked: Vec<String> = index.search(&request).expect("search").hits.into_iter().map(|h| h.id).collect();
        if std::env::var_os("TSHOOT_QUALITY_VERBOSE").is_some()
            && !ranked.first().is_some_and(|id| expected.iter().any(|e| id == e || id.split('#').next() == Some(e)))
        {
            println!(
                "top-1 miss {tag}: {query} -> {:?} (want {expected:?})",
                ranked.iter().take(3).collect::<Vec<_>>()
            );
        }
        ours.entry(tag.to_owned()).or_default().add(&ranked, &expected, query);
        let ranked = baseline.search(query, &locale, 10).expect("baseline search");
        base.entry(tag.to_owned()).or_default().add(&ranked, &expected, query);
    }
    println!("| locale | queries | tshoot R@1 | R@5 | MRR | baseline R@1 | R@5 | MRR |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut total = (Score::default(), Score::default());
    for (tag, s) in &ours {
        let b = &base[tag];
        println!("| {tag} | {} | {} | {} |", s.queries, s.row(), b.row());
        total.0.queries += s.queries;
        total.0.at1 += s.at1;
        total.0.at5 += s.at5;
        total.0.rr += s.rr;
        total.1.queries += b.queries;
        total.1.at1 += b.at1;
        total.1.at5 += b.at5;
        total.1.rr += b.rr;
    }
    println!("| all | {} | {} | {} |", total.0.queries, total.0.row(), total.1.row());
    println!();
    for (tag, s) in &ours {
        for m in &s.misses {
            println!("miss (not in top 5) {tag}: {m}");
        }
    }
}
