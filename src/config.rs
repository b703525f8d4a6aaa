//! Settings shared by every command, resolved once before any work starts.
//! Precedence: command-line flags, then `TSHOOT_*` environment variables (both
//! read by clap), then the config file (`--config FILE`, or `tshoot.yaml` in
//! the working directory when present), then defaults.

use std::path::{Path, PathBuf};

use serde::Deserialize;

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

/// The config file: every key optional; unknown keys are an error (a typo
/// should not be silently ignored).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default)]
    pub content: Vec<PathBuf>,
    pub default_locale: Option<String>,
    #[serde(default)]
    pub fallback: Vec<String>,
    pub max_file_size: Option<u64>,
    #[serde(default)]
    pub serve: ServeFileConfig,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServeFileConfig {
    pub addr: Option<String>,
    pub locales: Option<PathBuf>,
    pub theme: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub watch: Option<bool>,
    #[serde(default)]
    pub cors_origins: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file `{}`", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("config file `{}`: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}

/// The name looked for in the working directory when no `--config` is given.
pub const DEFAULT_CONFIG_FILE: &str = "tshoot.yaml";

impl FileConfig {
    /// Reads `path`, or `tshoot.yaml` when `path` is `None` (absent: defaults).
    /// Relative paths in the file are relative to the file's folder.
    pub fn load(path: Option<&Path>) -> Result<FileConfig, ConfigError> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from(DEFAULT_CONFIG_FILE), false),
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
            Err(source) => return Err(ConfigError::Read { path, source }),
        };
        let mut config: FileConfig = serde_saphyr::from_str_with_options(&text, crate::content::parse::yaml_options())
            .map_err(|e| {
                let message = e.without_snippet().to_string();
                ConfigError::Invalid { path: path.clone(), message: message.lines().next().unwrap_or("").to_owned() }
            })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let rebase = |p: &mut PathBuf| {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        };
        config.content.iter_mut().for_each(rebase);
        for p in [&mut config.serve.locales, &mut config.serve.theme, &mut config.serve.data_dir].into_iter().flatten()
        {
            rebase(p);
        }
        Ok(config)
    }

    pub fn default_locale(&self) -> Result<Option<Locale>, String> {
        self.default_locale.as_deref().map(|l| l.parse::<Locale>()).transpose()
    }

    pub fn fallback(&self) -> Result<Vec<Locale>, String> {
        self.fallback.iter().map(|l| l.parse::<Locale>()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_and_rejects_typos() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("tshoot.yaml");
        std::fs::write(
            &path,
            "content: [docs]\ndefault_locale: de-DE\nserve:\n  addr: 127.0.0.1:9000\n  watch: false\n",
        )
        .expect("write");
        let c = FileConfig::load(Some(&path)).expect("loads");
        assert_eq!(c.content, vec![dir.path().join("docs")]);
        assert_eq!(c.default_locale().expect("locale").map(|l| l.to_string()).as_deref(), Some("de-de"));
        assert_eq!(c.serve.addr.as_deref(), Some("127.0.0.1:9000"));
        assert_eq!(c.serve.watch, Some(false));
        std::fs::write(&path, "contnet: [docs]\n").expect("write");
        let err = FileConfig::load(Some(&path)).expect_err("typo");
        assert!(err.to_string().contains("contnet"), "{err}");
        assert!(FileConfig::load(Some(&dir.path().join("missing.yaml"))).is_err(), "an explicit file must exist");
    }
}
