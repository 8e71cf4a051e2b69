//! The rematch pool: a person whose partner declined gets someone new (from
//! the pool, or someone new to the round), or an honest email after
//! `meetings.rematch_wait_hours`, and then does not sit out the next round.

use unmentoring::configuration::OddOneOutSetting;
use unmentoring::db::{participants::Participant, rounds};
use unmentoring::services::housekeeping::Jobs;
use unmentoring::services::rematch::MatchReport;
use unmentoring::services::round_runner::{self as runner, RoundOptions, RoundOutcome, Trigger};

use crate::common::mail::ReceivedEmail;
use crate::common::smtp::TestSmtp;
use crate::helpers::{spawn_app, spawn_app_in, Page, TestApp};

pub fn jobs(app: &TestApp) -> Jobs {
    app.jobs()
}

/// The decline link for the member an introduction was sent to: it takes
/// their follow-up token.
pub fn decline_link(app: &TestApp, intro: &ReceivedEmail) -> String {
    intro
        .link_to(app.link_base(), "/followup/")
        .replace("/followup/", "/decline/")
}

/// The value of a hidden field on a page.
pub fn hidden(page: &Page, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.body.find(&marker).expect("the field") + marker.len();
    let len = page.body[start..].find('"').unwrap();
    page.body[start..start + len].to_owned()
}

/// Opens the decline page and presses its button, as a person does.
pub async fn decline(app: &TestApp, intro: &ReceivedEmail) -> Page {
    let link = decline_link(app, intro);
    let page = app.get(&link).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let (group, partners) = (hidden(&page, "group"), hidden(&page, "partners"));
    let done = app
        .post_form(&link, &[("group", group.as_str()), ("partners", &partners)])
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    done
}

/// A round's groups, as lists of email addresses, by group number.
pub fn groups(app: &TestApp, round_id: i64) -> Vec<Vec<String>> {
    let members: Vec<(i32, Participant)> = app.db(|c| rounds::members(c, round_id));
    let mut groups: Vec<Vec<String>> = Vec::new();
    for (number, person) in members {
        let index = usize::try_from(number).unwrap() - 1;
        groups.resize(groups.len().max(index + 1), Vec::new());
        groups[index].push(person.email.unwrap());
    }
    groups
}

fn emails_to(all: &[ReceivedEmail], address: &str) -> Vec<ReceivedEmail> {
    all.iter().filter(|e| e.is_for(address)).cloned().collect()
}

const PEOPLE: [(&str, &str, &str); 4] = [
    ("Ann Able", "ann@example.org", "Leeds"),
    ("Bob Baker", "bob@example.org", "Kent"),
    ("Cat Cole", "cat@example.org", "York"),
    ("Dan Dee", "dan@example.org", "Hull"),
];

fn name_of(address: &str) -> &'static str {
    PEOPLE.iter().find(|p| p.1 == address).unwrap().0
}

#[tokio::test]
async fn a_decline_rematches_the_partner_with_someone_waiting_and_emails_each_once() {
    let app = spawn_app().await;
    for (name, email, org) in PEOPLE {
        app.add_participant(name, email, org);
    }
    let round = app.run_round_for_everyone().await;
    let intros = app.wait_for_emails(4).await;
    let groups = groups(&app, round);
    let (first, first_partner) = (&groups[0][0], &groups[0][1]);
    let (second, second_partner) = (&groups[1][0], &groups[1][1]);
    let intro_to = |who: &str| emails_to(&intros, who).pop().unwrap();

    // Nobody else is free: the first partner waits.
    let done = decline(&app, &intro_to(first)).await;
    assert!(done.body.contains("You have left this round’s group"));
    assert_eq!(app.count("rematch_requests WHERE matched_at IS NULL"), 1);
    assert_eq!(app.wait_for_emails(4).await.len(), 4, "nobody is told yet");

    // The second decline puts the second partner in the pool: the two waiting meet.
    decline(&app, &intro_to(second)).await;
    let all = app.wait_for_emails(6).await;
    assert_eq!(all.len(), 6, "one email to each rematched person, no more");
    for (me, other) in [
        (first_partner, second_partner),
        (second_partner, first_partner),
    ] {
        let mine = emails_to(&all, me);
        assert_eq!(mine.len(), 2, "{me}: the introduction and the rematch");
        let rematch = &mine[1];
        assert_eq!(rematch.kind, "rematch");
        assert!(
            rematch.subject.contains(name_of(other)),
            "{}",
            rematch.subject
        );
        assert!(rematch.text.contains(other.as_str()), "partner's details");
        assert!(rematch
            .reply_to
            .as_deref()
            .unwrap()
            .contains(other.as_str()));
        // Old links of the old group stop working; the new one names the new partner.
        let old = intro_to(me).link_to(app.link_base(), "/followup/");
        assert_eq!(app.get(&old).await.status, 404, "the old link of {me}");
        let new = rematch.link_to(app.link_base(), "/followup/");
        let page = app.get(&new).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(name_of(other)), "{}", page.body);
    }
    for decliner in [first, second] {
        assert_eq!(
            emails_to(&all, decliner).len(),
            1,
            "{decliner}: nothing new"
        );
    }
    // The hourly job finds nobody waiting; nothing more is sent.
    assert_eq!(
        jobs(&app).match_rematches().await,
        Some(MatchReport::default())
    );
    assert_eq!(app.wait_for_emails(6).await.len(), 6);
    assert_eq!(
        app.count(&format!("meetings WHERE round_id = {round}")),
        3,
        "the new group has its meeting row"
    );

    // The console shows who declined and who was rematched into which group.
    let organiser = app.organiser().await;
    let page = organiser.get(&format!("/admin/rounds/{round}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.body
            .matches("said they can’t take part this round")
            .count(),
        2
    );
    assert_eq!(page.body.matches("Rematched into group 3").count(), 2);
    assert!(page.body.contains("Waited for a new partner, from group 1"));
}

