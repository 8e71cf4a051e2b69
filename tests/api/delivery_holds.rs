//! Delivery workers in several processes share one outbox: a claim holds a
//! message for a while, and a worker records what happened to a message only
//! while its hold is still its own. A hold that ran out (a worker stalled or
//! killed) may be claimed by another worker, whose result then counts.

use std::time::Duration;

use unmentoring::db::{self, outbox};

use crate::common::smtp::TestSmtp;
use crate::common::stalling_smtp::{Stall, StallingSmtp};
use crate::helpers::{spawn_app, spawn_app_in, TestApp};

/// Claims what is due as another worker would, holding it for `hold`.
fn claim_as_another_worker(app: &TestApp, hold: chrono::Duration) -> Vec<outbox::QueuedEmail> {
    let mut conn = app.pool.get().unwrap();
    let now = app.clock.now();
    db::transaction(&mut conn, |c| outbox::claim_due(c, now, now + hold, 10)).unwrap()
}

fn hold_of(email: &outbox::QueuedEmail) -> outbox::Hold {
    email.hold().expect("a claimed email has a hold")
}

#[tokio::test]
async fn a_worker_whose_hold_ran_out_cannot_record_over_the_next_holder() {
    let app = spawn_app().await;
    app.sign_up("jo@example.org").await;
    let first = claim_as_another_worker(&app, chrono::Duration::minutes(2));
    assert_eq!(first.len(), 1);
    let stale = hold_of(&first[0]);
    app.clock.advance(chrono::Duration::minutes(3));
    let second = claim_as_another_worker(&app, chrono::Duration::minutes(2));
    assert_eq!(second.len(), 1, "a hold that ran out can be claimed again");
    let current = hold_of(&second[0]);
    assert_eq!(current.id, stale.id);
    assert!(current.until > stale.until);

    let mut conn = app.pool.get().unwrap();
    let now = app.clock.now();
    assert!(!outbox::is_held(&mut conn, &stale).unwrap());
    assert!(!outbox::mark_retry(&mut conn, &stale, "451 later", now).unwrap());
    assert!(!outbox::mark_sent_held(&mut conn, &stale, now).unwrap());
    assert_eq!(
        app.count("outbox WHERE status = 'queued' AND attempts = 0 AND last_error IS NULL"),
        1,
        "the stale worker changed nothing"
    );
    assert_eq!(
        outbox::release(&mut conn, &[stale.id], stale.until).unwrap(),
        0
    );
    assert!(outbox::is_held(&mut conn, &current).unwrap());
    assert!(outbox::mark_sent_held(&mut conn, &current, now).unwrap());
    assert_eq!(
        app.count("outbox WHERE status = 'sent' AND attempts = 1"),
        1
    );
    assert!(
        !outbox::mark_sent_held(&mut conn, &current, now).unwrap(),
        "once"
    );
}

#[tokio::test]
async fn a_claim_takes_the_longest_waiting_first_not_the_first_queued() {
    let app = spawn_app().await;
    app.sign_up("first@example.org").await;
    app.sign_up("second@example.org").await;
    let first = claim_as_another_worker(&app, chrono::Duration::minutes(2));
    assert_eq!(first.len(), 2);
    let mut conn = app.pool.get().unwrap();
    let now = app.clock.now();
    // The first is due again a second after the second: by id it would come first.
    for (email, wait) in first.iter().zip([2, 1]) {
        let retry_at = now + chrono::Duration::seconds(wait);
        let failed = outbox::mark_retry(&mut conn, &hold_of(email), "451 later", retry_at);
        assert!(failed.unwrap());
    }
    let second_id = first[1].id;
    app.clock.advance(chrono::Duration::seconds(5));
    let now = app.clock.now();
    let one = db::transaction(&mut conn, |c| {
        outbox::claim_due(c, now, now + chrono::Duration::minutes(2), 1)
    })
    .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].id, second_id, "the one waiting since longer");
}

/// The app sending through a server whose first connection stalls after
/// RCPT TO until the 5 s SMTP timeout; later connections go through.
async fn app_behind_a_stall() -> (TestApp, StallingSmtp) {
    let working = TestSmtp::start();
    let stalling = StallingSmtp::start(Stall::AfterRcpt, 1, &working);
    let port = stalling.port;
    let app = spawn_app_in(tempfile::tempdir().unwrap(), working, |s| {
        s.email.smtp_port = port;
        s.email.smtp_timeout_seconds = 5;
    })
    .await;
    (app, stalling)
}

/// The worker claims both emails and meets the stall with the first.
/// Meanwhile `later` passes, its hold (60 s) runs out, and another worker
/// claims both: the worker records nothing and sends nothing more.
async fn stalled_and_taken_over(later: chrono::Duration) {
    let (app, stalling) = app_behind_a_stall().await;
    app.sign_up("first@example.org").await;
    app.sign_up("second@example.org").await;

    let other_worker = async {
        while stalling.connections() == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        app.clock.advance(later);
        claim_as_another_worker(&app, chrono::Duration::minutes(2))
    };
    let pass = tokio::time::timeout(Duration::from_secs(60), app.deliver());
    let (report, taken) = tokio::join!(pass, other_worker);
    let report = report.expect("the delivery pass ended");

    assert_eq!(taken.len(), 2, "the other worker took both over");
    assert_eq!(report, Default::default(), "nothing recorded, nothing sent");
    assert!(
        app.smtp.received().is_empty(),
        "the second email was left to the worker that holds it now"
    );
    assert_eq!(
        app.count("outbox WHERE status = 'queued' AND attempts = 0 AND last_error IS NULL"),
        2,
        "the timed-out attempt is not recorded over the new holder's claim"
    );

    // The other worker dies too; once its hold runs out, both are sent once.
    app.clock.advance(chrono::Duration::minutes(3));
    assert_eq!(app.deliver().await.sent, 2);
    assert_eq!(app.smtp.received().len(), 2);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_worker_whose_hold_ran_out_mid_batch_leaves_the_rest_to_the_new_holder() {
    stalled_and_taken_over(chrono::Duration::seconds(61)).await;
}

#[tokio::test]
async fn a_worker_whose_hold_ran_out_does_not_give_up_on_a_message_another_holds() {
    // Past `email.give_up_after_hours` (72): the timed-out attempt would
    // fail the message for good, had the hold still been the worker's.
    stalled_and_taken_over(chrono::Duration::hours(73)).await;
}
