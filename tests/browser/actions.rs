//! What a person does on a page, for [`Browser`]: open an address, read the
//! heading, fill in a field found by its label, choose, tick, press a button,
//! follow a link, and wait for the next page.

use std::time::{Duration, Instant};

use thirtyfour::error::WebDriverErrorInner;
use thirtyfour::prelude::*;

use crate::driver::Browser;

impl Browser {
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
}
