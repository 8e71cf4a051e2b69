//! The organiser pages for rounds and the outbox: preview, run (once per
//! form), each round's page, resending failed emails.

use unmentoring::db::outbox;
use unmentoring::domain::{Met, ValidFollowup};

use crate::common::smtp::Answer;
use crate::fixtures::{followup, link};
use crate::helpers::{spawn_app, Organiser, Page, TestApp};

/// The `value` of the form field `name` in a page.
pub(super) fn field(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body.find(&marker).expect("the field") + marker.len();
    let end = body[start..].find('"').unwrap() + start;
    body[start..end].to_owned()
}

/// Four people due, from three organisations.
pub(super) fn four_people(app: &TestApp) {
    app.add_participant("Ann Able", "ann@example.org", "Leeds City Council");
    app.add_participant("Bob Baker", "bob@example.org", "Bristol City Council");
    app.add_participant("Cat Cole", "cat@example.org", "Kent County Council");
    app.add_participant("Dan Dale", "dan@example.org", "Leeds City Council");
}

/// The preview page and the round key its run form carries.
pub(super) async fn preview(organiser: &Organiser<'_>, all: bool) -> (Page, String) {
    let page = organiser
        .get(if all {
            "/admin/rounds/preview?all=yes"
        } else {
            "/admin/rounds/preview"
        })
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let key = field(&page.body, "round_key");
    (page, key)
}

/// The round id in `/admin/rounds/{id}...`.
pub(super) fn round_id(location: &str) -> i64 {
    let rest = location
        .strip_prefix("/admin/rounds/")
        .expect("a round page");
    rest.split('?').next().unwrap().parse().unwrap()
}

/// Runs a round from a fresh preview; returns its id.
pub(super) async fn run_round(organiser: &Organiser<'_>) -> i64 {
    let (_, key) = preview(organiser, false).await;
    let ran = organiser
        .post("/admin/rounds", &[("round_key", &key)])
        .await;
    assert_eq!(ran.status, 303, "{}", ran.body);
    round_id(&ran.location())
}

/// Sends what is due, then checks that `sql_table` has a row.
pub(super) async fn deliver_then_expect(app: &TestApp, sql_table: &str) {
    app.deliver().await;
    assert!(app.count(sql_table) > 0, "after delivery: {sql_table}");
}

#[tokio::test]
pub(super) async fn the_preview_shows_the_groups_and_figures_and_stores_nothing() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let list = organiser.get("/admin/rounds").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("No rounds yet"));
    assert!(list.body.contains("action=\"/admin/rounds/preview\""));

    let (page, key) = preview(&organiser, false).await;
    assert_eq!(page.header("cache-control"), "no-store");
    for name in ["Ann Able", "Bob Baker", "Cat Cole", "Dan Dale"] {
        assert!(page.body.contains(name), "{name} in the preview");
    }
    assert!(page.body.contains("(Kent County Council)"));
    assert!(page
        .body
        .contains("<th scope=\"row\">People due</th><td>4</td>"));
    assert!(page
        .body
        .contains("<th scope=\"row\">Groups</th><td>2</td>"));
    assert!(page.body.contains("The real round is drawn again"));
    assert!(key.starts_with("manual:") && key.len() > 20, "{key}");
    assert!(
        !page.body.contains("name=\"force\""),
        "no round ran lately, so nothing to force"
    );
    let (again, second_key) = preview(&organiser, true).await;
    assert_ne!(key, second_key, "each preview has its own key");
    assert!(again.body.contains("name=\"all\" value=\"yes\">"));

    assert_eq!(app.count("rounds"), 0);
    assert_eq!(app.count("group_members"), 0);
    assert_eq!(app.count("outbox WHERE kind = 'intro'"), 0);
    assert_eq!(app.count("participants WHERE last_round_at IS NOT NULL"), 0);
}

