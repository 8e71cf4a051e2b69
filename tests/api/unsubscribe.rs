//! One-click unsubscribe (RFC 8058): every email to a person carries its own
//! List-Unsubscribe link; a mail program's POST (no cookie, no form token)
//! stops every email the person did not ask for, and a GET changes nothing.

use crate::common::mail::ReceivedEmail;
use crate::common::smtp::{Answer, TestSmtp};
use crate::helpers::{spawn_app, spawn_app_in, TestApp};

const ONE_CLICK: &str = "List-Unsubscribe=One-Click";

/// What a mail provider sends: a fresh client, no cookies, only the body.
async fn one_click(app: &TestApp, email: &ReceivedEmail) -> reqwest::StatusCode {
    reqwest::Client::new()
        .post(app.local(&email.unsubscribe_link()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(ONE_CLICK)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn every_email_to_a_person_carries_its_own_one_click_link() {
    let app = spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), |s| {
        s.organisation.contact_email = Some("hello@council.example".parse().unwrap());
    })
    .await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    let all = app.smtp.received();
    let confirm = &all[0];
    assert_eq!(confirm.kind, "confirm", "sent before they confirmed");
    for email in [confirm, &welcome] {
        let header = email.list_unsubscribe.as_deref().unwrap();
        assert!(
            header.starts_with(&format!("<{}/unsubscribe/", app.link_base())),
            "{header}"
        );
        assert!(
            header.ends_with(", <mailto:hello@council.example?subject=Unsubscribe>"),
            "{header}"
        );
        assert_eq!(email.list_unsubscribe_post.as_deref(), Some(ONE_CLICK));
    }
    assert_ne!(confirm.unsubscribe_link(), welcome.unsubscribe_link());
    assert_eq!(
        app.count("outbox WHERE unsubscribe_token IS NOT NULL"),
        0,
        "the raw link is not kept once sent"
    );
    assert_eq!(app.count("unsubscribe_links"), 2, "stored hashed, one each");
}

#[tokio::test]
async fn a_get_shows_a_button_and_changes_nothing() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    let page = app.get(&welcome.unsubscribe_link()).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page
        .body
        .contains("name=\"List-Unsubscribe\" value=\"One-Click\""));
    assert_eq!(
        app.count("participants WHERE status = 'active' AND unsubscribed_at IS NULL"),
        1
    );

    let unknown = app.get("/unsubscribe/not-a-real-link").await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.body.contains("This unsubscribe link does not work"));
}

#[tokio::test]
async fn the_one_click_post_pauses_once_and_the_manage_page_offers_resume_and_leave() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    assert_eq!(one_click(&app, &welcome).await, 200);
    let unsubscribed = "participants WHERE status = 'paused' AND paused_until IS NULL AND unsubscribed_at IS NOT NULL";
    assert_eq!(app.count(unsubscribed), 1);

    app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(one_click(&app, &welcome).await, 200, "again: still fine");
    assert_eq!(app.count(unsubscribed), 1);
    assert_eq!(
        app.count("participants WHERE unsubscribed_at = updated_at"),
        1,
        "the second press changed nothing"
    );

    let manage = welcome.link_to(app.link_base(), "/me/");
    let page = app.get(&manage).await;
    assert!(
        page.body.contains("Unsubscribed from our emails"),
        "{}",
        page.body
    );
    assert!(page.body.contains("/resume\""));
    assert!(page.body.contains("/leave\""));

    assert_eq!(
        app.post_form(&format!("{manage}/resume"), &[("", "")])
            .await
            .status,
        303
    );
    assert_eq!(
        app.count("participants WHERE status = 'active' AND unsubscribed_at IS NULL"),
        1
    );
}

#[tokio::test]
async fn unsubscribing_during_a_round_frees_the_partner() {
    let app = spawn_app().await;
    let intro = app.pair_ann_and_bob().await;
    assert_eq!(one_click(&app, &intro).await, 200);
    assert_eq!(
        app.count("rematch_requests WHERE reason = 'partner_declined'"),
        1,
        "Bob is not left waiting for Ann: he is in the rematch pool"
    );
    assert_eq!(app.count("group_members WHERE left_reason = 'declined'"), 1);
    app.deliver().await;
    assert_eq!(app.kinds_for("ann@example.org"), ["intro"]);
}

#[tokio::test]
async fn after_unsubscribing_only_what_the_person_asks_for_is_sent() {
    let app = spawn_app().await;
    let intro = app.pair_ann_and_bob().await;
    // The round is over; the follow-ups fall due, and Ann unsubscribes.
    let after = i64::from(app.settings.followup.after_days) + 1;
    app.clock.advance(chrono::Duration::days(after));
    assert_eq!(one_click(&app, &intro).await, 200);
    app.jobs().send_reminders().await.unwrap();
    app.deliver().await;
    assert_eq!(app.kinds_for("bob@example.org"), ["intro", "followup"]);
    assert_eq!(app.kinds_for("ann@example.org"), ["intro"]);

    // Asking for one's own link (signing up again) is still answered.
    assert_eq!(app.sign_up("ann@example.org").await.status, 303);
    app.deliver().await;
    assert_eq!(app.kinds_for("ann@example.org"), ["intro", "manage"]);
}

#[tokio::test]
async fn someone_not_yet_confirmed_can_unsubscribe_and_still_confirm_later() {
    let app = spawn_app().await;
    assert_eq!(app.sign_up("kim@example.org").await.status, 303);
    let confirm = app.email_for("kim@example.org", 1).await;
    assert_eq!(one_click(&app, &confirm).await, 200);
    assert_eq!(
        app.count("participants WHERE status = 'pending' AND unsubscribed_at IS NOT NULL"),
        1
    );
    let link = confirm.link_to(app.link_base(), "/confirm/");
    assert_eq!(app.post_form(&link, &[("", "")]).await.status, 303);
    assert_eq!(
        app.count("participants WHERE status = 'active' AND unsubscribed_at IS NULL"),
        1,
        "confirming is asking for emails again"
    );
}

#[tokio::test]
async fn a_retried_email_carries_the_link_issued_for_its_first_attempt() {
    let app = spawn_app().await;
    app.smtp.answer_with(Answer::Temporary);
    assert_eq!(app.sign_up("kim@example.org").await.status, 303);
    assert_eq!(app.deliver().await.retrying, 1);
    assert_eq!(app.count("outbox WHERE unsubscribe_token IS NOT NULL"), 1);
    assert_eq!(app.count("unsubscribe_links"), 1);

    app.smtp.answer_with(Answer::Accept);
    app.clock.advance(chrono::Duration::hours(1));
    let confirm = app.email_for("kim@example.org", 1).await;
    assert_eq!(app.count("unsubscribe_links"), 1, "no second link");
    assert_eq!(app.get(&confirm.unsubscribe_link()).await.status, 200);
}
