//! The delivery worker, driven pass by pass on the test clock: retries wait
//! for their time, refusals are kept, and a held message waits for its hold.

use unmentoring::db::outbox;

use crate::common::smtp::{Answer, TestSmtp};
use crate::helpers::{spawn_app, spawn_app_with};

/// Longer than any retry delay the test settings allow (`retry_max_ms`).
fn past_any_retry() -> chrono::Duration {
    chrono::Duration::seconds(1)
}

#[tokio::test]
async fn with_the_smtp_server_down_email_waits_and_arrives_when_it_is_back() {
    let smtp = TestSmtp::reserve();
    let app = spawn_app_with(smtp.clone()).await;
    assert_eq!(app.sign_up("jo@example.org").await.status, 303);
    // Several tries fail while nothing listens; the signup is stored all the same.
    for _ in 0..2 {
        assert_eq!(app.deliver().await.retrying, 1);
        assert_eq!(app.deliver().await.retrying, 0, "not again before its time");
        app.clock.advance(past_any_retry());
    }
    assert_eq!(
        app.count("outbox WHERE status = 'queued' AND attempts = 2 AND last_error IS NOT NULL"),
        1
    );
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
    assert_eq!(app.deliver().await.retrying, 1);
    assert_eq!(
        app.count("outbox WHERE attempts = 1 AND last_error LIKE '%451%'"),
        1
    );
    assert_eq!(app.count("outbox WHERE status = 'queued'"), 1);
    app.smtp.answer_with(Answer::Accept);
    assert_eq!(app.deliver().await.sent, 0, "the retry waits for its time");
    app.clock.advance(past_any_retry());
    app.email_for("jo@example.org", 1).await;
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_permanent_refusal_is_recorded_and_not_retried() {
    let app = spawn_app().await;
    app.smtp.answer_with(Answer::Permanent);
    app.sign_up("jo@example.org").await;
    assert_eq!(app.deliver().await.failed, 1);
    app.smtp.answer_with(Answer::Accept);
    // Far past any retry delay: nothing more is tried.
    app.clock.advance(chrono::Duration::hours(1));
    assert_eq!(app.deliver().await, Default::default());
    assert_eq!(
        app.count("outbox WHERE status = 'failed' AND attempts = 1 AND last_error LIKE '%554%'"),
        1
    );
    assert!(app.smtp.received().is_empty());

    // An organiser can put it back in the queue.
    let mut conn = app.pool.get().unwrap();
    let failed = outbox::list(&mut conn, &[outbox::OutboxStatus::Failed]).unwrap();
    assert!(outbox::retry_now(&mut conn, failed[0].id, app.clock.now()).unwrap());
    drop(conn);
    let email = app.email_for("jo@example.org", 1).await;
    assert_eq!(email.message_id, failed[0].content.message_id);
}

#[tokio::test]
async fn a_message_held_by_a_crashed_worker_is_sent_once_the_hold_runs_out() {
    let app = spawn_app().await;
    app.sign_up("jo@example.org").await;
    // Play a worker in another process that took the message and then died:
    // it holds the message for two minutes and never reports back.
    let mut conn = app.pool.get().unwrap();
    let hold_until = app.clock.now() + chrono::Duration::minutes(2);
    let now = app.clock.now();
    let held =
        unmentoring::db::transaction(&mut conn, |c| outbox::claim_due(c, now, hold_until, 10))
            .unwrap();
    assert_eq!(held.len(), 1);
    drop(conn);
    assert_eq!(app.deliver().await.sent, 0, "a held message is left alone");
    app.clock.advance(chrono::Duration::seconds(119));
    assert_eq!(app.deliver().await.sent, 0, "still held");
    assert!(app.smtp.received().is_empty());
    app.clock.advance(chrono::Duration::seconds(2));
    let email = app.email_for("jo@example.org", 1).await;
    assert_eq!(email.message_id, held[0].content.message_id);
    app.assert_all_email_sent().await;
}
