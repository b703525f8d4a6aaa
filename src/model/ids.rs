use serde::Serialize;

/// An article's id: URL-safe, `[a-z0-9._-]`. Shared, not copied, by the ids
/// of the article's records and the references to it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(std::sync::Arc<str>);

impl ArticleId {
    /// Makes an id from any text: lowercase, runs of other characters become `-`.
    pub fn sanitize(text: &str) -> ArticleId {
        let mut out = String::with_capacity(text.len());
        let mut push = |c: char| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-' {
                out.push(c);
            } else if !out.ends_with('-') {
                out.push('-');
            }
        };
        for c in text.chars() {
            // ASCII first: Unicode case mapping is most of the cost on long paths.
            if c.is_ascii() {
                push(c.to_ascii_lowercase());
            } else {
                c.to_lowercase().for_each(&mut push);
            }
        }
        let trimmed = out.trim_matches('-');
        ArticleId(if trimmed.is_empty() { "article" } else { trimmed }.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ArticleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ArticleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A record's id, `<article>#<anchor>`, the same in every locale.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId {
    pub article: ArticleId,
    pub anchor: String,
}

impl RecordId {
    pub fn new(article: ArticleId, anchor: impl Into<String>) -> RecordId {
        RecordId { article, anchor: anchor.into() }
    }

    /// Parses `<article>#<anchor>`.
    pub fn parse(text: &str) -> Option<RecordId> {
        let (article, anchor) = text.split_once('#')?;
        if article.is_empty() || anchor.is_empty() {
            return None;
        }
        Some(RecordId::new(ArticleId(article.into()), anchor))
    }
}

impl std::fmt::Display for RecordId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}#{}", self.article, self.anchor)
    }
}

impl Serialize for RecordId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a resolved cross-article reference points at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefTarget {
    Record(RecordId),
    Article(ArticleId),
}

impl std::fmt::Display for RefTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefTarget::Record(id) => id.fmt(f),
            RefTarget::Article(id) => id.fmt(f),
        }
    }
}

impl Serialize for RefTarget {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_lowercases_every_script_and_joins_the_rest_with_one_dash() {
        assert_eq!(ArticleId::sanitize("IoT-Hub/Troubleshoot_404104.md").as_str(), "iot-hub-troubleshoot_404104.md");
        // Letters outside ASCII lowercase first (`Ä` → `ä`), then are not id characters.
        assert_eq!(ArticleId::sanitize("Fehler Ä  Übersicht").as_str(), "fehler-bersicht");
        // A capital whose lowercase is ASCII (the Kelvin sign) keeps its letter.
        assert_eq!(ArticleId::sanitize("\u{212A}B 5").as_str(), "kb-5");
        assert_eq!(ArticleId::sanitize("  ?? ").as_str(), "article");
    }
}
