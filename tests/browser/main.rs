//! Browser tests: headless Chromium, driven through chromedriver, against the
//! real server on a loopback port with its own SQLite file and the in-process
//! SMTP server. Every page is checked with axe-core (WCAG 2.2 AA), for labels,
//! visible focus and reflow at 320 CSS pixels, and photographed into
//! `target/screenshots/`.
//!
//! They need Chromium, chromedriver and axe-core, so they only build with the
//! `browser-tests` feature. Run them with `bash tests/browser/run`.
//!
//! - `driver`, `actions`: the browser, and what a person does with it;
//! - `audit`: the checks run on every page;
//! - `server`: the server under test, and fixtures;
//! - `journeys`, `keyboard`, `pages`, `results`, `safety`, `admin`: the tests;
//! - `self_test`: the checks fail on a page with faults.

#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code)]
#[path = "../api/fixtures.rs"]
mod fixtures;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;

mod actions;
mod admin;
mod audit;
mod driver;
mod journeys;
mod keyboard;
mod pages;
mod results;
mod safety;
mod self_test;
mod server;
