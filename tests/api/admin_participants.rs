use unmentoring::db::participants;
use unmentoring::domain::{Met, ValidFollowup, ValidProfile};

use crate::fixtures::{followup, link, profile};
use crate::helpers::{spawn_app, TestApp};

fn ann_with_skype_and_topics() -> ValidProfile {
    ValidProfile {
        skype: Some("ann.able".into()),
        topics: Some("Open data".into()),
        ..profile("Ann Able", "ann@example.org", "Leeds")
    }
}

fn status_is(app: &TestApp, id: i64, condition: &str) -> bool {
    app.count(&format!("participants WHERE id = {id} AND {condition}")) == 1
}

const SCRIPT: &str = "<script>alert(1)</script>";
const SCRIPT_ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62;";
const BOLD_ESCAPED: &str = "&#60;b&#62;x&#60;/b&#62;";

#[tokio::test]
async fn organisers_search_by_name_email_or_organisation_ignoring_case() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds City Council");
    let bob = app.add_participant("Bob Baker", "bob@kent.example", "Kent County Council");
    app.add_participant("Cat Cole", "cat@example.org", "100% Digital");
    app.add_participant("Dan Dee", "dan@example.org", "1000 Digital");
    app.add_participant("Eve Eames", "eve@example.org", "Team a_b");
    app.add_participant("Fay Fox", "fay@example.org", "Team axb");

    let everyone = organiser.get("/admin/participants").await;
    assert_eq!(everyone.status, 200);
    assert_eq!(everyone.header("cache-control"), "no-store");
    assert!(everyone
        .body
        .contains("Search by name, email address or organisation"));
    for name in ["Ann Able", "Bob Baker", "Cat Cole", "Dan Dee"] {
        assert!(everyone.body.contains(name), "{name} is listed");
    }
    assert!(everyone.body.contains("showing 1 to 6 of 6"));

    let searches: [(&str, &[&str]); 6] = [
        ("q=ABLE", &["Ann Able"]),
        ("q=BOB%40KENT", &["Bob Baker"]),
        ("q=leeds+city", &["Ann Able"]),
        ("q=100%25", &["Cat Cole"]),
        ("q=a_b", &["Eve Eames"]),
        ("q=council", &["Ann Able", "Bob Baker"]),
    ];
    let all = [
        "Ann Able",
        "Bob Baker",
        "Cat Cole",
        "Dan Dee",
        "Eve Eames",
        "Fay Fox",
    ];
    for (query, expected) in searches {
        let page = organiser.get(&format!("/admin/participants?{query}")).await;
        assert_eq!(page.status, 200);
        for name in all {
            assert_eq!(
                page.body.contains(name),
                expected.contains(&name),
                "{name} for {query}"
            );
        }
    }

    app.pause(bob);
    let paused = organiser.get("/admin/participants?status=paused").await;
    assert!(paused.body.contains("Bob Baker") && !paused.body.contains("Ann Able"));
    assert!(paused.body.contains("<option value=\"paused\" selected>"));

    let nothing = organiser.get("/admin/participants?q=nobody+here").await;
    assert_eq!(nothing.status, 200);
    assert!(nothing.body.contains("No participants found"));
    assert!(!nothing.body.contains("<table"));

    let too_long = organiser
        .get(&format!("/admin/participants?q={}", "x".repeat(101)))
        .await;
    assert!(too_long.title().starts_with("Error: "));
    assert!(too_long.body.contains("error-summary"));
}

#[tokio::test]
async fn results_come_fifty_to_a_page() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    for i in 1..=51 {
        app.add_participant(
            &format!("Person {i:02}"),
            &format!("p{i}@example.org"),
            "Leeds",
        );
    }
    let first = organiser.get("/admin/participants?q=person").await;
    assert!(first.body.contains("Person 50") && !first.body.contains("Person 51"));
    assert!(first.body.contains("1 to 50 of 51"));
    assert!(first
        .body
        .contains("href=\"/admin/participants?q=person&#38;page=2\""));
    assert!(!first.body.contains("rel=\"prev\""));
    let second = organiser.get("/admin/participants?q=person&page=2").await;
    assert!(second.body.contains("Person 51") && !second.body.contains("Person 50"));
    assert!(second.body.contains("rel=\"prev\"") && !second.body.contains("rel=\"next\""));
}

