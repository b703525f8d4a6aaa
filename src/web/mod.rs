//! The server: the localized help portal (server-rendered HTML) and the REST
//! API for chatbots. axum lives only here; `app(state)` builds the router so
//! tests drive it in-process or over a real socket.

mod api;
mod error;
mod pages;
pub mod reload;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::feedback::FeedbackStore;
use crate::i18n::Catalog;
use crate::kb::KnowledgeBase;
use crate::model::{ArticleId, Locale};
use crate::render::Templates;
use crate::search::SearchIndex;

pub use error::ApiError;

/// Everything a request reads: built once per content version, then shared.
pub struct Site {
    pub kb: KnowledgeBase,
    pub index: SearchIndex,
    pub catalog: Catalog,
    pub templates: Templates,
    /// Locales the portal offers: UI strings or content, sorted.
    pub locales: Vec<Locale>,
    pub default_locale: Locale,
    /// Lowercase file name → article, to turn `other.md#cause-1` links into portal links.
    files: crate::render::ArticleFiles,
    /// Rendered article pages by (locale, article): a page depends only on the
    /// site, which is replaced whole on reload. Bounded: cleared when full.
    pages: RwLock<HashMap<(Locale, ArticleId), Arc<String>>>,
}

const PAGE_CACHE_ENTRIES: usize = 2000;

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").field("articles", &self.kb.articles.len()).finish_non_exhaustive()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error("could not build the search index")]
    Search(#[from] crate::search::SearchError),
    #[error("could not load the theme")]
    Render(#[from] crate::render::RenderError),
}

impl Site {
    pub fn new(kb: KnowledgeBase, catalog: Catalog, theme: Option<&std::path::Path>) -> Result<Site, SiteError> {
        let index = SearchIndex::build(&kb)?;
        let templates = Templates::new(theme)?;
        let mut locales: Vec<Locale> = catalog.locales().into_iter().cloned().collect();
        for l in kb.locales() {
            if !locales.contains(&l) {
                locales.push(l);
            }
        }
        locales.sort();
        let default_locale = kb.options.default_locale.clone();
        let files = crate::render::ArticleFiles::new(&kb);
        Ok(Site { kb, index, catalog, templates, locales, default_locale, files, pages: RwLock::new(HashMap::new()) })
    }

    /// The portal URL for a Markdown link to another article, if it names a loaded one.
    /// The URL of an image file of the content, by its media path.
    pub fn media_url(path: &str) -> String {
        format!("/media/{}", crate::render::media_url_path(path))
    }

    /// A record's text as HTML for a reader of `locale`: links to pages, images to media.
    pub fn text_html(&self, source: Option<&std::path::Path>, markdown: &str, locale: &Locale) -> String {
        crate::render::record_html(&self.kb, source, markdown, &Site::media_url, &|d| self.link(locale, d))
    }

    /// A record the troubleshooter shows, as HTML.
    pub fn shown_html(&self, shown: &crate::tree::Shown, locale: &Locale) -> String {
        self.text_html(self.kb.text_source(&shown.id, &shown.locale), &shown.markdown, locale)
    }

    pub fn link(&self, locale: &Locale, dest: &str) -> Option<String> {
        let (id, anchor) = self.files.resolve(dest)?;
        Some(match anchor {
            Some(a) => format!("/{locale}/a/{id}#{a}"),
            None => format!("/{locale}/a/{id}"),
        })
    }

    /// A cached article page, or renders and caches it.
    pub fn cached_page(
        &self,
        key: (Locale, ArticleId),
        render: impl FnOnce() -> Option<String>,
    ) -> Option<Arc<String>> {
        if let Ok(pages) = self.pages.read()
            && let Some(page) = pages.get(&key)
        {
            return Some(page.clone());
        }
        let page = Arc::new(render()?);
        if let Ok(mut pages) = self.pages.write() {
            if pages.len() >= PAGE_CACHE_ENTRIES {
                pages.clear();
            }
            pages.insert(key, page.clone());
        }
        Some(page)
    }

    /// The locale to use for a request: a known tag as given, else `Accept-Language`, else the default.
    pub fn negotiate(&self, accept_language: Option<&str>) -> Locale {
        let mut wanted: Vec<(f32, Locale)> = accept_language
            .unwrap_or("")
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.trim().split(';');
                let tag = Locale::parse(pieces.next()?)?;
                let q =
                    pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (_, tag) in &wanted {
            if self.locales.contains(tag) {
                return tag.clone();
            }
            if let Some(l) = self.locales.iter().find(|l| l.language() == tag.language()) {
                return l.clone();
            }
        }
        self.default_locale.clone()
    }

    /// A locale from a URL segment, when the portal offers it.
    pub fn url_locale(&self, segment: &str) -> Option<Locale> {
        Locale::parse(segment).filter(|l| self.locales.contains(l))
    }

    /// What pages render from.
    pub fn view(&self) -> crate::render::View<'_> {
        crate::render::View { kb: &self.kb, catalog: &self.catalog, templates: &self.templates, locales: &self.locales }
    }
}

