//! The real server for a browser: the API tests' `TestApp` (a temp SQLite
//! file and the in-process SMTP server), but with `server.base_url` set to the
//! address the browser really uses, so that links in emails, the organiser's
//! session cookie (not `Secure` over http) and the Origin check all work as
//! they do in production.

use unmentoring::configuration::BaseUrl;

use crate::common::mail::ReceivedEmail;
use crate::common::smtp::TestSmtp;
use crate::driver::free_port;
use crate::helpers::{spawn_app_in, TestApp};

pub const ORGANISER_EMAIL: &str = "organiser@example.org";
pub const ORGANISER_PASSWORD: &str = "a long test password";

pub async fn spawn() -> TestApp {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let app = spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), |s| {
        s.server.port = port;
        s.server.base_url = BaseUrl::parse(&base).unwrap();
    })
    .await;
    assert_eq!(app.address, base);
    app
}

/// The first link in `email` to this server's `path_prefix` (like "/confirm/").
pub fn link(app: &TestApp, email: &ReceivedEmail, path_prefix: &str) -> String {
    email.link_to(&app.address, path_prefix)
}

/// Waits for the newest email of this kind (`confirm`, `manage`, `intro` …) to `address`.
pub async fn email_of_kind(app: &TestApp, address: &str, kind: &str) -> ReceivedEmail {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        // The test app's delivery worker sends only when asked.
        app.deliver().await;
        let found = app
            .smtp
            .received()
            .into_iter()
            .rev()
            .find(|e| e.is_for(address) && e.kind == kind);
        if let Some(email) = found {
            return email;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {kind} email for {address}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Signs `email` up and confirms it over plain HTTP (no browser); returns
/// the manage link from the welcome email.
pub async fn confirmed_participant(app: &TestApp, email: &str) -> String {
    assert_eq!(app.sign_up(email).await.status, 303);
    let confirm = email_of_kind(app, email, "confirm").await;
    let page = app
        .post_form(&link(app, &confirm, "/confirm/"), &[("", "")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let welcome = email_of_kind(app, email, "manage").await;
    link(app, &welcome, "/me/")
}

/// A round in the past with one pair, and `links` links that one member
/// published (with a note): enough to fill the learning log.
pub fn published_links(app: &TestApp, links: usize) {
    let ann = app.add_participant("Ann Able", "ann@example.org", "Hackney Council");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Essex County Council");
    let now = app.sql_now();
    app.execute(&format!(
        "INSERT INTO rounds (round_key, trigger, seed, include_all, odd_one_out, started_at,
                             people_due, groups_count, trios, sat_out, forced_repeats, same_organisation_pairs)
         VALUES ('manual:fixture', 'manual', 1, 0, 'trio', datetime({now}, '-20 days'), 2, 1, 0, 0, 0, 0)"
    ));
    app.execute(
        "INSERT INTO group_members (round_id, group_number, participant_id)
         SELECT r.id, 1, p.id FROM rounds r, participants p
         WHERE r.round_key = 'manual:fixture' AND p.email IN ('ann@example.org', 'bob@example.org')",
    );
    app.execute(&format!(
        "INSERT INTO followup_answers (group_member_id, met, note, publish, answered_at, updated_at)
         SELECT id, 'yes', 'We compared how our councils run user research, and agreed to share our interview guides.', 1,
                datetime({now}, '-10 days'), datetime({now}, '-10 days')
         FROM group_members WHERE participant_id IN ({ann}, {bob})"
    ));
    for i in 0..links {
        app.execute(&format!(
            "INSERT INTO shared_links (group_member_id, url, created_at)
             SELECT id, 'https://blog.example.org/ann/post-{i}', datetime({now}, '-{i} minutes')
             FROM group_members WHERE participant_id = {ann}"
        ));
    }
}

/// Runs a round for everyone taking part, for tests whose subject is not the
/// organiser's pages.
pub async fn run_round(app: &TestApp) {
    app.run_round_for_everyone().await;
}
