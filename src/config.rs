//! Settings shared by every command, resolved once from flags and environment
//! variables (`TSHOOT_*`) before any work starts.

use std::path::PathBuf;

use crate::content::load::LoadOptions;
use crate::model::Locale;

/// Where content comes from and how it is read.
#[derive(Clone, Debug)]
pub struct Config {
    /// Content roots, in command-line order (earlier roots win ties between duplicates).
    pub content: Vec<PathBuf>,
    pub load: LoadOptions,
}

impl Config {
    /// The default content folder: `content/` in the working directory.
    pub fn default_content() -> Vec<PathBuf> {
        vec![PathBuf::from("content")]
    }

    pub fn new(
        content: Vec<PathBuf>,
        default_locale: Option<Locale>,
        fallback: Vec<Locale>,
        max_file_bytes: Option<u64>,
    ) -> Config {
        let mut load = LoadOptions::default();
        if let Some(l) = default_locale {
            load.default_locale = l;
        }
        load.fallback = fallback;
        if let Some(m) = max_file_bytes {
            load.max_file_bytes = m;
        }
        let content = if content.is_empty() { Self::default_content() } else { content };
        Config { content, load }
    }
}
