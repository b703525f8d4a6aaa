//! The real corpus in `../shared/corpus/`: IoT Hub articles in six locales and
//! the English support articles.

use std::collections::BTreeSet;

use tshoot::content::diagnostics::Severity;
use tshoot::model::{Freshness, RecordKind, RefTarget};

use crate::harness::{iot_hub, load, locale, shared};
use crate::require_shared;

const LOCALES: [&str; 6] = ["de-de", "en-us", "pl-pl", "pt-br", "sv-se", "zh-cn"];

#[test]
fn iot_hub_loads_sixteen_articles_in_six_locales_without_errors() {
    let Some(kb) = iot_hub() else { return };
    let errors: Vec<_> = kb.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(kb.articles.len(), 16, "{:?}", kb.articles.iter().map(|a| a.id.as_str()).collect::<Vec<_>>());
    for article in &kb.articles {
        let locales: Vec<&str> = article.variants.keys().map(|l| l.as_str()).collect();
        assert_eq!(locales, LOCALES, "{}", article.id);
        assert_eq!(article.source_locale, Some(locale("en-us")), "{}", article.id);
        // Front-matter fields of the article come from its main file.
        assert_eq!(article.service.as_deref(), Some("iot-hub"), "{}", article.id);
        assert!(article.topic.is_some(), "{}", article.id);
    }
    // SOURCE.txt and MANIFEST.tsv are not articles.
    let paths: Vec<_> = kb.articles.iter().flat_map(|a| a.variants.values()).map(|v| v.path.clone()).collect();
    assert_eq!(paths.len(), 96);
    assert!(paths.iter().all(|p| p.extension().is_some_and(|e| e == "md")), "{paths:?}");
    let connectivity = kb
        .article_by_str("detect-and-troubleshoot-disconnects-with-azure-iot-hub")
        .expect("connectivity article by its en-us H1");
    assert_eq!(connectivity.variants.len(), 6);
}

#[test]
fn localized_error_articles_align_with_their_source() {
    let Some(kb) = iot_hub() else { return };
    let mut checked = 0;
    for article in kb.articles.iter().filter(|a| a.id.as_str().starts_with(|c: char| c.is_ascii_digit())) {
        let en = &article.variants[&locale("en-us")];
        let source_ids: BTreeSet<&String> = en
            .record_order
            .iter()
            .filter(|a| {
                article
                    .record(a)
                    .is_some_and(|r| matches!(r.kind, RecordKind::Symptom | RecordKind::Cause | RecordKind::Solution))
            })
            .collect();
        assert!(!source_ids.is_empty(), "{} has symptom/cause/solution records", article.id);
        for tag in LOCALES {
            let v = &article.variants[&locale(tag)];
            for anchor in &source_ids {
                assert!(v.record_order.contains(anchor), "{} {tag} lacks {anchor}: {:?}", article.id, v.record_order);
            }
        }
        checked += 1;
    }
    assert_eq!(checked, 15);
}

#[test]
fn exactly_ten_of_sixteen_german_variants_are_current() {
    let Some(kb) = iot_hub() else { return };
    let de = locale("de-de");
    let current = kb.articles.iter().filter(|a| a.variants[&de].freshness == Freshness::Current).count();
    assert_eq!(current, 10);
    let zh = locale("zh-cn");
    let zh_current = kb.articles.iter().filter(|a| a.variants[&zh].freshness == Freshness::Current).count();
    assert_eq!(zh_current, 1);
    assert!(kb.articles.iter().all(|a| a.variants[&locale("en-us")].freshness == Freshness::Current));
}