#[tokio::test]
async fn a_person_page_shows_their_details_rounds_partners_and_answers() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let ann = app.add_person(&ann_with_skype_and_topics());
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let round = app.run_round_for_everyone().await;
    app.wait_for_emails(2).await;
    let answer = ValidFollowup {
        note: Some(Some("We swapped notes on open data".into())),
        publish: Some(false),
        urls: vec![
            link("https://example.org/post-1"),
            link("https://example.org/post-2"),
        ],
        ..followup(Met::Yes)
    };
    app.answer(app.member_of(round, ann), &answer, app.clock.now());

    let page = organiser.get(&format!("/admin/participants/{ann}")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    for text in [
        "<h1 class=\"heading-xl\">Ann Able</h1>",
        "ann@example.org",
        "01632 960 001",
        "Leeds",
        "ann.able",
        "Open data",
        "Once a month",
        "Taking part",
        "Signed up on the website",
        &format!("href=\"/admin/rounds/{round}\""),
        &format!("<a href=\"/admin/participants/{bob}\">Bob Baker</a>"),
        "<td>Met</td>",
        "<td>2</td>",
        "We swapped notes on open data",
        &format!("action=\"/admin/participants/{ann}/pause\""),
        &format!("href=\"/admin/participants/{ann}/remove\""),
    ] {
        assert!(page.body.contains(text), "{text} on Ann's page");
    }
    let bobs = organiser.get(&format!("/admin/participants/{bob}")).await;
    assert!(bobs.body.contains(&format!(
        "<a href=\"/admin/participants/{ann}\">Ann Able</a>"
    )));
    assert!(bobs.body.contains("<td>No answer</td>") && bobs.body.contains("<td>0</td>"));

    let cat = profile("Cat Cole", "cat@example.org", "Hull");
    let now = app.clock.now();
    let imported = app
        .db(|c| participants::insert_imported(c, &cat, true, now))
        .id;
    let cat = organiser
        .get(&format!("/admin/participants/{imported}"))
        .await;
    assert!(cat
        .body
        .contains("Imported by an organiser who confirmed they had opted in"));
    assert!(cat.body.contains("Not in any round yet"));
    let list = organiser.get("/admin/participants?q=cole").await;
    assert!(list.body.contains("Imported, already confirmed"));

    for missing in ["/admin/participants/99999", "/admin/participants/nope"] {
        assert_eq!(organiser.get(missing).await.status, 404, "{missing}");
    }
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn organisers_pause_and_resume_people_and_a_get_changes_nothing() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");

    let get = organiser
        .get(&format!("/admin/participants/{ann}/pause"))
        .await;
    assert_ne!(get.status, 200);
    assert!(status_is(&app, ann, "status = 'active'"));

    let paused = organiser
        .post(&format!("/admin/participants/{ann}/pause"), &[])
        .await;
    assert_eq!(paused.status, 303);
    assert_eq!(
        paused.location(),
        format!("/admin/participants/{ann}?done=paused")
    );
    assert!(status_is(
        &app,
        ann,
        "status = 'paused' AND paused_until IS NULL"
    ));
    let page = organiser.get(&paused.location()).await;
    assert!(page.body.contains("notification-banner--success"));
    assert!(page.body.contains("Paused until they resume"));
    assert!(page.body.contains("Resume Ann Able"));

    assert_ne!(
        organiser
            .get(&format!("/admin/participants/{ann}/resume"))
            .await
            .status,
        200
    );
    assert!(status_is(&app, ann, "status = 'paused'"));
    let resumed = organiser
        .post(&format!("/admin/participants/{ann}/resume"), &[])
        .await;
    assert_eq!(
        resumed.location(),
        format!("/admin/participants/{ann}?done=resumed")
    );
    assert!(status_is(&app, ann, "status = 'active'"));
    assert!(organiser
        .get(&resumed.location())
        .await
        .body
        .contains("They are taking part again"));

    let unknown = organiser.post("/admin/participants/99999/pause", &[]).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn removing_asks_first_then_erases_their_personal_data() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let ann = app.add_person(&ann_with_skype_and_topics());
    let confirm = organiser
        .get(&format!("/admin/participants/{ann}/remove"))
        .await;
    assert_eq!(confirm.status, 200);
    assert_eq!(confirm.header("cache-control"), "no-store");
    assert!(confirm
        .body
        .contains("Are you sure you want to remove Ann Able?"));
    assert!(confirm.body.contains("Remove and delete their details"));
    assert!(confirm.body.contains("button--warning"));
    assert!(status_is(
        &app,
        ann,
        "status = 'active' AND name = 'Ann Able'"
    ));

    let removed = organiser
        .post(&format!("/admin/participants/{ann}/remove"), &[])
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(removed.location(), "/admin/participants?removed=1");
    assert!(status_is(
        &app,
        ann,
        "status = 'left' AND name = '' AND email IS NULL AND email_key IS NULL AND phone IS NULL
         AND organisation = '' AND skype IS NULL AND topics IS NULL AND left_at IS NOT NULL"
    ));
    let list = organiser.get(&removed.location()).await;
    assert!(list.body.contains("notification-banner--success"));
    assert!(list.body.contains("(left)"));
    assert!(!list.body.contains("Ann Able") && !list.body.contains("ann@example.org"));
    let page = organiser.get(&format!("/admin/participants/{ann}")).await;
    assert!(page.body.contains("(left)") && !page.body.contains("/remove\""));

    // Someone who never confirmed can be removed the same way.
    let pending = app.add_pending("Pat Pending", "pat@example.org", "Hull");
    let confirm = organiser
        .get(&format!("/admin/participants/{pending}/remove"))
        .await;
    assert!(confirm.body.contains("not confirmed their email address"));
    organiser
        .post(&format!("/admin/participants/{pending}/remove"), &[])
        .await;
    assert!(status_is(
        &app,
        pending,
        "status = 'left' AND email IS NULL"
    ));
}

