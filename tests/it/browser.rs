//! The portal in a real headless Chromium (Debian's `chromium` driven through
//! `chromedriver`): home page in German, search, article, troubleshooter to a
//! solution, "yes", and the feedback is stored. Screenshots go to
//! `target/test-artifacts/`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use tshoot::i18n::Catalog;
use tshoot::web::{AppState, Site};

use crate::harness::{load, repo, required};

/// Kills chromedriver when the test ends, passing or not.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tool(name: &str) -> Option<PathBuf> {
    required(Path::new("/usr/bin").join(name), "scripts/test installs Debian's chromium and chromium-driver")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn artifacts() -> PathBuf {
    let dir = repo("target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifact folder");
    dir
}

async fn wait_for_text(driver: &WebDriver, css: &str, text: &str) -> WebDriverResult<()> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok(el) = driver.find(By::Css(css)).await
            && el.text().await.is_ok_and(|t| t.contains(text))
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            let source = driver.source().await.unwrap_or_default();
            panic!("`{css}` never showed `{text}`; page:\n{source}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn german_portal_walk_in_chromium_stores_feedback() -> WebDriverResult<()> {
    let (Some(chromium), Some(chromedriver)) = (tool("chromium"), tool("chromedriver")) else { return Ok(()) };

    // The server, on port 0, with a fresh feedback database.
    let data = tempfile::tempdir().expect("temp dir");
    let site = Site::new(load(&[repo("content")]), Catalog::embedded(), None).expect("site");
    let store = tshoot::feedback::FeedbackStore::open(data.path()).expect("store");
    let state = AppState::new(site).with_feedback(store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(tshoot::web::serve_listener(listener, state, async {
        let _ = stopped.await;
    }));

    // chromedriver on a free port.
    let port = free_port();
    let _driver_process = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver"),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile = tempfile::tempdir().expect("profile dir");
    let mut caps = DesiredCapabilities::chrome();
    caps.set_binary(&chromium.to_string_lossy())?;
    for arg in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1200,900",
    ] {
        caps.add_arg(arg)?;
    }
    caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))?;
    let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await?;
    let shots = artifacts();

    let result: WebDriverResult<()> = async {
        driver.goto(format!("{base}/de-de/")).await?;
        wait_for_text(&driver, "h1", "Wie können wir helfen?").await?;
        driver.screenshot(&shots.join("portal-1-home-de.png")).await?;

        let search = driver.find(By::Id("q")).await?;
        search.send_keys("430021 Anmeldung erforderlich").await?;
        search.send_keys(Key::Enter).await?;
        wait_for_text(&driver, "h1", "Suchergebnisse").await?;
        driver.screenshot(&shots.join("portal-2-search.png")).await?;
        let first = driver.find(By::Css("ol.results li h2 a")).await?;
        first.click().await?;
        wait_for_text(&driver, "article h1", "430021").await?;
        driver.screenshot(&shots.join("portal-3-article.png")).await?;

        driver.find(By::Css("a.button[href*='troubleshoot?article=']")).await?.click().await?;
        wait_for_text(&driver, "h2.prompt", "Was davon beobachten Sie?").await?;
        driver.find(By::Css("a.option")).await?.click().await?;
        wait_for_text(&driver, "h2.prompt", "Hat das Problem damit aufgehört?").await?;
        driver.screenshot(&shots.join("portal-4-solution.png")).await?;
        driver.find(By::Css("button.option")).await?.click().await?;
        wait_for_text(&driver, "h2.prompt", "Schön, dass es behoben ist!").await?;
        driver.screenshot(&shots.join("portal-5-resolved.png")).await?;
        Ok(())
    }
    .await;
    driver.quit().await?;
    let _ = stop.send(());
    let _ = server.await;
    result?;

    let store = tshoot::feedback::FeedbackStore::open(data.path()).expect("reopen");
    let outcomes = store.outcomes().expect("outcomes");
    assert_eq!(outcomes.iter().map(|o| o.fixed).sum::<u64>(), 1, "the 'yes' was stored: {outcomes:?}");
    assert!(outcomes[0].record.starts_with("430021-synctokenexpired#"), "{outcomes:?}");
    assert!(shots.join("portal-5-resolved.png").exists());
    Ok(())
}
