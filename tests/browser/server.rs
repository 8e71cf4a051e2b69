//! The real server for a browser: the API tests' `TestApp` (a temp SQLite
//! file and the in-process SMTP server), but with `server.base_url` set to the
//! address the browser really uses, so that links in emails, the organiser's
//! session cookie (not `Secure` over http) and the Origin check all work as
//! they do in production.

use chrono::Duration;
use unmentoring::configuration::BaseUrl;
use unmentoring::domain::{Met, ValidFollowup};

use crate::common::mail::ReceivedEmail;
use crate::common::smtp::TestSmtp;
use crate::driver::free_port;
use crate::fixtures::followup;
use crate::helpers::{spawn_app_in, TestApp};

pub const ORGANISER_EMAIL: &str = "organiser@example.org";
pub const ORGANISER_PASSWORD: &str = "a long test password";

pub async fn spawn() -> TestApp {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let app = spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), |s| {
        s.server.port = port;
        s.server.base_url = BaseUrl::parse(&base).unwrap();
        s.organisation.contact_email = Some("organisers@example.org".parse().unwrap());
        s.organisation.privacy_contact = Some("dpo@example.org".parse().unwrap());
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
    let now = app.clock.now();
    let round = app.add_round(now - Duration::days(20), &[&[ann, bob]]);
    let answer = ValidFollowup {
        note: Some(Some("We compared how our councils run user research, and agreed to share our interview guides.".into())),
        publish: Some(true),
        ..followup(Met::Yes)
    };
    for person in [ann, bob] {
        app.answer(
            app.member_of(round, person),
            &answer,
            now - Duration::days(10),
        );
    }
    let ann_member = app.member_of(round, ann);
    for i in 0..links {
        let url = format!("https://blog.example.org/ann/post-{i}");
        let more = ValidFollowup {
            urls: vec![crate::fixtures::link(&url)],
            ..followup(Met::Yes)
        };
        let minutes = i64::try_from(i).unwrap();
        app.answer(ann_member, &more, now - Duration::minutes(minutes));
    }
}

/// Runs a round for everyone taking part, for tests whose subject is not the
/// organiser's pages.
pub async fn run_round(app: &TestApp) {
    app.run_round_for_everyone().await;
}