/// Shared state: the current site (swapped whole on reload) and counters.
#[derive(Clone)]
pub struct AppState {
    site: Arc<RwLock<Arc<Site>>>,
    metrics: Arc<Metrics>,
    reload: Arc<RwLock<Option<reload::ReloadStatus>>>,
    /// Outcomes and missed searches; kept across reloads.
    feedback: Option<Arc<FeedbackStore>>,
    /// Origins allowed to call the API from a browser (CORS); empty: same origin only.
    cors: Arc<Vec<HeaderValue>>,
}

#[derive(Default)]
struct Metrics {
    requests: AtomicU64,
    reloads: AtomicU64,
    searches: AtomicU64,
    walks: AtomicU64,
    not_found: AtomicU64,
}

impl AppState {
    pub fn new(site: Site) -> AppState {
        AppState {
            site: Arc::new(RwLock::new(Arc::new(site))),
            metrics: Arc::new(Metrics::default()),
            reload: Arc::new(RwLock::new(None)),
            feedback: None,
            cors: Arc::new(Vec::new()),
        }
    }

    /// Lets browsers on these origins call the API (`*` allows any).
    pub fn with_cors(mut self, origins: &[String]) -> AppState {
        self.cors = Arc::new(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect());
        self
    }

    /// Stores feedback and missed searches in `store`, and uses them for ranking.
    pub fn with_feedback(mut self, store: FeedbackStore) -> AppState {
        self.feedback = Some(Arc::new(store));
        self
    }

    /// Feedback weights by record id (empty without a store, or on a database error).
    fn weights(&self) -> Arc<HashMap<String, f32>> {
        match &self.feedback {
            Some(store) => store.weights().unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not read feedback");
                Arc::default()
            }),
            None => Arc::default(),
        }
    }

    /// The tree engine over `site`, ordered by feedback.
    fn engine<'a>(&self, site: &'a Site) -> crate::tree::Engine<'a> {
        let mut engine = crate::tree::Engine::new(&site.kb, &site.catalog);
        engine.weights =
            self.weights().iter().filter_map(|(k, v)| crate::model::RecordId::parse(k).map(|id| (id, *v))).collect();
        engine
    }

    fn record_outcome(&self, record: &str, locale: &Locale, fixed: bool) -> Result<(), crate::feedback::FeedbackError> {
        match &self.feedback {
            Some(store) => store.record_outcome(record, locale.as_str(), fixed),
            None => Ok(()),
        }
    }

    fn record_query(&self, query: &str, locale: &Locale, results: usize) {
        if let Some(store) = &self.feedback
            && let Err(e) = store.record_query(query, locale.as_str(), results)
        {
            tracing::warn!(error = %e, "could not store a missed search");
        }
    }

    /// The current site; a reader keeps its copy for the whole request.
    pub fn site(&self) -> Arc<Site> {
        match self.site.read() {
            Ok(guard) => guard.clone(),
            // A panicked writer cannot leave a half-built site: the swap is one assignment.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The outcome of the last reload, if any.
    pub fn reload_status(&self) -> Option<reload::ReloadStatus> {
        match self.reload.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// How many reloads ran (swapped or not).
    pub fn reloads(&self) -> u64 {
        self.metrics.reloads.load(Ordering::Relaxed)
    }

    fn set_reload(&self, status: reload::ReloadStatus) {
        self.metrics.reloads.fetch_add(1, Ordering::Relaxed);
        match self.reload.write() {
            Ok(mut g) => *g = Some(status),
            Err(p) => *p.into_inner() = Some(status),
        }
    }

    /// Replaces the site atomically (hot reload).
    pub fn replace(&self, site: Site) {
        let site = Arc::new(site);
        match self.site.write() {
            Ok(mut guard) => *guard = site,
            Err(poisoned) => *poisoned.into_inner() = site,
        }
    }
}

/// Request limits and security headers applied to every response.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
pub const MAX_BODY_BYTES: usize = 64 * 1024;
pub const MAX_QUERY_CHARS: usize = 500;

pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .route("/search", get(api::search))
        .route("/articles", get(api::articles))
        .route("/articles/{id}", get(api::article))
        .route("/records/{article}/{anchor}", get(api::record))
        .route("/troubleshoot", post(api::troubleshoot))
        .route("/feedback", post(api::feedback))
        .route("/locales", get(api::locales))
        .fallback(api::not_found);
    let api = if state.cors.is_empty() {
        api
    } else {
        use tower_http::cors::{AllowOrigin, Any, CorsLayer};
        let origin = if state.cors.iter().any(|o| o == "*") {
            AllowOrigin::any()
        } else {
            AllowOrigin::list(state.cors.iter().cloned())
        };
        api.layer(CorsLayer::new().allow_origin(origin).allow_methods(Any).allow_headers([header::CONTENT_TYPE]))
    };
    Router::new()
        .route("/", get(pages::root))
        .route("/healthz", get(api::healthz))
        .route("/api/openapi.json", get(api::openapi))
        .route("/metrics", get(api::metrics))
        .route("/assets/style.css", get(pages::style))
        .route("/media/{*path}", get(pages::media))
        .nest("/api/v1", api)
        .route("/{locale}/", get(pages::home))
        .route("/{locale}", get(pages::home))
        .route("/{locale}/search", get(pages::search))
        .route("/{locale}/a/{article}", get(pages::article))
        .route("/{locale}/troubleshoot", get(pages::troubleshoot).post(pages::answer))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), count_requests))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(10)))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .with_state(state)
}

