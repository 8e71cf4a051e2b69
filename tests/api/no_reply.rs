//! `/no-reply/{token}`, "my partner hasn't replied": the reporter goes to the
//! rematch pool and leaves the group; the silent partner stays in it, and
//! their silence counts toward the ghost rule.

use chrono::Duration;
use unmentoring::db::rematches;
use unmentoring::domain::{LeftReason, Met, RematchReason};

use crate::fixtures::followup;
use crate::helpers::{spawn_app, TestApp};
use crate::nudges::{ann_and_bob, nudge_day, nudges};

/// The no-reply link in the newest nudge to `address`.
fn no_reply_link(app: &TestApp, address: &str) -> String {
    nudges(app)
        .into_iter()
        .rev()
        .find(|e| e.is_for(address))
        .expect("a nudge")
        .link_to(app.link_base(), "/no-reply/")
}

#[tokio::test]
async fn the_reporter_goes_to_the_pool_and_the_silent_partner_stays_in_the_group() {
    let app = spawn_app().await;
    let round = ann_and_bob(&app).await;
    nudge_day(&app).await;
    let link = no_reply_link(&app, "ann@example.org");
    let ann = app.member_of(round, app.id_of("ann@example.org"));
    let bob = app.member_of(round, app.id_of("bob@example.org"));

    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(
        page.body.contains("Has Bob Baker not replied?"),
        "{}",
        page.body
    );
    assert!(page.body.contains("someone new for you to meet this round"));
    assert!(page
        .body
        .contains("We will note that Bob Baker did not reply"));
    assert_eq!(app.count("rematch_requests"), 0, "a GET changes nothing");

    let done = app.post_form(&link, &[("", "")]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    let done = app.get(&done.location()).await;
    assert!(
        done.body.contains("We will look for someone new for you"),
        "{}",
        done.body
    );

    let waiting = app.db(rematches::waiting);
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].member_id, ann);
    assert_eq!(waiting[0].reason, RematchReason::PartnerSilent);
    assert_eq!(
        app.count(&format!(
            "group_members WHERE id = {ann} AND left_at IS NOT NULL AND left_reason = 'rematching'"
        )),
        1,
        "the reporter left the group"
    );
    assert_eq!(
        app.count(&format!(
            "group_members WHERE id = {bob} AND left_at IS NULL"
        )),
        1,
        "the silent partner is still in it"
    );

    // Reporting again changes nothing, and says so.
    let again = app.post_form(&link, &[("", "")]).await;
    assert_eq!(again.status, 200);
    assert!(again
        .body
        .contains("You are already waiting for someone new"));
    assert_eq!(app.count("rematch_requests"), 1);
    let later = app.get(&link).await;
    assert!(later
        .body
        .contains("You are already waiting for someone new"));
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_reporter_in_a_trio_leaves_it_and_the_other_two_stay_a_pair() {
    let app = spawn_app().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let cat = app.add_participant("Cat Cole", "cat@example.org", "Hull");
    let round = app.add_round(app.clock.now(), &[&[ann, bob, cat]]);
    assert_eq!(nudge_day(&app).await, 3);

    let link = no_reply_link(&app, "ann@example.org");
    let page = app.get(&link).await;
    assert!(page
        .body
        .contains("Has Bob Baker and Cat Cole not replied?"));
    assert!(page.body.contains("The other two stay together as a pair"));
    assert_eq!(app.post_form(&link, &[("", "")]).await.status, 303);

    assert_eq!(app.db(rematches::waiting).len(), 1);
    for (person, still_in) in [(ann, 0), (bob, 1), (cat, 1)] {
        let member = app.member_of(round, person);
        assert_eq!(
            app.count(&format!(
                "group_members WHERE id = {member} AND left_at IS NULL"
            )),
            still_in
        );
    }
    // Bob's own page now names only Cat.
    let bob_page = app.get(&no_reply_link(&app, "bob@example.org")).await;
    assert!(
        bob_page.body.contains("Has Cat Cole not replied?"),
        "{}",
        bob_page.body
    );
    assert!(!bob_page.body.contains("The other two stay together"));
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn after_leaving_the_group_reporting_changes_nothing() {
    let app = spawn_app().await;
    let round = ann_and_bob(&app).await;
    nudge_day(&app).await;
    let ann = app.member_of(round, app.id_of("ann@example.org"));
    let now = app.clock.now();
    app.db(|c| rematches::leave_group(c, ann, LeftReason::Declined, now));

    let link = no_reply_link(&app, "ann@example.org");
    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("You are no longer in this group"));
    assert!(!page.body.contains("<form"));
    let posted = app.post_form(&link, &[("", "")]).await;
    assert_eq!(posted.status, 200);
    assert!(posted.body.contains("You are no longer in this group"));
    assert_eq!(app.count("rematch_requests"), 0);
    assert_eq!(
        app.count(&format!(
            "group_members WHERE id = {ann} AND left_reason = 'declined'"
        )),
        1
    );
    app.assert_all_email_sent().await;
}

