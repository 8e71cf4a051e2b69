//! Signing up with the keyboard alone: Tab moves through the page in order,
//! the arrow keys choose in a radio group, Space ticks, Enter sends.

use thirtyfour::Key;

use crate::driver::{Browser, JavaScript};
use crate::server;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_with_the_keyboard_alone() {
    let app = server::spawn().await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    browser.visit("/").await;

    // The first Tab reaches the skip link, which leads to the content.
    browser.keys(Key::Tab).await;
    assert_eq!(browser.focused().await, "Skip to main content");
    browser.keys(Key::Enter).await;
    assert!(browser
        .driver
        .current_url()
        .await
        .unwrap()
        .as_str()
        .ends_with("#main-content"));

    // Tab on to the form, past the links before it.
    let mut stops = Vec::new();
    while browser.focused().await != "name" {
        browser.keys(Key::Tab).await;
        let focused = browser.focused().await;
        assert!(
            stops.len() < 40 && focused != "Skip to main content",
            "Tab never reached the form: {stops:?}"
        );
        stops.push(focused);
    }
    assert!(stops.contains(&"privacy notice".to_owned()), "{stops:?}");

    // Each field in turn; hints and labels are not in the way.
    let typed = [
        ("name", "Lee Keys"),
        ("email", "lee.keys@example.org"),
        ("phone", "07700 900 983"),
        ("organisation", "Camden Council"),
        ("google_id", ""),
        ("skype", ""),
        // A radio group: one stop, and space chooses "Yes".
        ("share_phone", " "),
        ("topics", "Keyboard shortcuts"),
    ];
    for (i, (id, text)) in typed.iter().enumerate() {
        if i > 0 {
            browser.keys(Key::Tab).await;
        }
        assert_eq!(browser.focused().await, *id);
        if !text.is_empty() {
            browser.keys(*text).await;
        }
    }
    // The radio group is one stop; an arrow key moves the choice.
    browser.keys(Key::Tab).await;
    assert_eq!(browser.focused().await, "cadence");
    browser.keys(Key::Down).await;
    assert_eq!(browser.focused().await, "cadence-every_two_months");
    // Each availability checkbox is a stop of its own; space ticks one.
    browser.keys(Key::Tab).await;
    assert_eq!(browser.focused().await, "availability");
    browser.keys(Key::Space).await;
    for slot in [
        "mon_pm", "tue_am", "tue_pm", "wed_am", "wed_pm", "thu_am", "thu_pm", "fri_am", "fri_pm",
    ] {
        browser.keys(Key::Tab).await;
        assert_eq!(browser.focused().await, format!("availability-{slot}"));
    }
    browser.keys(Key::Tab).await;
    assert_eq!(browser.focused().await, "consent");
    browser.keys(Key::Space).await;
    browser.keys(Key::Tab).await;
    assert_eq!(browser.focused().await, "privacy notice");
    browser.keys(Key::Tab).await;
    assert_eq!(browser.focused().await, "Sign up");
    browser.keys(Key::Enter).await;

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while browser.path().await != "/signup/check-email" {
        assert!(
            std::time::Instant::now() < deadline,
            "the form was not sent"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(browser.h1().await, "Check your email");
    assert_eq!(
        app.count(
            "participants WHERE email = 'lee.keys@example.org' AND name = 'Lee Keys'
             AND phone = '07700 900 983' AND cadence = 'every_two_months' AND topics = 'Keyboard shortcuts'"
        ),
        1
    );
    browser.quit().await;
}
