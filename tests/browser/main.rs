//! Browser tests: headless Chromium, driven through chromedriver, against the
//! real server on a loopback port with its own SQLite file and the in-process
//! SMTP server. Every page is checked with axe-core (WCAG 2.2 AA), for labels,
//! for reflow at 320 CSS pixels, and photographed into `target/screenshots/`.
//!
//! They need Chromium, chromedriver and axe-core, so they only build with the
//! `browser-tests` feature. Run them with `bash tests/browser/run`.

#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

mod admin;
mod audit;
mod driver;
mod journeys;
mod pages;
mod server;
