use crate::helpers::{signup_form, spawn_app, TestApp};
use crate::signup_limits::past_the_email_window;

#[tokio::test]
async fn opening_the_link_changes_nothing_until_the_button_is_pressed() {
    let app = spawn_app().await;
    let link = app.signed_up_link("jo@example.org").await;

    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm my place"));
    assert!(page.body.contains("method=\"post\""));
    assert_eq!(page.header("cache-control"), "no-store");
    // Mail scanners open links: a GET, even twice, must not confirm.
    app.get(&link).await;
    assert_eq!(app.count("participants WHERE status = 'pending'"), 1);

    let done = app.post_form(&link, &[("", "")]).await;
    assert_eq!(done.status, 303);
    assert_eq!(
        app.count("participants WHERE status = 'active' AND confirmed_at IS NOT NULL"),
        1
    );
    let welcome = app.email_for("jo@example.org", 2).await;
    assert_eq!(welcome.kind, "manage");
    assert!(welcome.link_to(app.link_base(), "/me/").len() > 40);

    // A used link no longer works.
    let again = app.post_form(&link, &[("", "")]).await;
    assert_eq!(again.status, 404);
    assert!(again.body.contains("This link is not valid"));
    assert_eq!(app.count("participants WHERE status = 'active'"), 1);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn reloading_after_confirming_shows_the_confirmed_page_again() {
    let app = spawn_app().await;
    let link = app.signed_up_link("jo@example.org").await;

    let done = app.post_form(&link, &[("", "")]).await;
    assert_eq!(done.status, 303);
    assert_eq!(done.location(), "/confirmed");
    assert_eq!(done.header("cache-control"), "no-store");
    let welcome = app.email_for("jo@example.org", 2).await;
    let manage_token =
        welcome.link_to(app.link_base(), "/me/")[app.link_base().len() + 4..].to_owned();
    // A reload asks for the page again: it needs no link, so it shows again.
    for _ in 0..2 {
        let page = app.get(&done.location()).await;
        assert_eq!(page.status, 200);
        assert_eq!(page.title(), "You have confirmed your place – UnMentoring");
        assert!(page.body.contains("What happens next"));
        assert!(page
            .body
            .contains("We have emailed you a link to your details"));
        // Anyone can open it: nothing personal, no one's link.
        for private in ["Jo Bloggs", "jo@example.org", "/me/", manage_token.as_str()] {
            assert!(!page.body.contains(private), "{private} on {}", page.body);
        }
    }
    assert_eq!(app.count("participants WHERE status = 'active'"), 1);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn two_presses_of_the_button_at_once_confirm_once() {
    let app = spawn_app().await;
    let link = app.signed_up_link("jo@example.org").await;

    let (a, b) = tokio::join!(
        app.post_form(&link, &[("", "")]),
        app.post_form(&link, &[("", "")])
    );
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [303, 404]);
    app.assert_all_email_sent().await;
    assert_eq!(app.count("outbox WHERE kind = 'manage'"), 1, "one welcome");
    assert_eq!(app.count("tokens WHERE purpose = 'manage'"), 1);
}

#[tokio::test]
async fn an_expired_link_says_so_and_offers_a_fresh_start() {
    let app = spawn_app().await;
    let link = app.signed_up_link("late@example.org").await;
    // A confirmation link lasts seven days.
    app.clock.advance(chrono::Duration::days(8));

    for page in [
        app.get(&link).await,
        app.post_form(&link, &[("", "")]).await,
    ] {
        assert_eq!(page.status, 404);
        assert!(page.body.contains("This link has expired"));
        assert!(page.body.contains("href=\"/#signup\""));
        assert_eq!(page.header("cache-control"), "no-store");
    }
    assert_eq!(app.count("participants WHERE status = 'pending'"), 1);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn forged_and_garbled_tokens_are_refused() {
    let app = spawn_app().await;
    app.sign_up("jo@example.org").await;
    app.wait_for_emails(1).await;
    let forged = "A".repeat(43);
    for path in [
        format!("/confirm/{forged}"),
        "/confirm/short".to_owned(),
        "/confirm/..%2F..%2Fetc".to_owned(),
        format!("/me/{forged}"),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("This link is not valid"), "{path}");
        let post = app.post_form(&path, &[("", "")]).await;
        assert_eq!(post.status, 404, "{path}");
    }
    assert_eq!(app.count("participants WHERE status = 'pending'"), 1);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn tokens_are_stored_only_as_hashes_and_sent_emails_keep_no_links() {
    let app = spawn_app().await;
    let link = app.signed_up_link("jo@example.org").await;
    let token = link.rsplit('/').next().unwrap();
    app.assert_all_email_sent().await;
    let with_token =
        |table_and_column: &str| app.count(&format!("{table_and_column} LIKE '%{token}%'"));
    assert_eq!(with_token("tokens WHERE token_hash"), 0);
    assert_eq!(
        with_token("outbox WHERE body_text || body_html"),
        0,
        "a sent email's body is not kept"
    );
    assert_eq!(app.count("tokens WHERE length(token_hash) = 64"), 1);
    assert_eq!(
        app.count("outbox WHERE status = 'sent' AND message_id <> ''"),
        1
    );
}

/// Ann signs up; after the email window, someone else signs up Ann's address
/// as "Mallory". Returns the two confirmation links, Ann's first.
async fn ann_then_mallory(app: &TestApp) -> (String, String) {
    let mut ann = signup_form("ann@example.org");
    ann[0].1 = "Ann Able".into();
    app.post_form("/signup", &ann).await;
    let ann_link = app
        .email_for("ann@example.org", 1)
        .await
        .link_to(app.link_base(), "/confirm/");
    app.clock.advance(past_the_email_window());
    let mut mallory = signup_form("ANN@example.org");
    mallory[0].1 = "Mallory".into();
    mallory[3].1 = "Mallory Holdings".into();
    mallory[6].1 = "Taking over accounts".into();
    app.post_form("/signup", &mallory).await;
    let mallory_email = app.email_for("ann@example.org", 2).await;
    assert!(
        mallory_email.text.contains("Mallory"),
        "it greets whoever signed up"
    );
    let mallory_link = mallory_email.link_to(app.link_base(), "/confirm/");
    assert_ne!(ann_link, mallory_link);
    // Nothing a signup submitted takes effect before its link is confirmed.
    assert_eq!(
        app.count("participants WHERE name = 'Ann Able' AND organisation = 'Leeds City Council' AND status = 'pending'"),
        1
    );
    assert_eq!(
        app.count("participants WHERE name = 'Mallory' OR organisation = 'Mallory Holdings'"),
        0
    );
    (ann_link, mallory_link)
}

#[tokio::test]
async fn each_link_shows_and_confirms_the_details_signed_up_with_it() {
    let app = spawn_app().await;
    let (ann_link, mallory_link) = ann_then_mallory(&app).await;

    let ann_page = app.get(&ann_link).await;
    assert_eq!(ann_page.status, 200);
    assert!(ann_page.body.contains("Check your details"));
    assert!(
        ann_page.body.contains("<dd>Ann Able</dd>"),
        "{}",
        ann_page.body
    );
    assert!(ann_page.body.contains("<dd>Leeds City Council</dd>"));
    assert!(ann_page.body.contains("<dd>ann@example.org</dd>"));
    assert!(!ann_page.body.contains("Mallory"));
    let mallory_page = app.get(&mallory_link).await;
    assert!(mallory_page.body.contains("<dd>Mallory</dd>"));
    assert!(mallory_page.body.contains("<dd>Mallory Holdings</dd>"));
    assert!(mallory_page.body.contains("<dd>Taking over accounts</dd>"));
    assert!(!mallory_page.body.contains("Ann Able"));

    assert_eq!(app.post_form(&ann_link, &[("", "")]).await.status, 303);
    assert_eq!(
        app.count("participants WHERE name = 'Ann Able' AND organisation = 'Leeds City Council' AND status = 'active'"),
        1
    );
    assert_eq!(
        app.count("pending_signups"),
        0,
        "the other signup's details go"
    );
    assert_eq!(app.get(&mallory_link).await.status, 404);
    assert_eq!(app.post_form(&mallory_link, &[("", "")]).await.status, 404);
    assert_eq!(app.count("participants WHERE name = 'Mallory'"), 0);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn confirming_the_later_link_takes_the_later_details() {
    let app = spawn_app().await;
    let (ann_link, mallory_link) = ann_then_mallory(&app).await;

    assert_eq!(app.post_form(&mallory_link, &[("", "")]).await.status, 303);
    assert_eq!(
        app.count("participants WHERE name = 'Mallory' AND organisation = 'Mallory Holdings' AND topics = 'Taking over accounts' AND status = 'active'"),
        1
    );
    assert_eq!(app.count("participants WHERE name = 'Ann Able'"), 0);
    assert_eq!(app.post_form(&ann_link, &[("", "")]).await.status, 404);
    assert_eq!(app.count("participants WHERE name = 'Mallory'"), 1);
    app.assert_all_email_sent().await;
}
