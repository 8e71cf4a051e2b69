use crate::helpers::{signup_form, spawn_app};
use crate::signup_limits::past_the_email_window;

#[tokio::test]
async fn the_home_page_explains_and_offers_the_form() {
    let app = spawn_app().await;
    let page = app.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("30 minutes"));
    for field in [
        "name",
        "email",
        "phone",
        "organisation",
        "google_id",
        "skype",
        "topics",
        "cadence",
        "consent",
    ] {
        assert!(
            page.body.contains(&format!("name=\"{field}\"")),
            "no {field} field"
        );
    }
    assert!(page.body.contains("Google ID (optional)"));
    assert!(page.body.contains("href=\"/privacy\""));
    assert!(!page.title().starts_with("Error"));
    assert_eq!(app.get("/privacy").await.status, 200);
}

#[tokio::test]
async fn a_valid_signup_is_stored_and_gets_a_confirmation_email() {
    let app = spawn_app().await;
    let page = app.sign_up("jo@leeds.gov.uk").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), "/signup/check-email");
    let check = app.get("/signup/check-email").await;
    assert!(check.body.contains("Check your email"));

    assert_eq!(app.count("participants WHERE status = 'pending'"), 1);
    let email = app.email_for("jo@leeds.gov.uk", 1).await;
    assert_eq!(email.kind, "confirm");
    assert!(
        email.to.contains("Jo Bloggs") && email.to.ends_with("<jo@leeds.gov.uk>"),
        "{}",
        email.to
    );
    assert_eq!(email.from, "UnMentoring <unmentoring@localhost>");
    assert!(
        email.message_id.ends_with("@localhost>"),
        "{}",
        email.message_id
    );
    assert_eq!(email.content_type, "multipart/alternative");
    let link = email.link_to(app.link_base(), "/confirm/");
    assert!(
        email.html.contains(&link),
        "the HTML part has the same link"
    );
    assert!(
        email.html.contains("overflow-wrap: anywhere"),
        "long links wrap on a phone instead of running off the screen"
    );
    app.assert_all_email_sent().await;
}

/// (field left out or wrong, the value sent, the field that must be named)
const BAD_INPUTS: &[(&str, &str)] = &[
    ("name", ""),
    ("name", "Jo\r\nBcc: evil@example.org"),
    ("email", ""),
    ("email", "not-an-email"),
    ("email", "a@example.org, b@example.org"),
    ("email", "jo@localhost"),
    ("phone", ""),
    ("phone", "12345"),
    ("phone", "call me maybe"),
    ("organisation", ""),
    ("google_id", "bad\u{7}value"),
    ("skype", "x\ny"),
    ("cadence", "weekly"),
    ("share_phone", ""),
    ("share_phone", "maybe"),
    ("consent", ""),
];

#[tokio::test]
async fn every_validation_error_re_renders_the_form_with_values_kept() {
    let app = spawn_app().await;
    for (field, value) in BAD_INPUTS {
        let mut form = signup_form("kept@example.org");
        for entry in form.iter_mut().filter(|(f, _)| f == field) {
            entry.1 = (*value).to_owned();
        }
        let page = app.post_form("/signup", &form).await;
        assert_eq!(page.status, 200, "{field}={value:?}");
        assert!(
            page.title().starts_with("Error: "),
            "{field}: {}",
            page.title()
        );
        assert!(page.body.contains("There is a problem"));
        assert!(
            page.body.contains(&format!("<a href=\"#{field}\">")),
            "summary links to {field}"
        );
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "message by {field}"
        );
        if *field != "email" {
            assert!(
                page.body.contains("value=\"kept@example.org\""),
                "email kept when {field} is wrong"
            );
        }
        assert!(
            page.body.contains("Open data and user research"),
            "topics kept"
        );
    }
    let long_topics = "x".repeat(501);
    let mut form = signup_form("kept@example.org");
    form.retain(|(f, _)| *f != "topics");
    form.push(("topics", long_topics.clone()));
    let page = app.post_form("/signup", &form).await;
    assert!(page.body.contains("500 characters or fewer"));
    assert!(
        page.body.contains(&long_topics),
        "the long text is kept for editing"
    );

    assert_eq!(app.count("participants"), 0);
    assert_eq!(app.count("outbox"), 0);
}

#[tokio::test]
async fn an_empty_or_garbled_form_gets_an_html_answer_not_a_bare_400() {
    let app = spawn_app().await;
    let empty = app.post_raw("/signup", "").await;
    assert_eq!(empty.status, 200);
    assert!(empty.title().starts_with("Error: "));
    for field in ["name", "email", "phone", "organisation", "consent"] {
        assert!(
            empty.body.contains(&format!("<a href=\"#{field}\">")),
            "{field}"
        );
    }
    let garbled = app.post_raw("/signup", "name=%ZZ&&=").await;
    assert!(
        garbled.header("content-type").starts_with("text/html"),
        "{}",
        garbled.body
    );
    assert!(garbled.body.contains("<title>"));
    assert_eq!(app.count("participants"), 0);
}

#[tokio::test]
async fn a_repeat_signup_looks_exactly_the_same() {
    let app = spawn_app().await;
    let first = app.sign_up("same@example.org").await;
    let first_page = app.get(&first.location()).await;
    // A repeat while unconfirmed (after signup.repeat_email_minutes): a fresh
    // confirmation email, whose link carries the new details.
    app.clock.advance(past_the_email_window());
    let mut form = signup_form("Same@Example.org");
    form[0].1 = "Jo Changed".into();
    let second = app.post_form("/signup", &form).await;
    assert_eq!(
        (first.status, first.location()),
        (second.status, second.location())
    );
    let emails = app.wait_for_emails(2).await;
    assert!(emails.iter().all(|e| e.kind == "confirm"));
    assert_ne!(
        emails[0].link_to(app.link_base(), "/confirm/"),
        emails[1].link_to(app.link_base(), "/confirm/")
    );
    assert_eq!(app.count("participants"), 1);
    assert_eq!(
        app.count("participants WHERE name = 'Jo Changed'"),
        0,
        "nothing changes before a confirmation"
    );

    // Confirmed: a repeat sends the person's own manage link instead.
    let link = emails[1].link_to(app.link_base(), "/confirm/");
    assert_eq!(app.post_form(&link, &[("", "")]).await.status, 303);
    assert_eq!(app.count("participants WHERE name = 'Jo Changed'"), 1);
    app.wait_for_emails(3).await;
    app.clock.advance(past_the_email_window());
    let third = app.sign_up("same@example.org").await;
    assert_eq!(
        (first.status, first.location()),
        (third.status, third.location())
    );
    assert_eq!(app.get(&third.location()).await.body, first_page.body);
    let manage = app.email_for("same@example.org", 4).await;
    assert_eq!(manage.kind, "manage");
    assert!(manage.link_to(app.link_base(), "/me/").len() > 40);
    assert_eq!(
        app.count("participants WHERE name = 'Jo Changed'"),
        1,
        "a repeat never changes a confirmed person"
    );
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn fifty_concurrent_signups_are_all_stored() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let client = app.client.clone();
        let url = format!("{}/signup", app.address);
        tasks.push(tokio::spawn(async move {
            let form = signup_form(&format!("person{i}@example.org"));
            client
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), 303);
    }
    assert_eq!(app.count("participants"), 50);
    assert_eq!(app.count("outbox"), 50);
    let emails = app.wait_for_emails(50).await;
    assert_eq!(emails.len(), 50);
    app.assert_all_email_sent().await;
}
