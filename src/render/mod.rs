//! Rendering: Markdown to safe HTML, and page templates. Shared by the server
//! (web/) and the static export. pulldown-cmark renders, ammonia sanitizes:
//! nothing from content can run script (`<script>`, `on*=`, `javascript:`).

pub mod pages;

use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use minijinja::Environment;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag};

/// The default theme, compiled in; `--theme DIR` replaces any of these files.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("theme/base.html")),
    ("home.html", include_str!("theme/home.html")),
    ("search.html", include_str!("theme/search.html")),
    ("article.html", include_str!("theme/article.html")),
    ("troubleshoot.html", include_str!("theme/troubleshoot.html")),
    ("error.html", include_str!("theme/error.html")),
];

pub use pages::{Links, Start, View, locale_name};

/// The stylesheet of the default theme.
pub const STYLE_CSS: &str = include_str!("theme/style.css");

/// Renders Markdown to sanitized HTML. `link` may rewrite link destinations
/// (`other.md#cause-1` to a portal URL); `None` keeps a destination as written.
pub fn markdown_html(markdown: &str, link: &dyn Fn(&str) -> Option<String>) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_GFM | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = link(&dest_url).map(CowStr::from).unwrap_or(dest_url);
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        other => other,
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    sanitize(&html)
}

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tag_attributes("a", ["name", "id"]);
    b.add_tag_attributes("blockquote", ["class"]);
    b.add_tag_attributes("code", ["class"]);
    b.add_tag_attributes("th", ["style"]);
    b.add_tag_attributes("td", ["style"]);
    b.add_generic_attributes(["id"]);
    b.link_rel(Some("noopener noreferrer"));
    b.id_prefix(None);
    b
});

/// Removes everything that could run script or escape the page's layout.
pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Page templates: the embedded theme, with files from a theme folder taking precedence.
pub struct Templates {
    env: Environment<'static>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Templates")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template `{name}`")]
    Template {
        name: String,
        #[source]
        source: minijinja::Error,
    },
    #[error("theme folder `{}`", path.display())]
    Theme {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Templates {
    pub fn new(theme: Option<&Path>) -> Result<Templates, RenderError> {
        let mut env = Environment::new();
        let mut overridden = HashSet::new();
        if let Some(dir) = theme {
            for (name, _) in TEMPLATES {
                let path = dir.join(name);
                if path.exists() {
                    let source =
                        std::fs::read_to_string(&path).map_err(|source| RenderError::Theme { path, source })?;
                    env.add_template_owned(*name, source)
                        .map_err(|source| RenderError::Template { name: (*name).to_owned(), source })?;
                    overridden.insert(*name);
                }
            }
        }
        for (name, source) in TEMPLATES {
            if !overridden.contains(name) {
                env.add_template(name, source)
                    .map_err(|source| RenderError::Template { name: (*name).to_owned(), source })?;
            }
        }
        Ok(Templates { env })
    }

    pub fn render(&self, name: &str, context: minijinja::Value) -> Result<String, RenderError> {
        let template =
            self.env.get_template(name).map_err(|source| RenderError::Template { name: name.to_owned(), source })?;
        template.render(context).map_err(|source| RenderError::Template { name: name.to_owned(), source })
    }
}

/// Marks HTML that is already safe (sanitized) for templates.
pub fn safe(html: String) -> minijinja::Value {
    minijinja::Value::from_safe_string(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_from_content_is_inert() {
        let md = "Hi <script>alert(1)</script> <img src=x onerror=\"alert(2)\"> [x](javascript:alert(3))\n\n<a name=\"cause-1\"></a>";
        let html = markdown_html(md, &|_| None);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("name=\"cause-1\""), "anchors survive: {html}");
    }

    #[test]
    fn callouts_tables_and_links() {
        let md = "> [!NOTE]\n> Be careful.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[other](x.md#cause-1)";
        let html = markdown_html(md, &|d| d.starts_with("x.md").then(|| "/en-us/a/x#cause-1".to_owned()));
        assert!(html.contains("class=\"markdown-alert-note\""), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("href=\"/en-us/a/x#cause-1\""), "{html}");
    }

    #[test]
    fn embedded_templates_parse() {
        assert!(Templates::new(None).is_ok());
    }
}
