//! A 550 on an introduction, and a 4xx for longer than `email.give_up_after_hours`.

use crate::bounces::{add_organisers, alerts, status_of, ORGANISERS};
use crate::common::smtp::{Answer, TestSmtp};
use crate::helpers::{spawn_app, spawn_app_in, TestApp};

/// Ann and Bob in one round; Bob's mail server refuses him.
async fn bob_refused(app: &TestApp) -> (i64, i64, i64) {
    add_organisers(app);
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.smtp.answer_for("bob@example.org", Answer::NoMailbox);
    let round = app.run_round_for_everyone().await;
    (ann, bob, round)
}

#[tokio::test]
async fn a_refused_introduction_makes_its_person_bouncing_and_frees_their_partner() {
    let app = spawn_app().await;
    let (ann, bob, round) = bob_refused(&app).await;
    let pass = app.deliver().await;
    assert_eq!(
        (pass.sent, pass.failed),
        (3, 1),
        "Ann's intro and two alerts"
    );

    assert_eq!(
        app.count("outbox WHERE kind = 'intro' AND status = 'failed' AND last_error LIKE '%550%'"),
        1
    );
    assert_eq!(status_of(&app, bob), "bouncing");
    assert_eq!(status_of(&app, ann), "active");
    let bounce = format!(
        "bounces WHERE participant_id = {bob} AND source = 'refused' AND detail LIKE '%550%' \
         AND detail NOT LIKE '%@%' AND outbox_id IS NOT NULL AND alerted_at IS NOT NULL"
    );
    assert_eq!(app.count(&bounce), 1);
    // Bob is out of the group; Ann waits in the pool for a new partner.
    let left = |who: i64, reason: &str| {
        format!("group_members WHERE round_id = {round} AND participant_id = {who} AND left_reason = '{reason}' AND left_at IS NOT NULL")
    };
    assert_eq!(app.count(&left(bob, "bounced")), 1);
    assert_eq!(app.count(&left(ann, "rematching")), 1);
    assert_eq!(
        app.count(&format!("rematch_requests WHERE participant_id = {ann} AND round_id = {round} AND reason = 'partner_bounced' AND matched_at IS NULL")),
        1
    );

    let alerts = alerts(&app);
    assert_eq!(alerts.len(), 2, "one alert to each organiser");
    for organiser in ORGANISERS {
        let alert = alerts
            .iter()
            .find(|a| a.is_for(organiser))
            .expect("an alert");
        assert!(alert.text.contains("Bob Baker"), "{}", alert.text);
        assert!(
            alert.text.contains("their introduction (round"),
            "{}",
            alert.text
        );
        assert!(!alert.raw.contains("bob@example.org"), "{}", alert.raw);
        let list = format!("{}/admin/participants?status=bouncing", app.link_base());
        assert!(alert.text.contains(&list), "{}", alert.text);
    }
    // Nothing more: no second alert, no retry.
    app.clock.advance(chrono::Duration::hours(2));
    assert_eq!(app.deliver().await, Default::default());
}

#[tokio::test]
async fn a_trio_member_bouncing_leaves_a_pair_and_nobody_in_the_pool() {
    let app = spawn_app().await;
    add_organisers(&app);
    for (name, email) in [
        ("Ann", "ann@example.org"),
        ("Bob", "bob@example.org"),
        ("Cy", "cy@example.org"),
    ] {
        app.add_participant(name, email, name);
    }
    app.smtp.answer_for("cy@example.org", Answer::NoMailbox);
    app.run_round_for_everyone().await;
    assert_eq!(app.deliver().await.failed, 1);
    assert_eq!(app.count("participants WHERE status = 'bouncing'"), 1);
    assert_eq!(app.count("group_members WHERE left_reason = 'bounced'"), 1);
    assert_eq!(app.count("group_members WHERE left_at IS NULL"), 2);
    assert_eq!(app.count("rematch_requests"), 0);
}

#[tokio::test]
async fn email_that_is_no_participants_just_fails() {
    let app = spawn_app().await;
    add_organisers(&app);
    // A signup not yet confirmed is not taking part: no bounce, no alert.
    app.smtp.answer_for("new@example.org", Answer::NoMailbox);
    app.sign_up("new@example.org").await;
    assert_eq!(app.deliver().await.failed, 1);
    assert_eq!(app.count("participants WHERE status = 'pending'"), 1);
    assert_eq!(app.count("bounces"), 0);
    assert!(alerts(&app).is_empty());
}

#[tokio::test]
async fn a_temporary_failure_is_given_up_after_give_up_after_hours() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir, TestSmtp::start(), |s| s.email.give_up_after_hours = 3).await;
    let (_, bob, _) = bob_refused(&app).await;
    app.smtp.answer_for("bob@example.org", Answer::Temporary);
    assert_eq!(app.deliver().await.retrying, 1);
    // Retried all along (each retry waits less than a minute here).
    for _ in 0..(3 * 60 - 1) {
        app.clock.advance(chrono::Duration::minutes(1));
        let pass = app.deliver().await;
        assert_eq!((pass.retrying, pass.failed), (1, 0));
    }
    assert_eq!(
        status_of(&app, bob),
        "active",
        "not before the give-up time"
    );
    assert_eq!(app.count("bounces"), 0);

    app.clock.advance(chrono::Duration::minutes(1));
    let pass = app.deliver().await;
    assert_eq!((pass.retrying, pass.failed, pass.sent), (0, 1, 2));
    assert_eq!(status_of(&app, bob), "bouncing");
    assert_eq!(
        app.count("outbox WHERE kind = 'intro' AND status = 'failed' AND last_error LIKE '%give_up_after_hours%451%'"),
        1
    );
    assert_eq!(
        app.count(&format!(
            "bounces WHERE participant_id = {bob} AND source = 'gave_up'"
        )),
        1
    );
    assert_eq!(alerts(&app).len(), 2);
}
