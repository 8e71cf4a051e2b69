use crate::helpers::spawn_app;

#[tokio::test]
async fn opening_the_link_changes_nothing_until_the_button_is_pressed() {
    let app = spawn_app().await;
    app.sign_up("jo@example.org").await;
    let link = app
        .email_for("jo@example.org", 1)
        .await
        .link_to(app.link_base(), "/confirm/");

    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Confirm my place"));
    assert!(page.body.contains("method=\"post\""));
    assert_eq!(page.header("cache-control"), "no-store");
    // Mail scanners open links: a GET, even twice, must not confirm.
    app.get(&link).await;
    assert_eq!(app.count("participants WHERE status = 'pending'"), 1);

    let done = app.post_form(&link, &[("", "")]).await;
    assert_eq!(done.status, 200);
    assert!(done.body.contains("You have joined UnMentoring"));
    assert_eq!(
        app.count("participants WHERE status = 'active' AND confirmed_at IS NOT NULL"),
        1
    );

    let welcome = app.email_for("jo@example.org", 2).await;
    assert_eq!(welcome.kind, "manage");
    assert!(done
        .body
        .contains(&welcome.link_to(app.link_base(), "/me/")[app.link_base().len()..]));

    // A used link no longer works.
    let again = app.post_form(&link, &[("", "")]).await;
    assert_eq!(again.status, 404);
    assert!(again.body.contains("This link is not valid"));
    assert_eq!(app.count("participants WHERE status = 'active'"), 1);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn an_expired_link_says_so_and_offers_a_fresh_start() {
    let app = spawn_app().await;
    app.sign_up("late@example.org").await;
    let link = app
        .email_for("late@example.org", 1)
        .await
        .link_to(app.link_base(), "/confirm/");
    app.execute("UPDATE tokens SET expires_at = '2020-01-01 00:00:00'");

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
    app.sign_up("jo@example.org").await;
    let link = app
        .email_for("jo@example.org", 1)
        .await
        .link_to(app.link_base(), "/confirm/");
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
