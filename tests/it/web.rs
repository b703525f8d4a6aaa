//! The server: every endpoint in-process (`oneshot`), and one real HTTP
//! exchange on port 0.

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tshoot::i18n::Catalog;
use tshoot::web::{AppState, Site, app};

use crate::harness::{fixture, load, repo};

fn state() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let site = Site::new(load(&[repo("content")]), Catalog::embedded(), None).expect("site builds");
            AppState::new(site)
        })
        .clone()
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

async fn send(state: AppState, request: Request<Body>) -> Reply {
    let response = app(state).oneshot(request).await.expect("infallible router");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn get(path: &str) -> Reply {
    send(state(), Request::get(path).body(Body::empty()).expect("request")).await
}

async fn post_json(path: &str, body: &str) -> Reply {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .expect("request");
    send(state(), request).await
}

#[tokio::test]
async fn the_root_negotiates_the_locale() {
    let de = send(
        state(),
        Request::get("/")
            .header(header::ACCEPT_LANGUAGE, "fr-FR, de;q=0.8, en;q=0.5")
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(de.status, StatusCode::SEE_OTHER);
    assert_eq!(de.headers[header::LOCATION], "/de-de/");
    let none = get("/").await;
    assert_eq!(none.headers[header::LOCATION], "/en-us/");
    let pt =
        send(state(), Request::get("/").header(header::ACCEPT_LANGUAGE, "pt").body(Body::empty()).expect("req")).await;
    assert_eq!(pt.headers[header::LOCATION], "/pt-br/", "a bare language matches its regional locale");
}

#[tokio::test]
async fn pages_are_localized_and_secure() {
    for (locale, text) in [
        ("de-de", "Wie können wir helfen?"),
        ("zh-cn", "需要什么帮助？"),
        ("pl-pl", "Jak możemy pomóc?"),
        ("sv-se", "Hur kan vi hjälpa till?"),
        ("pt-br", "Como podemos ajudar?"),
        ("en-us", "How can we help?"),
    ] {
        let r = get(&format!("/{locale}/")).await;
        assert_eq!(r.status, StatusCode::OK, "{locale}");
        assert!(r.body.contains(text), "{locale}");
        assert!(r.body.contains(&format!("<html lang=\"{locale}\">")));
        assert!(!r.body.contains('\u{2068}'), "no bidi isolation marks");
        let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
        assert!(csp.contains("script-src 'self'"), "{csp}");
    }
    let missing = get("/de-de/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Seite nicht gefunden"), "404 in the reader's language");
}

#[tokio::test]
async fn search_pages_use_plural_forms() {
    let r = get("/pl-pl/search?q=token").await;
    assert_eq!(r.status, StatusCode::OK);
    let re = regex::Regex::new(r"(\d+) (wynik|wyniki|wyników)\b").expect("regex");
    let caps = re.captures(&r.body).expect("a Polish result count");
    let n: u64 = caps[1].parse().expect("number");
    let want = if n == 1 {
        "wynik"
    } else if (2..=4).contains(&(n % 10)) && !(12..=14).contains(&(n % 100)) {
        "wyniki"
    } else {
        "wyników"
    };
    assert_eq!(&caps[2], want, "{n}");
    assert!(r.body.contains("<b>"), "snippets highlight");
}

#[tokio::test]
async fn article_pages_show_badges_banners_and_real_translations() {
    let zh = get("/zh-cn/a/430021-synctokenexpired").await;
    assert!(zh.body.contains("机器翻译"), "machine-translation badge");
    assert!(zh.body.contains("id=\"cause-1\""), "records keep their anchors");
    let sv = get("/sv-se/a/409012-filelockconflict").await;
    assert!(sv.body.contains("äldre version"), "outdated banner on the older sv-se translation");
    let de_fallback = get("/de-de/a/422040-pathtoolong").await;
    assert!(de_fallback.body.contains("Nicht in Ihre Sprache übersetzt"), "fallback label");
    // The switcher offers only the translations the article has.
    assert!(!de_fallback.body.contains("hreflang=\"pl-pl\""));
    assert!(de_fallback.body.contains("hreflang=\"en-us\""));
    let traversal = get("/de-de/a/..%2F..%2FCargo.toml").await;
    assert_eq!(traversal.status, StatusCode::NOT_FOUND);
    let traversal = get("/assets/..%2F..%2FCargo.toml").await;
    assert_eq!(traversal.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_troubleshooter_page_walks_by_links() {
    let first = get("/de-de/troubleshoot?article=430021-synctokenexpired").await;
    assert!(first.body.contains("Was davon beobachten Sie?"));
    let href = regex::Regex::new(r#"class="option" href="([^"]+)""#).expect("regex");
    let link = href.captures(&first.body).expect("an option link")[1].replace("&#x2f;", "/").replace("&amp;", "&");
    let second = get(&link).await;
    assert!(second.body.contains("Hat das Problem damit aufgehört?"), "{}", second.body);
    let bad = get("/de-de/troubleshoot?s=garbage!!").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("role=\"alert\""), "a damaged state is explained, and the walk restarts");
}

#[tokio::test]
async fn api_search_articles_records_and_errors() {
    let r = get("/api/v1/search?q=430021&locale=pl-PL&limit=3").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["hits"][0]["article"], "430021-synctokenexpired");
    assert!(v["facets"]["kind"].is_object());
    let fallback = get("/api/v1/search?q=422040&locale=de-DE").await.json();
    assert_eq!(fallback["hits"][0]["fallback"], true);

    for (path, status, code) in [
        ("/api/v1/search", 400, "invalid_query"),
        ("/api/v1/search?q=x&locale=not%20a%20locale", 400, "invalid_locale"),
        ("/api/v1/search?q=x&kind=banana", 400, "invalid_kind"),
        ("/api/v1/articles/nope", 404, "unknown_article"),
        ("/api/v1/records/430021-synctokenexpired/cause-99", 404, "unknown_record"),
        ("/api/v1/nope", 404, "not_found"),
    ] {
        let r = get(path).await;
        assert_eq!(r.status.as_u16(), status, "{path}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], code, "{path}");
    }
    let long = format!("/api/v1/search?q={}", "a".repeat(600));
    assert_eq!(get(&long).await.json()["error"]["code"], "invalid_query");

    let list = get("/api/v1/articles?locale=de-DE").await.json();
    assert_eq!(list["articles"].as_array().map(Vec::len), Some(9));
    let article = get("/api/v1/articles/409012-filelockconflict?locale=sv-SE").await.json();
    assert!(article["variants"].as_array().is_some_and(|v| v.iter().any(|x| x["freshness"] == "older")));
    let record = get("/api/v1/records/430021-synctokenexpired/cause-1?locale=zh-CN").await.json();
    assert_eq!(record["id"], "430021-synctokenexpired#cause-1");
    assert_eq!(record["locale"], "zh-cn");
    assert!(record["html"].as_str().is_some_and(|h| h.contains("<h3")), "{record}");
    let locales = get("/api/v1/locales").await.json();
    assert_eq!(locales["locales"].as_array().map(Vec::len), Some(6));
    let health = get("/healthz").await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["diagnostics"]["errors"], 0);
    let metrics = get("/metrics").await;
    assert!(metrics.body.contains("tshoot_requests_total") && metrics.body.contains("tshoot_records{kind=\"cause\"}"));
}

#[tokio::test]
async fn api_troubleshoot_is_multi_turn() {
    let start = post_json("/api/v1/troubleshoot", r#"{"article": "430021-synctokenexpired", "locale": "de-DE"}"#).await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    let start = start.json();
    assert_eq!(start["kind"], "question");
    let symptom = start["options"][0]["id"].as_str().expect("option id").to_owned();
    let next = post_json(
        "/api/v1/troubleshoot",
        &serde_json::json!({ "article": "430021-synctokenexpired", "locale": "de-DE", "answer": symptom }).to_string(),
    )
    .await
    .json();
    assert_eq!(next["kind"], "try-solution");
    assert!(next["records"][0]["html"].is_string());
    let state = next["token"].as_str().expect("token").to_owned();
    let done = post_json(
        "/api/v1/troubleshoot",
        &serde_json::json!({ "state": state, "answer": "yes", "locale": "de-DE" }).to_string(),
    )
    .await
    .json();
    assert_eq!(done["kind"], "resolved");
    let no = post_json(
        "/api/v1/troubleshoot",
        &serde_json::json!({ "state": state, "answer": "no", "locale": "de-DE" }).to_string(),
    )
    .await
    .json();
    assert_ne!(no["token"], next["token"]);

    for (body, code) in [
        (r#"{"state": "AAAA"}"#, "invalid_state"),
        (r#"{"state": "%%%"}"#, "invalid_state"),
        (r#"{"article": "nope"}"#, "unknown_article"),
        (r#"{}"#, "invalid_body"),
        (r#"{"bogus": 1}"#, "invalid_body"),
        ("{not json", "invalid_body"),
    ] {
        let r = post_json("/api/v1/troubleshoot", body).await;
        assert_eq!(r.json()["error"]["code"], code, "{body}: {}", r.body);
        assert!(r.status.is_client_error());
    }
    let r = post_json("/api/v1/troubleshoot", &format!(r#"{{"query": "{}"}}"#, "x".repeat(100_000))).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn script_in_content_is_inert() {
    let dir = fixture("bad");
    let site = Site::new(load(&[dir.path().to_path_buf()]), Catalog::embedded(), None).expect("site");
    let state = AppState::new(site);
    let article = state_article_id(&state);
    let r = send(state, Request::get(format!("/en-us/a/{article}")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("The page shows"), "the text is there");
    assert!(!r.body.contains("<script>alert"), "{}", r.body);
    assert!(!r.body.contains("onerror"), "{}", r.body);
    assert!(!r.body.contains("href=\"javascript:"), "{}", r.body);
}

fn state_article_id(state: &AppState) -> String {
    let site = state.site();
    site.kb
        .articles
        .iter()
        .find(|a| a.variants.values().any(|v| v.title == "Script in Markdown"))
        .map(|a| a.id.to_string())
        .expect("script article")
}

#[tokio::test]
async fn a_real_server_answers_on_port_zero() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tshoot::web::serve_listener(listener, state(), async {
        let _ = stopped.await;
    }));
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.expect("write");
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.expect("read");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"status\":\"ok\""), "{reply}");
    let _ = stop.send(());
    server.await.expect("join").expect("served and shut down cleanly");
}

#[test]
fn hot_reload_swaps_good_edits_and_keeps_serving_through_broken_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let en = dir.path().join("en-us");
    std::fs::create_dir_all(&en).expect("mkdir");
    let file = en.join("hum.md");
    let article = |words: &str| {
        format!(
            "---\ntitle: Error 730001 Humming\nuid: 730001-humming\n---\n# 730001 Humming\n\n## Symptoms\n\nThe unit {words}.\n"
        )
    };
    std::fs::write(&file, article("hums quietly")).expect("write");
    let roots = vec![dir.path().to_path_buf()];
    let build = {
        let roots = roots.clone();
        move || -> Result<Site, String> {
            let kb = tshoot::KnowledgeBase::load(&roots, Default::default(), &|_, _| {}).map_err(|e| e.to_string())?;
            Site::new(kb, Catalog::embedded(), None).map_err(|e| e.to_string())
        }
    };
    let state = AppState::new(build().expect("first build"));
    let _watch = tshoot::web::reload::watch(state.clone(), &roots, Box::new(build)).expect("watch");
    let symptom_text = |state: &AppState| {
        let site = state.site();
        let article = site
            .kb
            .article_by_str("730001-humming")
            .map(|a| a.record("symptoms").map(|r| r.texts.values().next().map(|t| t.markdown.clone())));
        article.flatten().flatten().unwrap_or_default()
    };
    let wait_for = |what: &dyn Fn() -> bool| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
        while std::time::Instant::now() < deadline {
            if what() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        false
    };
    assert!(symptom_text(&state).contains("hums quietly"));

    std::fs::write(&file, article("buzzes loudly")).expect("good edit");
    assert!(wait_for(&|| symptom_text(&state).contains("buzzes loudly")), "the good edit is served");
    assert_eq!(state.reload_status().map(|s| s.status), Some("ok"));
    // Reading files to rebuild must not trigger another reload (no reload loop).
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let settled = state.reloads();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert_eq!(state.reloads(), settled, "reloads keep firing without changes");

    std::fs::write(&file, "---\ntitle: [broken\n---\n# 730001 Humming\n").expect("broken edit");
    assert!(wait_for(&|| state.reload_status().is_some_and(|s| s.status == "failed")), "the broken edit is reported");
    assert!(symptom_text(&state).contains("buzzes loudly"), "the last good content keeps serving");
    let status = state.reload_status().expect("status");
    assert!(
        status.diagnostics.iter().any(|d| d.code == "front-matter-yaml" && d.file.ends_with("hum.md")),
        "{status:?}"
    );
}

#[tokio::test]
async fn feedback_is_stored_and_reorders_the_walk() {
    let data = tempfile::tempdir().expect("temp dir");
    let site = Site::new(load(&[repo("content")]), Catalog::embedded(), None).expect("site");
    let store = tshoot::feedback::FeedbackStore::open(data.path()).expect("store");
    let state = AppState::new(site).with_feedback(store);
    // Walk to the first solution, then post "no" as the portal's form does.
    let first = send(
        state.clone(),
        Request::get("/en-us/troubleshoot?article=430021-synctokenexpired").body(Body::empty()).expect("req"),
    )
    .await;
    let href = regex::Regex::new(r#"class="option" href="[^"]*\?s=([^"]+)""#).expect("regex");
    let token = href.captures(&first.body).expect("option")[1].to_owned();
    let tried =
        send(state.clone(), Request::get(format!("/en-us/troubleshoot?s={token}")).body(Body::empty()).expect("req"))
            .await;
    let form = regex::Regex::new(r#"name="s" value="([^"]+)""#).expect("regex");
    let tokens: Vec<String> = form.captures_iter(&tried.body).map(|c| c[1].to_owned()).collect();
    assert_eq!(tokens.len(), 2, "yes and no are forms: {}", tried.body);
    let posted = send(
        state.clone(),
        Request::post("/en-us/troubleshoot")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("s={}", tokens[1])))
            .expect("req"),
    )
    .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER);
    // The API stores feedback too, and a search that finds nothing is kept.
    let api = send(
        state.clone(),
        Request::post("/api/v1/feedback")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"record": "430021-synctokenexpired#solution-2", "fixed": true}"#))
            .expect("req"),
    )
    .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let unknown = send(
        state.clone(),
        Request::post("/api/v1/feedback")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"record": "nope#x", "fixed": true}"#))
            .expect("req"),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    send(state.clone(), Request::get("/api/v1/search?q=zzqxv%20flurble").body(Body::empty()).expect("req")).await;

    let store = tshoot::feedback::FeedbackStore::open(data.path()).expect("reopen");
    let outcomes = store.outcomes().expect("outcomes");
    assert!(
        outcomes.iter().any(|o| o.record == "430021-synctokenexpired#solution-1" && o.not_fixed == 1),
        "{outcomes:?}"
    );
    assert!(outcomes.iter().any(|o| o.record == "430021-synctokenexpired#solution-2" && o.fixed == 1), "{outcomes:?}");
    assert_eq!(store.missed_queries(5).expect("missed")[0].query, "zzqxv flurble");

    // With solution 1 failing and solution 2 fixing, a new walk of symptom 1 tries cause 2 first.
    let walk = send(
        state.clone(),
        Request::post("/api/v1/troubleshoot")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                r#"{"article": "430021-synctokenexpired", "answer": "430021-synctokenexpired#symptom-1"}"#,
            ))
            .expect("req"),
    )
    .await
    .json();
    assert_eq!(walk["id"], "try:430021-synctokenexpired#solution-2", "{walk}");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let doc = get("/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", doc["openapi"]);
    for path in [
        "/api/v1/search",
        "/api/v1/articles/{id}",
        "/api/v1/records/{article}/{anchor}",
        "/api/v1/troubleshoot",
        "/api/v1/feedback",
        "/healthz",
    ] {
        assert!(doc["paths"][path].is_object(), "missing {path}");
    }
    let params = doc["paths"]["/api/v1/search"]["get"]["parameters"].as_array().expect("parameters");
    assert!(params.iter().any(|p| p["name"] == "q"));
}

#[tokio::test]
async fn cors_is_off_by_default_and_configurable() {
    let plain = send(
        state(),
        Request::get("/api/v1/locales").header(header::ORIGIN, "https://bot.example").body(Body::empty()).expect("req"),
    )
    .await;
    assert!(!plain.headers.contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN));
    let open = state().with_cors(&["https://bot.example".to_owned()]);
    let r = send(
        open,
        Request::get("/api/v1/locales").header(header::ORIGIN, "https://bot.example").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(r.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://bot.example");
}

#[tokio::test]
async fn did_you_mean_corrects_typos() {
    let api = get("/api/v1/search?q=synchronisaton%20tokn&locale=en-US").await.json();
    assert!(api["suggestion"].as_str().is_some_and(|s| s.contains("token")), "{api}");
    let page = get("/de-de/search?q=Synchronisierng").await;
    assert!(page.body.contains("Meinten Sie:"), "{}", page.body);
}
