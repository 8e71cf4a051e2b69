//! Headless Chromium driven through chromedriver (WebDriver, with `thirtyfour`).
//! Each [`Browser`] has its own chromedriver on a free loopback port and a
//! fresh profile, so tests share nothing.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
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

    /// Presses keys, as a keyboard does, wherever the focus is.
    pub async fn keys(&self, keys: impl Into<TypingData>) {
        self.driver
            .action_chain()
            .send_keys(keys)
            .perform()
            .await
            .unwrap();
    }

    /// The focused element: its id, or else its text.
    pub async fn focused(&self) -> String {
        let described = self
            .script(
                "const el = document.activeElement; return el.id || el.textContent.trim();",
                vec![],
            )
            .await;
        described.as_str().unwrap_or_default().to_owned()
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
