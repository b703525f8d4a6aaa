//! Images in articles: the loader finds those that are files of the content
//! root, the server serves them (and nothing else) over real HTTP, the export
//! copies them; missing ones are one located warning per file.

use std::path::{Path, PathBuf};

use tshoot::content::diagnostics::Severity;
use tshoot::export::ExportOptions;
use tshoot::i18n::Catalog;
use tshoot::web::{AppState, Site};

use crate::export::{check_links, export_to};
use crate::harness::load;

/// A PNG of one pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0x60, 0xf8, 0x0f, 0x00, 0x01, 0x04, 0x01, 0x00, 0x5f, 0xe5, 0xc3,
    0x4b, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];
const SVG: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>";

/// A content root with one article showing two images that exist, one that
/// is missing, one outside the root, one that is not an image, one that links
/// out of the root, and a web image.
fn content() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("content");
    let en = root.join("en-us");
    std::fs::create_dir_all(en.join("media/flow")).expect("mkdir");
    std::fs::write(en.join("media/flow/pipeline.png"), PNG).expect("png");
    std::fs::write(en.join("media/flow/screen.svg"), SVG).expect("svg");
    std::fs::write(en.join("media/flow/notes.txt"), "not an image").expect("txt");
    std::fs::write(dir.path().join("secret.png"), PNG).expect("outside");
    // Inside the root by name, outside through the link.
    std::os::unix::fs::symlink(dir.path().join("secret.png"), en.join("media/flow/linked.png")).expect("symlink");
    let article = "---\ntitle: Error 740001 Pipeline stalled\n---\n# 740001 Pipeline stalled\n\n\
## Symptoms\n\nThe pipeline stops:\n\n![The stalled pipeline](media/flow/pipeline.png)\n\n\
## Cause\n\nA full queue.\n\n:::image type=\"content\" source=\"./media/flow/screen.svg\" alt-text=\"The queue screen.\":::\n\n\
## Solution\n\nEmpty the queue.\n\n![Gone](media/flow/missing.png) ![Outside](../../secret.png) \
![Notes](media/flow/notes.txt) ![Linked](media/flow/linked.png) ![Logo](https://example.com/logo.png)\n";
    std::fs::write(en.join("pipeline.md"), article).expect("article");
    std::fs::write(en.join("other.md"), "---\ntitle: Other\n---\n# Other\n\n## Symptoms\n\nFine.\n").expect("other");
    (dir, root)
}

#[test]
fn images_inside_the_root_are_found_and_missing_ones_are_one_warning() {
    let (_dir, root) = content();
    let kb = load(std::slice::from_ref(&root));
    assert_eq!(kb.articles.len(), 2, "the other article still loads");
    let paths: Vec<&str> = kb.media.iter().map(|(path, _)| path).collect();
    assert_eq!(paths, ["0/en-us/media/flow/pipeline.png", "0/en-us/media/flow/screen.svg"]);
    let warnings: Vec<_> = kb.diagnostics.iter().filter(|d| d.code == "image-not-found").collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = warnings[0];
    assert_eq!(w.severity, Severity::Warning);
    assert!(w.file.ends_with("pipeline.md"), "{w:?}");
    assert_eq!(w.line, Some(22), "the line of the first missing image: {w:?}");
    assert!(w.message.contains("`media/flow/missing.png`") && w.message.contains("(and 3 more)"), "{w:?}");
}

async fn http_get(addr: std::net::SocketAddr, path: &str) -> (String, Vec<u8>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).await.expect("read");
    let split = reply.windows(4).position(|w| w == b"\r\n\r\n").expect("head") + 4;
    let head = String::from_utf8_lossy(&reply[..split]).into_owned();
    (head, reply[split..].to_vec())
}

