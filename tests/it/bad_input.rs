//! Bad input gets a located diagnostic and loses nothing else.

use std::path::Path;
use std::time::Instant;

use tshoot::KnowledgeBase;
use tshoot::content::diagnostics::{Diagnostic, Severity};
use tshoot::content::load::LoadOptions;
use tshoot::model::RecordKind;

use crate::harness::{fixture, load, load_with};

fn diag<'a>(kb: &'a KnowledgeBase, file: &str, code: &str) -> &'a Diagnostic {
    kb.diagnostics
        .iter()
        .find(|d| d.file.ends_with(file) && d.code == code)
        .unwrap_or_else(|| panic!("no {code} diagnostic for {file}; got {:#?}", kb.diagnostics))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join("en-us").join(name), bytes).expect("write generated fixture");
}

/// The bad-input fixture plus generated files that are awkward to commit.
fn bad_kb(options: LoadOptions) -> (tempfile::TempDir, KnowledgeBase) {
    let dir = fixture("bad");
    let p = dir.path();
    write(p, "invalid-utf8.md", b"---\ntitle: bad bytes\n---\n# Bad\n\nline \xff\xfe here\n");
    let mut huge = b"---\ntitle: huge\n---\n# Huge\n\n".to_vec();
    huge.resize(3 * 1024 * 1024, b'x');
    write(p, "huge.md", &huge);
    let mut bomb = String::from("---\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..12 {
        let prev = format!("*l{}", i - 1);
        bomb.push_str(&format!("l{i}: &l{i} [{}]\n", vec![prev; 9].join(", ")));
    }
    bomb.push_str("---\n# Bomb\n");
    write(p, "alias-bomb.md", bomb.as_bytes());
    write(p, "deep.md", format!("---\nx: {}\n---\n# Deep\n", "[".repeat(100_000)).as_bytes());
    write(p, "empty.md", b"");
    write(
        p,
        "crlf-bom.md",
        "\u{feff}---\r\ntitle: CRLF and BOM\r\n---\r\n# CRLF article\r\n\r\n## Symptoms\r\n\r\nIt hums.".as_bytes(),
    );
    let started = Instant::now();
    let kb = load_with(&[p.to_path_buf()], options);
    let elapsed = started.elapsed();
    assert!(elapsed.as_secs() < 10, "bad input took {elapsed:?}");
    (dir, kb)
}

fn small_limit() -> LoadOptions {
    LoadOptions { max_file_bytes: 1024 * 1024, ..LoadOptions::default() }
}

#[test]
fn every_bad_file_is_located_and_the_good_ones_still_load() {
    let (_dir, kb) = bad_kb(small_limit());
    let yaml = diag(&kb, "broken-yaml.md", "front-matter-yaml");
    assert_eq!(yaml.severity, Severity::Error);
    assert!(yaml.line.is_some_and(|l| (4..=5).contains(&l)), "{yaml:?}");
    let unclosed = diag(&kb, "unclosed.md", "front-matter-unclosed");
    assert_eq!(unclosed.line, Some(1));
    let utf8 = diag(&kb, "invalid-utf8.md", "invalid-utf8");
    assert_eq!((utf8.line, utf8.column), (Some(6), Some(6)));
    let huge = diag(&kb, "huge.md", "file-too-large");
    assert!(huge.message.contains("limit"), "{huge:?}");
    assert!(diag(&kb, "alias-bomb.md", "front-matter-yaml").line.is_some());
    assert_eq!(diag(&kb, "deep.md", "front-matter-yaml").severity, Severity::Error);
    let escape = diag(&kb, "escape-include.md", "include-outside-root");
    assert_eq!(escape.line, Some(8));
    assert!(diag(&kb, "include-cycle.md", "include-cycle").line.is_some());
    assert!(kb.has_errors());

    // What is fine still loads, whatever else is broken.
    let good = kb.article_by_str("512003-widgetstalled").expect("good article loads");
    let resolution = good.records.iter().find(|r| r.kind == RecordKind::Solution).expect("resolution");
    let md = &resolution.texts.values().next().expect("text").markdown;
    assert!(md.contains("Re-seat the drive belt") && !md.contains("[!INCLUDE"), "include expanded: {md}");
    assert!(!md.contains("ms.topic"), "the fragment's front matter is dropped");
    assert!(good.error_codes.contains("512003"), "{:?}", good.error_codes);
    assert!(kb.article_by_str("crlf-article").is_some(), "BOM, CRLF, no final newline load");
    let script = kb.articles.iter().find(|a| a.variants.values().any(|v| v.title == "Script in Markdown"));
    assert!(script.is_some(), "script in Markdown is content (render/ sanitizes it)");
    // The escaping include was never read into any record.
    assert!(
        kb.articles
            .iter()
            .flat_map(|a| &a.records)
            .flat_map(|r| r.texts.values())
            .all(|t| !t.markdown.contains("root:"))
    );
    // Fragments are not articles.
    assert!(
        kb.articles.iter().all(|a| { a.variants.values().all(|v| !v.path.to_string_lossy().contains("includes")) })
    );
}

#[test]
fn reference_cycles_are_reported_and_both_articles_load() {
    let dir = fixture("cycle");
    let kb = load(&[dir.path().to_path_buf()]);
    assert_eq!(kb.articles.len(), 2);
    let cycles: Vec<_> = kb.diagnostics.iter().filter(|d| d.code == "reference-cycle").collect();
    assert_eq!(cycles.len(), 1, "{:#?}", kb.diagnostics);
    assert!(
        cycles[0].message.contains("600001-firstloop#solution")
            && cycles[0].message.contains("600002-secondloop#solution"),
        "{}",
        cycles[0].message
    );
}

#[test]
fn a_missing_content_root_is_an_error_not_a_panic() {
    let err =
        KnowledgeBase::load(&[Path::new("/definitely/not/here").to_path_buf()], LoadOptions::default(), &|_, _| {})
            .expect_err("missing root");
    assert!(err.to_string().contains("/definitely/not/here"), "{err}");
}
