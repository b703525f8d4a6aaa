//! Portal pages: server-rendered HTML that works without JavaScript.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::Value;
use serde::Deserialize;

use super::{AppState, MAX_QUERY_CHARS, Site};
use crate::i18n::Arg;
use crate::model::{ArticleId, Locale, RecordKind};
use crate::render::pages::{Context, ser};
use crate::render::{Links, RenderError, STYLE_CSS, Start, safe, url_encode as encode};
use crate::search::SearchRequest;
use crate::tree::{Entry, Node};

fn accept_language(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok())
}

/// The server's URLs: absolute routes.
pub struct ServerLinks<'a>(pub &'a Site);

impl Links for ServerLinks<'_> {
    fn asset(&self, name: &str) -> String {
        format!("/assets/{name}")
    }

    fn home(&self, locale: &Locale) -> String {
        format!("/{locale}/")
    }

    fn search(&self, locale: &Locale, query: Option<&str>) -> String {
        match query {
            Some(q) => format!("/{locale}/search?q={}", encode(q)),
            None => format!("/{locale}/search"),
        }
    }

    fn service(&self, locale: &Locale, service: &str) -> String {
        format!("/{locale}/search?service={}", encode(service))
    }

    fn article(&self, reader: &Locale, id: &ArticleId, anchor: Option<&str>) -> String {
        match anchor {
            Some(a) => format!("/{reader}/a/{id}#{a}"),
            None => format!("/{reader}/a/{id}"),
        }
    }

    fn troubleshoot(&self, locale: &Locale, start: Option<Start<'_>>) -> String {
        match start {
            None => format!("/{locale}/troubleshoot"),
            Some(Start::Article(id)) => format!("/{locale}/troubleshoot?article={id}"),
            Some(Start::Tree(id)) => format!("/{locale}/troubleshoot?tree={}", encode(id)),
        }
    }

    fn content(&self, reader: &Locale, dest: &str) -> Option<String> {
        self.0.link(reader, dest)
    }

    fn media(&self, path: &str) -> String {
        Site::media_url(path)
    }
}

