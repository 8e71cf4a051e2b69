use std::time::{Duration, Instant};

use unmentoring::db::{self, outbox};

use crate::common::smtp::{Answer, TestSmtp};
use crate::helpers::{spawn_app, spawn_app_with};

async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn with_the_smtp_server_down_email_waits_and_arrives_when_it_is_back() {
    let smtp = TestSmtp::reserve();
    let app = spawn_app_with(smtp.clone()).await;
    assert_eq!(app.sign_up("jo@example.org").await.status, 303);
    // Several tries fail while nothing listens; the signup is stored all the same.
    wait_until("failed tries", || {
        app.count("outbox WHERE status = 'queued' AND attempts >= 2 AND last_error IS NOT NULL")
            == 1
    })
    .await;
    assert_eq!(app.count("participants"), 1);
    assert!(smtp.received().is_empty());

    smtp.listen();
    let email = app.email_for("jo@example.org", 1).await;
    assert_eq!(email.kind, "confirm");
    app.assert_all_email_sent().await;
    assert_eq!(smtp.received().len(), 1, "sent once");
}

#[tokio::test]
async fn a_temporary_refusal_is_retried() {
    let app = spawn_app().await;
    app.smtp.answer_with(Answer::Temporary);
    app.sign_up("jo@example.org").await;
    wait_until("a refused try", || {
        app.count("outbox WHERE attempts >= 1 AND last_error LIKE '%451%'") == 1
    })
    .await;
    assert_eq!(app.count("outbox WHERE status = 'queued'"), 1);
    app.smtp.answer_with(Answer::Accept);
    app.email_for("jo@example.org", 1).await;
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_permanent_refusal_is_recorded_and_not_retried() {
    let app = spawn_app().await;
    app.smtp.answer_with(Answer::Permanent);
    app.sign_up("jo@example.org").await;
    wait_until("a failure", || {
        app.count("outbox WHERE status = 'failed'") == 1
    })
    .await;
    app.smtp.answer_with(Answer::Accept);
    // Far longer than the retry delay: nothing more is tried.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        app.count("outbox WHERE status = 'failed' AND attempts = 1 AND last_error LIKE '%554%'"),
        1
    );
    assert!(app.smtp.received().is_empty());

    // An organiser can put it back in the queue.
    let mut conn = app.pool.get().unwrap();
    let failed = outbox::list(&mut conn, &[outbox::FAILED]).unwrap();
    assert!(outbox::retry_now(&mut conn, failed[0].id, db::now()).unwrap());
    drop(conn);
    let email = app.email_for("jo@example.org", 1).await;
    assert_eq!(email.message_id, failed[0].message_id);
}

#[tokio::test]
async fn a_message_held_by_a_crashed_worker_is_sent_once_the_hold_runs_out() {
    let smtp = TestSmtp::reserve();
    let app = spawn_app_with(smtp.clone()).await;
    app.sign_up("jo@example.org").await;
    wait_until("a failed try", || {
        app.count("outbox WHERE attempts >= 1") == 1
    })
    .await;
    // Play a worker in another process that took the message and then died:
    // it holds the message for two seconds and never reports back.
    let mut conn = app.pool.get().unwrap();
    let soon = db::now() + chrono::Duration::seconds(2);
    app.execute("UPDATE outbox SET next_attempt_at = '2000-01-01 00:00:00'");
    let held = outbox::claim_due(&mut conn, db::now(), soon, 10).unwrap();
    assert_eq!(held.len(), 1);
    drop(conn);
    smtp.listen();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(smtp.received().is_empty(), "a held message is left alone");
    let email = app.email_for("jo@example.org", 1).await;
    assert_eq!(email.message_id, held[0].message_id);
    app.assert_all_email_sent().await;
}
