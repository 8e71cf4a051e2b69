//! An SMTP server that accepts the connection and then hangs costs one
//! timed-out attempt, counted as a temporary failure, and the worker goes on
//! with the other email. `email.smtp_timeout_seconds` bounds the whole attempt.

use std::time::Duration;

use unmentoring::email::PassReport;

use crate::common::smtp::TestSmtp;
use crate::common::stalling_smtp::{Stall, StallingSmtp};
use crate::helpers::{spawn_app_in, TestApp};

/// The app sending through a server that stalls on its first connection
/// and passes later ones through to a working one, with a 1 s timeout.
async fn app_behind(stall: Stall) -> (TestApp, StallingSmtp) {
    let working = TestSmtp::start();
    let stalling = StallingSmtp::start(stall, 1, &working);
    let port = stalling.port;
    let app = spawn_app_in(tempfile::tempdir().unwrap(), working, |s| {
        s.email.smtp_port = port;
        s.email.smtp_timeout_seconds = 1;
    })
    .await;
    (app, stalling)
}

/// One delivery pass, which must end: without a bound on every wait it
/// would wait for the stalled server for ever. The bound here is generous.
async fn bounded_pass(app: &TestApp) -> PassReport {
    tokio::time::timeout(Duration::from_secs(30), app.deliver())
        .await
        .expect("the delivery pass ended")
}

/// Two emails queued: the first meets the stall, the second goes through.
async fn the_stalled_email_is_retried_and_the_other_is_sent(stall: Stall) {
    let (app, stalling) = app_behind(stall).await;
    assert_eq!(app.sign_up("first@example.org").await.status, 303);
    assert_eq!(app.sign_up("second@example.org").await.status, 303);

    let report = bounded_pass(&app).await;
    assert_eq!(
        report,
        PassReport {
            sent: 1,
            retrying: 1,
            failed: 0
        },
        "{stall:?}"
    );
    assert_eq!(
        app.count(
            "outbox WHERE to_address = 'first@example.org' AND status = 'queued'
             AND attempts = 1 AND last_error LIKE '%did not finish within 1 s%'"
        ),
        1,
        "{stall:?}: the timed-out attempt is a temporary failure"
    );
    let received = app.smtp.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].is_for("second@example.org"));

    // The retry waits for its time, then goes through.
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(bounded_pass(&app).await.sent, 1, "{stall:?}");
    app.assert_all_email_sent().await;
    assert!(app.smtp.received()[1].is_for("first@example.org"));
    assert!(stalling.connections() >= 2);
}

#[tokio::test]
async fn a_server_that_never_greets_costs_one_timed_out_attempt() {
    the_stalled_email_is_retried_and_the_other_is_sent(Stall::BeforeGreeting).await;
}

#[tokio::test]
async fn a_server_that_stalls_after_rcpt_to_costs_one_timed_out_attempt() {
    // The stalled connection must not be used again for the next email.
    the_stalled_email_is_retried_and_the_other_is_sent(Stall::AfterRcpt).await;
}

#[tokio::test]
async fn the_timeout_bounds_the_whole_attempt_not_only_each_wait() {
    // Every answer comes within the timeout, but the conversation takes longer.
    let slow = Stall::SlowReplies(Duration::from_millis(400));
    the_stalled_email_is_retried_and_the_other_is_sent(slow).await;
}
