//! "Can the people you are introduced to see your phone number?"
//! (`share_phone`): asked at signup with no default, changed on the manage
//! page, and honoured in both parts of every introduction.

use unmentoring::domain::ValidProfile;

use crate::fixtures::profile;
use crate::helpers::{signup_form, spawn_app};

const ANN_PHONE: &str = "01632 960 111";
const BOB_PHONE: &str = "01632 960 222";

fn with_phone(name: &str, email: &str, phone: &str, share_phone: bool) -> ValidProfile {
    ValidProfile {
        phone: phone.into(),
        share_phone,
        ..profile(name, email, "Leeds")
    }
}

#[tokio::test]
async fn a_partner_sees_a_phone_number_only_when_its_owner_said_yes() {
    let app = spawn_app().await;
    app.add_person(&with_phone("Ann Able", "ann@example.org", ANN_PHONE, true));
    app.add_person(&with_phone(
        "Bob Baker",
        "bob@example.org",
        BOB_PHONE,
        false,
    ));
    app.run_round_for_everyone().await;

    let to_ann = app.email_for("ann@example.org", 2).await;
    let to_bob = app.email_for("bob@example.org", 2).await;

    for part in [&to_ann.text, &to_ann.html] {
        assert!(part.contains("Bob Baker"));
        assert!(!part.contains(BOB_PHONE), "Bob said no:\n{part}");
        assert!(!part.contains("Phone:"), "no empty phone line:\n{part}");
    }
    for part in [&to_bob.text, &to_bob.html] {
        assert!(
            part.contains(&format!("Phone: {ANN_PHONE}")),
            "Ann said yes:\n{part}"
        );
    }
}

#[tokio::test]
async fn the_answer_given_at_signup_is_kept_and_shown_before_confirming() {
    let app = spawn_app().await;
    let mut form = signup_form("kim@example.org");
    for entry in form.iter_mut().filter(|(f, _)| *f == "share_phone") {
        entry.1 = "no".into();
    }
    assert_eq!(app.post_form("/signup", &form).await.status, 303);
    let confirm = app.email_for("kim@example.org", 1).await;
    let link = confirm.link_to(app.link_base(), "/confirm/");

    let page = app.get(&link).await;
    assert!(page.body.contains("Partners see your phone number"));
    assert_eq!(
        app.post_form(&link, &[("", "")]).await.status,
        303,
        "confirmed"
    );
    assert_eq!(
        app.count("participants WHERE email = 'kim@example.org' AND share_phone = FALSE AND confirmed_at IS NOT NULL"),
        1
    );
}

#[tokio::test]
async fn the_manage_page_shows_the_answer_and_changes_it() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    let link = welcome.link_to(app.link_base(), "/me/");
    let page = app.get(&link).await;
    assert!(page
        .body
        .contains("name=\"share_phone\" type=\"radio\" value=\"yes\" checked"));

    let mut form: Vec<(&str, String)> = signup_form("jo@example.org")
        .into_iter()
        .filter(|(f, _)| *f != "email" && *f != "consent")
        .collect();
    for entry in form.iter_mut().filter(|(f, _)| *f == "share_phone") {
        entry.1 = "no".into();
    }
    assert_eq!(app.post_form(&link, &form).await.status, 303);
    assert_eq!(
        app.count("participants WHERE email = 'jo@example.org' AND share_phone = FALSE"),
        1
    );
    let page = app.get(&link).await;
    assert!(page
        .body
        .contains("name=\"share_phone\" type=\"radio\" value=\"no\" checked"));
}