fn respond(result: Result<String, RenderError>, status: StatusCode) -> Response {
    match result {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            let chain = std::iter::successors(Some(&e as &dyn std::error::Error), |e| e.source())
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(": ");
            tracing::error!(error = %chain, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

fn page(site: &Site, name: &str, ctx: Context, status: StatusCode) -> Response {
    respond(site.view().render(name, &ctx), status)
}

fn not_found_page(site: &Site, locale: &Locale) -> Response {
    respond(site.view().not_found(&ServerLinks(site), locale), StatusCode::NOT_FOUND)
}

pub async fn root(State(state): State<AppState>, headers: HeaderMap) -> Redirect {
    let site = state.site();
    Redirect::to(&format!("/{}/", site.negotiate(accept_language(&headers))))
}

pub async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLE_CSS)
        .into_response()
}

/// An image file of the content (only those the loader found articles showing).
pub async fn media(State(state): State<AppState>, Path(path): Path<String>, headers: HeaderMap, uri: Uri) -> Response {
    let file = state.site().kb.media.file(&path).map(std::path::Path::to_path_buf);
    let (Some(file), Some(content_type)) = (file, crate::model::image_type(&path)) else {
        return not_found(State(state), headers, uri).await;
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=300")], bytes)
            .into_response(),
        Err(e) => {
            // Removed or unreadable since the last load: the next reload reports it.
            tracing::warn!(file = %file.display(), error = %e, "media file unreadable");
            not_found(State(state), headers, uri).await
        }
    }
}

pub async fn not_found(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let site = state.site();
    let first = uri.path().trim_start_matches('/').split('/').next().unwrap_or("");
    let locale = site.url_locale(first).unwrap_or_else(|| site.negotiate(accept_language(&headers)));
    not_found_page(&site, &locale)
}

pub async fn home(State(state): State<AppState>, Path(locale): Path<String>, headers: HeaderMap) -> Response {
    let site = state.site();
    let Some(locale) = site.url_locale(&locale) else {
        return not_found_page(&site, &site.negotiate(accept_language(&headers)));
    };
    respond(site.view().home(&ServerLinks(&site), &locale, Context::new()), StatusCode::OK)
}

#[derive(Deserialize, Default)]
pub struct SearchParams {
    q: Option<String>,
    kind: Option<String>,
    service: Option<String>,
    code: Option<String>,
    page: Option<usize>,
}

pub async fn search(
    State(state): State<AppState>,
    Path(locale): Path<String>,
    Query(p): Query<SearchParams>,
    headers: HeaderMap,
) -> Response {
    let site = state.site();
    let Some(locale) = site.url_locale(&locale) else {
        return not_found_page(&site, &site.negotiate(accept_language(&headers)));
    };
    let q: String = p.q.clone().unwrap_or_default().chars().take(MAX_QUERY_CHARS).collect();
    let title = site.catalog.message(&locale, "portal-search-title", &[]);
    let params_url = |l: &Locale, extra: &[(&str, &str)], page: usize| {
        let mut url = format!("/{l}/search?q={}", encode(&q));
        for (k, v) in [("kind", &p.kind), ("service", &p.service), ("code", &p.code)] {
            if let Some(v) = v {
                url.push_str(&format!("&{k}={}", encode(v)));
            }
        }
        for (k, v) in extra {
            url.push_str(&format!("&{k}={}", encode(v)));
        }
        if page > 1 {
            url.push_str(&format!("&page={page}"));
        }
        url
    };
    let links = ServerLinks(&site);
    let mut ctx = site.view().base(&links, &locale, &title, Some(&q), &|l| Some(params_url(l, &[], 1)));
    let page_no = p.page.unwrap_or(1).clamp(1, 50);
    let mut request = SearchRequest::new(q.clone(), locale.clone());
    request.kind = p.kind.as_deref().and_then(|k| k.parse::<RecordKind>().ok());
    request.service = p.service.clone();
    request.error_code = p.code.clone();
    request.limit = 20;
    request.offset = (page_no - 1) * 20;
    request.boosts = state.weights();
    // A service filter alone lists that service's records.
    let hits = if q.trim().is_empty() && p.service.is_none() {
        None
    } else {
        state.metrics.searches.fetch_add(1, Ordering::Relaxed);
        if q.trim().is_empty() {
            request.text = p.service.clone().unwrap_or_default();
        }
        let hits = site.index.search(&request).ok();
        state.record_query(&request.text, &locale, hits.as_ref().map_or(0, |h| h.total));
        hits
    };
    let total = hits.as_ref().map_or(0, |h| h.total);
    let count_text = if total == 0 && !q.is_empty() {
        site.catalog.message(&locale, "portal-no-results", &[("query", Arg::Str(q.clone()))])
    } else {
        site.catalog.message(&locale, "portal-results", &[("count", Arg::Num(total as f64))])
    };
    ctx.insert("count_text", Value::from(count_text));
    if let Some(suggestion) = hits.as_ref().and_then(|h| h.suggestion.clone()) {
        let label = site.catalog.message(&locale, "portal-did-you-mean", &[]);
        ctx.insert("suggestion", ser(serde_json::json!({ "label": label, "text": suggestion, "url": format!("/{locale}/search?q={}", encode(&suggestion)) })));
    }
    if let Some(hits) = &hits {
        let rows: Vec<_> = hits
            .hits
            .iter()
            .map(|h| {
                let (article, anchor) = h.id.split_once('#').unwrap_or((&h.id, ""));
                let url = if anchor.is_empty() {
                    format!("/{locale}/a/{article}")
                } else {
                    format!("/{locale}/a/{article}#{anchor}")
                };
                let article_title = site
                    .kb
                    .article_by_str(article)
                    .and_then(|a| {
                        site.kb.chain(a, &locale).iter().find_map(|l| a.variants.get(l)).map(|v| v.title.clone())
                    })
                    .unwrap_or_default();
                let fallback = h.fallback.then(|| {
                    site.catalog.message(&locale, "tree-not-translated", &[("language", Arg::Str(h.locale.clone()))])
                });
                serde_json::json!({
                    "url": url, "title": h.title, "kind": h.kind, "article_title": article_title,
                    "fallback": fallback, "snippet": h.snippet_html,
                })
            })
            .collect();
        let rows: Vec<Value> = rows
            .into_iter()
            .map(|mut r| {
                // The snippet is tantivy's escaped HTML with <b> marks: safe as is.
                let snippet = r["snippet"].take();
                let mut v: BTreeMap<String, Value> = serde_json::from_value::<BTreeMap<String, serde_json::Value>>(r)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k, ser(v)))
                    .collect();
                v.insert("snippet".into(), safe(snippet.as_str().unwrap_or("").to_owned()));
                Value::from(v)
            })
            .collect();
        ctx.insert("hits", Value::from(rows));
        let facet = |name: &str, key: &str, values: &BTreeMap<String, usize>| {
            let values: Vec<_> = values
                .iter()
                .take(12)
                .map(|(v, n)| serde_json::json!({ "label": v, "count": n, "url": params_url(&locale, &[(key, v)], 1) }))
                .collect();
            serde_json::json!({ "name": name, "values": values })
        };
        let facets = vec![
            facet(&site.catalog.message(&locale, "portal-facet-kind", &[]), "kind", &hits.facets.kind),
            facet(&site.catalog.message(&locale, "portal-facet-service", &[]), "service", &hits.facets.service),
            facet(&site.catalog.message(&locale, "portal-facet-code", &[]), "code", &hits.facets.error_code),
        ];
        ctx.insert("facets", ser(&facets));
        if total > page_no * 20 {
            ctx.insert("next_url", Value::from(params_url(&locale, &[], page_no + 1)));
        }
    }
    page(&site, "search.html", ctx, StatusCode::OK)
}

