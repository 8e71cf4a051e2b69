use std::collections::{BTreeSet, HashSet};

use chrono::Duration;
use unmentoring::configuration::OddOneOutSetting;
use unmentoring::db::{self, participants};
use unmentoring::domain::{Cadence, ValidProfile};
use unmentoring::email::Composer;
use unmentoring::services::round_runner::{self as rounds, RoundOptions, RoundOutcome, Trigger};

use crate::common::smtp::TestSmtp;
use crate::fixtures::profile;
use crate::helpers::{spawn_app, spawn_app_in, TestApp};

fn manual(include_all: bool, force: bool) -> RoundOptions {
    RoundOptions {
        key: format!("manual:{}", uuid::Uuid::new_v4()),
        trigger: Trigger::Manual,
        include_all,
        force,
        odd_one_out: OddOneOutSetting::Trio,
        group_size: 2,
        matched_share: 0.0,
        followup_after_days: 14,
    }
}

async fn run_round(app: &TestApp, options: RoundOptions) -> RoundOutcome {
    let composer = Composer::new(&app.settings);
    let now = app.clock.now();
    db::run(&app.pool, move |conn| {
        rounds::run(conn, &composer, &options, now)
    })
    .await
    .unwrap()
}

/// Names of the people in an intro email's partner list, read from its Reply-To.
fn reply_to_addresses(email: &crate::common::mail::ReceivedEmail) -> BTreeSet<String> {
    let header = email.reply_to.clone().unwrap_or_default();
    header
        .split(',')
        .filter_map(|part| {
            let start = part.find('<')? + 1;
            let end = part.find('>')?;
            Some(part[start..end].to_lowercase())
        })
        .collect()
}

#[tokio::test]
async fn a_round_introduces_everyone_due_to_exactly_their_partners() {
    let app = spawn_app().await;
    let orgs = [
        "Leeds", "Bristol", "Hackney", "Leeds", "Bristol", "Kent", "Essex",
    ];
    let due: Vec<String> = (0..7).map(|i| format!("due{i}@example.org")).collect();
    for (i, email) in due.iter().enumerate() {
        app.add_participant(&format!("Due Person {i}"), email, orgs[i]);
    }
    let now = app.clock.now();
    let paused = app.add_participant("Paused", "paused@example.org", "X");
    app.pause(paused);
    let pause_over = app.add_participant("Pause Over", "pauseover@example.org", "Y");
    let yesterday = now.date() - Duration::days(1);
    app.db(|c| participants::pause(c, pause_over, Some(yesterday), now));
    let recent = app.add_participant("Recent", "recent@example.org", "Z");
    let quarterly = app.add_person(&ValidProfile {
        cadence: Cadence::Quarterly,
        share_phone: true,
        ..profile("Quarterly", "quarterly@example.org", "Q")
    });
    let left = app.add_participant("Left", "left@example.org", "L");
    // Their last rounds, each with the person who has left since.
    app.add_round(now - Duration::days(40), &[&[quarterly, left]]);
    app.add_round(now - Duration::days(10), &[&[recent, left]]);
    app.erase(left);
    app.sign_up("pending@example.org").await;
    app.wait_for_emails(1).await;

    let RoundOutcome::Ran { round, plan } = run_round(&app, manual(false, false)).await else {
        panic!("the round did not run");
    };
    // 7 due + the person whose pause ended = 8: four pairs.
    assert_eq!(plan.stats.people_due, 8);
    assert_eq!((round.groups_count, round.trios, round.sat_out), (4, 0, 0));
    let mut expected: Vec<String> = due.clone();
    expected.push("pauseover@example.org".into());

    let emails = app.wait_for_emails(1 + 8).await;
    let intros: Vec<_> = emails.iter().filter(|e| e.kind == "intro").collect();
    assert_eq!(intros.len(), 8);
    for address in &expected {
        let mine: Vec<_> = intros.iter().filter(|e| e.is_for(address)).collect();
        assert_eq!(mine.len(), 1, "{address} gets exactly one introduction");
        let email = mine[0];
        let group = plan
            .groups
            .iter()
            .find(|g| g.iter().any(|p| p.email.as_deref() == Some(address)))
            .unwrap();
        let partners: BTreeSet<String> = group
            .iter()
            .filter_map(|p| p.email.clone())
            .filter(|e| e != address)
            .collect();
        assert_eq!(
            reply_to_addresses(email),
            partners,
            "Reply-To is the partners"
        );
        for partner in group.iter().filter(|p| p.email.as_deref() != Some(address)) {
            assert!(
                email.text.contains(&partner.name) && email.text.contains(&partner.organisation)
            );
            assert!(email.text.contains(partner.email.as_deref().unwrap()));
            assert!(email.text.contains("01632 960 001"));
        }
        for outsider in expected
            .iter()
            .filter(|e| !partners.contains(*e) && *e != address)
        {
            assert!(
                !email.text.contains(outsider.as_str()),
                "{address}'s intro names {outsider}"
            );
        }
        assert_eq!(
            email
                .links(app.link_base())
                .iter()
                .filter(|l| l.contains("/me/"))
                .count(),
            1
        );
        assert!(email.html.contains(&email.link_to(app.link_base(), "/me/")));
    }
    // Each person's own link is in their email only.
    let manage_links: HashSet<String> = intros
        .iter()
        .map(|e| e.link_to(app.link_base(), "/me/"))
        .collect();
    assert_eq!(manage_links.len(), 8);
    for nobody in [
        "paused@example.org",
        "recent@example.org",
        "quarterly@example.org",
        "left@example.org",
        "pending@example.org",
    ] {
        assert!(
            !intros.iter().any(|e| e.is_for(nobody)),
            "{nobody} must get no introduction"
        );
    }
    // The manage link in an intro works.
    let link = intros[0].link_to(app.link_base(), "/me/");
    assert_eq!(app.get(&link).await.status, 200);
    assert_eq!(
        app.count("participants WHERE status = 'paused'"),
        1,
        "an ended pause is over"
    );
    app.assert_all_email_sent().await;
    assert_eq!(
        app.count(&format!(
            "outbox WHERE round_id = {} AND status = 'sent'",
            round.id
        )),
        8
    );
}

