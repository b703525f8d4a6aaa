//! Load benchmark: the whole `../shared/corpus/` loaded, parsed, grouped and
//! resolved, beside the I/O floor (one thread reading every file in sequence,
//! warm page cache). Prints figures; run with `cargo bench --bench load`.

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
