//! The organiser pages for rounds and the outbox: draw a draft, swap, send
//! exactly it (once), replay, each round's page, resending failed emails.

use std::collections::BTreeMap;

use unmentoring::db::{self, outbox};
use unmentoring::domain::{Met, ValidFollowup};
use unmentoring::services::round_drafts::{self, Replay};

use crate::common::smtp::Answer;
use crate::fixtures::{followup, link};
use crate::helpers::{spawn_app, Organiser, Page, TestApp};

/// Four people due, from three organisations.
pub(super) fn four_people(app: &TestApp) {
    app.add_participant("Ann Able", "ann@example.org", "Leeds City Council");
    app.add_participant("Bob Baker", "bob@example.org", "Bristol City Council");
    app.add_participant("Cat Cole", "cat@example.org", "Kent County Council");
    app.add_participant("Dan Dale", "dan@example.org", "Leeds City Council");
}

/// Draws a draft from the console; returns its page and id.
pub(super) async fn draw(organiser: &Organiser<'_>, all: bool) -> (Page, i64) {
    let fields: &[(&str, &str)] = if all { &[("all", "yes")] } else { &[] };
    let drawn = organiser.post("/admin/rounds/drafts", fields).await;
    assert_eq!(drawn.status, 303, "{}", drawn.body);
    let location = drawn.location();
    let id = location
        .strip_prefix("/admin/rounds/drafts/")
        .expect("a draft page")
        .parse()
        .unwrap();
    let page = organiser.get(&location).await;
    assert_eq!(page.status, 200, "{}", page.body);
    (page, id)
}

/// Sends a draft, with the force box ticked or not.
pub(super) async fn send(organiser: &Organiser<'_>, draft: i64, force: bool) -> Page {
    let fields: &[(&str, &str)] = if force { &[("force", "yes")] } else { &[] };
    organiser
        .post(&format!("/admin/rounds/drafts/{draft}/send"), fields)
        .await
}

/// The round id in `/admin/rounds/{id}...`.
pub(super) fn round_id(location: &str) -> i64 {
    let rest = location
        .strip_prefix("/admin/rounds/")
        .expect("a round page");
    rest.split('?').next().unwrap().parse().unwrap()
}

/// Runs a round from a fresh draft; returns its id.
pub(super) async fn run_round(organiser: &Organiser<'_>) -> i64 {
    let (_, draft) = draw(organiser, false).await;
    let ran = send(organiser, draft, false).await;
    assert_eq!(ran.status, 303, "{}", ran.body);
    round_id(&ran.location())
}

/// A draft's groups as it would send them.
fn draft_groups(app: &TestApp, draft: i64) -> Vec<Vec<i64>> {
    app.db(|c| db::round_drafts::find(c, draft))
        .expect("a draft")
        .groups()
        .groups
}

/// A round's groups as stored, by group number.
fn round_groups(app: &TestApp, round: i64) -> Vec<Vec<i64>> {
    let mut groups: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for (number, person) in app.db(|c| db::rounds::members(c, round)) {
        groups.entry(number).or_default().push(person.id);
    }
    groups.into_values().collect()
}

/// Sends what is due, then checks that `sql_table` has a row.
pub(super) async fn deliver_then_expect(app: &TestApp, sql_table: &str) {
    app.deliver().await;
    assert!(app.count(sql_table) > 0, "after delivery: {sql_table}");
}

#[tokio::test]
pub(super) async fn a_draft_shows_the_groups_and_figures_and_emails_nobody() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let list = organiser.get("/admin/rounds").await;
    assert!(list.body.contains("No rounds yet"));
    assert!(list.body.contains("action=\"/admin/rounds/preview\""));
    let preview = organiser.get("/admin/rounds/preview").await;
    assert!(preview.body.contains("action=\"/admin/rounds/drafts\""));
    assert_eq!(app.count("round_drafts"), 0, "looking draws nothing");

    let (page, _) = draw(&organiser, false).await;
    assert_eq!(page.header("cache-control"), "no-store");
    for name in ["Ann Able", "Bob Baker", "Cat Cole", "Dan Dale"] {
        assert!(page.body.contains(name), "{name} in the draft");
    }
    assert!(page.body.contains("(Kent County Council)"));
    assert!(page
        .body
        .contains("<th scope=\"row\">People due</th><td>4</td>"));
    assert!(page
        .body
        .contains("<th scope=\"row\">Groups</th><td>2</td>"));
    assert!(page.body.contains("Send these introductions"));
    assert!(!page.body.contains("name=\"force\""), "no round ran lately");
    assert_eq!(app.count("rounds"), 0);
    assert_eq!(app.count("outbox WHERE kind = 'intro'"), 0);
    assert_eq!(app.count("participants WHERE last_round_at IS NOT NULL"), 0);
}

