//! Search on the seeds, the bundled content and the IoT Hub corpus.

use std::sync::OnceLock;

use tshoot::search::{SearchIndex, SearchRequest};

use crate::harness::{iot_hub, load, locale, repo, shared};

const SEED_ARTICLE: &str = "404104-deviceconnectionclosedremotely";

fn seeds_index() -> Option<&'static SearchIndex> {
    static INDEX: OnceLock<Option<SearchIndex>> = OnceLock::new();
    INDEX.get_or_init(|| shared("seeds").map(|s| SearchIndex::build(&load(&[s])).expect("index builds"))).as_ref()
}

fn top_ids(index: &SearchIndex, text: &str, tag: &str, n: usize) -> Vec<String> {
    let mut request = SearchRequest::new(text, locale(tag));
    request.limit = n;
    index.search(&request).expect("search runs").hits.into_iter().map(|h| h.id).collect()
}

#[test]
fn a_symptom_in_each_seed_locale_finds_its_record_in_the_top_three() {
    let Some(index) = seeds_index() else { return };
    let cases = [
        ("zh-cn", "设备每隔65分钟断开一次连接", "symptom-1"),
        ("pl-pl", "token dostępu wygasł", "cause-1"),
        ("de-de", "Gerät verliert alle 65 Minuten die Verbindung", "symptom-1"),
        ("sv-se", "enheten kopplas från var 65:e minut", "symptom-1"),
        ("pt-br", "dispositivo desconecta a cada 65 minutos", "symptom-1"),
    ];
    for (tag, query, anchor) in cases {
        let ids = top_ids(index, query, tag, 3);
        let want = format!("{SEED_ARTICLE}#{anchor}");
        assert!(ids.contains(&want), "{tag} `{query}`: {ids:?}");
    }
}

#[test]
fn inflected_forms_match() {
    let Some(index) = seeds_index() else { return };
    // Each query word is a form the article does not use; a hit must highlight another form.
    for (tag, query) in
        [("de-de", "Verbindungen"), ("pl-pl", "połączeniami"), ("sv-se", "anslutningar"), ("pt-br", "desconectados")]
    {
        let mut request = SearchRequest::new(query, locale(tag));
        request.limit = 10;
        let hits = index.search(&request).expect("search runs").hits;
        let other_form = hits
            .iter()
            .flat_map(|h| h.snippet_html.split("<b>").skip(1))
            .filter_map(|s| s.split("</b>").next())
            .find(|w| !w.eq_ignore_ascii_case(query));
        assert!(other_form.is_some(), "{tag} `{query}` matched no other word form: {hits:?}");
    }
}

#[test]
fn the_error_code_ranks_its_article_first_in_every_locale() {
    let Some(index) = seeds_index() else { return };
    for tag in ["zh-cn", "pl-pl", "sv-se", "pt-br", "de-de"] {
        let ids = top_ids(index, "404104", tag, 1);
        assert!(ids.first().is_some_and(|id| id.starts_with(SEED_ARTICLE)), "{tag}: {ids:?}");
    }
}

#[test]
fn typos_in_an_error_name_still_find_it() {
    let Some(index) = seeds_index() else { return };
    let ids = top_ids(index, "DeviceConectionClosedRemotly", "de-de", 3);
    assert!(ids.iter().any(|id| id.starts_with(SEED_ARTICLE)), "{ids:?}");
}

#[test]
fn a_german_query_finds_an_english_only_record_as_fallback() {
    let kb = load(&[repo("content")]);
    let index = SearchIndex::build(&kb).expect("index builds");
    let mut request = SearchRequest::new("Fehler 422040 Pfad zu lang", locale("de-de"));
    request.limit = 3;
    let hits = index.search(&request).expect("search runs");
    let hit = hits.hits.iter().find(|h| h.article == "422040-pathtoolong").expect("the English-only article is found");
    assert!(hit.fallback && hit.locale == "en-us", "{hit:?}");
    // A record that exists in German is not marked as fallback.
    let mut request = SearchRequest::new("430021", locale("de-de"));
    request.limit = 1;
    let hit = &index.search(&request).expect("search runs").hits[0];
    assert!(hit.id.starts_with("430021-synctokenexpired") && !hit.fallback && hit.locale == "de-de", "{hit:?}");
}

#[test]
fn snippets_highlight_and_escape() {
    let Some(index) = seeds_index() else { return };
    let mut request = SearchRequest::new("Verbindung", locale("de-de"));
    request.limit = 5;
    let hits = index.search(&request).expect("search runs");
    assert!(hits.hits.iter().any(|h| h.snippet_html.contains("<b>")), "{:?}", hits.hits);
    // Apart from the highlight marks, snippets are escaped text.
    for h in &hits.hits {
        let unmarked = h.snippet_html.replace("<b>", "").replace("</b>", "");
        assert!(!unmarked.contains('<') && !unmarked.contains('>'), "{}", h.snippet_html);
    }
    assert!(hits.facets.kind.values().sum::<usize>() == hits.total);
}

