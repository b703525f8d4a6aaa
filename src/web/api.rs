//! REST API under `/api/v1` for chatbots: search, articles, records, the
//! multi-turn troubleshooter, locales; plus `/healthz` and `/metrics`.

use std::sync::atomic::Ordering;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{ApiError, AppState, MAX_QUERY_CHARS, Site};
use crate::model::{Article, ArticleId, Locale, Record, RecordKind};
use crate::search::{Hits, SearchRequest, detect_locale};
use crate::tree::{Entry, TreeError};

/// The `locale` parameter when given (it must be a tag), else `fallback`.
fn locale_param(value: Option<&str>, fallback: impl FnOnce() -> Locale) -> Result<Locale, ApiError> {
    match value {
        Some(v) => Locale::parse(v)
            .ok_or_else(|| ApiError::new("invalid_locale", format!("`{v}` is not a locale tag (e.g. de-DE)"))),
        None => Ok(fallback()),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words or an error code (at most 500 characters).
    q: Option<String>,
    /// The reader's locale (default: guessed from the query).
    locale: Option<String>,
    /// symptom, cause, solution, workaround, info or next-steps.
    kind: Option<String>,
    service: Option<String>,
    /// Only records carrying this error code.
    code: Option<String>,
    /// 1 to 100, default 10.
    limit: Option<usize>,
    offset: Option<usize>,
    /// One hit per article.
    per_article: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/search", params(SearchParams), responses(
    (status = 200, description = "Hits (id, article, kind, locale, fallback, title, snippet_html, score), total, facets", body = Object),
    (status = 400, description = "invalid_query, invalid_locale or invalid_kind", body = super::error::ErrorBody),
))]
pub async fn search(
    State(state): State<AppState>,
    params: Result<Query<SearchParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<SearchResponse>, ApiError> {
    let Query(p) = params.map_err(|e| ApiError::new("invalid_query", e.body_text()))?;
    let site = state.site();
    let q = p.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(ApiError::new("invalid_query", "`q` is required: words or an error code to search for"));
    }
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::new("invalid_query", format!("`q` is longer than {MAX_QUERY_CHARS} characters")));
    }
    let locale = locale_param(p.locale.as_deref(), || detect_locale(&q, &site.default_locale))?;
    let mut request = SearchRequest::new(q, locale);
    if let Some(k) = p.kind {
        request.kind = Some(k.parse::<RecordKind>().map_err(|e| ApiError::new("invalid_kind", e))?);
    }
    request.service = p.service;
    request.error_code = p.code;
    request.limit = p.limit.unwrap_or(10).clamp(1, 100);
    request.offset = p.offset.unwrap_or(0).min(1000);
    request.per_article = p.per_article.unwrap_or(false);
    request.boosts = state.weights();
    state.metrics.searches.fetch_add(1, Ordering::Relaxed);
    let hits = site.index.search(&request).map_err(|e| ApiError::internal(&e))?;
    state.record_query(&request.text, &request.locale, hits.total);
    Ok(Json(SearchResponse { locale: request.locale, hits }))
}

/// The search response: the locale searched, then the [`Hits`] fields
/// (serialized directly, not through a JSON tree: this runs on every search).
#[derive(Serialize)]
pub struct SearchResponse {
    locale: Locale,
    #[serde(flatten)]
    hits: Hits,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocaleParam {
    /// The reader's locale (default: the default locale); records fall back per record.
    locale: Option<String>,
}

#[derive(Serialize)]
struct ArticleSummary<'a> {
    id: &'a str,
    title: &'a str,
    locale: &'a Locale,
    locales: Vec<&'a Locale>,
    service: Option<&'a str>,
    error_codes: &'a std::collections::BTreeSet<String>,
}

fn summary<'a>(site: &'a Site, a: &'a Article, locale: &Locale) -> ArticleSummary<'a> {
    let chain = site.kb.chain(a, locale);
    let (l, v) = chain
        .iter()
        .find_map(|l| a.variants.get_key_value(l))
        .unwrap_or_else(|| a.variants.iter().next().expect("an article has a variant"));
    ArticleSummary {
        id: a.id.as_str(),
        title: &v.title,
        locale: l,
        locales: a.variants.keys().collect(),
        service: a.service.as_deref(),
        error_codes: &a.error_codes,
    }
}

#[utoipa::path(get, path = "/api/v1/articles", params(LocaleParam), responses(
    (status = 200, description = "Every article: id, title, locale of the title, locales, service, error codes", body = Object),
))]
pub async fn articles(State(state): State<AppState>, Query(p): Query<LocaleParam>) -> Result<Json<Value>, ApiError> {
    let site = state.site();
    let locale = locale_param(p.locale.as_deref(), || site.default_locale.clone())?;
    let list: Vec<ArticleSummary<'_>> = site.kb.articles.iter().map(|a| summary(&site, a, &locale)).collect();
    Ok(Json(json!({ "articles": list })))
}

