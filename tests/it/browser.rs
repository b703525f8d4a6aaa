//! The portal in a real headless Chromium (Debian's `chromium` driven through
//! `chromedriver`): home page in German, search, article, troubleshooter to a
//! solution, "yes", and the feedback is stored. Screenshots go to
//! `target/test-artifacts/`.

use thirtyfour::prelude::*;
use tshoot::i18n::Catalog;
use tshoot::web::{AppState, Site};

use crate::chromium::{Chromium, artifacts, wait_for_text};
use crate::harness::{load, repo};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn german_portal_walk_in_chromium_stores_feedback() -> WebDriverResult<()> {
    let Some(browser) = Chromium::start().await else { return Ok(()) };
    let driver = &browser.driver;

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

    let shots = artifacts();

    let result: WebDriverResult<()> = async {
        driver.goto(format!("{base}/de-de/")).await?;
        wait_for_text(driver, "h1", "Wie können wir helfen?").await?;
        driver.screenshot(&shots.join("portal-1-home-de.png")).await?;

        let search = driver.find(By::Id("q")).await?;
        search.send_keys("430021 Anmeldung erforderlich").await?;
        search.send_keys(Key::Enter).await?;
        wait_for_text(driver, "h1", "Suchergebnisse").await?;
        driver.screenshot(&shots.join("portal-2-search.png")).await?;
        let first = driver.find(By::Css("ol.results li h2 a")).await?;
        first.click().await?;
        wait_for_text(driver, "article h1", "430021").await?;
        driver.screenshot(&shots.join("portal-3-article.png")).await?;

        driver.find(By::Css("a.button[href*='troubleshoot?article=']")).await?.click().await?;
        wait_for_text(driver, "h2.prompt", "Was davon beobachten Sie?").await?;
        driver.find(By::Css("a.option")).await?.click().await?;
        wait_for_text(driver, "h2.prompt", "Hat das Problem damit aufgehört?").await?;
        driver.screenshot(&shots.join("portal-4-solution.png")).await?;
        driver.find(By::Css("button.option")).await?.click().await?;
        wait_for_text(driver, "h2.prompt", "Schön, dass es behoben ist!").await?;
        driver.screenshot(&shots.join("portal-5-resolved.png")).await?;
        Ok(())
    }
    .await;
    let finished = browser.finish(result).await;
    let _ = stop.send(());
    let _ = server.await;
    finished?;

    let store = tshoot::feedback::FeedbackStore::open(data.path()).expect("reopen");
    let outcomes = store.outcomes().expect("outcomes");
    assert_eq!(outcomes.iter().map(|o| o.fixed).sum::<u64>(), 1, "the 'yes' was stored: {outcomes:?}");
    assert!(outcomes[0].record.starts_with("430021-synctokenexpired#"), "{outcomes:?}");
    assert!(shots.join("portal-5-resolved.png").exists());
    Ok(())
}