#[test]
fn error_codes_rank_each_iot_hub_article_first() {
    let Some(kb) = iot_hub() else { return };
    let index = SearchIndex::build(kb).expect("index builds");
    let mut checked = 0;
    for article in &kb.articles {
        let Some(code) = article
            .id
            .as_str()
            .split('-')
            .next()
            .filter(|c| c.len() == 6 && c.ends_with(|c: char| c.is_ascii_alphanumeric()))
        else {
            continue;
        };
        if !code.bytes().all(|b| b.is_ascii_digit()) && !code.ends_with("xxx") {
            continue;
        }
        for tag in ["en-us", "de-de", "zh-cn", "pl-pl", "sv-se", "pt-br"] {
            let ids = top_ids(&index, code, tag, 1);
            assert!(ids.first().is_some_and(|id| id.starts_with(article.id.as_str())), "{code} in {tag}: {ids:?}");
        }
        checked += 1;
    }
    assert_eq!(checked, 15);
}

#[test]
fn a_saved_index_is_reused_and_updated_incrementally() {
    let content = tempfile::tempdir().expect("temp dir");
    let index_dir = tempfile::tempdir().expect("temp dir");
    let en = content.path().join("en-us");
    std::fs::create_dir_all(&en).expect("mkdir");
    let article = |code: &str, words: &str| {
        format!(
            "---\ntitle: Error {code} Sample\nuid: e{code}\n---\n# {code} Sample\n\n## Symptoms\n\nThe {words}.\n\n## Cause\n\nBecause.\n"
        )
    };
    std::fs::write(en.join("a.md"), article("610001", "gadget hums loudly")).expect("write");
    std::fs::write(en.join("b.md"), article("610002", "widget blinks red")).expect("write");
    let roots = [content.path().to_path_buf()];
    let open = || {
        let kb = load(&roots);
        SearchIndex::open_or_build(&kb, index_dir.path(), &|_, _| {}).expect("index opens")
    };
    let (_, first) = open();
    assert_eq!((first.reused, first.indexed, first.removed), (0, 2, 0));
    let (_, second) = open();
    assert_eq!((second.reused, second.indexed, second.removed), (2, 0, 0));

    std::fs::write(en.join("b.md"), article("610002", "widget whistles softly")).expect("write");
    let (index, third) = open();
    assert_eq!((third.reused, third.indexed, third.removed), (1, 1, 0));
    assert_eq!(top_ids(&index, "whistles", "en-us", 1), ["e610002#symptoms"]);
    assert!(top_ids(&index, "blinks", "en-us", 1).is_empty(), "the old text is gone");

    std::fs::remove_file(en.join("a.md")).expect("remove");
    let (index, fourth) = open();
    assert_eq!((fourth.reused, fourth.indexed, fourth.removed), (1, 0, 1));
    assert!(top_ids(&index, "610001", "en-us", 1).is_empty());
}

#[test]
fn an_index_folder_with_foreign_files_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let kb = load(&[repo("content")]);
    let err = SearchIndex::open_or_build(&kb, dir.path(), &|_, _| {}).expect_err("foreign folder");
    assert!(err.to_string().contains("holds no tshoot index"), "{err}");
    assert!(dir.path().join("notes.txt").exists(), "nothing of the user's is deleted");
}

#[test]
fn filters_and_grouping() {
    let kb = load(&[repo("content")]);
    let index = SearchIndex::build(&kb).expect("index builds");
    let mut request = SearchRequest::new("sync token expired", locale("en-us"));
    request.limit = 50;
    request.kind = Some(tshoot::model::RecordKind::Cause);
    let hits = index.search(&request).expect("search").hits;
    assert!(!hits.is_empty() && hits.iter().all(|h| h.kind == "cause"), "{hits:?}");
    request.kind = None;
    request.per_article = true;
    let hits = index.search(&request).expect("search").hits;
    let articles: std::collections::HashSet<&str> = hits.iter().map(|h| h.article.as_str()).collect();
    assert_eq!(articles.len(), hits.len(), "one hit per article");
    request.per_article = false;
    request.error_code = Some("430021".into());
    let hits = index.search(&request).expect("search").hits;
    let carrying: std::collections::HashSet<String> = kb
        .articles
        .iter()
        .flat_map(|a| &a.records)
        .filter(|r| r.texts.values().any(|t| t.error_codes.contains("430021")))
        .map(|r| r.id.to_string())
        .chain(kb.articles.iter().filter(|a| a.error_codes.contains("430021")).map(|a| a.id.to_string()))
        .collect();
    assert!(hits.iter().any(|h| h.article == "430021-synctokenexpired"), "{hits:?}");
    assert!(hits.iter().all(|h| carrying.contains(&h.id)), "only records carrying 430021: {hits:?}");
}
