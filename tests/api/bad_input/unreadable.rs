//! Bytes that are not UTF-8, raw or percent-encoded, are refused with the
//! form shown again, never stored as replacement characters.

use crate::helpers::{signup_form, spawn_app, TestApp};

const UNREADABLE: &str = "must not contain characters we cannot read";

/// A form body with `field`'s value replaced by `value`, which is put in the
/// body as it is (so it can hold raw bytes or `%FF`).
fn body_with(form: &[(&str, String)], field: &str, value: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, text) in form {
        if !body.is_empty() {
            body.push(b'&');
        }
        body.extend_from_slice(name.as_bytes());
        body.push(b'=');
        if *name == field {
            body.extend_from_slice(value);
        } else {
            body.extend(url::form_urlencoded::byte_serialize(text.as_bytes()).flat_map(str::bytes));
        }
    }
    body
}

#[tokio::test]
async fn a_signup_with_bytes_that_are_not_text_shows_the_form_again() {
    let app = spawn_app().await;
    let form = signup_form("kept@example.org");
    let cases: [(&str, &[u8], &str); 5] = [
        ("name", b"Jo%FF Bloggs", "Full name"),
        ("name", b"Jo\xff Bloggs", "Full name"),
        ("organisation", b"Leeds %C3%28 Council", "Organisation"),
        (
            "topics",
            b"Open data \xc3",
            "What you would like to talk about",
        ),
        ("email", b"jo%FF@example.org", "Email address"),
    ];
    for (field, value, label) in cases {
        let page = app
            .post_raw("/signup", body_with(&form, field, value))
            .await;
        assert_eq!(page.status, 200, "{field}: {}", page.body);
        assert!(page.title().starts_with("Error: "), "{field}");
        assert!(
            page.body.contains(&format!("<a href=\"#{field}\">")),
            "{field}"
        );
        assert!(
            page.body.contains(&format!("{label} {UNREADABLE}")),
            "{field}: {}",
            page.body
        );
        if field != "email" {
            assert!(
                page.body.contains("value=\"kept@example.org\""),
                "values kept"
            );
        }
    }
    assert_eq!(app.count("participants"), 0);
    assert_eq!(app.count("outbox"), 0);
}

#[tokio::test]
async fn a_change_of_details_with_bytes_that_are_not_text_changes_nothing() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    let link = welcome.link_to(app.link_base(), "/me/");
    let body = b"name=Jo+Bloggs&phone=01632+960+001&organisation=Leeds%FF&cadence=monthly".to_vec();
    let page = app.post_raw(&link, body).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.title().starts_with("Error: "));
    assert!(page.body.contains(&format!("Organisation {UNREADABLE}")));
    assert_eq!(
        app.count("participants WHERE organisation = 'Leeds City Council'"),
        1,
        "nothing changed"
    );
}

/// Ann's follow-up link, after a round with Bob.
pub(super) async fn followup_link(app: &TestApp) -> String {
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.run_round_for_everyone().await;
    let intro = app.email_for("ann@example.org", 2).await;
    intro.link_to(app.link_base(), "/followup/")
}

#[tokio::test]
async fn a_follow_up_with_bytes_that_are_not_text_is_not_recorded() {
    let app = spawn_app().await;
    let path = followup_link(&app).await;
    let note = app
        .post_raw(&path, b"met=yes&note=Good+chat%FF&publish=no".to_vec())
        .await;
    assert_eq!(note.status, 200, "{}", note.body);
    assert!(note.title().starts_with("Error: "));
    assert!(note.body.contains(&format!("Your note {UNREADABLE}")));
    let link = app
        .post_raw(
            &path,
            b"met=yes&url=https://example.org/%FF&note=Kept".to_vec(),
        )
        .await;
    assert!(link.body.contains("<a href=\"#url-1\">"));
    assert!(link.body.contains(&format!("The link {UNREADABLE}")));
    assert!(link.body.contains("Kept"), "the note is kept");
    assert_eq!(app.count("followup_answers"), 0);
    assert_eq!(app.count("shared_links"), 0);
}

#[tokio::test]
async fn a_sign_in_with_bytes_that_are_not_text_says_so() {
    let app = spawn_app().await;
    app.add_organiser("organiser@example.org", "a long test password");
    for body in [
        b"email=organiser%FF%40example.org&password=a+long+test+password".to_vec(),
        b"email=organiser%40example.org&password=a+long+test+password\xff".to_vec(),
    ] {
        let page = app.post_raw("/admin/login", body).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.title().starts_with("Error: "));
        assert!(page.body.contains(UNREADABLE), "{}", page.body);
        assert!(page.header("set-cookie").is_empty());
    }
    assert_eq!(app.count("admin_sessions"), 0);
}
