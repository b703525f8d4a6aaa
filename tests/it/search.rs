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
