//! A round queues each introduction as a draft; the delivery worker writes
//! it, with the member's own links, just before its first attempt. A retry
//! sends what was written; a worker whose hold ran out writes nothing; a
//! draft that cannot be written fails alone.

use unmentoring::db;
use unmentoring::db::outbox::{self, OutboxStatus};
use unmentoring::db::participants::{self, Source};
use unmentoring::email::Composer;
use unmentoring::services::intro_drafts;

use crate::common::smtp::Answer;
use crate::fixtures::profile;
use crate::helpers::{spawn_app, TestApp};

const ASH: &str = "ash@example.org";
const BO: &str = "bo@example.org";

/// Ash and Bo, confirmed, paired by a round; returns the round's id.
async fn pair_ash_and_bo(app: &TestApp) -> i64 {
    let now = app.clock.now();
    app.db(|c| {
        participants::insert_confirmed(c, &profile("Ash", ASH, "Leeds"), Source::Signup, now)?;
        participants::insert_confirmed(c, &profile("Bo", BO, "York"), Source::Signup, now)
    });
    app.run_round_for_everyone().await
}

/// The queued introduction to `address`.
fn queued_intro(app: &TestApp, address: &str) -> outbox::QueuedEmail {
    app.db(|c| outbox::list(c, &[OutboxStatus::Queued]))
        .into_iter()
        .find(|e| e.content.to_address == address)
        .expect("a queued introduction")
}

#[tokio::test]
async fn a_retried_introduction_is_sent_as_first_written_with_the_same_links() {
    let app = spawn_app().await;
    pair_ash_and_bo(&app).await;
    assert_eq!(app.count("outbox WHERE draft IS NOT NULL"), 2);
    assert_eq!(app.count("tokens"), 0, "no links before they are written");
    app.smtp.answer_for(ASH, Answer::Temporary);

    let report = app.deliver().await;
    assert_eq!((report.sent, report.retrying), (1, 1));
    let written = queued_intro(&app, ASH);
    assert!(
        written.content.draft.is_none(),
        "written before the first try"
    );
    assert!(written.content.body_text.contains("Bo"));
    let ash_links =
        "tokens WHERE participant_id = (SELECT id FROM participants WHERE name = 'Ash')";
    assert_eq!(
        app.count(ash_links),
        2,
        "a manage link and a follow-up link"
    );

    app.smtp.answer_for(ASH, Answer::Accept);
    app.clock.advance(chrono::Duration::hours(1));
    let report = app.deliver().await;
    assert_eq!(report.sent, 1);
    let sent = app
        .smtp
        .received()
        .into_iter()
        .find(|e| e.is_for(ASH))
        .expect("Ash's introduction arrived");
    assert_eq!(
        sent.text.replace("\r\n", "\n"),
        written.content.body_text.replace("\r\n", "\n"),
        "the retry sent what was written"
    );
    assert_eq!(app.count(ash_links), 2, "no new links for the retry");
    assert_eq!(
        app.count("outbox WHERE status = 'sent' AND body_text = '' AND draft IS NULL"),
        2
    );
}

#[tokio::test]
async fn a_worker_whose_hold_ran_out_writes_nothing() {
    let app = spawn_app().await;
    pair_ash_and_bo(&app).await;
    let now = app.clock.now();
    let claimed = app.db(|c| {
        db::transaction(c, |c| {
            outbox::claim_due(c, now, now + chrono::Duration::minutes(2), 10)
        })
    });
    let stale = claimed[0].hold().unwrap();
    app.clock.advance(chrono::Duration::minutes(3));
    let later = app.clock.now();
    let reclaimed = app.db(|c| {
        db::transaction(c, |c| {
            outbox::claim_due(c, later, later + chrono::Duration::minutes(2), 10)
        })
    });
    assert_eq!(reclaimed.len(), 2, "the holds ran out");

    let composer = Composer::new(&app.settings);
    let written = app.db(|c| {
        db::transaction(c, |c| {
            intro_drafts::write_held(c, &composer, &claimed[0], &stale, later)
        })
    });
    assert!(written.is_none());
    assert_eq!(app.count("tokens"), 0);
    assert_eq!(app.count("outbox WHERE draft IS NOT NULL"), 2);

    let current = reclaimed
        .iter()
        .find(|e| e.id == claimed[0].id)
        .unwrap()
        .hold()
        .unwrap();
    let written = app.db(|c| {
        db::transaction(c, |c| {
            intro_drafts::write_held(c, &composer, &claimed[0], &current, later)
        })
    });
    let written = written.expect("the current holder writes it");
    assert!(written.content.body_text.contains("/followup/"));
    assert_eq!(app.count("tokens"), 2);
    assert_eq!(app.count("outbox WHERE draft IS NOT NULL"), 1);
}

#[tokio::test]
async fn a_draft_that_cannot_be_written_fails_alone() {
    let app = spawn_app().await;
    pair_ash_and_bo(&app).await;
    let broken = queued_intro(&app, ASH).id;
    app.execute(&format!(
        "UPDATE outbox SET draft = 'not a draft' WHERE id = {broken}"
    ));

    let report = app.deliver().await;
    assert_eq!((report.sent, report.failed), (1, 1));
    assert_eq!(
        app.count(&format!(
            "outbox WHERE id = {broken} AND status = 'failed' AND last_error LIKE '%could not be written%'"
        )),
        1
    );
    assert!(app.smtp.received().iter().all(|e| e.is_for(BO)));
    assert_eq!(
        app.count("tokens WHERE participant_id = (SELECT id FROM participants WHERE name = 'Ash')"),
        0,
        "no links were kept for an email that was not sent"
    );
}