/// Three rounds in which Sid never answers and Rae reports him silent each
/// time: the ghost rule pauses Sid, not Rae, whose memberships she left.
#[tokio::test]
async fn the_ghost_rule_pauses_the_silent_partner_but_not_the_reporter() {
    let app = spawn_app().await;
    let rae = app.add_participant("Rae Rowe", "rae@example.org", "Leeds");
    let sid = app.add_participant("Sid Snow", "sid@example.org", "Kent");
    let amy = app.add_participant("Amy Ash", "amy@example.org", "Hull");
    let ben = app.add_participant("Ben Bell", "ben@example.org", "York");
    for round_number in 1..=3 {
        let round = app.add_round(app.clock.now(), &[&[rae, sid], &[amy, ben]]);
        for person in [amy, ben] {
            let member = app.member_of(round, person);
            app.answer(member, &followup(Met::Yes), app.clock.now());
        }
        assert_eq!(nudge_day(&app).await, 2, "round {round_number}");
        let reported = app
            .post_form(&no_reply_link(&app, "rae@example.org"), &[("", "")])
            .await;
        assert_eq!(reported.status, 303, "round {round_number}");
        app.clock.advance(Duration::days(25));
    }
    assert_eq!(
        app.count(&format!("rematch_requests WHERE participant_id = {rae}")),
        3
    );

    let next = app.run_round_for_everyone().await;
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {sid} AND status = 'paused'"
        )),
        1,
        "the silent partner is paused"
    );
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {rae} AND status = 'active'"
        )),
        1,
        "the reporter is not"
    );
    assert_eq!(
        app.count(&format!(
            "group_members WHERE round_id = {next} AND participant_id = {rae}"
        )),
        1,
        "the reporter is in the next round"
    );
    assert_eq!(
        app.count(&format!(
            "group_members WHERE round_id = {next} AND participant_id = {sid}"
        )),
        0
    );
    app.assert_all_email_sent().await;
}

/// A no-reply link opens like the follow-up link it is: unknown, expired or
/// held by someone who left UnMentoring, it gets the follow-up advice, and a
/// POST through it changes nothing.
#[tokio::test]
async fn a_no_reply_link_that_does_not_open_changes_nothing() {
    let app = spawn_app().await;
    ann_and_bob(&app).await;
    nudge_day(&app).await;
    let link = no_reply_link(&app, "ann@example.org");
    let unknown = format!("/no-reply/{}", "A".repeat(43));
    let bob = app.id_of("bob@example.org");
    let bob_link = no_reply_link(&app, "bob@example.org");
    app.erase(bob);

    let mut refused = vec![
        ("unknown", app.get(&unknown).await),
        ("unknown", app.post_form(&unknown, &[("", "")]).await),
        ("left", app.get(&bob_link).await),
        ("left", app.post_form(&bob_link, &[("", "")]).await),
    ];
    app.clock.advance(Duration::days(91));
    refused.push(("expired", app.post_form(&link, &[("", "")]).await));
    for (what, page) in refused {
        assert_eq!(page.status, 404, "{what}");
        assert_eq!(page.header("cache-control"), "no-store", "{what}");
        assert_eq!(page.header("x-robots-tag"), "noindex, nofollow", "{what}");
        assert!(
            page.body.contains("the reminder has a fresh link"),
            "{what}: {}",
            page.body
        );
    }
    assert_eq!(app.count("rematch_requests"), 0);
    assert_eq!(app.count("group_members WHERE left_at IS NOT NULL"), 0);
    app.assert_all_email_sent().await;
}