pub async fn article(
    State(state): State<AppState>,
    Path((locale, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let site = state.site();
    let Some(locale) = site.url_locale(&locale) else {
        return not_found_page(&site, &site.negotiate(accept_language(&headers)));
    };
    let Some(article) = site.kb.article_by_str(&id) else {
        return not_found_page(&site, &locale);
    };
    let render = || match site.view().article(&ServerLinks(&site), article, &locale, Context::new())? {
        Ok(html) => Some(html),
        Err(e) => {
            tracing::error!(error = %e, "article template failed");
            None
        }
    };
    match site.cached_page((locale.clone(), article.id.clone()), render) {
        Some(html) => (StatusCode::OK, Html(html.as_str().to_owned())).into_response(),
        None => not_found_page(&site, &locale),
    }
}

#[derive(Deserialize, Default)]
pub struct WalkParams {
    s: Option<String>,
    q: Option<String>,
    article: Option<String>,
    code: Option<String>,
    tree: Option<String>,
}

pub async fn troubleshoot(
    State(state): State<AppState>,
    Path(locale): Path<String>,
    Query(p): Query<WalkParams>,
    headers: HeaderMap,
) -> Response {
    let site = state.site();
    let Some(locale) = site.url_locale(&locale) else {
        return not_found_page(&site, &site.negotiate(accept_language(&headers)));
    };
    state.metrics.walks.fetch_add(1, Ordering::Relaxed);
    let engine = state.engine(&site);
    let q: Option<String> = p.q.as_ref().map(|q| q.chars().take(MAX_QUERY_CHARS).collect());
    let entry = match (&q, &p.article, &p.code, &p.tree) {
        (Some(q), ..) if !q.trim().is_empty() => Some(Entry::Query(q.clone())),
        (_, Some(a), ..) => Some(Entry::Article(ArticleId::sanitize(a))),
        (_, _, Some(c), _) => Some(Entry::ErrorCode(c.clone())),
        (.., Some(t)) => Some(Entry::Tree(t.clone())),
        _ => None,
    };
    let mut error = None;
    let node: Option<Node> = match (p.s.as_deref().filter(|s| !s.is_empty()), &entry) {
        (Some(token), _) => match engine.node(token, &locale) {
            Ok(n) => Some(n),
            Err(e) => {
                // A stale or damaged link restarts the walk with a message.
                error = Some(e.to_string());
                None
            }
        },
        (None, Some(entry)) => engine.start(entry, Some(&site.index), &locale).ok(),
        (None, None) => None,
    };
    let title = site.catalog.message(&locale, "portal-troubleshoot", &[]);
    let here = |l: &Locale| {
        Some(match (&p.s, &q, &p.article, &p.tree) {
            (Some(s), ..) => format!("/{l}/troubleshoot?s={}", encode(s)),
            (_, Some(q), ..) => format!("/{l}/troubleshoot?q={}", encode(q)),
            (_, _, Some(a), _) => format!("/{l}/troubleshoot?article={}", encode(a)),
            (.., Some(t)) => format!("/{l}/troubleshoot?tree={}", encode(t)),
            _ => format!("/{l}/troubleshoot"),
        })
    };
    let links = ServerLinks(&site);
    let mut ctx = site.view().base(&links, &locale, &title, None, &here);
    ctx.insert("error", ser(error));
    ctx.insert("query", Value::from(q.clone().unwrap_or_default()));
    let url = |token: &str| {
        if token.is_empty() {
            format!("/{locale}/troubleshoot")
        } else {
            format!("/{locale}/troubleshoot?s={}", encode(token))
        }
    };
    match node {
        None => {
            ctx.insert("start_form", Value::from(true));
            ctx.insert("prompt", Value::from(site.catalog.message(&locale, "portal-describe", &[])));
        }
        Some(node) => {
            let start_url = match &entry {
                Some(_) => here(&locale).unwrap_or_default(),
                None => format!("/{locale}/troubleshoot"),
            };
            ctx.insert("prompt", Value::from(node.prompt.text.as_str()));
            // Yes/no answers are forms (POST records the outcome, then redirects).
            let post = node.kind == crate::tree::NodeKind::TrySolution;
            let options: Vec<_> = node
                .options
                .iter()
                .map(|o| serde_json::json!({ "label": o.label, "url": url(&o.token), "token": o.token, "post": post }))
                .collect();
            ctx.insert("options", ser(&options));
            let crumbs: Vec<_> = node
                .breadcrumbs
                .iter()
                .map(|c| serde_json::json!({ "label": c.label, "url": url(&c.token) }))
                .collect();
            ctx.insert("crumbs", ser(&crumbs));
            if let Some(back) = &node.back {
                ctx.insert("back_url", Value::from(if back.is_empty() { start_url } else { url(back) }));
            }
            let records: Vec<Value> = node
                .records
                .iter()
                .map(|r| {
                    let role_label = match r.role {
                        "symptom" => site.catalog.message(&locale, "tree-symptom", &[]),
                        "cause" => site.catalog.message(&locale, "tree-cause", &[]),
                        "solution" => site.catalog.message(&locale, "tree-solution", &[]),
                        "resolved" => site.catalog.message(&locale, "tree-fixed-by", &[]),
                        "next-steps" => site.catalog.message(&locale, "tree-next-steps", &[]),
                        _ => site.catalog.message(
                            &locale,
                            "tree-reference",
                            &[("article", Arg::Str(r.id.split('#').next().unwrap_or("").to_owned()))],
                        ),
                    };
                    let unresolved: Vec<String> = r
                        .unresolved_refs
                        .iter()
                        .map(|u| site.catalog.message(&locale, "tree-unresolved", &[("target", Arg::Str(u.clone()))]))
                        .collect();
                    let mut v: BTreeMap<&str, Value> = BTreeMap::new();
                    v.insert("role", Value::from(r.role));
                    v.insert("role_label", Value::from(role_label));
                    v.insert("fallback", ser(&r.fallback));
                    v.insert("html", safe(site.shown_html(r, &locale)));
                    v.insert("unresolved", ser(unresolved));
                    ser(v)
                })
                .collect();
            ctx.insert("records", Value::from(records));
            let related: Vec<_> = node
                .related
                .iter()
                .map(|a| {
                    let url = links.article(&locale, &ArticleId::sanitize(&a.id), None);
                    serde_json::json!({ "title": a.title, "url": url })
                })
                .collect();
            ctx.insert("related", ser(related));
        }
    }
    page(&site, "troubleshoot.html", ctx, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct AnswerForm {
    s: String,
}

/// A yes/no answer posted from the troubleshooter: stores the outcome, then
/// shows the next step (POST, then redirect, so a reload does not count twice).
pub async fn answer(
    State(state): State<AppState>,
    Path(locale): Path<String>,
    axum::Form(form): axum::Form<AnswerForm>,
) -> Response {
    let site = state.site();
    let Some(locale) = site.url_locale(&locale) else {
        return not_found_page(&site, &site.default_locale);
    };
    let engine = state.engine(&site);
    if let Some((record, fixed)) = engine.last_answer(&form.s)
        && let Err(e) = state.record_outcome(&record.to_string(), &locale, fixed)
    {
        tracing::warn!(error = %e, "could not store feedback");
    }
    Redirect::to(&format!("/{locale}/troubleshoot?s={}", encode(&form.s))).into_response()
}
