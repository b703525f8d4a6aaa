use serde::Serialize;

/// A BCP-47 locale tag, lowercased (`de-de`, `zh-cn`): locales compare case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Locale(String);

/// Locale-like folder names that are known locales even without the `ll-rr` shape.
const KNOWN_LOCALES: &[&str] = &[
    "en",
    "de",
    "fr",
    "es",
    "it",
    "ja",
    "ko",
    "pl",
    "pt",
    "ru",
    "sv",
    "zh",
    "nl",
    "cs",
    "tr",
    "zh-hans",
    "zh-hant",
    "sr-latn-rs",
    "sr-cyrl-rs",
    "az-latn-az",
    "uz-latn-uz",
    "bs-latn-ba",
    "ha-latn-ng",
];

impl Locale {
    /// Parses a locale from front matter or a flag: `de-DE`, `de_de`, `zh-Hans`.
    pub fn parse(text: &str) -> Option<Locale> {
        let lower = text.trim().replace('_', "-").to_ascii_lowercase();
        let mut parts = lower.split('-');
        let lang = parts.next()?;
        if !(2..=3).contains(&lang.len()) || !lang.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        for part in parts {
            if part.is_empty() || part.len() > 8 || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
        }
        Some(Locale(lower))
    }

    /// Whether a path segment names a locale: a known one, or the `ll-rr` shape.
    /// Not any valid tag: `sql`, `iis`, `cpp`, `azure` are folder names.
    pub fn from_path_segment(segment: &str) -> Option<Locale> {
        let lower = segment.to_ascii_lowercase();
        let b = lower.as_bytes();
        let shaped = b.len() == 5
            && b[2] == b'-'
            && b[..2].iter().all(u8::is_ascii_lowercase)
            && b[3..].iter().all(u8::is_ascii_lowercase);
        if shaped || KNOWN_LOCALES.contains(&lower.as_str()) && lower.contains('-') {
            Some(Locale(lower))
        } else {
            None
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag: `de` for `de-de`.
    pub fn language(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Locale {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl std::str::FromStr for Locale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::parse(s).ok_or_else(|| format!("`{s}` is not a locale tag (expected e.g. `de-DE`)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_need_the_locale_shape() {
        assert_eq!(Locale::from_path_segment("de-DE").map(|l| l.0), Some("de-de".into()));
        assert_eq!(Locale::from_path_segment("zh-hans").map(|l| l.0), Some("zh-hans".into()));
        for folder in ["sql", "iis", "cpp", "azure", "support", "en"] {
            assert_eq!(Locale::from_path_segment(folder), None, "{folder}");
        }
    }

    #[test]
    fn parse_lowercases() {
        assert_eq!(Locale::parse("pt-BR").map(|l| l.0), Some("pt-br".into()));
        assert_eq!(Locale::parse("zh-CN").map(|l| l.language().to_owned()), Some("zh".into()));
        assert_eq!(Locale::parse("not a locale"), None);
    }
}
