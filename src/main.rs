//! The `tshoot` command: parses flags, resolves settings, calls the library and
//! maps the outcome to an exit code (0 success, 1 `check` found errors, 2 could not run).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use tshoot::config::Config;
use tshoot::content::diagnostics::Severity;
use tshoot::content::freshness::source_hash;
use tshoot::model::Locale;
use tshoot::{KnowledgeBase, feed};

#[derive(Parser)]
#[command(name = "tshoot", version, about = "A multilingual troubleshooting knowledge base")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Settings file (YAML; default: `tshoot.yaml` in the working directory, if present).
    #[arg(long, global = true, value_name = "FILE", env = "TSHOOT_CONFIG")]
    config: Option<PathBuf>,
    /// When to colour output: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Html,
    Jsonl,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the help portal and the REST API (default http://127.0.0.1:8080).
    Serve {
        #[command(flatten)]
        content: ContentArgs,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "TSHOOT_ADDR")]
        addr: Option<std::net::SocketAddr>,
        /// Folder of Fluent UI strings (default: the compiled-in `locales/`).
        #[arg(long, value_name = "DIR", env = "TSHOOT_LOCALES")]
        locales: Option<PathBuf>,
        /// Folder of templates that replace the embedded theme's (same file names).
        #[arg(long, value_name = "DIR", env = "TSHOOT_THEME")]
        theme: Option<PathBuf>,
        /// Let browsers on this origin call the API (repeatable; `*` for any).
        #[arg(long = "cors-origin", value_name = "ORIGIN", env = "TSHOOT_CORS_ORIGINS", value_delimiter = ',')]
        cors: Vec<String>,
        /// Folder for the feedback database, created on first run (default `tshoot-data`).
        #[arg(long, value_name = "DIR", env = "TSHOOT_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// Reload content and UI strings when files change (default true; `--watch false` turns it off).
        #[arg(long, action = clap::ArgAction::Set, env = "TSHOOT_WATCH")]
        watch: Option<bool>,
    },
    /// Load content, print diagnostics compiler-style and a summary; exit 1 on errors.
    Check {
        /// Content folders (default: content/).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        content: ContentArgs,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Folder of Fluent UI strings to check trees against (default: the compiled-in `locales/`).
        #[arg(long, value_name = "DIR", env = "TSHOOT_LOCALES")]
        locales: Option<PathBuf>,
    },
    /// Write the portal as static files that work from `file://` (offline search and
    /// troubleshooter), or the record feed per locale with `--format jsonl`.
    Export {
        /// Content folders (default: content/).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        content: ContentArgs,
        /// Output folder; replaced atomically when it holds an earlier export.
        #[arg(long, value_name = "DIR", default_value = "site")]
        out: PathBuf,
        /// Locales to export (repeatable; default: every locale with UI strings or content).
        #[arg(long = "locale", value_name = "LOCALE", value_delimiter = ',')]
        locales_wanted: Vec<Locale>,
        /// Absolute URL the site will be published at; writes sitemap.xml.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Html)]
        format: ExportFormat,
        /// Folder of Fluent UI strings (default: the compiled-in `locales/`).
        #[arg(long, value_name = "DIR", env = "TSHOOT_LOCALES")]
        locales: Option<PathBuf>,
        /// Folder of templates overriding the default theme.
        #[arg(long, value_name = "DIR", env = "TSHOOT_THEME")]
        theme: Option<PathBuf>,
    },
    /// Print every record as JSON Lines (the ingestion feed; schema in the README).
    Dump {
        /// Content folders (default: content/).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        content: ContentArgs,
        /// Print every record once, in this locale or its fallback.
        #[arg(long)]
        locale: Option<Locale>,
    },
    /// Search records in a locale: words, an error code, a symptom in your own words.
    Search {
        /// What to look for.
        query: String,
        #[command(flatten)]
        content: ContentArgs,
        /// The reader's locale (default: guessed from the query's script and letters, else en-us);
        /// records missing in it are found through their fallback text.
        #[arg(long)]
        locale: Option<Locale>,
        /// Only records of this kind (symptom, cause, solution, workaround, info, next-steps).
        #[arg(long)]
        kind: Option<tshoot::model::RecordKind>,
        /// Only articles of this service (`ms.service`).
        #[arg(long)]
        service: Option<String>,
        /// Only records carrying this error code.
        #[arg(long)]
        code: Option<String>,
        /// Show only the best record of each article.
        #[arg(long)]
        per_article: bool,
        /// Keep the index in this folder and reuse it while the content is unchanged.
        #[arg(long, value_name = "DIR", env = "TSHOOT_INDEX_DIR")]
        index_dir: Option<PathBuf>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Walk from a symptom to the solution that fixes it: numbered choices, `b` back,
    /// `q` quit. Reads answers from standard input (a terminal or a pipe).
    Troubleshoot {
        /// What you see, in your own words (or use --article / --code).
        query: Option<String>,
        #[command(flatten)]
        content: ContentArgs,
        /// The reader's locale (default: guessed from the query, else en-us).
        #[arg(long)]
        locale: Option<Locale>,
        /// Start in this article.
        #[arg(long, conflicts_with_all = ["query", "code"])]
        article: Option<String>,
        /// Start from the articles that carry this error code.
        #[arg(long, conflicts_with = "query")]
        code: Option<String>,
        /// Start with an authored decision tree (`trees/*.yaml`), by id.
        #[arg(long, conflicts_with_all = ["query", "code", "article"])]
        tree: Option<String>,
        /// Folder of Fluent UI strings (default: the compiled-in `locales/`).
        #[arg(long, value_name = "DIR", env = "TSHOOT_LOCALES")]
        locales: Option<PathBuf>,
        /// Print each node as one JSON object per line instead of text.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the solutions that most often did not fix the problem, and searches that found nothing.
    Stats {
        /// The folder `serve --data-dir` wrote to.
        #[arg(long, value_name = "DIR", default_value = "tshoot-data", env = "TSHOOT_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the `ms.openlocfilehash` to stamp into a reviewed translation of FILE.
    Hash {
        /// The source-language file.
        file: PathBuf,
    },
}

#[derive(Args, Clone)]
struct ContentArgs {
    /// A content folder; repeat for several (the seeds beside the corpus).
    #[arg(long = "content", value_name = "DIR", env = "TSHOOT_CONTENT", value_delimiter = ',')]
    content: Vec<PathBuf>,
    /// Locale of files that name none.
    #[arg(long, value_name = "LOCALE", env = "TSHOOT_DEFAULT_LOCALE")]
    default_locale: Option<Locale>,
    /// Fallback locales tried before the source language, in order.
    #[arg(long, value_name = "LOCALE", env = "TSHOOT_FALLBACK", value_delimiter = ',')]
    fallback: Vec<Locale>,
    /// Largest file read, in bytes (default 16 MB).
    #[arg(long, value_name = "BYTES", env = "TSHOOT_MAX_FILE_SIZE")]
    max_file_size: Option<u64>,
}

impl ContentArgs {
    /// Flags and environment first, then the config file, then defaults.
    fn config(&self, paths: &[PathBuf]) -> Config {
        let file = file_config();
        let mut roots = paths.to_vec();
        roots.extend(self.content.iter().cloned());
        if roots.is_empty() {
            roots = file.content.clone();
        }
        let default_locale = self.default_locale.clone().or_else(|| file.default_locale().ok().flatten());
        let fallback =
            if self.fallback.is_empty() { file.fallback().unwrap_or_default() } else { self.fallback.clone() };
        Config::new(roots, default_locale, fallback, self.max_file_size.or(file.max_file_size))
    }
}

/// The config file, read once (validated in `main` before any command runs).
static FILE_CONFIG: std::sync::OnceLock<tshoot::config::FileConfig> = std::sync::OnceLock::new();

fn file_config() -> &'static tshoot::config::FileConfig {
    FILE_CONFIG.get_or_init(tshoot::config::FileConfig::default)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    let file = match tshoot::config::FileConfig::load(cli.config.as_deref()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("tshoot: error: {e}");
            if let Some(cause) = std::error::Error::source(&e) {
                eprintln!("  caused by: {cause}");
            }
            return ExitCode::from(2);
        }
    };
    if let Err(e) = file.default_locale().and_then(|_| file.fallback()) {
        eprintln!("tshoot: error: config file: {e}");
        return ExitCode::from(2);
    }
    let _ = FILE_CONFIG.set(file);
    match run(cli.command, color) {
        Ok(code) => code,
        Err(err) => {
            // A closed stdout pipe (`tshoot dump | head`) ends quietly.
            if err
                .chain()
                .any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe))
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("tshoot: error: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(2)
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TSHOOT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn run(command: Command, color: bool) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { content, addr, locales, theme, cors, data_dir, watch } => {
            let config = content.config(&[]);
            let file = &file_config().serve;
            let addr = match (addr, &file.addr) {
                (Some(a), _) => a,
                (None, Some(a)) => a
                    .parse()
                    .with_context(|| format!("config file: `serve.addr: {a}` is not an address like 127.0.0.1:8080"))?,
                (None, None) => std::net::SocketAddr::from(([127, 0, 0, 1], 8080)),
            };
            let locales = locales.or_else(|| file.locales.clone());
            let theme = theme.or_else(|| file.theme.clone());
            let cors = if cors.is_empty() { file.cors_origins.clone() } else { cors };
            let data_dir = data_dir.or_else(|| file.data_dir.clone()).unwrap_or_else(|| PathBuf::from("tshoot-data"));
            let watch = watch.or(file.watch).unwrap_or(true);
            let kb = load(&config)?;
            let s = kb.summary();
            if s.errors > 0 {
                tracing::warn!(
                    errors = s.errors,
                    "content has errors; the files concerned are skipped (run `tshoot check`)"
                );
            }
            let catalog = catalog(locales.as_deref())?;
            let site = tshoot::web::Site::new(kb, catalog, theme.as_deref()).context("could not prepare the site")?;
            tracing::info!(articles = s.articles, records = s.records, locales = site.locales.len(), "site ready");
            let store =
                tshoot::feedback::FeedbackStore::open(&data_dir).context("could not open the feedback database")?;
            let state = tshoot::web::AppState::new(site).with_feedback(store).with_cors(&cors);
            // Keep the watcher alive while serving.
            let _watch = if watch {
                let mut paths = config.content.clone();
                paths.extend(locales.clone());
                let (config, locales, theme) = (config.clone(), locales.clone(), theme.clone());
                let rebuild: tshoot::web::reload::Rebuild = Box::new(move || {
                    let kb = tshoot::KnowledgeBase::load(&config.content, config.load.clone(), &|_, _| {})
                        .map_err(|e| e.to_string())?;
                    let catalog = crate::catalog(locales.as_deref()).map_err(|e| format!("{e:#}"))?;
                    tshoot::web::Site::new(kb, catalog, theme.as_deref()).map_err(|e| e.to_string())
                });
                match tshoot::web::reload::watch(state.clone(), &paths, rebuild) {
                    Ok(w) => {
                        tracing::info!("watching content for changes");
                        Some(w)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "could not watch the content; reload by restarting");
                        None
                    }
                }
            } else {
                None
            };
            let runtime = tokio::runtime::Runtime::new().context("could not start the async runtime")?;
            let options = tshoot::web::ServeOptions { addr, theme };
            runtime
                .block_on(tshoot::web::serve(state, &options))
                .with_context(|| format!("could not serve on {addr} (is the port in use? pick another with --addr)"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { paths, content, format, locales } => {
            let config = content.config(&paths);
            let mut kb = load(&config)?;
            let catalog = catalog(locales.as_deref())?;
            kb.diagnostics.extend(catalog.diagnostics.iter().cloned());
            kb.diagnostics.extend(tshoot::tree::authored::validate(&kb, &catalog));
            let code = check(&kb, format, color);
            exit_without_freeing(kb);
            code
        }
        Command::Export { paths, content, out, locales_wanted, base_url, format, locales, theme } => {
            let config = content.config(&paths);
            let kb = load(&config)?;
            let summary = kb.summary();
            if summary.errors > 0 {
                eprintln!(
                    "note: {} error(s) in the content: the files concerned are left out (details: `tshoot check`)",
                    summary.errors
                );
            }
            let catalog = catalog(locales.as_deref())?;
            let templates = tshoot::render::Templates::new(theme.as_deref()).context("could not load the theme")?;
            let options = tshoot::export::ExportOptions {
                locales: locales_wanted,
                base_url,
                format: match format {
                    ExportFormat::Html => tshoot::export::ExportFormat::Html,
                    ExportFormat::Jsonl => tshoot::export::ExportFormat::Jsonl,
                },
            };
            let started = std::time::Instant::now();
            let bar = progress_bar("writing files");
            let stats = tshoot::export::export(&kb, &catalog, &templates, &out, &options, &|d, t| tick(&bar, d, t))
                .with_context(|| format!("could not export to `{}`", out.display()))?;
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            let locales: Vec<&str> = stats.locales.iter().map(|l| l.as_str()).collect();
            eprintln!(
                "exported {} locale(s) ({}), {} article page(s): {} files, {:.1} MB in {:.2} s to {}",
                locales.len(),
                locales.join(", "),
                stats.article_pages,
                stats.files,
                stats.bytes as f64 / 1e6,
                started.elapsed().as_secs_f64(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Dump { paths, content, locale } => {
            let config = content.config(&paths);
            let kb = load(&config)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for record in feed::records(&kb, locale.as_ref()) {
                serde_json::to_writer(&mut out, &record)?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
            exit_without_freeing(kb);
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            query,
            content,
            locale,
            kind,
            service,
            code,
            per_article,
            index_dir,
            limit,
            offset,
            format,
        } => {
            let config = content.config(&[]);
            let kb = load(&config)?;
            let index = build_index(&kb, index_dir.as_deref())?;
            let locale = locale.unwrap_or_else(|| tshoot::search::detect_locale(&query, &config.load.default_locale));
            let mut request = tshoot::search::SearchRequest::new(query, locale);
            request.kind = kind;
            request.service = service;
            request.error_code = code;
            request.per_article = per_article;
            request.limit = limit;
            request.offset = offset;
            let hits = index.search(&request).context("search failed")?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &hits)?;
                    writeln!(out)?;
                }
                Format::Text => {
                    for (i, hit) in hits.hits.iter().enumerate() {
                        let fallback =
                            if hit.fallback { format!(" (fallback: {})", hit.locale) } else { String::new() };
                        writeln!(
                            out,
                            "{:>2}. {} [{}]{fallback} score {:.2}",
                            i + 1 + offset,
                            hit.id,
                            hit.kind,
                            hit.score
                        )?;
                        writeln!(out, "    {}", hit.title)?;
                        let snippet = hit.snippet_html.replace("<b>", "").replace("</b>", "").replace('\n', " ");
                        if !snippet.is_empty() {
                            writeln!(out, "    {snippet}")?;
                        }
                    }
                    writeln!(out, "{} matching records", hits.total)?;
                }
            }
            out.flush()?;
            Ok(if hits.total == 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Troubleshoot { query, content, locale, article, code, tree, locales, format } => {
            let config = content.config(&[]);
            let kb = load(&config)?;
            let catalog = catalog(locales.as_deref())?;
            let locale = locale.unwrap_or_else(|| match &query {
                Some(q) => tshoot::search::detect_locale(q, &config.load.default_locale),
                None => config.load.default_locale.clone(),
            });
            let entry = match (query, article, code, tree) {
                (Some(q), ..) => tshoot::tree::Entry::Query(q),
                (_, Some(a), ..) => tshoot::tree::Entry::Article(tshoot::model::ArticleId::sanitize(&a)),
                (_, _, Some(c), _) => tshoot::tree::Entry::ErrorCode(c),
                (.., Some(t)) => tshoot::tree::Entry::Tree(t),
                _ => anyhow::bail!("say where to start: a QUERY, `--article ID`, `--code CODE` or `--tree ID`"),
            };
            let index = match entry {
                tshoot::tree::Entry::Query(_) => Some(build_index(&kb, None)?),
                _ => None,
            };
            let engine = tshoot::tree::Engine::new(&kb, &catalog);
            walk(&engine, &entry, index.as_ref(), &locale, &catalog, format)
        }
        Command::Stats { data_dir, limit, format } => {
            if !data_dir.join(tshoot::feedback::DB_FILE).exists() {
                anyhow::bail!(
                    "no feedback database in `{}` yet (run `tshoot serve --data-dir {}` first)",
                    data_dir.display(),
                    data_dir.display()
                );
            }
            let store =
                tshoot::feedback::FeedbackStore::open(&data_dir).context("could not open the feedback database")?;
            let failing: Vec<_> = store.outcomes()?.into_iter().filter(|o| o.not_fixed > 0).take(limit).collect();
            let missed = store.missed_queries(limit)?;
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => writeln!(
                    out,
                    "{}",
                    serde_json::json!({ "failing_solutions": failing, "no_result_queries": missed })
                )?,
                Format::Text => {
                    writeln!(out, "Solutions that did not fix it (not fixed / fixed):")?;
                    for o in &failing {
                        writeln!(out, "  {:>5} / {:<5} {}", o.not_fixed, o.fixed, o.record)?;
                    }
                    writeln!(out, "Searches with no results:")?;
                    for q in &missed {
                        writeln!(out, "  {:>5}  [{}] {}", q.count, q.locale, q.query)?;
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Hash { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("failed to read `{}`", file.display()))?;
            println!("{}", source_hash(&bytes));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A progress bar on stderr when it is a terminal, else nothing.
fn progress_bar(what: &str) -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {what} {{pos}}/{{len}} {{wide_bar}} {{elapsed}}"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

fn tick(bar: &Option<indicatif::ProgressBar>, done: usize, total: usize) {
    if let Some(bar) = bar {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }
}

/// Builds the search index in memory, or reuses and updates the one in `dir`.
fn build_index(kb: &KnowledgeBase, dir: Option<&std::path::Path>) -> anyhow::Result<tshoot::search::SearchIndex> {
    let bar = progress_bar("indexing articles");
    let Some(dir) = dir else {
        let index = tshoot::search::SearchIndex::build_with_progress(kb, &|d, t| tick(&bar, d, t))
            .context("could not build the search index")?;
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        return Ok(index);
    };
    let (index, update) = tshoot::search::SearchIndex::open_or_build(kb, dir, &|d, t| tick(&bar, d, t))
        .with_context(|| format!("could not open or build the search index in `{}`", dir.display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    tracing::info!(reused = update.reused, indexed = update.indexed, removed = update.removed, "search index ready");
    Ok(index)
}

/// Loads the knowledge base with a progress bar on a terminal.
fn load(config: &Config) -> anyhow::Result<KnowledgeBase> {
    let bar = progress_bar("loading files");
    let progress = |done: usize, total: usize| tick(&bar, done, total);
    let started = std::time::Instant::now();
    let kb = KnowledgeBase::load(&config.content, config.load.clone(), &progress)
        .with_context(|| "could not load content (pass folders with `--content DIR` or as arguments)")?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    tracing::debug!(
        files = kb.files,
        articles = kb.articles.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "content loaded"
    );
    Ok(kb)
}

fn check(kb: &KnowledgeBase, format: Format, color: bool) -> anyhow::Result<ExitCode> {
    let summary = kb.summary();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => {
            let doc = serde_json::json!({ "summary": summary, "diagnostics": kb.diagnostics });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Text => {
            for d in kb.diagnostics.iter().filter(|d| d.severity >= Severity::Warning) {
                writeln!(out, "{}", d.render(color))?;
            }
            if summary.infos > 0 {
                writeln!(out, "({} info notes not shown; `--format json` lists them)", summary.infos)?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "{} articles in {} locales ({}) from {} files",
                summary.articles,
                summary.locales.len(),
                summary.locales.join(", "),
                summary.files
            )?;
            let variants = summary.variants.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", ");
            writeln!(out, "articles per locale: {variants}")?;
            writeln!(out, "{} records; texts by kind and locale:", summary.records)?;
            for (kind, per_locale) in &summary.records_by_kind {
                let row = per_locale.iter().map(|(l, n)| format!("{l} {n}")).collect::<Vec<_>>().join(", ");
                writeln!(out, "  {kind:<11} {row}")?;
            }
            writeln!(out, "untranslated records: {}", summary.untranslated_records)?;
            writeln!(
                out,
                "references: {} resolved, {} unresolved",
                summary.resolved_references, summary.unresolved_references
            )?;
            let fresh = summary.freshness.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ");
            writeln!(out, "outdated translations: {} (freshness: {fresh})", summary.outdated_translations)?;
            // Which kinds, most frequent first: a large folder's list is long.
            let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
            for d in kb.diagnostics.iter().filter(|d| d.severity >= Severity::Warning) {
                *by_code.entry(d.code).or_default() += 1;
            }
            let mut by_code: Vec<(&str, usize)> = by_code.into_iter().collect();
            by_code.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let kinds = by_code.iter().map(|(code, n)| format!("{code} {n}")).collect::<Vec<_>>().join(", ");
            let kinds = if kinds.is_empty() { String::new() } else { format!(": {kinds}") };
            writeln!(out, "{} errors, {} warnings{kinds}", summary.errors, summary.warnings)?;
        }
    }
    out.flush()?;
    Ok(if kb.has_errors() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The process ends right after: freeing a large knowledge base record by
/// record took ~20 ms of `check` on the corpus, for memory the OS reclaims anyway.
fn exit_without_freeing(kb: KnowledgeBase) {
    std::mem::forget(kb);
}

/// UI strings from `dir`, or the compiled-in ones.
fn catalog(dir: Option<&std::path::Path>) -> anyhow::Result<tshoot::i18n::Catalog> {
    match dir {
        Some(dir) => tshoot::i18n::Catalog::load(dir)
            .with_context(|| format!("could not read UI strings from `{}`", dir.display())),
        None => Ok(tshoot::i18n::Catalog::embedded()),
    }
}

/// The interactive walk: prints a node, reads an answer, repeats.
fn walk(
    engine: &tshoot::tree::Engine<'_>,
    entry: &tshoot::tree::Entry,
    index: Option<&tshoot::search::SearchIndex>,
    locale: &Locale,
    catalog: &tshoot::i18n::Catalog,
    format: Format,
) -> anyhow::Result<ExitCode> {
    use std::io::BufRead;
    let interactive = std::io::stdin().is_terminal();
    let mut history: Vec<String> = Vec::new();
    let mut current = String::new();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    loop {
        let node = if current.is_empty() {
            engine.start(entry, index, locale)?
        } else {
            engine.node(&current, locale).context("could not continue the walk")?
        };
        {
            let mut out = std::io::stdout().lock();
            match format {
                Format::Json => {
                    serde_json::to_writer(&mut out, &node)?;
                    writeln!(out)?;
                }
                Format::Text => print_node(&mut out, &node, catalog, locale)?,
            }
            out.flush()?;
        }
        if node.options.is_empty() {
            return Ok(if node.kind == tshoot::tree::NodeKind::Resolved {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        loop {
            if interactive {
                eprint!("> ");
            }
            let Some(line) = lines.next() else { return Ok(ExitCode::from(1)) };
            let answer = line?.trim().to_lowercase();
            match answer.as_str() {
                "q" | "quit" => return Ok(ExitCode::from(1)),
                "b" | "back" => {
                    current = history.pop().unwrap_or_default();
                    break;
                }
                "" => continue,
                _ => {}
            }
            let chosen = match answer.as_str() {
                "y" | "yes" => node.options.iter().find(|o| o.id == "yes"),
                "n" | "no" => node.options.iter().find(|o| o.id == "no"),
                n => n.parse::<usize>().ok().and_then(|n| n.checked_sub(1)).and_then(|i| node.options.get(i)),
            };
            match chosen {
                Some(choice) => {
                    history.push(std::mem::replace(&mut current, choice.token.clone()));
                    break;
                }
                None => eprintln!("{}", catalog.message(locale, "tree-prompt", &[])),
            }
        }
    }
}

fn print_node(
    out: &mut impl Write,
    node: &tshoot::tree::Node,
    catalog: &tshoot::i18n::Catalog,
    locale: &Locale,
) -> std::io::Result<()> {
    writeln!(out)?;
    for shown in &node.records {
        let role = match shown.role {
            "symptom" => catalog.message(locale, "tree-symptom", &[]),
            "resolved" => catalog.message(locale, "tree-fixed-by", &[]),
            "next-steps" => catalog.message(locale, "tree-next-steps", &[]),
            "cause" => catalog.message(locale, "tree-cause", &[]),
            "solution" => catalog.message(locale, "tree-solution", &[]),
            "reference" => {
                catalog.message(locale, "tree-reference", &[("article", tshoot::i18n::Arg::Str(shown.id.clone()))])
            }
            other => other.to_owned(),
        };
        writeln!(out, "── {role}: {} [{}]", shown.title, shown.id)?;
        if let Some(note) = &shown.fallback {
            writeln!(out, "   ({note})")?;
        }
        let body = shown.markdown.split_once('\n').map_or("", |(_, b)| b).trim();
        for line in body.lines() {
            writeln!(out, "   {line}")?;
        }
        for target in &shown.unresolved_refs {
            writeln!(
                out,
                "   → {}",
                catalog.message(locale, "tree-unresolved", &[("target", tshoot::i18n::Arg::Str(target.clone()))])
            )?;
        }
    }
    if !node.related.is_empty() {
        writeln!(out, "{}:", catalog.message(locale, "tree-related", &[]))?;
        for r in &node.related {
            writeln!(out, "   - {} [{}]", r.title, r.id)?;
        }
    }
    writeln!(out, "{}", node.prompt.text)?;
    for (i, option) in node.options.iter().enumerate() {
        writeln!(out, "  {}. {}", i + 1, option.label)?;
    }
    Ok(())
}
