//! Headless Chromium driven through chromedriver (WebDriver, with `thirtyfour`).
//! Each [`Browser`] has its own chromedriver on a free loopback port and a
//! fresh profile, so tests share nothing.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use thirtyfour::error::WebDriverErrorInner;
use thirtyfour::prelude::*;
use thirtyfour::ChromiumLikeCapabilities;

/// The Chromium binary: `CHROME_BIN`, or Debian's `/usr/bin/chromium`.
fn chrome_bin() -> String {
    std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

/// chromedriver: `CHROMEDRIVER`, or Debian's `/usr/bin/chromedriver`.
fn chromedriver_bin() -> String {
    std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".to_owned())
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A chromedriver process, killed when dropped.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    fn start() -> Self {
        let port = free_port();
        let bin = chromedriver_bin();
        let child = Command::new(&bin)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("could not start {bin} ({e}): run the browser tests with `bash tests/browser/run`, which installs it")
            });
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether pages may run JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JavaScript {
    On,
    Off,
}

/// A viewport size in CSS pixels.
#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
}

/// A desktop screen.
pub const DESKTOP: Viewport = Viewport {
    name: "desktop",
    width: 1280,
    height: 800,
};

/// 320 CSS pixels wide: a small phone, or a 1280-pixel screen zoomed to 400%
/// (WCAG 1.4.10 Reflow).
pub const MOBILE: Viewport = Viewport {
    name: "mobile",
    width: 320,
    height: 640,
};