#[test]
fn references_between_iot_hub_articles_resolve_in_the_readers_locale() {
    let Some(kb) = iot_hub() else { return };
    let article = kb.article_by_str("404104-deviceconnectionclosedremotely").expect("404104");
    for tag in ["de-de", "zh-cn", "pl-pl", "sv-se", "pt-br"] {
        let text = &article.record("solution-1").expect("solution-1").texts[&locale(tag)];
        assert!(text.unresolved_refs.is_empty(), "{tag}: {:?}", text.unresolved_refs);
        assert!(
            text.refs.contains(&RefTarget::Record(
                tshoot::model::RecordId::parse("401003-iothubunauthorized#solution-1").expect("id")
            )),
            "{tag}: {:?}",
            text.refs
        );
    }
    // The error-code articles carry their codes.
    for a in &kb.articles {
        if let Some(code) =
            a.id.as_str().split('-').next().filter(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        {
            assert!(a.error_codes.contains(code), "{} lacks its code: {:?}", a.id, a.error_codes);
        }
    }
    assert!(article.error_codes.contains("deviceconnectionclosedremotely"), "{:?}", article.error_codes);
}

#[test]
fn iot_hub_en_us_alone_takes_its_locale_from_the_folder() {
    let en = require_shared!("corpus/iot-hub/en-us");
    let kb = load(&[en]);
    assert_eq!(kb.articles.len(), 16);
    assert!(kb.articles.iter().all(|a| a.variants.keys().map(|l| l.as_str()).eq(["en-us"])));
}

#[test]
fn support_corpus_loads_and_yields_records() {
    let Some(root) = shared("corpus/support") else {
        return;
    };
    let kb = load(&[root]);
    assert!(kb.articles.len() > 4000, "{} articles", kb.articles.len());
    // Articles whose headings name a symptom, cause or resolution must yield such records.
    let mut with_heading = 0;
    let mut with_records = 0;
    let mut rest = Vec::new();
    for a in &kb.articles {
        let Some(v) = a.variants.values().next() else {
            continue;
        };
        let text = std::fs::read_to_string(&v.path).unwrap_or_default();
        let has_heading = text.lines().any(|l| {
            let l = l.trim_start().to_lowercase();
            l.starts_with('#')
                && ["symptom", "cause", "resolution", "solution", "workaround"].iter().any(|k| l.contains(k))
        });
        if !has_heading {
            continue;
        }
        with_heading += 1;
        if a.records.iter().any(|r| {
            matches!(r.kind, RecordKind::Symptom | RecordKind::Cause | RecordKind::Solution | RecordKind::Workaround)
        }) {
            with_records += 1;
        } else {
            rest.push(a.id.to_string());
        }
    }
    let share = with_records as f64 / with_heading as f64;
    eprintln!(
        "support corpus: {with_records}/{with_heading} articles with such headings yield records ({:.1}%); {} do not, e.g. {:?}",
        share * 100.0,
        rest.len(),
        rest.iter().take(5).collect::<Vec<_>>()
    );
    assert!(share >= 0.9, "{share}");
}

/// The loader reads each record's plain text and links from one Markdown pass
/// over the whole file; they must be what a pass over the record's own
/// Markdown gives (the search index and the server read records that way).
#[test]
fn one_pass_plain_text_and_links_match_each_records_own_markdown() {
    use tshoot::content::parse::{Parsed, analyze, parse_file};
    let corpus = require_shared!("corpus");
    let (mut records, mut plain_differs, mut links_differ) = (0, Vec::new(), Vec::new());
    // DocFX `:::image …:::` directives: their alt text is text, their syntax is not.
    let (mut with_images, mut image_syntax_left) = (0, Vec::new());
    for entry in walkdir::WalkDir::new(&corpus).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let Ok(text) = std::fs::read_to_string(entry.path()) else { continue };
        let (Parsed::Article(file), _) = parse_file(&text, entry.path()) else { continue };
        for r in &file.records {
            records += 1;
            let (plain, links) = analyze(&r.markdown);
            // Reference-style links (`![alt][2]`) defined elsewhere in the file
            // resolve in a record's own pass too: it carries their definitions.
            if file.plain_of(r) != plain {
                plain_differs.push(format!("{}#{}", entry.path().display(), r.anchor));
            }
            if r.links != links {
                links_differ.push(format!("{}#{}", entry.path().display(), r.anchor));
            }
            if r.markdown.contains(":::image") {
                with_images += 1;
                if file.plain_of(r).contains(":::image") {
                    image_syntax_left.push(format!("{}#{}", entry.path().display(), r.anchor));
                }
            }
        }
    }
    assert!(with_images > 500, "{with_images} records with DocFX images");
    assert!(image_syntax_left.is_empty(), "{:#?}", &image_syntax_left[..image_syntax_left.len().min(10)]);
    assert!(records > 20_000, "{records} records");
    eprintln!("{records} records; plain text differs in {}, links in {}", plain_differs.len(), links_differ.len());
    assert!(plain_differs.is_empty(), "{:#?}", &plain_differs[..plain_differs.len().min(10)]);
    assert!(links_differ.is_empty(), "{:#?}", &links_differ[..links_differ.len().min(10)]);
}