fn record_json(site: &Site, article: &Article, record: &Record, locale: &Locale) -> Value {
    let chain = site.kb.chain(article, locale);
    let Some((text_locale, text, fallback)) = record.text_in(&chain) else { return Value::Null };
    let html = site.text_html(Some(&text.source.path), &text.markdown, locale);
    json!({
        "id": record.id,
        "article": article.id,
        "kind": record.kind,
        "locale": text_locale,
        "fallback_from": fallback.then_some(locale),
        "title": text.title,
        "markdown": text.markdown,
        "html": html,
        "refs": text.refs.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "unresolved_refs": text.unresolved_refs,
        "causes": record.causes,
        "solutions": record.solutions,
        "error_codes": text.error_codes,
    })
}

#[utoipa::path(get, path = "/api/v1/articles/{id}", params(("id" = String, Path, description = "Article id"), LocaleParam), responses(
    (status = 200, description = "The article with its variants and records (Markdown and HTML)", body = Object),
    (status = 404, description = "unknown_article", body = super::error::ErrorBody),
))]
pub async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<LocaleParam>,
) -> Result<Json<Value>, ApiError> {
    let site = state.site();
    let locale = locale_param(p.locale.as_deref(), || site.default_locale.clone())?;
    let article =
        site.kb.article_by_str(&id).ok_or_else(|| ApiError::new("unknown_article", format!("no article `{id}`")))?;
    let variants: Vec<Value> = article
        .variants
        .values()
        .map(
            |v| json!({ "locale": v.locale, "title": v.title, "translation": v.translation, "freshness": v.freshness }),
        )
        .collect();
    let records: Vec<Value> = article.records.iter().map(|r| record_json(&site, article, r, &locale)).collect();
    Ok(Json(json!({
        "id": article.id,
        "service": article.service,
        "error_codes": article.error_codes,
        "source_locale": article.source_locale,
        "summary": summary(&site, article, &locale),
        "variants": variants,
        "records": records,
    })))
}

#[utoipa::path(get, path = "/api/v1/records/{article}/{anchor}", params(("article" = String, Path), ("anchor" = String, Path), LocaleParam), responses(
    (status = 200, description = "One record in the locale or its fallback (`fallback_from`)", body = Object),
    (status = 404, description = "unknown_article or unknown_record", body = super::error::ErrorBody),
))]
pub async fn record(
    State(state): State<AppState>,
    Path((article_id, anchor)): Path<(String, String)>,
    Query(p): Query<LocaleParam>,
) -> Result<Json<Value>, ApiError> {
    let site = state.site();
    let locale = locale_param(p.locale.as_deref(), || site.default_locale.clone())?;
    let article = site
        .kb
        .article_by_str(&article_id)
        .ok_or_else(|| ApiError::new("unknown_article", format!("no article `{article_id}`")))?;
    let record = article
        .record(&anchor)
        .ok_or_else(|| ApiError::new("unknown_record", format!("article `{article_id}` has no record `{anchor}`")))?;
    Ok(Json(record_json(&site, article, record, &locale)))
}

/// One turn of the troubleshooter. Start with `query`, `article`, `code` or
/// `tree`; continue with the previous `state` and the chosen option id in `answer`.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TroubleshootBody {
    locale: Option<String>,
    state: Option<String>,
    answer: Option<String>,
    query: Option<String>,
    article: Option<String>,
    code: Option<String>,
    tree: Option<String>,
}

fn tree_error(e: TreeError) -> ApiError {
    match e {
        TreeError::Token(t @ crate::tree::token::TokenError::Stale) => ApiError::new("stale_state", t.to_string()),
        TreeError::Token(t) => ApiError::new("invalid_state", t.to_string()),
        TreeError::UnknownArticle(a) => ApiError::new("unknown_article", format!("no article `{a}`")),
        TreeError::UnknownTree(t) => ApiError::new("unknown_tree", format!("no decision tree `{t}`")),
        other => ApiError::internal(&other),
    }
}