pub struct Browser {
    // Fields drop in order: the session (which closes Chromium) before chromedriver.
    pub driver: WebDriver,
    pub javascript: JavaScript,
    /// Where the server under test listens, like `http://127.0.0.1:PORT`.
    pub base: String,
    _chromedriver: Chromedriver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts headless Chromium with a fresh profile, at desktop size.
    pub async fn start(base: &str, javascript: JavaScript) -> Self {
        let chromedriver = Chromedriver::start();
        let profile = tempfile::tempdir().unwrap();
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(&chrome_bin()).unwrap();
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--lang=en-GB",
            "--window-size=1280,800",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))
            .unwrap();
        if javascript == JavaScript::Off {
            caps.add_experimental_option(
                "prefs",
                json!({ "profile.managed_default_content_settings.javascript": 2 }),
            )
            .unwrap();
        }
        let driver = WebDriver::new(&chromedriver.url, caps)
            .await
            .expect("a Chromium session (is /usr/bin/chromium installed?)");
        let browser = Self {
            driver,
            javascript,
            base: base.trim_end_matches('/').to_owned(),
            _chromedriver: chromedriver,
            _profile: profile,
        };
        browser.set_viewport(DESKTOP).await;
        browser
    }

    /// Closes Chromium, then chromedriver.
    pub async fn quit(self) {
        let Self { driver, .. } = self;
        driver.quit().await.expect("Chromium closes");
    }

    /// A Chrome DevTools Protocol command, sent through chromedriver.
    pub async fn cdp(&self, command: &str, params: Value) -> Value {
        self.driver
            .cdp()
            .send_raw(command, params)
            .await
            .unwrap_or_else(|e| panic!("{command}: {e}"))
    }

    /// Makes the page's layout viewport exactly this size (it stays across
    /// page loads in this tab).
    pub async fn set_viewport(&self, viewport: Viewport) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": viewport.width,
                "height": viewport.height,
                "deviceScaleFactor": 1,
                "mobile": false,
            }),
        )
        .await;
    }

    /// The whole page as a PNG, not just what fits in the viewport.
    pub async fn full_page_png(&self) -> Vec<u8> {
        use base64::Engine;
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({ "format": "png", "captureBeyondViewport": true }),
            )
            .await;
        let data = shot["data"].as_str().expect("screenshot data");
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("base64 PNG")
    }

    /// A path on the server under test, or a full URL.
    pub fn url(&self, path_or_url: &str) -> String {
        if path_or_url.starts_with("http") || path_or_url.starts_with("data:") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.base)
        }
    }

    pub async fn visit(&self, path_or_url: &str) {
        let url = self.url(path_or_url);
        self.driver
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
    }

    pub async fn title(&self) -> String {
        self.driver.title().await.unwrap()
    }

    pub async fn path(&self) -> String {
        let url = self.driver.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The text of `<main>`, as a person sees it.
    pub async fn main_text(&self) -> String {
        self.driver
            .find(By::Tag("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn h1(&self) -> String {
        self.driver
            .find(By::Tag("h1"))
            .await
            .expect("a page heading")
            .text()
            .await
            .unwrap()
    }

    /// The form control that the label with exactly this text is for.
    pub async fn field(&self, label: &str) -> WebElement {
        let labels = self.driver.find_all(By::Tag("label")).await.unwrap();
        for candidate in labels {
            if candidate.text().await.unwrap().trim() == label {
                let id = candidate
                    .attr("for")
                    .await
                    .unwrap()
                    .unwrap_or_else(|| panic!("the label {label:?} has no for="));
                return self.driver.find(By::Id(&id)).await.unwrap_or_else(|_| {
                    panic!("the label {label:?} is for #{id}, which is missing")
                });
            }
        }
        panic!(
            "no label {label:?} on {}:\n{}",
            self.path().await,
            self.main_text().await
        )
    }

    /// Clears the field labelled `label` and types `text` into it.
    pub async fn fill(&self, label: &str, text: &str) {
        let field = self.field(label).await;
        field.clear().await.unwrap();
        if !text.is_empty() {
            field.send_keys(text).await.unwrap();
        }
    }

    /// What the field labelled `label` holds now.
    pub async fn value(&self, label: &str) -> String {
        self.field(label)
            .await
            .value()
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Ticks the checkbox with this id (by clicking the box itself: its
    /// label may hold a link).
    pub async fn tick(&self, id: &str) {
        let checkbox = self.driver.find(By::Id(id)).await.unwrap();
        if !checkbox.is_selected().await.unwrap() {
            checkbox.click().await.unwrap();
        }
        assert!(checkbox.is_selected().await.unwrap(), "#{id} is ticked");
    }

    /// The text of the error summary.
    pub async fn error_summary(&self) -> String {
        self.driver
            .find(By::ClassName("error-summary"))
            .await
            .expect("an error summary")
            .text()
            .await
            .unwrap()
    }

    /// Whether the focused element is the error summary, asked through
    /// WebDriver (so it works with JavaScript switched off in the page).
    pub async fn focus_is_on_error_summary(&self) -> bool {
        let active = self.driver.active_element().await.unwrap();
        active.class_name().await.unwrap().unwrap_or_default() == "error-summary"
    }

    /// Clicks the radio button or checkbox labelled `label`, by its label,
    /// as a person does.
    pub async fn choose(&self, label: &str) {
        let field = self.field(label).await;
        if !field.is_selected().await.unwrap() {
            self.label(label).await.click().await.unwrap();
        }
        assert!(field.is_selected().await.unwrap(), "{label} is chosen");
    }

    async fn label(&self, text: &str) -> WebElement {
        for candidate in self.driver.find_all(By::Tag("label")).await.unwrap() {
            if candidate.text().await.unwrap().trim() == text {
                return candidate;
            }
        }
        panic!("no label {text:?}")
    }

    /// Clicks the button with exactly this text and waits for the next page.
    pub async fn press(&self, text: &str) {
        let buttons = self.driver.find_all(By::Tag("button")).await.unwrap();
        for button in buttons {
            if button.text().await.unwrap().trim() == text {
                return self.click_and_wait(button).await;
            }
        }
        panic!("no button {text:?} on {}", self.path().await)
    }

    /// Clicks the first button whose text starts with `prefix` (the rest may
    /// be visually hidden, like "Retry email 3 to …").
    pub async fn press_starting(&self, prefix: &str) {
        let buttons = self.driver.find_all(By::Tag("button")).await.unwrap();
        for button in buttons {
            if button.text().await.unwrap().trim().starts_with(prefix) {
                return self.click_and_wait(button).await;
            }
        }
        panic!("no button starting {prefix:?} on {}", self.path().await)
    }

    /// Follows the first link to exactly this address.
    pub async fn follow_href(&self, href: &str) {
        let link = self
            .driver
            .find(By::Css(format!("main a[href='{href}']")))
            .await
            .unwrap_or_else(|_| panic!("no link to {href}"));
        self.click_and_wait(link).await;
    }

    /// Follows the link with exactly this text.
    pub async fn follow(&self, text: &str) {
        let link = self
            .driver
            .find(By::LinkText(text))
            .await
            .unwrap_or_else(|_| panic!("no link {text:?}"));
        self.click_and_wait(link).await;
    }

    /// Clicks, then waits until the old page is gone and the new one has loaded.
    async fn click_and_wait(&self, element: WebElement) {
        let old = self.driver.find(By::Tag("html")).await.unwrap();
        element.scroll_into_view().await.unwrap();
        element.click().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // A reference to an element of a page that has gone is stale.
            if let Err(e) = old.tag_name().await {
                if matches!(e.as_inner(), WebDriverErrorInner::StaleElementReference(_)) {
                    break;
                }
            }
            assert!(Instant::now() < deadline, "the page did not change");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.driver.find(By::Tag("footer")).await.is_err() {
            assert!(Instant::now() < deadline, "the new page did not load");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs a script in the page (through WebDriver, which the page's CSP
    /// does not block) and returns its result.
    pub async fn script(&self, source: &str, args: Vec<Value>) -> Value {
        self.driver
            .execute(source, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
            .json()
            .clone()
    }
}

/// Where the suite writes its screenshots: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