#[tokio::test]
async fn with_an_odd_count_one_group_is_a_trio_or_someone_sits_out() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.add_participant(
            &format!("P{i}"),
            &format!("p{i}@example.org"),
            &format!("Org {i}"),
        );
    }
    let RoundOutcome::Ran { round, .. } = run_round(&app, manual(false, false)).await else {
        panic!()
    };
    assert_eq!((round.groups_count, round.trios, round.sat_out), (2, 1, 0));
    let intros = app.wait_for_emails(5).await;
    let trio_emails: Vec<_> = intros
        .iter()
        .filter(|e| reply_to_addresses(e).len() == 2)
        .collect();
    assert_eq!(
        trio_emails.len(),
        3,
        "each trio member hears of both others"
    );

    let mut sit_out = manual(true, true);
    sit_out.odd_one_out = OddOneOutSetting::SitOut;
    let RoundOutcome::Ran {
        round: second,
        plan,
    } = run_round(&app, sit_out.clone()).await
    else {
        panic!()
    };
    assert_eq!(
        (second.groups_count, second.trios, second.sat_out),
        (2, 0, 1)
    );
    let first_out = plan.sat_out.unwrap().id;
    assert_eq!(second.sat_out_participant_id, Some(first_out));
    let RoundOutcome::Ran { plan: third, .. } = run_round(
        &app,
        RoundOptions {
            key: "manual:third".into(),
            ..sit_out
        },
    )
    .await
    else {
        panic!()
    };
    let second_out = third.sat_out.unwrap().id;
    assert_ne!(second_out, first_out, "nobody sits out twice in a row");
    // Intros for 5, then 4 and a sat_out notice, twice.
    let all = app.wait_for_emails(5 + 5 + 5).await;
    let notices: Vec<_> = all.iter().filter(|e| e.kind == "sat_out").collect();
    assert_eq!(
        notices.len(),
        2,
        "one notice per round, to the one left out"
    );
    for (notice, out) in notices.iter().zip([first_out, second_out]) {
        let person = app
            .db(|c| unmentoring::db::participants::find(c, out))
            .unwrap();
        assert!(notice.is_for(person.email.as_deref().unwrap()));
        assert!(notice.text.contains("first in line for the next round"));
        assert!(
            notice.link_to(app.link_base(), "/me/").contains("/me/"),
            "their own manage link"
        );
    }
    assert_eq!(
        all.iter().filter(|e| e.kind == "intro").count(),
        5 + 4 + 4,
        "nobody left out got an introduction"
    );
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn two_rounds_triggered_at_once_make_one_round() {
    let app = spawn_app().await;
    for i in 0..10 {
        app.add_participant(&format!("P{i}"), &format!("p{i}@example.org"), "Same Org");
    }
    let (a, b) = tokio::join!(
        run_round(&app, manual(false, false)),
        run_round(&app, manual(false, false))
    );
    let ran = [&a, &b]
        .iter()
        .filter(|o| matches!(o, RoundOutcome::Ran { .. }))
        .count();
    let refused = [&a, &b]
        .iter()
        .filter(|o| matches!(o, RoundOutcome::TooSoon { .. }))
        .count();
    assert_eq!((ran, refused), (1, 1));
    assert_eq!(app.count("rounds"), 1);
    assert_eq!(app.count("group_members"), 10);

    // The same key twice (a resubmitted request, two schedulers) is one round too.
    let keyed = RoundOptions {
        key: "schedule:2026-11-23T09:00:00Z".into(),
        trigger: Trigger::Schedule,
        ..manual(true, true)
    };
    assert!(matches!(
        run_round(&app, keyed.clone()).await,
        RoundOutcome::Ran { .. }
    ));
    assert!(matches!(
        run_round(&app, keyed).await,
        RoundOutcome::AlreadyRan(_)
    ));
    assert_eq!(app.count("rounds"), 2);
    app.wait_for_emails(20).await;
    app.assert_all_email_sent().await;
    assert_eq!(app.smtp.received().len(), 20);
}