async fn count_requests(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    state.metrics.requests.fetch_add(1, Ordering::Relaxed);
    let response = next.run(request).await;
    if response.status() == StatusCode::NOT_FOUND {
        state.metrics.not_found.fetch_add(1, Ordering::Relaxed);
    }
    response
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub theme: Option<PathBuf>,
}

/// Binds `addr` and serves until Ctrl-C or SIGTERM, then finishes open requests.
pub async fn serve(state: AppState, options: &ServeOptions) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(options.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "serving");
    serve_listener(listener, state, shutdown_signal()).await
}

/// Serves on a bound listener until `shutdown` completes (tests bind port 0).
pub async fn serve_listener(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(state)).with_graceful_shutdown(shutdown).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Counts for `/metrics`, in Prometheus text format.
fn metrics_text(state: &AppState) -> String {
    let site = state.site();
    let m = &state.metrics;
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &site.kb.articles {
        for r in &a.records {
            *kinds.entry(r.kind.as_str()).or_default() += 1;
        }
    }
    let mut out = String::new();
    out.push_str("# HELP tshoot_requests_total HTTP requests served.\n# TYPE tshoot_requests_total counter\n");
    out.push_str(&format!("tshoot_requests_total {}\n", m.requests.load(Ordering::Relaxed)));
    out.push_str("# HELP tshoot_not_found_total Requests answered 404.\n# TYPE tshoot_not_found_total counter\n");
    out.push_str(&format!("tshoot_not_found_total {}\n", m.not_found.load(Ordering::Relaxed)));
    out.push_str("# HELP tshoot_searches_total Searches run.\n# TYPE tshoot_searches_total counter\n");
    out.push_str(&format!("tshoot_searches_total {}\n", m.searches.load(Ordering::Relaxed)));
    out.push_str(
        "# HELP tshoot_walk_steps_total Troubleshooter steps served.\n# TYPE tshoot_walk_steps_total counter\n",
    );
    out.push_str(&format!("tshoot_walk_steps_total {}\n", m.walks.load(Ordering::Relaxed)));
    out.push_str("# HELP tshoot_reloads_total Content reloads attempted.\n# TYPE tshoot_reloads_total counter\n");
    out.push_str(&format!("tshoot_reloads_total {}\n", m.reloads.load(Ordering::Relaxed)));
    out.push_str("# HELP tshoot_articles Articles loaded.\n# TYPE tshoot_articles gauge\n");
    out.push_str(&format!("tshoot_articles {}\n", site.kb.articles.len()));
    out.push_str("# HELP tshoot_records Records loaded, by kind.\n# TYPE tshoot_records gauge\n");
    for (kind, n) in kinds {
        out.push_str(&format!("tshoot_records{{kind=\"{kind}\"}} {n}\n"));
    }
    out
}