#[tokio::test]
pub(super) async fn sending_a_draft_sends_exactly_its_groups_and_only_once() {
    let app = spawn_app().await;
    for i in 0..9 {
        app.add_participant(
            &format!("Person {i}"),
            &format!("p{i}@example.org"),
            &format!("Council {}", i % 4),
        );
    }
    let organiser = app.organiser().await;
    let (_, draft) = draw(&organiser, false).await;
    let previewed = draft_groups(&app, draft);
    let ran = send(&organiser, draft, false).await;
    assert_eq!(ran.status, 303, "{}", ran.body);
    let id = round_id(&ran.location());
    assert_eq!(ran.location(), format!("/admin/rounds/{id}?ran=1"));
    assert_eq!(
        round_groups(&app, id),
        previewed,
        "exactly the previewed groups"
    );
    assert_eq!(
        app.count(&format!("outbox WHERE kind = 'intro' AND round_id = {id}")),
        9
    );

    let again = send(&organiser, draft, false).await;
    assert_eq!(again.location(), format!("/admin/rounds/{id}"));
    let (a, b) = tokio::join!(send(&organiser, draft, true), send(&organiser, draft, true));
    assert_eq!((a.status, b.status), (303, 303));
    assert_eq!(app.count("rounds"), 1);
    assert_eq!(app.count("outbox WHERE kind = 'intro'"), 9);
}

#[tokio::test]
pub(super) async fn a_signup_between_the_draw_and_sending_refuses_the_send() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let (_, draft) = draw(&organiser, false).await;
    app.add_participant("Eve Evans", "eve@example.org", "York Council");
    let refused = send(&organiser, draft, false).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.title().starts_with("Error: "));
    assert!(refused.body.contains("Who is due has changed"));
    assert!(refused.body.contains("Due now: Eve Evans"));
    assert!(refused.body.contains("Draw the groups again"));
    assert_eq!(app.count("rounds"), 0);
    assert_eq!(app.count("outbox WHERE kind = 'intro'"), 0);
}

#[tokio::test]
pub(super) async fn a_draft_expires_after_a_day() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let (_, draft) = draw(&organiser, false).await;
    // In steps, with the organiser busy in between: a session ends after
    // 12 idle hours.
    for hours in [11, 11, 3] {
        app.clock.advance(chrono::Duration::hours(hours));
        assert_eq!(organiser.get("/admin/rounds").await.status, 200);
    }
    let refused = send(&organiser, draft, false).await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("more than 24 hours old"));
    assert_eq!(app.count("rounds"), 0);
}

#[tokio::test]
pub(super) async fn a_swap_changes_exactly_two_groups_and_the_round_records_it() {
    let app = spawn_app().await;
    for i in 0..6 {
        app.add_participant(
            &format!("Person {i}"),
            &format!("p{i}@example.org"),
            &format!("Council {i}"),
        );
    }
    let organiser = app.organiser().await;
    let (_, draft) = draw(&organiser, false).await;
    let before = draft_groups(&app, draft);
    let (a, b) = (before[0][0], before[2][1]);
    let same_group = organiser
        .post(
            &format!("/admin/rounds/drafts/{draft}/swap"),
            &[
                ("first", &before[0][0].to_string()),
                ("second", &before[0][1].to_string()),
            ],
        )
        .await;
    assert_eq!(same_group.status, 409);
    assert!(same_group
        .body
        .contains("Choose two people in different groups"));

    let swapped = organiser
        .post(
            &format!("/admin/rounds/drafts/{draft}/swap"),
            &[("first", &a.to_string()), ("second", &b.to_string())],
        )
        .await;
    assert_eq!(swapped.status, 303, "{}", swapped.body);
    let page = organiser.get(&swapped.location()).await;
    assert!(page.body.contains("The two people have swapped groups"));
    assert!(page.body.contains("1 swap so far"));
    let after = draft_groups(&app, draft);
    let changed: Vec<usize> = (0..before.len())
        .filter(|&i| before[i] != after[i])
        .collect();
    assert_eq!(changed, [0, 2], "exactly the two groups");
    assert!(after[0].contains(&b) && after[2].contains(&a));

    let ran = send(&organiser, draft, false).await;
    let id = round_id(&ran.location());
    assert_eq!(round_groups(&app, id), after);
    let replay = app.db(|c| round_drafts::replay(c, id));
    let Replay::Identical { edits } = replay else {
        panic!("{replay:?}")
    };
    assert_eq!(edits.len(), 1);
    assert_eq!((edits[0].first, edits[0].second), (a, b));
    assert!(edits[0].by.is_some(), "who made it");
}

#[tokio::test]
pub(super) async fn rounds_drawn_again_from_their_seed_are_identical() {
    let app = spawn_app().await;
    for i in 0..11 {
        app.add_participant(
            &format!("Person {i}"),
            &format!("p{i}@example.org"),
            &format!("Council {}", i % 3),
        );
    }
    for _ in 0..5 {
        let round = app.run_round_for_everyone().await;
        let replay = app.db(|c| round_drafts::replay(c, round));
        assert_eq!(replay, Replay::Identical { edits: vec![] }, "round {round}");
    }
}

