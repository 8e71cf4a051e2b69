//! A bouncing person opens their own page, gives a new address, confirms it
//! from the email sent there, and takes part again.

use crate::bounces::status_of;
use crate::common::smtp::Answer;
use crate::helpers::{spawn_app, TestApp};

fn details(name: &str, email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("email", email.to_owned()),
        ("phone", "01632 960 001".to_owned()),
        ("organisation", "Kent County Council".to_owned()),
        ("cadence", "monthly".to_owned()),
        ("share_phone", "yes".to_owned()),
    ]
}

/// Bob joined, then his introduction bounced. Later his mailbox takes email
/// again for a while: he signs up again and gets the link to his page.
async fn bouncing_bob(app: &TestApp) -> (i64, String) {
    app.confirmed_participant("bob@example.org").await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.smtp.answer_for("bob@example.org", Answer::NoMailbox);
    app.run_round_for_everyone().await;
    app.deliver().await;
    let bob = app.id_of("bob@example.org");
    assert_eq!(status_of(app, bob), "bouncing");

    app.smtp.answer_for("bob@example.org", Answer::Accept);
    app.clock.advance(chrono::Duration::minutes(20));
    let before = app.smtp.received().len();
    assert_eq!(app.sign_up("bob@example.org").await.status, 303);
    let email = app.email_for("bob@example.org", before + 1).await;
    assert_eq!(email.kind, "manage");
    (bob, email.link_to(app.link_base(), "/me/"))
}

#[tokio::test]
async fn a_bouncing_person_confirms_a_new_address_and_takes_part_again() {
    let app = spawn_app().await;
    let (bob, manage) = bouncing_bob(&app).await;
    let page = app.get(&manage).await;
    assert_eq!(page.status, 200, "the manage link still opens");
    assert!(
        page.body.contains("Our emails are not reaching you"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("name=\"email\" type=\"email\" value=\"bob@example.org\""));
    assert!(!page.body.contains("Take a break"));

    let to_old = "outbox WHERE to_address = 'bob@example.org'";
    let old_before = app.count(to_old);
    let before = app.smtp.received().len();
    let asked = app
        .post_form(&manage, &details("Bob Baker", "bob@new.example.org"))
        .await;
    assert_eq!(asked.status, 303, "{}", asked.body);
    assert!(asked.location().ends_with("?done=email#main-content"));
    let sent = app.wait_for_emails(before + 1).await;
    let [confirm] = &sent[before..] else {
        panic!(
            "one email: {:?}",
            sent[before..].iter().map(|e| &e.kind).collect::<Vec<_>>()
        )
    };
    assert!(confirm.is_for("bob@new.example.org"));
    assert_eq!(confirm.kind, "confirm");
    // Nothing changes until the link is followed; the other details are saved.
    assert_eq!(status_of(&app, bob), "bouncing");
    assert_eq!(
        app.count("participants WHERE email = 'bob@example.org' AND name = 'Bob Baker'"),
        1
    );
    let notice = app.get(&asked.location()).await;
    assert!(notice
        .body
        .contains("We have emailed a link to your new address"));

    let link = confirm.link_to(app.link_base(), "/confirm/");
    let check = app.get(&link).await;
    assert_eq!(check.status, 200);
    assert!(check.body.contains("Confirm your new email address"));
    assert!(check.body.contains("bob@new.example.org"));
    let done = app.post_form(&link, &[("", "")]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/confirmed/email");
    assert!(app
        .get("/confirmed/email")
        .await
        .body
        .contains("Your email address is changed"));
    assert_eq!(status_of(&app, bob), "active");
    assert_eq!(
        app.count("participants WHERE email = 'bob@new.example.org'"),
        1
    );
    assert_eq!(app.count("email_changes"), 0);
    assert_eq!(
        app.post_form(&link, &[("", "")]).await.status,
        404,
        "used once"
    );
    app.deliver().await;
    assert_eq!(app.count(to_old), old_before, "nothing for the old address");

    let page = app.get(&manage).await;
    assert!(page.body.contains("Taking part"));
    assert!(!page.body.contains("Our emails are not reaching you"));
}

#[tokio::test]
async fn an_address_someone_else_uses_or_a_bad_one_is_refused_and_nothing_is_saved() {
    let app = spawn_app().await;
    let (bob, manage) = bouncing_bob(&app).await;
    let queued = app.count("outbox");
    let taken = app
        .post_form(&manage, &details("Robert", "Ann@Example.org"))
        .await;
    assert_eq!(taken.status, 200);
    assert!(taken.title().starts_with("Error: "));
    assert!(taken
        .body
        .contains("already used by someone else in UnMentoring"));
    assert!(taken.body.contains("<a href=\"#email\">"));
    assert!(
        taken.body.contains("value=\"Ann@Example.org\""),
        "what was typed is kept"
    );
    let bad = app
        .post_form(&manage, &details("Robert", "not an address"))
        .await;
    assert!(bad.body.contains("Enter one email address"), "{}", bad.body);
    assert_eq!(app.count("outbox"), queued, "no email");
    assert_eq!(app.count("email_changes"), 0);
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {bob} AND name = 'Jo Bloggs'"
        )),
        1
    );
    assert_eq!(status_of(&app, bob), "bouncing");
}

#[tokio::test]
async fn an_address_that_works_again_is_confirmed_as_it_is() {
    let app = spawn_app().await;
    let (bob, manage) = bouncing_bob(&app).await;
    let before = app.smtp.received().len();
    let asked = app
        .post_form(&manage, &details("Jo Bloggs", "bob@example.org"))
        .await;
    assert_eq!(asked.status, 303);
    let confirm = app.email_for("bob@example.org", before + 1).await;
    assert_eq!(confirm.kind, "confirm");
    assert_eq!(
        status_of(&app, bob),
        "bouncing",
        "not before the link is followed"
    );
    let link = confirm.link_to(app.link_base(), "/confirm/");
    assert_eq!(app.post_form(&link, &[("", "")]).await.status, 303);
    assert_eq!(status_of(&app, bob), "active");
}