#[tokio::test]
async fn five_rounds_of_ten_people_never_repeat_a_pair() {
    let app = spawn_app().await;
    let orgs = ["A", "B", "C", "D", "E"];
    for i in 0..10 {
        app.add_participant(&format!("P{i}"), &format!("p{i}@example.org"), orgs[i % 5]);
    }
    let mut met = HashSet::new();
    for _ in 0..5 {
        let RoundOutcome::Ran { plan, round } = run_round(&app, manual(true, true)).await else {
            panic!()
        };
        assert_eq!(round.forced_repeats, 0);
        for group in &plan.groups {
            assert_eq!(group.len(), 2);
            let pair = (group[0].id.min(group[1].id), group[0].id.max(group[1].id));
            assert!(met.insert(pair), "pair {pair:?} met twice");
        }
    }
    assert_eq!(met.len(), 25);
    app.wait_for_emails(50).await;
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_missed_slot_runs_once_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let smtp = TestSmtp::start();
    let hourly = |s: &mut unmentoring::configuration::Settings| {
        s.schedule.enabled = true;
        s.schedule.cron = "0 0 * * * *".parse().unwrap();
        s.schedule.catch_up_hours = 2;
    };
    // First start: nobody yet; then people join while the service is "down".
    let app = spawn_app_in(dir, smtp.clone(), hourly).await;
    for i in 0..4 {
        app.add_participant(
            &format!("P{i}"),
            &format!("p{i}@example.org"),
            &format!("Org {i}"),
        );
    }
    let dir = app.dir;
    let again = spawn_app_in(dir, smtp.clone(), hourly).await;
    again
        .wait_until("the caught-up round", |a| a.count("rounds") == 1)
        .await;
    again.wait_for_emails(4).await;
    assert_eq!(again.count("rounds WHERE trigger = 'schedule'"), 1);
    // A third start in the same hour finds the slot done.
    let dir = again.dir;
    let third = spawn_app_in(dir, smtp, hourly).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(third.count("rounds"), 1);
    third.assert_all_email_sent().await;
}
