//! The five seed files (one article in zh-CN, pl-PL, sv-SE, pt-BR, de-DE), alone
//! and beside the IoT Hub corpus.

use tshoot::model::{Freshness, RecordKind, RefTarget, TranslationType};

use crate::harness::{anchors_of, load, locale};
use crate::require_shared;

const SEED_LOCALES: [&str; 5] = ["zh-cn", "pl-pl", "sv-se", "pt-br", "de-de"];

#[test]
fn seeds_are_one_article_in_five_locales() {
    let seeds = require_shared!("seeds");
    let kb = load(&[seeds]);
    assert_eq!(kb.articles.len(), 1, "{:?}", kb.articles.iter().map(|a| &a.id).collect::<Vec<_>>());
    let article = &kb.articles[0];
    assert_eq!(article.id.as_str(), "404104-deviceconnectionclosedremotely");
    let locales: Vec<&str> = article.variants.keys().map(|l| l.as_str()).collect();
    assert_eq!(locales, ["de-de", "pl-pl", "pt-br", "sv-se", "zh-cn"]);
    let mt = article.variants.values().filter(|v| v.translation == TranslationType::Machine).count();
    let ht = article.variants.values().filter(|v| v.translation == TranslationType::Human).count();
    assert_eq!((mt, ht), (4, 1));
    assert_eq!(article.variants[&locale("de-de")].translation, TranslationType::Human);
    // No source file loaded: freshness cannot be known.
    assert!(article.variants.values().all(|v| v.freshness == Freshness::Unknown));

    let expected: Vec<String> =
        ["symptom", "cause", "solution"].iter().flat_map(|k| (1..=3).map(move |n| format!("{k}-{n}"))).collect();
    for tag in SEED_LOCALES {
        let anchors = anchors_of(article, tag);
        for anchor in &expected {
            assert!(anchors.contains(anchor), "{tag} lacks {anchor}: {anchors:?}");
        }
        assert_eq!(anchors.first().map(String::as_str), Some("intro"), "{tag}");
        assert_eq!(anchors.last().map(String::as_str), Some("next-steps"), "{tag}");
        assert_eq!(anchors.len(), 11, "{tag}: {anchors:?}");
    }
    for anchor in &expected {
        let record = article.record(anchor).expect("record");
        assert_eq!(record.texts.len(), 5, "{anchor} is in every locale");
    }
    // Relations by heading numbers: cause-N ↔ solution-N; symptoms lead to all causes.
    let cause2 = article.record("cause-2").expect("cause-2");
    assert_eq!(cause2.solutions.iter().map(|s| s.anchor.as_str()).collect::<Vec<_>>(), ["solution-2"]);
    let symptom1 = article.record("symptom-1").expect("symptom-1");
    assert_eq!(symptom1.causes.len(), 3);
    assert_eq!(article.record("cause-1").expect("cause").kind, RecordKind::Cause);
}

#[test]
fn seeds_alone_report_their_references_unresolved() {
    let seeds = require_shared!("seeds");
    let kb = load(&[seeds]);
    let article = &kb.articles[0];
    let mut total = 0;
    for tag in SEED_LOCALES {
        let mut unresolved: Vec<String> = article
            .records
            .iter()
            .filter_map(|r| r.texts.get(&locale(tag)))
            .flat_map(|t| t.unresolved_refs.iter().cloned())
            .collect();
        unresolved.sort();
        assert_eq!(
            unresolved,
            [
                "iot-hub-troubleshoot-error-401003-iothubunauthorized#cause-1",
                "iot-hub-troubleshoot-error-401003-iothubunauthorized#solution-1",
                "iot-hub-troubleshoot-error-500xxx-internal-errors#cause",
                "iot-hub-troubleshoot-error-500xxx-internal-errors#solution",
            ],
            "{tag}"
        );
        total += unresolved.len();
    }
    assert_eq!(total, 20);
    let warnings = kb.diagnostics.iter().filter(|d| d.code == "unresolved-reference").count();
    assert_eq!(warnings, 20);
    assert!(!kb.has_errors(), "{:?}", kb.diagnostics);
}

#[test]
fn seeds_join_the_corpus_article_and_get_freshness() {
    let (seeds, en) = require_shared!("seeds", "corpus/iot-hub/en-us");
    let kb = load(&[seeds, en]);
    assert_eq!(kb.articles.len(), 16);
    let article = kb.article_by_str("404104-deviceconnectionclosedremotely").expect("404104 article");
    assert_eq!(article.variants.len(), 6);
    assert_eq!(article.source_locale, Some(locale("en-us")));
    let fresh = |tag: &str| article.variants[&locale(tag)].freshness;
    assert_eq!(fresh("en-us"), Freshness::Current);
    assert_eq!(fresh("de-de"), Freshness::Current);
    assert_eq!(fresh("zh-cn"), Freshness::Current);
    for tag in ["pl-pl", "sv-se", "pt-br"] {
        assert_ne!(fresh(tag), Freshness::Current, "{tag}");
        assert!(fresh(tag).is_outdated() || fresh(tag) == Freshness::Newer, "{tag}: {:?}", fresh(tag));
    }
    // The seeds' references now resolve, to the 401003 and 500xxx articles.
    let solution1 = article.record("solution-1").expect("solution-1");
    let de = &solution1.texts[&locale("de-de")];
    assert!(de.unresolved_refs.is_empty(), "{:?}", de.unresolved_refs);
    assert_eq!(de.refs.iter().map(RefTarget::to_string).collect::<Vec<_>>(), ["401003-iothubunauthorized#solution-1"]);
    let cause3 = article.record("cause-3").expect("cause-3");
    assert!(
        cause3.texts[&locale("zh-cn")].refs.iter().any(|r| r.to_string() == "500xxx-internal-errors#cause"),
        "{:?}",
        cause3.texts[&locale("zh-cn")].refs
    );
}

#[test]
fn dump_in_polish_gives_every_record_once_in_polish() {
    let seeds = require_shared!("seeds");
    let kb = load(&[seeds]);
    let pl = locale("pl-pl");
    let feed: Vec<_> = tshoot::feed::records(&kb, Some(&pl)).collect();
    assert_eq!(feed.len(), 11);
    assert!(feed.iter().all(|r| r.locale == &pl && r.fallback_from.is_none()));
    let scs = feed.iter().filter(|r| matches!(r.kind, "symptom" | "cause" | "solution")).count();
    assert_eq!(scs, 9);
    let cause1 = feed.iter().find(|r| r.id.ends_with("#cause-1")).expect("cause-1");
    assert!(cause1.title.starts_with("Przyczyn"), "{}", cause1.title);
    assert_eq!(cause1.translation.kind, "machine");
}

#[test]
fn dump_falls_back_for_a_locale_the_seeds_lack() {
    let seeds = require_shared!("seeds");
    let kb = load(&[seeds]);
    let fr = locale("fr-fr");
    let feed: Vec<_> = tshoot::feed::records(&kb, Some(&fr)).collect();
    assert_eq!(feed.len(), 11);
    assert!(feed.iter().all(|r| r.fallback_from == Some(&fr) && r.locale != &fr));
}
