//! Rendering: Markdown to safe HTML, and page templates. Shared by the server
//! (web/) and the static export. pulldown-cmark renders, ammonia sanitizes:
//! nothing from content can run script (`<script>`, `on*=`, `javascript:`).

pub mod pages;

use std::collections::HashSet;
use std::path::Path;
use std::sync::LazyLock;

use minijinja::Environment;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::kb::KnowledgeBase;

/// The default theme, compiled in; `--theme DIR` replaces any of these files.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("theme/base.html")),
    ("home.html", include_str!("theme/home.html")),
    ("search.html", include_str!("theme/search.html")),
    ("article.html", include_str!("theme/article.html")),
    ("troubleshoot.html", include_str!("theme/troubleshoot.html")),
    ("error.html", include_str!("theme/error.html")),
    ("choose.html", include_str!("theme/choose.html")),
];

pub use pages::{ArticleFiles, Links, Start, View, locale_name};

/// The stylesheet of the default theme.
pub const STYLE_CSS: &str = include_str!("theme/style.css");

/// Renders Markdown to sanitized HTML. `link` rewrites a link or image
/// destination that is neither a URL with a scheme nor a `#fragment`
/// (`other.md#cause-1` to a page URL); when it returns `None` the link is
/// dropped and its text kept (an image shows its alt text): a link to a page
/// or file the portal does not have would lead nowhere.
pub fn markdown_html(markdown: &str, link: &dyn Fn(&str) -> Option<String>) -> String {
    // DocFX `:::image …:::` directives render as the images they describe.
    rendered(&crate::content::docfx::images_as_markdown(markdown), link)
}

fn rendered<'a>(markdown: &'a str, link: &dyn Fn(&str) -> Option<String>) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_GFM | Options::ENABLE_STRIKETHROUGH;
    // One entry per open link or image: whether it was dropped.
    let mut open: Vec<bool> = Vec::new();
    let rewrite = |dest: CowStr<'a>| if kept_as_written(&dest) { Some(dest) } else { link(&dest).map(CowStr::from) };
    let events = Parser::new_ext(markdown, options).filter_map(|event| {
        let event = match event {
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                rewrite(dest_url).map(|dest_url| Event::Start(Tag::Link { link_type, dest_url, title, id }))
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                rewrite(dest_url).map(|dest_url| Event::Start(Tag::Image { link_type, dest_url, title, id }))
            }
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                return (!open.pop().unwrap_or(false)).then_some(Event::End(end));
            }
            other => return Some(other),
        };
        open.push(event.is_none());
        event
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    sanitize(&html)
}

/// Renders a record's text written in `source`: its images that are files of
/// the content (the knowledge base's media) link to `media(path)`, other
/// destinations go through `link` as in [`markdown_html`].
pub fn record_html(
    kb: &KnowledgeBase,
    source: Option<&Path>,
    markdown: &str,
    media: &dyn Fn(&str) -> String,
    link: &dyn Fn(&str) -> Option<String>,
) -> String {
    markdown_html(markdown, &|dest| match source.and_then(|s| kb.media.resolve(s, dest)) {
        Some(path) => Some(media(path)),
        None => link(dest),
    })
}

/// A media path as a URL path: each segment encoded, `/` kept.
pub fn media_url_path(media: &str) -> String {
    media.split('/').map(url_encode).collect::<Vec<_>>().join("/")
}

/// URLs with a scheme (`https:`, `mailto:`) and fragments of the same page.
fn kept_as_written(dest: &str) -> bool {
    dest.starts_with('#') || dest.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/'))
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
        // Escape what HTML needs, not `/`: URLs stay readable (and short) in pages.
        env.set_formatter(|out, state, value| match value.as_str() {
            Some(text) if !value.is_safe() && *state.auto_escape() == minijinja::AutoEscape::Html => out
                .write_str(&escape_html(text))
                .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::WriteFailure, e.to_string())),
            _ => minijinja::escape_formatter(out, state, value),
        });
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

/// Escapes text for HTML content and quoted attribute values.
pub fn escape_html(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Percent-encodes a query-string value (everything but unreserved characters).
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
    fn links_to_missing_pages_keep_their_text_only() {
        let md = "See [the guide](missing.md#cause-1), [docs](/azure/x), [web](https://example.com), [here](#top) and ![a diagram](media/d.png).";
        let html = markdown_html(md, &|_| None);
        assert!(html.contains("See the guide, docs,"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(html.contains("href=\"#top\""), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("a diagram"), "{html}");
    }

    #[test]
    fn docfx_image_directives_render_as_images() {
        let md = "1. Open the page:\n\n   :::image type=\"content\" source=\"media/settings.png\" alt-text=\"The settings page.\":::\n";
        let html = markdown_html(md, &|d| Some(format!("/media/{d}")));
        assert!(html.contains("<img src=\"/media/media/settings.png\" alt=\"The settings page.\""), "{html}");
        assert!(!html.contains(":::"), "{html}");
        // Without the file, the alt text shows.
        let html = markdown_html(md, &|_| None);
        assert!(html.contains("The settings page."), "{html}");
        assert!(!html.contains(":::") && !html.contains("<img"), "{html}");
    }

    #[test]
    fn embedded_templates_parse() {
        assert!(Templates::new(None).is_ok());
    }
}