#[tokio::test]
async fn the_server_serves_the_images_articles_show_and_nothing_else() {
    let (_dir, root) = content();
    let kb = load(std::slice::from_ref(&root));
    let id = kb.articles.iter().find(|a| a.error_codes.contains("740001")).expect("article").id.to_string();
    let state = AppState::new(Site::new(kb, Catalog::embedded(), None).expect("site"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tshoot::web::serve_listener(listener, state, async {
        let _ = stopped.await;
    }));

    let (head, page) = http_get(addr, &format!("/en-us/a/{id}")).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let page = String::from_utf8(page).expect("utf-8");
    assert!(
        page.contains(r#"<img src="/media/0/en-us/media/flow/pipeline.png" alt="The stalled pipeline">"#),
        "{page}"
    );
    assert!(page.contains(r#"<img src="/media/0/en-us/media/flow/screen.svg" alt="The queue screen.">"#), "{page}");
    assert!(!page.contains(":::image"), "{page}");
    // What is not served shows its alt text.
    assert!(page.contains("Gone") && !page.contains("missing.png"), "{page}");

    let (head, body) = http_get(addr, "/media/0/en-us/media/flow/pipeline.png").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-type: image/png"), "{head}");
    assert_eq!(body, PNG);
    let (head, body) = http_get(addr, "/media/0/en-us/media/flow/screen.svg").await;
    assert!(head.to_ascii_lowercase().contains("content-type: image/svg+xml"), "{head}");
    assert!(head.to_ascii_lowercase().contains("content-security-policy: default-src 'self'"), "{head}");
    assert_eq!(body, SVG.as_bytes());

    for path in [
        "/media/0/en-us/media/flow/missing.png",
        "/media/0/en-us/media/flow/notes.txt",
        "/media/0/en-us/media/flow/linked.png",
        "/media/0/en-us/pipeline.md",
        "/media/0/../secret.png",
        "/media/0/en-us/media/flow/..%2F..%2F..%2F..%2Fsecret.png",
        "/media/1/en-us/media/flow/pipeline.png",
    ] {
        let (head, _) = http_get(addr, path).await;
        assert!(head.starts_with("HTTP/1.1 404"), "{path}: {head}");
    }
    let _ = stop.send(());
    server.await.expect("join").expect("served and shut down cleanly");
}

#[test]
fn the_export_copies_the_images_and_every_src_resolves() {
    let (dir, root) = content();
    let out = dir.path().join("site");
    export_to(std::slice::from_ref(&root), &out, &ExportOptions::default());
    let copied = out.join("media/0/en-us/media/flow/pipeline.png");
    assert_eq!(std::fs::read(&copied).expect("copied"), PNG);
    assert!(out.join("media/0/en-us/media/flow/screen.svg").is_file());
    assert!(!out.join("media/0/en-us/media/flow/notes.txt").exists());
    let page = std::fs::read_to_string(page_of(&out, "740001")).expect("page");
    assert!(page.contains(r#"src="../../media/0/en-us/media/flow/pipeline.png""#), "{page}");
    assert!(check_links(&out) > 0);
}

fn page_of(site: &Path, code: &str) -> PathBuf {
    let pages = site.join("en-us/a");
    std::fs::read_dir(&pages)
        .expect("pages")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().contains(code)))
        .expect("the article's page")
}

#[test]
fn links_and_images_of_included_fragments_lead_where_the_fragment_meant() {
    let (_dir, root) = content();
    let includes = root.join("en-us/includes");
    std::fs::create_dir_all(&includes).expect("mkdir");
    // Written from `includes/`: one folder deeper than the article.
    std::fs::write(
        includes.join("logs.md"),
        "Collect the logs:\n\n![The log view](../media/flow/pipeline.png)\n\nSee [other](../other.md#symptoms).\n\n\
[!INCLUDE [more](more.md)]\n",
    )
    .expect("fragment");
    std::fs::write(includes.join("more.md"), "More: :::image source=\"../media/flow/screen.svg\" alt-text=\"S\":::\n")
        .expect("nested fragment");
    std::fs::write(
        root.join("en-us/logs-article.md"),
        "---\ntitle: Error 740002 Logs\n---\n# 740002 Logs\n\n## Solution\n\n[!INCLUDE [logs](includes/logs.md)]\n",
    )
    .expect("article");
    let kb = load(std::slice::from_ref(&root));
    let article = kb.articles.iter().find(|a| a.error_codes.contains("740002")).expect("article");
    let text = &article.records.iter().find(|r| r.id.anchor == "solution").expect("solution").texts
        [&crate::harness::locale("en-us")];
    assert!(text.markdown.contains("![The log view](media/flow/pipeline.png)"), "{}", text.markdown);
    assert!(text.markdown.contains("source=\"media/flow/screen.svg\""), "nested, once: {}", text.markdown);
    assert_eq!(kb.media.resolve(&text.source.path, "media/flow/pipeline.png"), Some("0/en-us/media/flow/pipeline.png"));
    assert_eq!(
        text.refs.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [format!(
            "{}#symptoms",
            kb.articles.iter().find(|a| a.variants.values().any(|v| v.title == "Other")).expect("other").id
        )]
    );
    assert!(
        !kb.diagnostics.iter().any(|d| d.file.ends_with("logs-article.md")),
        "{:#?}",
        kb.diagnostics.iter().filter(|d| d.file.ends_with("logs-article.md")).collect::<Vec<_>>()
    );
}
