//! The nudge, "Have you found a time?": once per group, `followup.nudge_days`
//! after the introduction, only to groups that have neither arranged a time
//! nor answered, each email with its recipient's own links only.

use chrono::Duration;
use unmentoring::db::meetings;
use unmentoring::domain::Met;
use unmentoring::services::housekeeping::Jobs;

use crate::common::mail::ReceivedEmail;
use crate::fixtures::followup;
use crate::helpers::{spawn_app, TestApp};

/// The hourly jobs, with the app's settings (`followup.nudge_days` = 5).
pub fn jobs(app: &TestApp) -> Jobs {
    app.jobs()
}

/// Ann and Bob, introduced by a round now; returns the round's id.
pub async fn ann_and_bob(app: &TestApp) -> i64 {
    app.add_participant("Ann Able", "ann@example.org", "Leeds City Council");
    app.add_participant("Bob Baker", "bob@example.org", "Kent County Council");
    let round = app.run_round_for_everyone().await;
    app.wait_for_emails(2).await;
    round
}

/// The nudges sent so far.
pub fn nudges(app: &TestApp) -> Vec<ReceivedEmail> {
    app.smtp
        .received()
        .into_iter()
        .filter(|e| e.kind == "nudge")
        .collect()
}

/// Moves the clock to `followup.nudge_days` after now and runs the job.
pub async fn nudge_day(app: &TestApp) -> usize {
    app.clock.advance(Duration::days(5));
    let queued = jobs(app).send_nudges().await.unwrap();
    app.deliver().await;
    queued
}