#[utoipa::path(post, path = "/api/v1/troubleshoot", request_body = TroubleshootBody, responses(
    (status = 200, description = "The node: id, kind (question, try-solution, resolved, escalate), prompt, options with their state tokens, records, breadcrumbs, back, related", body = Object),
    (status = 400, description = "invalid_body, invalid_state, stale_state, invalid_answer or invalid_query", body = super::error::ErrorBody),
    (status = 404, description = "unknown_article or unknown_tree", body = super::error::ErrorBody),
    (status = 413, description = "payload_too_large", body = super::error::ErrorBody),
))]
pub async fn troubleshoot(
    State(state): State<AppState>,
    body: Result<Json<TroubleshootBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(body) = body.map_err(|e| {
        let code =
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE { "payload_too_large" } else { "invalid_body" };
        ApiError::new(code, e.body_text())
    })?;
    let site = state.site();
    let text_for_locale = body.query.clone().unwrap_or_default();
    let locale = locale_param(body.locale.as_deref(), || detect_locale(&text_for_locale, &site.default_locale))?;
    state.metrics.walks.fetch_add(1, Ordering::Relaxed);
    let engine = state.engine(&site);
    let node = if let Some(token) = body.state.as_deref().filter(|s| !s.is_empty()) {
        let node = engine.node(token, &locale).map_err(tree_error)?;
        match body.answer.as_deref() {
            None => node,
            Some(answer) => {
                let option = node.options.iter().find(|o| o.id == answer).ok_or_else(|| {
                    let ids: Vec<&str> = node.options.iter().map(|o| o.id.as_str()).collect();
                    ApiError::new(
                        "invalid_answer",
                        format!("`{answer}` is not an option here; options: {}", ids.join(", ")),
                    )
                })?;
                engine.node(&option.token, &locale).map_err(tree_error)?
            }
        }
    } else {
        let entry = match (body.query, body.article, body.code, body.tree) {
            (Some(q), ..) if q.chars().count() > MAX_QUERY_CHARS => {
                return Err(ApiError::new(
                    "invalid_query",
                    format!("`query` is longer than {MAX_QUERY_CHARS} characters"),
                ));
            }
            (Some(q), ..) if !q.trim().is_empty() => Entry::Query(q),
            (_, Some(a), ..) => Entry::Article(ArticleId::sanitize(&a)),
            (_, _, Some(c), _) => Entry::ErrorCode(c),
            (.., Some(t)) => Entry::Tree(t),
            _ => {
                return Err(ApiError::new(
                    "invalid_body",
                    "start with `query`, `article`, `code` or `tree`, or continue with `state` and `answer`",
                ));
            }
        };
        let node = engine.start(&entry, Some(&site.index), &locale).map_err(tree_error)?;
        // A start node with options: answering it needs the option's token, so
        // `answer` is accepted here too.
        match body.answer.as_deref() {
            None => node,
            Some(answer) => {
                let option = node
                    .options
                    .iter()
                    .find(|o| o.id == answer)
                    .ok_or_else(|| ApiError::new("invalid_answer", format!("`{answer}` is not an option here")))?;
                engine.node(&option.token, &locale).map_err(tree_error)?
            }
        }
    };
    let mut value = serde_json::to_value(&node).map_err(|e| ApiError::internal(&e))?;
    // Add rendered HTML beside the Markdown for clients that show it as is.
    if let Some(records) = value.get_mut("records").and_then(Value::as_array_mut) {
        for (json, shown) in records.iter_mut().zip(&node.records) {
            if let Some(obj) = json.as_object_mut() {
                obj.insert("html".to_owned(), Value::String(site.shown_html(shown, &locale)));
            }
        }
    }
    value["locale"] = json!(locale);
    Ok(Json(value))
}

/// "Did this fix it?" from a client that walks on its own.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBody {
    record: String,
    fixed: bool,
    locale: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/feedback", request_body = FeedbackBody, responses(
    (status = 200, description = "Stored", body = Object),
    (status = 404, description = "unknown_record", body = super::error::ErrorBody),
))]
pub async fn feedback(
    State(state): State<AppState>,
    body: Result<Json<FeedbackBody>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::new("invalid_body", e.body_text()))?;
    let site = state.site();
    let locale = locale_param(body.locale.as_deref(), || site.default_locale.clone())?;
    let known = crate::model::RecordId::parse(&body.record).is_some_and(|id| site.kb.record(&id).is_some());
    if !known {
        return Err(ApiError::new("unknown_record", format!("no record `{}`", body.record)));
    }
    state.record_outcome(&body.record, &locale, body.fixed).map_err(|e| ApiError::internal(&e))?;
    Ok(Json(json!({ "stored": true })))
}

#[utoipa::path(get, path = "/api/v1/locales", responses((status = 200, description = "Locales with UI strings or content, and the default", body = Object)))]
pub async fn locales(State(state): State<AppState>) -> Json<Value> {
    let site = state.site();
    let list: Vec<Value> = site
        .locales
        .iter()
        .map(|l| {
            let articles = site.kb.articles.iter().filter(|a| a.variants.contains_key(l)).count();
            json!({ "tag": l, "name": crate::render::locale_name(l), "articles": articles, "ui": site.catalog.locales().contains(&l) })
        })
        .collect();
    Json(json!({ "default": site.default_locale, "locales": list }))
}

#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Status, counts, content diagnostics and the last reload", body = Object)))]
pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    let site = state.site();
    let s = site.kb.summary();
    Json(json!({
        "status": "ok",
        "articles": s.articles,
        "records": s.records,
        "diagnostics": { "errors": s.errors, "warnings": s.warnings },
        "reload": state.reload_status(),
    }))
}

#[utoipa::path(get, path = "/metrics", responses((status = 200, description = "Prometheus text", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], super::metrics_text(&state)).into_response()
}

pub async fn not_found() -> ApiError {
    ApiError::new(
        "not_found",
        "no such API endpoint; see /api/v1/search, /articles, /records/{article}/{anchor}, /troubleshoot, /locales",
    )
}

/// The OpenAPI document, generated from the handlers above.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "tshoot",
        description = "Troubleshooting knowledge base: search, records and a multi-turn troubleshooter, in many languages"
    ),
    paths(search, articles, article, record, troubleshoot, feedback, locales, healthz, metrics)
)]
pub struct ApiDoc;

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    use utoipa::OpenApi;
    Json(ApiDoc::openapi())
}
