//! Load benchmark: the whole `../shared/corpus/` loaded, parsed, grouped and
//! resolved, beside the I/O floor (one thread reading every file in sequence,
//! warm page cache) and the parser floor (what serde-saphyr and pulldown-cmark
//! alone take on the same files). Prints figures; run with `cargo bench --bench load`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tshoot::KnowledgeBase;
use tshoot::content::load::LoadOptions;

fn main() {
    let root = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if !root.exists() {
        eprintln!("load bench: {} is missing; pass a content folder as the first argument", root.display());
        std::process::exit(2);
    }
    let runs: usize = std::env::var("TSHOOT_BENCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);

    // Warm the page cache, then time the I/O floor.
    let (files, bytes) = read_all(&root);
    let mut floor = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        read_all(&root);
        floor.push(t.elapsed());
    }

    // What the chosen parsers alone cost, each and together.
    let paths = file_paths(&root);
    let parser_floors: Vec<(&str, Duration)> = [
        ("read + serde-saphyr", Parsers::Yaml),
        ("read + pulldown-cmark", Parsers::Markdown),
        ("read + both", Parsers::Both),
    ]
    .into_iter()
    .map(|(name, parsers)| {
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                parser_floor(&paths, parsers);
                t.elapsed()
            })
            .collect();
        (name, median(&mut times))
    })
    .collect();

    let mut times = Vec::new();
    let mut kb = None;
    for _ in 0..runs {
        // Peak RSS should reflect one knowledge base, not two.
        drop(kb.take());
        let t = Instant::now();
        let loaded =
            KnowledgeBase::load(std::slice::from_ref(&root), LoadOptions::default(), &|_, _| {}).expect("corpus loads");
        times.push(t.elapsed());
        kb = Some(loaded);
    }
    let kb = kb.expect("at least one run");
    let floor = median(&mut floor);
    let load = median(&mut times);
    let mb = bytes as f64 / 1e6;
    let summary = kb.summary();
    println!(
        "corpus: {} ({files} files, {mb:.1} MB, {} articles, {} records)",
        root.display(),
        summary.articles,
        summary.records
    );
    println!("threads: {}", rayon::current_num_threads());
    println!("I/O floor (1 thread, warm cache): {:.1} ms", ms(floor));
    for (name, time) in &parser_floors {
        println!(
            "parser floor, {name} (all threads, nothing kept; median): {:.1} ms, {:.1}x the I/O floor",
            ms(*time),
            time.as_secs_f64() / floor.as_secs_f64()
        );
    }
    println!(
        "load (median of {runs}): {:.1} ms, {:.0} files/s, {:.1} MB/s, {:.1}x the I/O floor",
        ms(load),
        files as f64 / load.as_secs_f64(),
        mb / load.as_secs_f64(),
        load.as_secs_f64() / floor.as_secs_f64()
    );
    println!("load min {:.1} ms, max {:.1} ms", ms(times[0]), ms(times[times.len() - 1]));
    if let (Some(peak), Some(now)) = (rss_kib("VmHWM:"), rss_kib("VmRSS:")) {
        println!(
            "peak RSS: {:.1} MB ({:.2}x the corpus size); RSS with the knowledge base loaded: {:.1} MB",
            peak as f64 / 1024.0,
            peak as f64 * 1024.0 / bytes as f64,
            now as f64 / 1024.0
        );
    }
    println!("diagnostics: {} errors, {} warnings, {} infos", summary.errors, summary.warnings, summary.infos);
}

fn read_all(root: &Path) -> (usize, u64) {
    let mut files = 0;
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(root).sort_by_file_name().into_iter().flatten() {
        if entry.file_type().is_file() {
            let data = std::fs::read(entry.path()).expect("read corpus file");
            files += 1;
            bytes += data.len() as u64;
        }
    }
    (files, bytes)
}

fn file_paths(root: &Path) -> Vec<PathBuf> {
    let entries = walkdir::WalkDir::new(root).sort_by_file_name().into_iter().flatten();
    entries.filter(|e| e.file_type().is_file()).map(|e| e.into_path()).collect()
}

#[derive(Clone, Copy, PartialEq)]
enum Parsers {
    Yaml,
    Markdown,
    Both,
}

/// What the chosen parsers alone cost: each file read, its front matter given
/// to serde-saphyr (into a JSON value, with the loader's budget) and its body
/// to pulldown-cmark (events only), in parallel as the loader does. The
/// loader, which does all this and more, cannot be faster.
fn parser_floor(paths: &[PathBuf], parsers: Parsers) {
    use pulldown_cmark::{Options, Parser};
    use rayon::prelude::*;
    paths.par_iter().for_each(|path| {
        let Ok(text) = std::fs::read_to_string(path) else { return };
        let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else { return };
        let Some(end) = rest.find("\n---") else { return };
        let (yaml, body) = rest.split_at(end);
        if parsers != Parsers::Markdown {
            let front_matter: Result<serde_json::Value, _> =
                serde_saphyr::from_str_with_options(yaml, tshoot::content::parse::yaml_options());
            std::hint::black_box(front_matter.ok());
        }
        if parsers != Parsers::Yaml {
            for event in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
                std::hint::black_box(event);
            }
        }
    });
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn rss_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
