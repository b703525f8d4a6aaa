//! A headless Chromium session for browser tests: Debian's `chromium` driven
//! through `chromedriver` on a free port, a fresh profile, killed at the end.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

// Shared with benches/export.rs through `#[path]`: imports only `paths`.
use crate::paths::{repo, required};

/// Kills chromedriver when the test ends, passing or not.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Chromium {
    pub driver: WebDriver,
    _process: Driver,
    _profile: tempfile::TempDir,
}

fn tool(name: &str) -> Option<PathBuf> {
    required(Path::new("/usr/bin").join(name), "scripts/test installs Debian's chromium and chromium-driver")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

impl Chromium {
    /// Starts a browser; `None` (outside CI only) when Chromium is not installed.
    pub async fn start() -> Option<Chromium> {
        let (chromium, chromedriver) = (tool("chromium")?, tool("chromedriver")?);
        let port = free_port();
        let process = Driver(
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
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1200,900",
        ];
        caps.set_binary(&chromium.to_string_lossy()).expect("binary");
        for arg in args {
            caps.add_arg(arg).expect("arg");
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display())).expect("arg");
        caps.set_browser_log_level(thirtyfour::LoggingPrefsLogLevel::All).expect("log level");
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await.expect("webdriver session");
        Some(Chromium { driver, _process: process, _profile: profile })
    }

    /// Errors the pages logged so far (uncaught exceptions, failed loads, `console.error`).
    pub async fn console_errors(&self) -> Vec<String> {
        let log = self.driver.browser_log().await.unwrap_or_default();
        log.into_iter().filter(|e| e.level == "SEVERE").map(|e| e.message).collect()
    }

    /// Ends the session: quits, then fails on the test's error or on any
    /// console error the pages logged.
    pub async fn finish(self, result: WebDriverResult<()>) -> WebDriverResult<()> {
        let errors = self.console_errors().await;
        self.quit().await;
        result?;
        assert!(errors.is_empty(), "console errors: {errors:?}");
        Ok(())
    }

    pub async fn quit(self) {
        let _ = self.driver.quit().await;
    }
}

/// Where screenshots go: `target/test-artifacts/`.
pub fn artifacts() -> PathBuf {
    let dir = repo("target/test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifact folder");
    dir
}

/// Waits up to 10 s for an element matching `css` whose text contains `text`.
pub async fn wait_for_text(driver: &WebDriver, css: &str, text: &str) -> WebDriverResult<()> {
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
