//! The static export: files, relative links that all resolve, atomic
//! replacement, sitemap, the JSONL feed.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use regex::Regex;
use tshoot::content::load::normalize;
use tshoot::export::{ExportFormat, ExportOptions, export};
use tshoot::i18n::Catalog;
use tshoot::render::Templates;

use crate::harness::{load, locale, repo};

pub fn export_to(roots: &[PathBuf], out: &Path, options: &ExportOptions) -> tshoot::export::ExportStats {
    let kb = load(roots);
    let templates = Templates::new(None).expect("theme");
    export(&kb, &Catalog::embedded(), &templates, out, options, &|_, _| {}).expect("export")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn unescape(text: &str) -> String {
    text.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">")
}

/// Checks every `href` and `src` in every page of the site: relative, inside
/// the site, naming a file that exists, and an anchor that the page has.
/// Fragments holding state for scripts (`#s=…`, `#article=…`) are not anchors.
/// Returns the number of links checked.
pub fn check_links(site: &Path) -> usize {
    let attr = Regex::new(r#"(?:href|src)="([^"]*)""#).expect("regex");
    let ids = Regex::new(r#"(?:id|name)="([^"]*)""#).expect("regex");
    let mut anchors: HashMap<PathBuf, BTreeSet<String>> = HashMap::new();
    let pages: Vec<PathBuf> = files(site).into_iter().filter(|p| p.extension().is_some_and(|e| e == "html")).collect();
    for page in &pages {
        let html = std::fs::read_to_string(page).expect("page is UTF-8");
        let rel = page.strip_prefix(site).expect("inside").to_owned();
        anchors.insert(rel, ids.captures_iter(&html).map(|c| unescape(&c[1])).collect());
    }
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let html = std::fs::read_to_string(page).expect("page is UTF-8");
        let rel = page.strip_prefix(site).expect("inside").to_owned();
        for c in attr.captures_iter(&html) {
            let link = unescape(&c[1]);
            if link.starts_with("data:") || link.starts_with("https://") || link.starts_with("http://") {
                continue;
            }
            checked += 1;
            if link.starts_with('/') || link.contains("://") {
                broken.push(format!("{}: `{link}` is not relative", rel.display()));
                continue;
            }
            let (path, fragment) = link.split_once('#').map_or((link.as_str(), None), |(p, f)| (p, Some(f)));
            let path = path.split('?').next().unwrap_or("");
            let target = if path.is_empty() {
                Some(rel.clone())
            } else {
                normalize(&rel.parent().unwrap_or(Path::new("")).join(path))
            };
            let Some(target) = target else {
                broken.push(format!("{}: `{link}` leaves the site", rel.display()));
                continue;
            };
            if !site.join(&target).is_file() {
                broken.push(format!("{}: `{link}` names no file", rel.display()));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty() && !f.contains('='))
                && anchors.get(&target).is_none_or(|a| !a.contains(fragment))
            {
                broken.push(format!("{}: `{link}`: no anchor `{fragment}` in {}", rel.display(), target.display()));
            }
        }
    }
    assert!(broken.is_empty(), "{} broken link(s):\n{}", broken.len(), broken.join("\n"));
    checked
}

#[test]
fn bundled_content_exports_with_every_link_resolving() {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let stats = export_to(
        &[repo("content")],
        &site,
        &ExportOptions { base_url: Some("https://help.example.com/kb/".into()), ..ExportOptions::default() },
    );
    let locales: Vec<&str> = stats.locales.iter().map(|l| l.as_str()).collect();
    assert_eq!(locales[0], "en-us", "the default locale first: {locales:?}");
    for l in ["de-de", "zh-cn", "pl-pl", "sv-se", "pt-br"] {
        assert!(locales.contains(&l), "{l} exported: {locales:?}");
        for page in ["index.html", "search.html", "troubleshoot.html", "404.html"] {
            assert!(site.join(l).join(page).is_file(), "{l}/{page}");
        }
    }
    // One page per translation: an article only in English has no German page,
    // and German readers are sent to the English one.
    let kb = load(&[repo("content")]);
    let en_only = kb.articles.iter().find(|a| a.variants.len() == 1).expect("an English-only article");
    assert!(!site.join(format!("de-de/a/{}.html", en_only.id)).exists());
    assert!(site.join(format!("en-us/a/{}.html", en_only.id)).is_file());
    let home = std::fs::read_to_string(site.join("de-de/index.html")).expect("home");
    assert!(home.contains(&format!("href=\"../en-us/a/{}.html\"", en_only.id)), "German home links the English page");
    let pages: usize = kb.articles.iter().map(|a| a.variants.len()).sum();
    assert_eq!(stats.article_pages, pages, "one page per translation");

    let checked = check_links(&site);
    assert!(checked > 500, "links checked: {checked}");

    // Same rendering as the server: badges, banners, anchors.
    let sv = kb.articles.iter().find(|a| a.variants.get(&locale("sv-se")).is_some_and(|v| v.freshness.is_outdated()));
    let sv = sv.expect("the bundled content has an outdated Swedish translation");
    let page = std::fs::read_to_string(site.join(format!("sv-se/a/{}.html", sv.id))).expect("page");
    let banner = Catalog::embedded().message(&locale("sv-se"), "portal-outdated", &[]);
    assert!(page.contains(&tshoot::render::escape_html(&banner).into_owned()), "outdated banner on {}", sv.id);

    let sitemap = std::fs::read_to_string(site.join("sitemap.xml")).expect("sitemap with --base-url");
    assert!(sitemap.contains("<loc>https://help.example.com/kb/de-de/index.html</loc>"), "{sitemap}");
    assert!(sitemap.contains(&format!("<loc>https://help.example.com/kb/en-us/a/{}.html</loc>", en_only.id)));
}

#[test]
fn seeds_export_with_every_link_resolving() {
    let Some(seeds) = crate::harness::shared("seeds") else { return };
    let out = tempfile::tempdir().expect("temp dir");
    let stats = export_to(&[seeds], out.path(), &ExportOptions::default());
    assert_eq!(stats.article_pages, 5, "one article in five locales");
    assert!(check_links(out.path()) > 50);
}

#[test]
fn export_replaces_an_earlier_export_and_refuses_a_foreign_folder() {
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    let kb = load(&[repo("content")]);
    let templates = Templates::new(None).expect("theme");
    let catalog = Catalog::embedded();
    let de = ExportOptions { locales: vec![locale("de-de")], ..ExportOptions::default() };
    export(&kb, &catalog, &templates, &site, &de, &|_, _| {}).expect("first export");
    std::fs::write(site.join("stale.html"), "old").expect("write");
    export(&kb, &catalog, &templates, &site, &ExportOptions::default(), &|_, _| {}).expect("second export");
    assert!(!site.join("stale.html").exists(), "the earlier export was replaced whole");
    assert!(site.join("zh-cn/index.html").is_file());
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site")
        .collect();
    assert!(leftovers.is_empty(), "no temporary folders left: {leftovers:?}");

    let foreign = out.path().join("documents");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("thesis.txt"), "precious").expect("write");
    let err = export(&kb, &catalog, &templates, &foreign, &ExportOptions::default(), &|_, _| {}).expect_err("refused");
    assert!(err.to_string().contains("refusing to replace"), "{err}");
    assert_eq!(std::fs::read_to_string(foreign.join("thesis.txt")).expect("kept"), "precious");

    let unknown = ExportOptions { locales: vec![locale("fi-fi")], ..ExportOptions::default() };
    let err = export(&kb, &catalog, &templates, &out.path().join("x"), &unknown, &|_, _| {}).expect_err("no fi-fi");
    assert!(err.to_string().contains("fi-fi"), "{err}");
}

