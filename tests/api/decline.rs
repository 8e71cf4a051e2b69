//! `/decline/{token}`: "I can't take part this round".

use unmentoring::services::round_runner;

use crate::helpers::{spawn_app, TestApp};
use crate::rematch::{decline, decline_link, hidden};

async fn pair(app: &TestApp) -> i64 {
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.run_round_for_everyone().await
}

#[tokio::test]
async fn the_page_explains_and_only_the_post_acts_once() {
    let app = spawn_app().await;
    pair(&app).await;
    let intro = app.email_for("ann@example.org", 2).await;
    let link = decline_link(&app, &intro);

    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.header("x-robots-tag").contains("noindex"));
    for says in [
        "we introduced you to Bob Baker",
        "we find Bob Baker someone new to meet",
        "we pair you in the next round as usual",
        "does not count as going silent",
    ] {
        assert!(page.body.contains(says), "{says}:\n{}", page.body);
    }
    assert_eq!(
        app.count("group_members WHERE left_at IS NOT NULL"),
        0,
        "GET changes nothing"
    );

    // A form from before the group changed, or no form at all: nothing happens.
    let partners = hidden(&page, "partners");
    for fields in [
        vec![("group", "7"), ("partners", partners.as_str())],
        vec![],
    ] {
        let stale = app.post_form(&link, &fields).await;
        assert_eq!(stale.status, 200);
        assert!(
            stale.body.contains("Your group has changed"),
            "{}",
            stale.body
        );
        assert_eq!(app.count("group_members WHERE left_at IS NOT NULL"), 0);
    }

    let done = decline(&app, &intro).await;
    assert!(done.body.contains("You have left this round’s group"));
    assert!(done.body.contains("This does not count as going silent"));
    assert_eq!(app.count("group_members WHERE left_reason = 'declined'"), 1);
    assert_eq!(
        app.count("rematch_requests WHERE reason = 'partner_declined'"),
        1
    );

    // Again: a clear page, and nothing changes.
    let group = hidden(&page, "group");
    let again = app
        .post_form(
            &link,
            &[("group", group.as_str()), ("partners", partners.as_str())],
        )
        .await;
    assert!(again
        .body
        .contains("You have already told us you can’t take part this round"));
    let page = app.get(&link).await;
    assert!(
        page.body.contains("You have already told us"),
        "{}",
        page.body
    );
    assert_eq!(app.count("rematch_requests"), 1);
    assert_eq!(app.count("group_members WHERE left_at IS NOT NULL"), 2);
    assert_eq!(
        app.wait_for_emails(2).await.len(),
        2,
        "no email to the decliner"
    );
}

#[tokio::test]
async fn a_trio_member_declining_leaves_a_pair_and_nobody_is_rematched() {
    let app = spawn_app().await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.add_participant("Cat Cole", "cat@example.org", "York");
    app.run_round_for_everyone().await;
    let all = app.wait_for_emails(3).await;
    let intro = |who: &str| all.iter().find(|e| e.is_for(who)).unwrap().clone();

    let page = app
        .get(&decline_link(&app, &intro("ann@example.org")))
        .await;
    assert!(
        page.body.contains("the other two carry on as a pair"),
        "{}",
        page.body
    );
    let done = decline(&app, &intro("ann@example.org")).await;
    assert!(done
        .body
        .contains("The other two in your group carry on as a pair"));
    assert_eq!(app.count("rematch_requests"), 0);
    assert_eq!(app.count("group_members WHERE left_at IS NOT NULL"), 1);
    assert_eq!(app.wait_for_emails(3).await.len(), 3, "nobody is emailed");
    // The two left see only each other.
    let bob = intro("bob@example.org").link_to(app.link_base(), "/followup/");
    let page = app.get(&bob).await;
    assert!(
        page.body.contains("we introduced you to Cat Cole."),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_decliners_silence_never_pauses_them() {
    let app = spawn_app().await;
    let first = pair(&app).await;
    let ann = app.id_of("ann@example.org");
    decline(&app, &app.email_for("ann@example.org", 2).await).await;
    // Two more rounds, neither answered, then time for all three to count.
    for _ in 0..2 {
        app.clock.advance(chrono::Duration::days(15));
        assert_ne!(app.run_round_for_everyone().await, first);
    }
    app.clock.advance(chrono::Duration::days(15));
    assert_eq!(
        app.count(&format!("group_members WHERE participant_id = {ann}")),
        3
    );
    let now = app.clock.now();
    let ghosts = app.db(|c| round_runner::ghosts(c, now, 14));
    assert!(
        !ghosts.contains(&ann),
        "the declined round counted as silence"
    );
    app.run_round_for_everyone().await;
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {ann} AND status = 'active'"
        )),
        1
    );
}