#[tokio::test]
pub(super) async fn a_second_round_within_ten_minutes_needs_force() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let first = run_round(&organiser).await;

    // Everyone just had a round, so only "everyone" makes a second one possible.
    let (page, draft) = draw(&organiser, true).await;
    assert!(
        page.body.contains("name=\"force\""),
        "the force box is offered"
    );
    assert!(page.body.contains(&format!("Round {first} ran on")));
    let refused = send(&organiser, draft, false).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("class=\"error-summary\""));
    assert!(refused.body.contains("less than 10 minutes ago"));
    assert!(refused.body.contains("href=\"#force\""));
    assert_eq!(app.count("rounds"), 1);

    let forced = send(&organiser, draft, true).await;
    assert_eq!(forced.status, 303, "{}", forced.body);
    assert_ne!(round_id(&forced.location()), first);
    assert_eq!(app.count("rounds"), 2);
    assert_eq!(app.count("rounds WHERE include_all = TRUE"), 1);
    assert_eq!(app.count("outbox WHERE kind = 'intro'"), 8);
}

#[tokio::test]
pub(super) async fn too_few_people_is_explained() {
    let app = spawn_app().await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds City Council");
    let organiser = app.organiser().await;
    let (page, _) = draw(&organiser, false).await;
    assert!(page.body.contains("Nobody would be paired"));
    assert!(
        !page.body.contains("Send these introductions"),
        "no send button"
    );
    assert_eq!(app.count("rounds"), 0);
}

#[tokio::test]
pub(super) async fn posts_without_the_form_token_draw_and_send_nothing() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let (_, draft) = draw(&organiser, false).await;
    let send_path = format!("/admin/rounds/drafts/{draft}/send");
    for path in ["/admin/rounds/drafts", send_path.as_str()] {
        let no_token = organiser.post_raw_form(path, &[]).await;
        assert_eq!(no_token.status, 403, "{path}");
        let forged = organiser
            .post_raw_form(path, &[("csrf_token", "forged")])
            .await;
        assert_eq!(forged.status, 403, "{path}");
        let signed_out = app
            .post_form(path, &[("csrf_token", &organiser.csrf_token)])
            .await;
        assert_eq!(signed_out.location(), "/admin/login");
    }
    assert_eq!(app.count("round_drafts"), 1);
    assert_eq!(app.count("rounds"), 0);
    assert_eq!(app.count("outbox"), 0);
}

#[tokio::test]
pub(super) async fn getting_the_pages_changes_nothing() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let id = run_round(&organiser).await;
    app.assert_all_email_sent().await;
    app.db(|c| outbox::mark_failed(c, 1, "554 refused"));
    let snapshot = |app: &TestApp| {
        [
            "rounds",
            "group_members",
            "outbox",
            "outbox WHERE status = 'failed'",
            "participants WHERE last_round_at IS NULL",
        ]
        .map(|t| app.count(t))
    };
    let before = snapshot(&app);
    for path in [
        "/admin/rounds".to_owned(),
        "/admin/rounds/preview".to_owned(),
        "/admin/rounds/preview?all=yes&force=yes".to_owned(),
        "/admin/rounds/drafts/1".to_owned(),
        format!("/admin/rounds/{id}"),
        "/admin/outbox".to_owned(),
        "/admin/outbox?status=failed".to_owned(),
    ] {
        assert_eq!(organiser.get(&path).await.status, 200, "{path}");
    }
    let retry = organiser.get("/admin/outbox/1/retry").await;
    assert!(retry.status >= 400, "{}", retry.status);
    let run = organiser.get("/admin/rounds?round_key=manual:x").await;
    assert_eq!(run.status, 200);
    assert_eq!(snapshot(&app), before);
    assert_eq!(
        organiser.get("/admin/rounds/999").await.status,
        404,
        "an unknown round"
    );
    assert_eq!(app.get("/admin/rounds").await.location(), "/admin/login");
}

#[tokio::test]
pub(super) async fn the_round_page_lists_groups_emails_and_answers() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let id = run_round(&organiser).await;
    app.assert_all_email_sent().await;
    let ann = app.id_of("ann@example.org");
    let answer = ValidFollowup {
        note: Some(Some("We mapped a service together".into())),
        publish: Some(true),
        challenged: Some(Some(4)),
        urls: vec![link("https://example.org/map")],
        ..followup(Met::Yes)
    };
    app.answer(app.member_of(id, ann), &answer, app.clock.now());
    app.erase(app.id_of("dan@example.org"));

    let page = organiser.get(&format!("/admin/rounds/{id}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.body.contains(">Groups (who is in them now)</caption>"));
    assert!(page.body.contains("Ann Able (Leeds City Council)"));
    assert!(page.body.contains("(left)"), "Dan left");
    assert!(page.body.contains(">Emails for this round</caption>"));
    assert_eq!(
        page.body
            .matches("<strong class=\"tag\">Sent</strong>")
            .count(),
        3,
        "Dan's email went when he left"
    );
    assert!(page.body.contains(">Follow-up answers</caption>"));
    assert!(page.body.contains("We mapped a service together"));
    assert!(page.body.contains("<td>4 out of 5</td>"));
    assert_eq!(page.body.matches("<td>Not answered</td>").count(), 3);
    assert!(page.body.contains("1 of 4 people"));
    assert!(!page.body.contains("/retry"), "nothing failed");
}

mod delivery;
