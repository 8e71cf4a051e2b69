//! Usual availability: the `availability` checkboxes on the signup form and
//! the manage page, and the sentence it adds to an introduction.

use crate::helpers::{signup_form, spawn_app, TestApp};

fn availability_of(app: &TestApp, email: &str) -> Option<String> {
    let id = app.id_of(email);
    app.db(|c| unmentoring::db::participants::find(c, id))
        .expect("the person")
        .availability
}

fn with_ticks(email: &str, ticks: &[&str]) -> Vec<(&'static str, String)> {
    let mut form = signup_form(email);
    form.extend(ticks.iter().map(|t| ("availability", (*t).to_owned())));
    form
}

#[tokio::test]
async fn a_signup_keeps_its_ticks_until_it_is_confirmed() {
    let app = spawn_app().await;
    let form = with_ticks("jo@example.org", &["thu_pm", "tue_am"]);
    assert_eq!(app.post_form("/signup", &form).await.status, 303);
    assert_eq!(
        app.count("pending_signups WHERE availability = 'tue_am thu_pm'"),
        1
    );
    let confirm = app.email_for("jo@example.org", 1).await;
    let link = confirm.link_to(app.link_base(), "/confirm/");
    assert_eq!(app.post_form(&link, &[("", "")]).await.status, 303);
    assert_eq!(
        availability_of(&app, "jo@example.org").as_deref(),
        Some("tue_am thu_pm")
    );
}

#[tokio::test]
async fn ticks_are_kept_when_the_form_comes_back_with_errors() {
    let app = spawn_app().await;
    let mut form = with_ticks("jo@example.org", &["mon_am", "fri_pm"]);
    form.retain(|(k, _)| *k != "name");
    let page = app.post_form("/signup", &form).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Enter your full name"));
    for (id, ticked) in [
        ("availability", true),
        ("availability-fri_pm", true),
        ("availability-tue_am", false),
    ] {
        let marker = format!("id=\"{id}\" name=\"availability\" type=\"checkbox\"");
        let at = page.body.find(&marker).unwrap_or_else(|| panic!("{id}"));
        let tag = &page.body[at..at + page.body[at..].find('>').unwrap()];
        assert_eq!(tag.contains(" checked"), ticked, "{tag}");
    }
    assert!(page.body.contains("Monday morning"));
    assert_eq!(app.count("participants"), 0);
}

#[tokio::test]
async fn a_value_that_is_not_a_checkbox_is_refused_with_a_clear_error() {
    let app = spawn_app().await;
    let form = with_ticks("jo@example.org", &["tue_am", "sun_am"]);
    let page = app.post_form("/signup", &form).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("Choose the times you are usually free from the list"));
    assert!(page.body.contains("href=\"#availability\""));
    assert_eq!(app.count("participants"), 0);
}

#[tokio::test]
async fn the_manage_page_shows_changes_and_clears_availability() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    let link = welcome.link_to(app.link_base(), "/me/");
    assert_eq!(availability_of(&app, "jo@example.org"), None);
    let mut form = signup_form("jo@example.org");
    form.push(("availability", "wed_pm".into()));
    form.push(("availability", "mon_pm".into()));
    assert_eq!(app.post_form(&link, &form).await.status, 303);
    assert_eq!(
        availability_of(&app, "jo@example.org").as_deref(),
        Some("mon_pm wed_pm")
    );
    let page = app.get(&link).await;
    assert!(page
        .body
        .contains("id=\"availability-wed_pm\" name=\"availability\" type=\"checkbox\" value=\"wed_pm\" checked"));

    // An error elsewhere keeps what was ticked, and stores nothing.
    let mut broken = form.clone();
    broken.retain(|(k, _)| *k != "organisation");
    broken.push(("availability", "thu_am".into()));
    let page = app.post_form(&link, &broken).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains("id=\"availability-thu_am\" name=\"availability\" type=\"checkbox\" value=\"thu_am\" checked"));
    assert_eq!(
        availability_of(&app, "jo@example.org").as_deref(),
        Some("mon_pm wed_pm")
    );

    // Nothing ticked: they no longer say.
    assert_eq!(
        app.post_form(&link, &signup_form("jo@example.org"))
            .await
            .status,
        303
    );
    assert_eq!(availability_of(&app, "jo@example.org"), None);
}

/// A round for Ann and Bob with the given availability; their introductions.
async fn introduced(ann: Option<&str>, bob: Option<&str>) -> (String, String) {
    let app = spawn_app().await;
    for (name, email, slots) in [
        ("Ann Able", "ann@example.org", ann),
        ("Bob Baker", "bob@example.org", bob),
    ] {
        let id = app.add_participant(name, email, "Leeds");
        app.db(|c| unmentoring::db::participants::set_availability(c, id, slots));
    }
    app.run_round_for_everyone().await;
    let ann = app.email_for("ann@example.org", 2).await;
    let bob = app.email_for("bob@example.org", 2).await;
    assert!(ann.html.contains("Reply to this email"));
    (ann.text, bob.html)
}

#[tokio::test]
async fn the_introduction_says_when_both_are_usually_free_only_when_they_share_a_time() {
    let sentence = "You are both usually free on Tuesday mornings and Thursday afternoons.";
    let (ann, bob) = introduced(Some("tue_am thu_pm fri_am"), Some("mon_am tue_am thu_pm")).await;
    assert!(ann.contains(sentence), "{ann}");
    assert!(bob.contains(sentence), "{bob}");

    for (a, b) in [
        (Some("tue_am"), None),
        (Some("tue_am"), Some("tue_pm")),
        (None, None),
    ] {
        let (ann, bob) = introduced(a, b).await;
        assert!(!ann.contains("usually free"), "{a:?} {b:?}: {ann}");
        assert!(!bob.contains("usually free"), "{a:?} {b:?}");
    }
}