#[tokio::test]
async fn posts_without_the_form_token_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.pause(bob);
    for (path, id, unchanged) in [
        (
            format!("/admin/participants/{ann}/pause"),
            ann,
            "status = 'active'",
        ),
        (
            format!("/admin/participants/{bob}/resume"),
            bob,
            "status = 'paused'",
        ),
        (
            format!("/admin/participants/{ann}/remove"),
            ann,
            "email = 'ann@example.org'",
        ),
    ] {
        let none = organiser.post_raw_form(&path, &[]).await;
        assert_eq!(none.status, 403, "{path}");
        let forged = organiser
            .post_raw_form(&path, &[("csrf_token", "forged")])
            .await;
        assert_eq!(forged.status, 403, "{path}");
        assert!(status_is(&app, id, unchanged), "{path}");
    }
}

#[tokio::test]
async fn names_with_markup_are_shown_escaped_on_every_participant_page() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let xss = app.add_participant(SCRIPT, "xss@example.org", "<b>x</b>");
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.run_round_for_everyone().await;
    app.wait_for_emails(2).await;

    let pages = [
        ("list", "/admin/participants".to_owned(), true),
        ("search", "/admin/participants?q=alert".to_owned(), true),
        ("person", format!("/admin/participants/{xss}"), true),
        ("remove", format!("/admin/participants/{xss}/remove"), true),
        ("partner", format!("/admin/participants/{ann}"), false),
    ];
    for (what, path, shows_organisation) in pages {
        let page = organiser.get(&path).await;
        assert_eq!(page.status, 200, "{what}");
        assert!(page.body.contains(SCRIPT_ESCAPED), "{what}: {}", page.body);
        assert!(!page.body.contains("<script"), "{what}");
        assert!(!page.body.contains("<b>x</b>"), "{what}");
        if shows_organisation {
            assert!(page.body.contains(BOLD_ESCAPED), "{what}");
        }
    }
    app.assert_all_email_sent().await;
}