#[tokio::test]
async fn a_group_is_nudged_once_after_nudge_days_and_never_again() {
    let app = spawn_app().await;
    ann_and_bob(&app).await;

    app.clock.advance(Duration::days(4) + Duration::hours(23));
    assert_eq!(jobs(&app).send_nudges().await.unwrap(), 0, "too soon");
    app.clock.advance(Duration::hours(1));
    assert_eq!(jobs(&app).send_nudges().await.unwrap(), 2, "one each");
    assert_eq!(jobs(&app).send_nudges().await.unwrap(), 0, "never twice");
    app.clock.advance(Duration::days(3));
    assert_eq!(
        jobs(&app).send_nudges().await.unwrap(),
        0,
        "not later either"
    );
    assert_eq!(app.count("meetings WHERE nudged_at IS NOT NULL"), 1);

    app.deliver().await;
    let sent = nudges(&app);
    assert_eq!(sent.len(), 2);
    let ann = sent.iter().find(|e| e.is_for("ann@example.org")).unwrap();
    assert_eq!(
        ann.subject,
        "UnMentoring: have you found a time to meet Bob Baker?"
    );
    assert!(ann.text.contains("Have you found a time?"), "{}", ann.text);
    assert!(ann
        .text
        .contains("On 30 November 2026 we introduced you to Bob Baker."));
    assert!(ann.text.contains("bob@example.org"));
    assert!(ann.text.contains("We've arranged a time: "));
    assert!(ann.text.contains("My partner hasn't replied: "));
    assert!(ann.html.contains(">We've arranged a time</a>"));
    assert!(ann.html.contains(">My partner hasn't replied</a>"));
    assert_eq!(ann.reply_to, None, "Reply-To is for introductions only");
    let bob = sent.iter().find(|e| e.is_for("bob@example.org")).unwrap();
    assert!(bob.text.contains("we introduced you to Ann Able"));
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn the_nudge_carries_only_the_recipients_own_links() {
    let app = spawn_app().await;
    ann_and_bob(&app).await;
    assert_eq!(nudge_day(&app).await, 2);
    let sent = nudges(&app);
    let ann = sent.iter().find(|e| e.is_for("ann@example.org")).unwrap();
    let bob = sent.iter().find(|e| e.is_for("bob@example.org")).unwrap();

    let token_in = |email: &ReceivedEmail, prefix: &str| {
        let link = email.link_to(app.link_base(), prefix);
        link.rsplit('/').next().unwrap().to_owned()
    };
    let ann_token = token_in(ann, "/followup/");
    for prefix in ["/arranged/", "/no-reply/"] {
        assert_eq!(
            token_in(ann, prefix),
            ann_token,
            "{prefix} takes the follow-up token"
        );
    }
    assert_ne!(ann_token, token_in(bob, "/followup/"));
    let bob_manage = token_in(bob, "/me/");
    for link in ann.links(app.link_base()) {
        assert!(!link.contains(&token_in(bob, "/followup/")), "{link}");
        assert!(!link.contains(&bob_manage), "{link}");
    }

    // The links open Ann's own pages.
    let form = app.get(&ann.link_to(app.link_base(), "/followup/")).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("we introduced you to Bob Baker"));
    let no_reply = app.get(&ann.link_to(app.link_base(), "/no-reply/")).await;
    assert_eq!(no_reply.status, 200);
    assert!(no_reply.body.contains("Has Bob Baker not replied?"));
    let manage = app.get(&ann.link_to(app.link_base(), "/me/")).await;
    assert!(manage.body.contains("ann@example.org"));
    assert!(!manage.body.contains("bob@example.org"));
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_group_that_arranged_a_time_is_never_nudged() {
    let app = spawn_app().await;
    let round = ann_and_bob(&app).await;
    let ann = app.member_of(round, app.id_of("ann@example.org"));
    app.clock.advance(Duration::days(2));
    let now = app.clock.now();
    app.db(|c| {
        let meeting = meetings::of_member(c, ann)?.unwrap();
        meetings::mark_arranged(c, meeting.id, ann, now)
    });

    assert_eq!(nudge_day(&app).await, 0);
    app.clock.advance(Duration::days(10));
    assert_eq!(jobs(&app).send_nudges().await.unwrap(), 0);
    assert!(nudges(&app).is_empty());
    assert_eq!(app.count("meetings WHERE nudged_at IS NOT NULL"), 0);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_group_where_someone_answered_is_not_nudged() {
    let app = spawn_app().await;
    let round = ann_and_bob(&app).await;
    let bob = app.member_of(round, app.id_of("bob@example.org"));
    app.answer(bob, &followup(Met::No), app.clock.now());

    assert_eq!(nudge_day(&app).await, 0);
    assert!(nudges(&app).is_empty());
    app.assert_all_email_sent().await;
}

/// Rounds stored before nudges existed got a meeting row dated when they
/// ran: the first run of the job must not nudge every old group at once.
#[tokio::test]
async fn groups_introduced_long_ago_are_not_nudged() {
    let app = spawn_app().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let cat = app.add_participant("Cat Cole", "cat@example.org", "Hull");
    let dan = app.add_participant("Dan Dee", "dan@example.org", "York");
    let now = app.clock.now();
    app.add_round(now - Duration::days(60), &[&[ann, bob]]);
    // Twelve days ago is still within a week of its nudge day.
    app.add_round(now - Duration::days(12), &[&[cat, dan]]);

    assert_eq!(jobs(&app).send_nudges().await.unwrap(), 2);
    app.deliver().await;
    let sent = nudges(&app);
    assert!(sent
        .iter()
        .all(|e| e.is_for("cat@example.org") || e.is_for("dan@example.org")));
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_trio_member_is_nudged_about_both_partners_and_nobody_who_left() {
    let app = spawn_app().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let cat = app.add_participant("Cat Cole", "cat@example.org", "Hull");
    let dan = app.add_participant("Dan Dee", "dan@example.org", "York");
    let eve = app.add_participant("Eve Ezra", "eve@example.org", "Bath");
    let round = app.add_round(app.clock.now(), &[&[ann, bob, cat], &[dan, eve]]);
    // Eve leaves her group (as declining does): Dan is alone in it.
    let eve_member = app.member_of(round, eve);
    let now = app.clock.now();
    app.db(|c| {
        unmentoring::db::rematches::leave_group(
            c,
            eve_member,
            unmentoring::domain::LeftReason::Declined,
            now,
        )
    });

    assert_eq!(nudge_day(&app).await, 3, "the trio only");
    let sent = nudges(&app);
    let ann_nudge = sent.iter().find(|e| e.is_for("ann@example.org")).unwrap();
    assert_eq!(
        ann_nudge.subject,
        "UnMentoring: have you found a time to meet Bob Baker and Cat Cole?"
    );
    assert!(ann_nudge.text.contains("If they have not replied"));
    assert!(!sent
        .iter()
        .any(|e| e.is_for("dan@example.org") || e.is_for("eve@example.org")));
    app.assert_all_email_sent().await;
}
