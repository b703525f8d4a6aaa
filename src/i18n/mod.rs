//! UI strings (Project Fluent). Fluent lives only here: callers pass a locale,
//! a message id and arguments, and get text back. Each locale falls back per
//! message to its language, then to the default locale, then to the id itself
//! (visible, never silent). Isolation marks are off: our output is HTML and
//! terminals, where they show up as stray characters.

use std::collections::BTreeMap;
use std::path::Path;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::content::diagnostics::{Diagnostic, LineIndex};
use crate::model::Locale;

/// The bundled `locales/`, compiled in so the binary works from anywhere;
/// `Catalog::load` reads a folder instead (and `--locales DIR` overrides).
const EMBEDDED: &[(&str, &str)] = &[
    ("en-us", include_str!("../../locales/en-us/portal.ftl")),
    ("en-us", include_str!("../../locales/en-us/tree.ftl")),
    ("en-us", include_str!("../../locales/en-us/trees.ftl")),
    ("de-de", include_str!("../../locales/de-de/portal.ftl")),
    ("de-de", include_str!("../../locales/de-de/tree.ftl")),
    ("de-de", include_str!("../../locales/de-de/trees.ftl")),
    ("zh-cn", include_str!("../../locales/zh-cn/portal.ftl")),
    ("zh-cn", include_str!("../../locales/zh-cn/tree.ftl")),
    ("zh-cn", include_str!("../../locales/zh-cn/trees.ftl")),
    ("pl-pl", include_str!("../../locales/pl-pl/portal.ftl")),
    ("pl-pl", include_str!("../../locales/pl-pl/tree.ftl")),
    ("pl-pl", include_str!("../../locales/pl-pl/trees.ftl")),
    ("sv-se", include_str!("../../locales/sv-se/portal.ftl")),
    ("sv-se", include_str!("../../locales/sv-se/tree.ftl")),
    ("sv-se", include_str!("../../locales/sv-se/trees.ftl")),
    ("pt-br", include_str!("../../locales/pt-br/portal.ftl")),
    ("pt-br", include_str!("../../locales/pt-br/tree.ftl")),
    ("pt-br", include_str!("../../locales/pt-br/trees.ftl")),
];

/// An argument value for a message.
#[derive(Clone, Debug)]
pub enum Arg {
    Str(String),
    Num(f64),
}

pub struct Catalog {
    bundles: BTreeMap<Locale, FluentBundle<FluentResource>>,
    default: Locale,
    /// Problems found in `.ftl` files (a broken entry loses that message only).
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog").field("locales", &self.bundles.keys().collect::<Vec<_>>()).finish()
    }
}

impl Catalog {
    /// The compiled-in strings.
    pub fn embedded() -> Catalog {
        let mut catalog = Catalog::empty();
        for (tag, source) in EMBEDDED {
            catalog.add(tag, source, Path::new(&format!("locales/{tag}")));
        }
        catalog
    }