#[test]
fn jsonl_export_writes_the_feed_per_locale() {
    let out = tempfile::tempdir().expect("temp dir");
    let options = ExportOptions { format: ExportFormat::Jsonl, ..ExportOptions::default() };
    let stats = export_to(&[repo("content")], out.path(), &options);
    let kb = load(&[repo("content")]);
    for l in &stats.locales {
        let text = std::fs::read_to_string(out.path().join(format!("{l}.jsonl"))).expect("feed file");
        let lines: Vec<serde_json::Value> =
            text.lines().map(|line| serde_json::from_str(line).expect("a JSON object per line")).collect();
        assert_eq!(lines.len(), tshoot::feed::records(&kb, Some(l)).count(), "{l}");
        assert!(lines.iter().all(|r| r["id"].as_str().is_some_and(|id| id.contains('#'))), "{l}");
    }
}

/// The exported site in headless Chromium from `file://`: the locale picker,
/// a German search from the URL, an article, the troubleshooter to a
/// solution, a language switch; no console errors; screenshots.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_site_works_from_file_urls_in_chromium() -> thirtyfour::error::WebDriverResult<()> {
    use thirtyfour::prelude::*;

    use crate::chromium::{Chromium, artifacts, wait_for_text};

    let Some(browser) = Chromium::start().await else { return Ok(()) };
    let out = tempfile::tempdir().expect("temp dir");
    let site = out.path().join("site");
    export_to(&[repo("content")], &site, &ExportOptions::default());
    let base = format!("file://{}", site.canonicalize().expect("site").display());
    let driver = &browser.driver;
    let shots = artifacts();

    let result: WebDriverResult<()> = async {
        // The picker sends an English browser to the English home page.
        driver.goto(format!("{base}/index.html")).await?;
        wait_for_text(driver, "h1", "How can we help?").await?;
        assert!(driver.current_url().await?.as_str().ends_with("/en-us/index.html"));

        // A linkable search, read from the URL, in German.
        driver.goto(format!("{base}/de-de/search.html?q=Agent%20meldet%20sich%20ab")).await?;
        wait_for_text(driver, "#results ol.results li h2 a", "").await?;
        assert_eq!(driver.find(By::Id("q")).await?.value().await?.as_deref(), Some("Agent meldet sich ab"));
        let results = driver.find_all(By::Css("#results ol.results li")).await?;
        let first = results.first().expect("results");
        let link = first.find(By::Css("h2 a")).await?;
        let href = link.attr("href").await?.unwrap_or_default();
        assert!(href.contains("430021-synctokenexpired.html"), "the 430021 article first: {href}");
        driver.screenshot(&shots.join("export-1-search-de.png")).await?;
        link.click().await?;
        wait_for_text(driver, "article h1", "430021").await?;
        driver.screenshot(&shots.join("export-2-article-de.png")).await?;

        // The troubleshooter, from the article, to a solution that fixes it.
        driver.find(By::Css("a.button[href*='troubleshoot.html#article=']")).await?.click().await?;
        wait_for_text(driver, "h2.prompt", "Was davon beobachten Sie?").await?;
        driver.find(By::Css("a.option")).await?.click().await?;
        wait_for_text(driver, "h2.prompt", "Hat das Problem damit aufgehört?").await?;
        assert!(driver.current_url().await?.as_str().contains("troubleshoot.html#s="), "state in the fragment");
        driver.screenshot(&shots.join("export-3-solution-de.png")).await?;
        let yes = driver.find(By::XPath("//a[contains(@class,'option')][contains(., 'Ja, behoben')]")).await?;
        yes.click().await?;
        wait_for_text(driver, "h2.prompt", "Schön, dass es behoben ist!").await?;
        driver.screenshot(&shots.join("export-4-resolved-de.png")).await?;

        // Switch language on an article page: the Polish translation.
        driver.goto(format!("{base}/de-de/a/430021-synctokenexpired.html")).await?;
        driver.find(By::Css("nav.langs a[hreflang='pl-pl']")).await?.click().await?;
        wait_for_text(driver, "article h1", "430021").await?;
        assert!(driver.current_url().await?.as_str().ends_with("/pl-pl/a/430021-synctokenexpired.html"));
        assert_eq!(driver.find(By::Css("html")).await?.attr("lang").await?.as_deref(), Some("pl-pl"));

        // Every bundled locale: an error code search finds its article, and the
        // troubleshooter asks its first question in that locale's words.
        let catalog = Catalog::embedded();
        for l in ["en-us", "de-de", "zh-cn", "pl-pl", "sv-se", "pt-br"] {
            driver.goto(format!("{base}/{l}/search.html?q=0x8007016A")).await?;
            wait_for_text(driver, "#results ol.results li h2 a", "").await?;
            let href = driver.find(By::Css("#results ol.results li h2 a")).await?.attr("href").await?;
            assert!(href.unwrap_or_default().contains("0x8007016a-cloudfileprovidernotrunning.html"), "{l}");
            driver.goto(format!("{base}/{l}/troubleshoot.html#article=0x8007016a-cloudfileprovidernotrunning")).await?;
            let question = catalog.message(&locale(l), "tree-which-symptom", &[]);
            wait_for_text(driver, "h2.prompt", &question).await?;
            driver.find(By::Css("a.option")).await?.click().await?;
            let did_it = catalog.message(&locale(l), "tree-did-it-fix", &[]);
            wait_for_text(driver, "h2.prompt", &did_it).await?;
        }
        driver.screenshot(&shots.join("export-5-solution-pt.png")).await?;
        Ok(())
    }
    .await;
    browser.finish(result).await
}