#[tokio::test]
async fn with_nobody_free_the_honest_email_comes_after_the_wait_and_they_do_not_sit_out_next() {
    let smtp = TestSmtp::start();
    let app = spawn_app_in(tempfile::tempdir().unwrap(), smtp, |s| {
        s.pairing.odd_one_out = OddOneOutSetting::SitOut;
    })
    .await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let round = app.run_round_for_everyone().await;
    decline(&app, &app.email_for("ann@example.org", 2).await).await;

    let jobs = jobs(&app);
    let waiting = MatchReport {
        waiting: 1,
        ..MatchReport::default()
    };
    assert_eq!(jobs.match_rematches().await, Some(waiting));
    app.clock.advance(chrono::Duration::hours(47));
    assert_eq!(jobs.match_rematches().await, Some(waiting));
    assert_eq!(
        app.wait_for_emails(2).await.len(),
        2,
        "nothing before the wait"
    );

    app.clock.advance(chrono::Duration::hours(1));
    let gave_up = jobs.match_rematches().await.unwrap();
    assert_eq!(gave_up.gave_up, 1);
    let honest = app.email_for("bob@example.org", 3).await;
    assert_eq!(honest.kind, "rematch");
    assert!(honest.subject.contains("could not find you a new partner"));
    assert!(honest.text.contains("You will not sit out the next round"));
    assert_eq!(honest.reply_to, None);
    let links = honest.links(app.link_base());
    assert_eq!(links.len(), 1, "only their own manage link: {links:?}");
    assert!(links[0].contains("/me/"));
    assert_eq!(app.count("participants WHERE first_in_line"), 1);
    assert_eq!(
        app.count("group_members WHERE left_reason = 'unmatched'"),
        1
    );
    // Once only.
    assert_eq!(jobs.match_rematches().await, Some(MatchReport::default()));
    assert_eq!(app.wait_for_emails(3).await.len(), 3);
    let organiser = app.organiser().await;
    let page = organiser.get(&format!("/admin/rounds/{round}")).await;
    assert!(page
        .body
        .contains("Nobody found: sent the “nobody found” email"));

    // Three people next round, one sits out: never Bob, whatever the seed.
    app.add_participant("Cat Cole", "cat@example.org", "York");
    let now = app.clock.now();
    let grouping = runner::Grouping {
        odd_one_out: OddOneOutSetting::SitOut,
        group_size: 2,
        matched_share: 0.0,
    };
    for seed in 0..40 {
        let plan = app.db(|c| runner::plan(c, now, true, grouping, &[], seed));
        let sitter = plan.sat_out.expect("someone sits out").id;
        assert_ne!(sitter, bob, "seed {seed}: Bob sat out again");
    }
    let options = RoundOptions {
        key: "manual:next".into(),
        trigger: Trigger::Manual,
        include_all: true,
        force: true,
        odd_one_out: OddOneOutSetting::SitOut,
        group_size: 2,
        matched_share: 0.0,
        followup_after_days: 14,
    };
    let composer = unmentoring::email::Composer::new(&app.settings);
    let outcome = app.db(|c| runner::run(c, &composer, &options, now));
    let RoundOutcome::Ran { plan, .. } = outcome else {
        panic!("no round: {outcome:?}");
    };
    assert_ne!(plan.sat_out.unwrap().id, bob);
    assert_eq!(
        app.count("participants WHERE first_in_line"),
        0,
        "their turn came"
    );
}

#[tokio::test]
async fn someone_who_confirmed_after_the_round_partners_the_one_waiting() {
    let app = spawn_app().await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let round = app.run_round_for_everyone().await;
    let ann_intro = app.email_for("ann@example.org", 2).await;
    app.clock.advance(chrono::Duration::hours(2));
    let cat = app.add_participant("Cat Cole", "cat@example.org", "York");

    let done = decline(&app, &ann_intro).await;
    assert!(done.body.contains("We will find your partner someone new"));
    let all = app.wait_for_emails(4).await;
    assert_eq!(all.len(), 4);
    let to_bob = emails_to(&all, "bob@example.org").pop().unwrap();
    assert_eq!(to_bob.kind, "rematch");
    assert!(to_bob.subject.contains("Cat Cole"));
    let to_cat = emails_to(&all, "cat@example.org").pop().unwrap();
    assert_eq!(
        to_cat.kind, "intro",
        "new to the round: a normal introduction"
    );
    assert!(to_cat.subject.contains("Bob Baker"));
    assert!(to_cat
        .reply_to
        .as_deref()
        .unwrap()
        .contains("bob@example.org"));
    let page = app
        .get(&to_cat.link_to(app.link_base(), "/followup/"))
        .await;
    assert!(page.body.contains("Bob Baker"), "{}", page.body);

    let started = app.db(|c| rounds::find(c, round)).unwrap().started_at;
    let cat_now = app
        .db(|c| unmentoring::db::participants::find(c, cat))
        .unwrap();
    assert_eq!(cat_now.last_round_at, Some(started), "Cat had this round");
    assert_eq!(
        groups(&app, round)[1],
        ["bob@example.org", "cat@example.org"]
    );
}
