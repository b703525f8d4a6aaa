//! Hot reload: content and locale changes are picked up, a new site is built
//! off the request path and swapped in atomically. A build with errors is not
//! swapped: the last good site keeps serving and `/healthz` reports why.

use std::path::PathBuf;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use serde::Serialize;

use super::{AppState, Site};
use crate::content::diagnostics::{Diagnostic, Severity};

/// The outcome of the last reload, for `/healthz`.
#[derive(Clone, Debug, Serialize)]
pub struct ReloadStatus {
    /// `ok` (swapped in) or `failed` (the previous site is still serving).
    pub status: &'static str,
    pub errors: usize,
    /// The errors of a failed reload (the first 50).
    pub diagnostics: Vec<Diagnostic>,
}

/// Builds a new site from the current files; `Err` when the build could not run at all.
pub type Rebuild = Box<dyn Fn() -> Result<Site, String> + Send + Sync>;

/// Keeps the watcher alive; dropping it stops watching.
pub struct Watch {
    _debouncer: Debouncer<notify_debouncer_full::notify::RecommendedWatcher, RecommendedCache>,
}

/// Watches `paths` and rebuilds the site on changes (debounced).
pub fn watch(state: AppState, paths: &[PathBuf], rebuild: Rebuild) -> notify_debouncer_full::notify::Result<Watch> {
    let mut debouncer = new_debouncer(Duration::from_millis(300), None, move |result: DebounceEventResult| {
        let Ok(events) = result else {
            tracing::warn!("file watching reported an error; changes may be missed");
            return;
        };
        // Reading the files to rebuild is an access event too: only changes count.
        if events.iter().any(|e| !matches!(e.kind, EventKind::Access(_))) {
            reload(&state, &rebuild);
        }
    })?;
    for p in paths {
        debouncer.watch(p, RecursiveMode::Recursive)?;
    }
    Ok(Watch { _debouncer: debouncer })
}

/// One reload: build, then swap only when the content has no errors.
pub fn reload(state: &AppState, rebuild: &Rebuild) {
    let started = std::time::Instant::now();
    match rebuild() {
        Ok(site) => {
            let errors: Vec<Diagnostic> =
                site.kb.diagnostics.iter().filter(|d| d.severity == Severity::Error).cloned().collect();
            if errors.is_empty() {
                state.replace(site);
                state.set_reload(ReloadStatus { status: "ok", errors: 0, diagnostics: Vec::new() });
                tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "content reloaded");
            } else {
                for d in &errors {
                    tracing::warn!(file = %d.file.display(), line = d.line, code = d.code, message = %d.message, "reload kept the previous content");
                }
                let count = errors.len();
                state.set_reload(ReloadStatus {
                    status: "failed",
                    errors: count,
                    diagnostics: errors.into_iter().take(50).collect(),
                });
            }
        }
        Err(message) => {
            tracing::warn!(error = %message, "reload failed; the previous content keeps serving");
            state.set_reload(ReloadStatus { status: "failed", errors: 1, diagnostics: Vec::new() });
        }
    }
}