    /// Reads `dir/<locale>/*.ftl`; locales the folder lacks keep the compiled-in strings.
    pub fn load(dir: &Path) -> std::io::Result<Catalog> {
        let mut catalog = Catalog::embedded();
        let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let Some(tag) = entry.file_name().to_str().map(str::to_owned) else { continue };
            if !entry.path().is_dir() || Locale::parse(&tag).is_none() {
                continue;
            }
            let mut files: Vec<_> = std::fs::read_dir(entry.path())?.collect::<Result<_, _>>()?;
            files.sort_by_key(|e| e.file_name());
            if let Some(l) = Locale::parse(&tag) {
                catalog.bundles.remove(&l);
            }
            for file in files.into_iter().filter(|f| f.path().extension().is_some_and(|e| e == "ftl")) {
                let source = std::fs::read_to_string(file.path())?;
                catalog.add(&tag, &source, &file.path());
            }
        }
        Ok(catalog)
    }

    fn empty() -> Catalog {
        Catalog {
            bundles: BTreeMap::new(),
            default: Locale::parse("en-us").expect("en-us is a locale"),
            diagnostics: Vec::new(),
        }
    }

    fn add(&mut self, tag: &str, source: &str, path: &Path) {
        let Some(locale) = Locale::parse(tag) else { return };
        let resource = match FluentResource::try_new(source.to_owned()) {
            Ok(r) => r,
            Err((r, errors)) => {
                let index = LineIndex::new(source);
                for e in errors {
                    self.diagnostics.push(
                        Diagnostic::error("ftl-syntax", path, format!("Fluent syntax error: {:?}", e.kind))
                            .at_offset(&index, e.pos.start)
                            .with_hint("see https://projectfluent.org/fluent/guide/ for the syntax"),
                    );
                }
                r
            }
        };
        let bundle = self.bundles.entry(locale.clone()).or_insert_with(|| {
            let id = locale.as_str().parse().unwrap_or_default();
            let mut b = FluentBundle::new_concurrent(vec![id]);
            b.set_use_isolating(false);
            b
        });
        if let Err(errors) = bundle.add_resource(resource) {
            for e in errors {
                self.diagnostics.push(Diagnostic::warning("ftl-duplicate", path, format!("{e}")));
            }
        }
    }

    /// Locales with strings, sorted.
    pub fn locales(&self) -> Vec<&Locale> {
        self.bundles.keys().collect()
    }

    /// Whether `locale` itself (not a fallback) has message `id`.
    pub fn has(&self, locale: &Locale, id: &str) -> bool {
        self.bundles.get(locale).is_some_and(|b| b.has_message(id))
    }

    /// The chain tried for `locale`: itself, a locale of the same language, the default.
    fn chain(&self, locale: &Locale) -> Vec<&FluentBundle<FluentResource>> {
        let mut out = Vec::new();
        if let Some(b) = self.bundles.get(locale) {
            out.push(b);
        }
        if let Some((_, b)) = self.bundles.iter().find(|(l, _)| l.language() == locale.language() && *l != locale) {
            out.push(b);
        }
        if let Some(b) = self.bundles.get(&self.default) {
            out.push(b);
        }
        out
    }

    /// Formats message `id` for `locale`; a message missing everywhere comes back as its id.
    pub fn message(&self, locale: &Locale, id: &str, args: &[(&str, Arg)]) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            match v {
                Arg::Str(s) => fargs.set(*k, FluentValue::from(s.clone())),
                Arg::Num(n) => fargs.set(*k, FluentValue::from(*n)),
            }
        }
        for bundle in self.chain(locale) {
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
                return text.into_owned();
            }
        }
        id.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_locale_has_every_message() {
        let c = Catalog::embedded();
        let ids: Vec<&str> = EMBEDDED
            .iter()
            .filter(|(tag, _)| *tag == "en-us")
            .flat_map(|(_, src)| src.lines())
            .filter_map(|l| l.split_once(" =").map(|(id, _)| id))
            .filter(|id| !id.starts_with(['#', ' ']) && !id.is_empty())
            .collect();
        assert!(ids.len() > 20, "{ids:?}");
        for locale in c.locales() {
            for id in &ids {
                assert!(c.has(locale, id), "{locale} lacks {id}");
            }
        }
    }

    #[test]
    fn polish_plurals_and_fallback() {
        let c = Catalog::embedded();
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        let pl = Locale::parse("pl-pl").expect("locale");
        let n = |count: f64| c.message(&pl, "tree-steps", &[("count", Arg::Num(count))]);
        assert_eq!(n(1.0), "1 krok");
        assert_eq!(n(2.0), "2 kroki");
        assert_eq!(n(5.0), "5 kroków");
        let fr = Locale::parse("fr-fr").expect("locale");
        assert_eq!(c.message(&fr, "tree-yes", &[]), "Yes, it's fixed", "falls back to en-us");
        assert_eq!(c.message(&pl, "no-such-message", &[]), "no-such-message");
        let de = Locale::parse("de-de").expect("locale");
        let text = c.message(&de, "tree-reference", &[("article", Arg::Str("X".into()))]);
        assert_eq!(text, "Aus X", "no isolation marks");
    }
}
