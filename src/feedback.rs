//! Feedback and analytics: per-solution outcomes ("Did this fix it?") and
//! searches that found nothing, in SQLite under the data folder. SQLite lives
//! only here. Aggregated outcomes become weights for the decision tree's
//! order and a search boost.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, params};
use serde::Serialize;

/// Schema migrations, applied in order; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &["CREATE TABLE outcomes (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        record TEXT NOT NULL,
        locale TEXT NOT NULL,
        fixed INTEGER NOT NULL
    );
    CREATE INDEX outcomes_record ON outcomes(record);
    CREATE TABLE queries (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        locale TEXT NOT NULL,
        query TEXT NOT NULL,
        results INTEGER NOT NULL
    );"];

pub const DB_FILE: &str = "tshoot.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum FeedbackError {
    #[error("cannot create the data folder `{}`", path.display())]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("feedback database `{}`", path.display())]
    Db {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

pub struct FeedbackStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    /// [`FeedbackStore::weights`] until the next outcome: every search asks.
    weights: Mutex<Option<Arc<HashMap<String, f32>>>>,
}

impl std::fmt::Debug for FeedbackStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FeedbackStore").field("path", &self.path).finish()
    }
}

/// Outcomes of one record.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Outcome {
    pub record: String,
    pub fixed: u64,
    pub not_fixed: u64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MissedQuery {
    pub locale: String,
    pub query: String,
    pub count: u64,
}

impl FeedbackStore {
    /// Opens (creating on first run) the database in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<FeedbackStore, FeedbackError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|source| FeedbackError::Folder { path: data_dir.to_path_buf(), source })?;
        let path = data_dir.join(DB_FILE);
        let db = |source| FeedbackError::Db { path: path.clone(), source };
        let mut conn = Connection::open(&path).map_err(db)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(db)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(usize::try_from(version).unwrap_or(0)) {
            let tx = conn.transaction().map_err(db)?;
            tx.execute_batch(sql).map_err(db)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64).map_err(db)?;
            tx.commit().map_err(db)?;
        }
        Ok(FeedbackStore { conn: Mutex::new(conn), path, weights: Mutex::new(None) })
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, FeedbackError> {
        let conn = match self.conn.lock() {
            Ok(c) => c,
            Err(poisoned) => poisoned.into_inner(),
        };
        f(&conn).map_err(|source| FeedbackError::Db { path: self.path.clone(), source })
    }

    /// "Did this fix it?" for a record (a solution, or a cause checked alone).
    pub fn record_outcome(&self, record: &str, locale: &str, fixed: bool) -> Result<(), FeedbackError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO outcomes (record, locale, fixed) VALUES (?1, ?2, ?3)",
                params![record, locale, fixed],
            )
            .map(|_| ())
        })?;
        // After the insert: `weights` holds this lock while it reads, so no
        // reader can store weights from before the insert once this ran.
        *self.weights.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
        Ok(())
    }

    /// A search and how many results it had (only empty ones are kept).
    pub fn record_query(&self, query: &str, locale: &str, results: usize) -> Result<(), FeedbackError> {
        if results > 0 {
            return Ok(());
        }
        let query: String = query.chars().take(500).collect();
        self.with(|c| {
            c.execute(
                "INSERT INTO queries (locale, query, results) VALUES (?1, ?2, ?3)",
                params![locale, query, results as i64],
            )
            .map(|_| ())
        })
    }

    pub fn outcomes(&self) -> Result<Vec<Outcome>, FeedbackError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT record, SUM(fixed), SUM(1 - fixed) FROM outcomes GROUP BY record ORDER BY SUM(1 - fixed) DESC, record",
            )?;
            let rows = stmt.query_map([], |r| Ok(Outcome { record: r.get(0)?, fixed: r.get::<_, i64>(1)? as u64, not_fixed: r.get::<_, i64>(2)? as u64 }))?;
            rows.collect()
        })
    }

    pub fn missed_queries(&self, limit: usize) -> Result<Vec<MissedQuery>, FeedbackError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT locale, query, COUNT(*) FROM queries WHERE results = 0 GROUP BY locale, lower(query) ORDER BY COUNT(*) DESC, query LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| Ok(MissedQuery { locale: r.get(0)?, query: r.get(1)?, count: r.get::<_, i64>(2)? as u64 }))?;
            rows.collect()
        })
    }

    /// Weights by record id, around 1.0: the smoothed share of "fixed" answers
    /// ((fixed + 1) / (total + 2)) times two, so an untried record weighs 1.0.
    pub fn weights(&self) -> Result<Arc<HashMap<String, f32>>, FeedbackError> {
        let mut cached = self.weights.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(w) = &*cached {
            return Ok(w.clone());
        }
        let weights = Arc::new(self.compute_weights()?);
        *cached = Some(weights.clone());
        Ok(weights)
    }

    fn compute_weights(&self) -> Result<HashMap<String, f32>, FeedbackError> {
        Ok(self
            .outcomes()?
            .into_iter()
            .map(|o| {
                let total = (o.fixed + o.not_fixed) as f32;
                (o.record, 2.0 * (o.fixed as f32 + 1.0) / (total + 2.0))
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_and_missed_queries_persist_and_weigh() {
        let dir = tempfile::tempdir().expect("temp dir");
        {
            let store = FeedbackStore::open(dir.path()).expect("open");
            store.record_outcome("a#solution-1", "de-de", false).expect("insert");
            store.record_outcome("a#solution-1", "de-de", false).expect("insert");
            store.record_outcome("a#solution-2", "de-de", true).expect("insert");
            store.record_query("blinking lights", "en-us", 0).expect("insert");
            store.record_query("Blinking lights", "en-us", 0).expect("insert");
            store.record_query("found", "en-us", 3).expect("ignored");
        }
        // Reopening runs no migration twice and keeps the data.
        let store = FeedbackStore::open(dir.path()).expect("reopen");
        let outcomes = store.outcomes().expect("outcomes");
        assert_eq!(outcomes[0], Outcome { record: "a#solution-1".into(), fixed: 0, not_fixed: 2 });
        let w = store.weights().expect("weights");
        assert!(w["a#solution-2"] > 1.0 && w["a#solution-1"] < 1.0, "{w:?}");
        // Weights are cached, and a new outcome is seen at once.
        store.record_outcome("a#solution-3", "de-de", true).expect("insert");
        let w = store.weights().expect("weights");
        assert!(w["a#solution-3"] > 1.0, "{w:?}");
        let missed = store.missed_queries(10).expect("missed");
        assert_eq!(missed.len(), 1);
        assert_eq!(missed[0].count, 2);
        assert!(dir.path().join(DB_FILE).exists(), "a real database file");
    }
}
