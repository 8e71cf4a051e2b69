//! The follow-up reminder (`followup.after_days`): it names the partners and
//! the round's date, and a person with several open rounds gets one email
//! listing each, with each membership's own follow-up link.

use chrono::Duration;
use unmentoring::db::rematches;
use unmentoring::domain::LeftReason;

use crate::common::mail::ReceivedEmail;
use crate::helpers::{spawn_app, TestApp};
use crate::nudges::jobs;

fn reminders_for(app: &TestApp, address: &str) -> Vec<ReceivedEmail> {
    app.smtp
        .received()
        .into_iter()
        .filter(|e| e.kind == "followup" && e.is_for(address))
        .collect()
}

#[tokio::test]
async fn a_person_in_two_open_rounds_gets_one_reminder_listing_both() {
    let app = spawn_app().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let cat = app.add_participant("Cat Cole", "cat@example.org", "Hull");
    let now = app.clock.now();
    app.add_round(now - Duration::days(40), &[&[ann, bob]]);
    app.add_round(now - Duration::days(20), &[&[ann, cat]]);

    assert_eq!(
        jobs(&app).send_reminders().await.unwrap(),
        3,
        "one email each"
    );
    assert_eq!(jobs(&app).send_reminders().await.unwrap(), 0, "once only");
    app.deliver().await;
    assert_eq!(app.count("group_members WHERE reminded_at IS NOT NULL"), 4);

    let to_ann = reminders_for(&app, "ann@example.org");
    assert_eq!(to_ann.len(), 1, "not two identical emails");
    let reminder = &to_ann[0];
    assert_eq!(
        reminder.subject,
        "UnMentoring: did you meet your partners from 2 rounds? Tell us what you learned"
    );
    for part in [&reminder.text, &reminder.html] {
        for said in [
            "Bob Baker",
            "Cat Cole",
            "21 October 2026",
            "10 November 2026",
        ] {
            assert!(part.contains(said), "{said} in {part}");
        }
    }
    assert!(
        reminder.text.contains("On 21 October 2026, Bob Baker:"),
        "{}",
        reminder.text
    );
    assert!(reminder.text.contains("On 10 November 2026, Cat Cole:"));

    // Each round has its own link, to its own form.
    let links: Vec<String> = reminder
        .links(app.link_base())
        .into_iter()
        .filter(|l| l.contains("/followup/"))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(links.len(), 2, "{links:?}");
    let mut partners = Vec::new();
    for link in &links {
        let page = app.get(link).await;
        assert_eq!(page.status, 200);
        partners.push(if page.body.contains("we introduced you to Bob Baker") {
            "Bob"
        } else if page.body.contains("we introduced you to Cat Cole") {
            "Cat"
        } else {
            "neither"
        });
    }
    partners.sort_unstable();
    assert_eq!(partners, ["Bob", "Cat"]);

    // One round: its partner in the subject and the text.
    let to_bob = reminders_for(&app, "bob@example.org");
    assert_eq!(to_bob.len(), 1);
    assert_eq!(
        to_bob[0].subject,
        "UnMentoring: did you meet Ann Able? Tell us what you learned"
    );
    assert!(to_bob[0]
        .text
        .contains("On 21 October 2026 we introduced you to Ann Able through UnMentoring."));
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn members_who_left_their_group_get_no_reminder_and_are_not_named() {
    let app = spawn_app().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let cat = app.add_participant("Cat Cole", "cat@example.org", "Hull");
    let now = app.clock.now();
    let round = app.add_round(now - Duration::days(20), &[&[ann, bob, cat]]);
    let cat_member = app.member_of(round, cat);
    app.db(|c| rematches::leave_group(c, cat_member, LeftReason::Declined, now));

    assert_eq!(jobs(&app).send_reminders().await.unwrap(), 2);
    app.deliver().await;
    assert!(reminders_for(&app, "cat@example.org").is_empty());
    let to_ann = &reminders_for(&app, "ann@example.org")[0];
    assert!(to_ann
        .text
        .contains("we introduced you to Bob Baker through"));
    assert!(!to_ann.text.contains("Cat Cole"));
    assert_eq!(
        app.count(&format!(
            "group_members WHERE id = {cat_member} AND reminded_at IS NULL"
        )),
        1
    );
    app.assert_all_email_sent().await;
}