#[tokio::test]
pub(super) async fn running_from_the_preview_makes_a_round_and_the_same_form_again_makes_no_other()
{
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let (_, key) = preview(&organiser, false).await;
    let ran = organiser
        .post("/admin/rounds", &[("round_key", &key)])
        .await;
    assert_eq!(ran.status, 303, "{}", ran.body);
    let id = round_id(&ran.location());
    assert_eq!(ran.location(), format!("/admin/rounds/{id}?ran=1"));
    assert_eq!(app.count("rounds"), 1);
    assert_eq!(app.count("group_members"), 4);
    assert_eq!(
        app.count(&format!("outbox WHERE kind = 'intro' AND round_id = {id}")),
        4
    );

    let shown = organiser.get(&ran.location()).await;
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains(&format!("Round {id} has run")));

    // The browser sends the same form again (a double click, or back and resubmit).
    let again = organiser
        .post("/admin/rounds", &[("round_key", &key)])
        .await;
    assert_eq!(again.status, 303);
    assert_eq!(again.location(), format!("/admin/rounds/{id}"));
    assert_eq!(app.count("rounds"), 1);
    assert_eq!(app.count("outbox WHERE kind = 'intro'"), 4);

    app.assert_all_email_sent().await;
    assert_eq!(app.wait_for_emails(4).await.len(), 4);
    let list = organiser.get("/admin/rounds").await;
    assert!(list
        .body
        .contains(&format!("<a href=\"/admin/rounds/{id}\">Round {id}</a>")));
}

#[tokio::test]
pub(super) async fn two_posts_of_the_same_form_at_once_make_one_round() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let (_, key) = preview(&organiser, false).await;
    let form = [("round_key", key.as_str())];
    let (a, b) = tokio::join!(
        organiser.post("/admin/rounds", &form),
        organiser.post("/admin/rounds", &form),
    );
    assert_eq!((a.status, b.status), (303, 303), "{} {}", a.body, b.body);
    assert_eq!(round_id(&a.location()), round_id(&b.location()));
    assert_eq!(app.count("rounds"), 1);
    assert_eq!(app.count("group_members"), 4);
    assert_eq!(app.count("outbox WHERE kind = 'intro'"), 4);
    app.assert_all_email_sent().await;
}

#[tokio::test]
pub(super) async fn a_second_round_within_ten_minutes_needs_force() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let first = run_round(&organiser).await;

    // Everyone just had a round, so only "everyone" makes a second one possible.
    let (page, key) = preview(&organiser, true).await;
    assert!(
        page.body.contains("name=\"force\""),
        "the force box is offered"
    );
    assert!(page.body.contains(&format!("Round {first} ran on")));
    let refused = organiser
        .post("/admin/rounds", &[("round_key", &key), ("all", "yes")])
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.title().starts_with("Error: "));
    assert!(refused.body.contains("class=\"error-summary\""));
    assert!(refused.body.contains("less than 10 minutes ago"));
    assert!(refused.body.contains("href=\"#force\""));
    assert_eq!(field(&refused.body, "round_key"), key, "the same request");
    assert_eq!(app.count("rounds"), 1);

    let forced = organiser
        .post(
            "/admin/rounds",
            &[("round_key", &key), ("all", "yes"), ("force", "yes")],
        )
        .await;
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
    let page = organiser.get("/admin/rounds/preview").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Nobody would be paired"));
    assert!(
        !page.body.contains("action=\"/admin/rounds\""),
        "no run button"
    );
    let refused = organiser
        .post(
            "/admin/rounds",
            &[("round_key", "manual:from-an-old-preview")],
        )
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("Only 1 person is due"));
    assert!(refused.body.contains("href=\"#all\""));
    assert_eq!(app.count("rounds"), 0);
}

#[tokio::test]
pub(super) async fn posts_without_the_form_token_or_a_good_key_run_nothing() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let (_, key) = preview(&organiser, false).await;
    let no_token = organiser
        .post_raw_form("/admin/rounds", &[("round_key", &key)])
        .await;
    assert_eq!(no_token.status, 403);
    let forged = organiser
        .post_raw_form(
            "/admin/rounds",
            &[("round_key", &key), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let signed_out = app
        .post_form(
            "/admin/rounds",
            &[
                ("round_key", key.as_str()),
                ("csrf_token", &organiser.csrf_token),
            ],
        )
        .await;
    assert_eq!(signed_out.status, 303);
    assert_eq!(signed_out.location(), "/admin/login");
    let long_key = format!("manual:{}", "x".repeat(100));
    for bad in ["", "schedule:2030-01-01T09:00", long_key.as_str()] {
        let page = organiser.post("/admin/rounds", &[("round_key", bad)]).await;
        assert_eq!(page.status, 400, "{bad}");
    }
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
