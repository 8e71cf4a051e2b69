//! The public results page, empty and with two published rounds (so that
//! the chart draws lines and the comparison shows), audited like every page.

use chrono::Duration;
use unmentoring::domain::{Met, ValidFollowup};

use crate::audit::Audit;
use crate::driver::{Browser, JavaScript};
use crate::fixtures::followup;
use crate::helpers::TestApp;
use crate::server;

/// A round `days_ago` with five pairs, the last two matched (set directly:
/// the round runner picks arms by its seed), everyone answering.
fn published_round(app: &TestApp, days_ago: i64, first: usize) {
    let people: Vec<i64> = (first..first + 10)
        .map(|n| {
            app.add_participant(
                &format!("Person {n}"),
                &format!("p{n}@example.org"),
                "A Council",
            )
        })
        .collect();
    let groups: Vec<&[i64]> = people.chunks(2).collect();
    let now = app.clock.now();
    let round = app.add_round(now - Duration::days(days_ago), &groups);
    app.execute(&format!(
        "UPDATE meetings SET arm = 'matched' WHERE round_id = {round} AND group_number IN \
         (SELECT group_number FROM group_members WHERE round_id = {round} AND participant_id IN ({}, {}))",
        people[6], people[8]
    ));
    for (i, &person) in people.iter().enumerate() {
        let answer = ValidFollowup {
            challenged: Some(Some(1 + (i % 5) as u8)),
            would_repeat: Some(Some(i % 2 == 0)),
            new_connection: Some(Some(i % 3 == 0)),
            ..followup(if i % 4 == 3 { Met::No } else { Met::Yes })
        };
        app.answer(
            app.member_of(round, person),
            &answer,
            now - Duration::days(days_ago - 3),
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_results_page_empty_and_with_figures() {
    let app = server::spawn().await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    browser.visit("/").await;
    browser.follow("Results").await;
    assert_eq!(browser.h1().await, "Results");
    assert!(browser.main_text().await.contains("No results yet"));
    audit.check(&browser, "results-empty").await;

    published_round(&app, 40, 1);
    published_round(&app, 10, 11);
    browser.visit("/results").await;
    let text = browser.main_text().await;
    assert!(text.contains("A comparison is running"), "{text}");
    assert!(text.contains("Round by round"), "{text}");
    audit.check(&browser, "results-with-figures").await;

    // The organisers' Results page, with the same rounds.
    app.add_organiser("results@example.org", "a long organiser password");
    browser.visit("/admin/login").await;
    browser.fill("Email address", "results@example.org").await;
    browser.fill("Password", "a long organiser password").await;
    browser.press("Sign in").await;
    browser.follow("Results").await;
    assert_eq!(browser.path().await, "/admin/results");
    let text = browser.main_text().await;
    assert!(text.contains("Not enough answers yet"), "{text}");
    audit.check(&browser, "admin-results").await;

    browser.quit().await;
    audit.finish();
}
