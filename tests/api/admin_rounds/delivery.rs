//! Delivery states of a round's emails, resending, the outbox page, and escaping.

use unmentoring::db::outbox::NewEmail;
use unmentoring::domain::EmailKind;

use super::*;

#[tokio::test]
async fn a_failed_email_can_be_resent_from_the_round_page() {
    let app = spawn_app().await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds City Council");
    app.add_participant("Bob Baker", "bob@example.org", "Bristol City Council");
    let organiser = app.organiser().await;
    app.smtp.answer_with(Answer::Permanent);
    let id = run_round(&organiser).await;
    // Both introductions refused, none still being tried.
    deliver_then_expect(
        &app,
        "outbox WHERE status = 'failed' AND NOT EXISTS (SELECT 1 FROM outbox WHERE status = 'queued')",
    )
    .await;
    app.smtp.answer_with(Answer::Accept);
    assert!(app.smtp.received().is_empty());

    let page = organiser.get(&format!("/admin/rounds/{id}")).await;
    assert!(page
        .body
        .contains("<strong class=\"tag tag--red\">Failed</strong>"));
    let marker = "action=\"/admin/outbox/";
    let failed_ids: Vec<i64> = page
        .body
        .match_indices(marker)
        .map(|(at, _)| {
            let start = at + marker.len();
            let end = page.body[start..].find('/').unwrap() + start;
            page.body[start..end].parse().unwrap()
        })
        .collect();
    assert_eq!(failed_ids.len(), 2, "a resend button for each failed email");
    let (failed, other) = (failed_ids[0], failed_ids[1]);
    assert!(page.body.contains("Resend"));
    assert!(page.body.contains("554"), "the server's refusal is shown");

    let back = format!("/admin/rounds/{id}");
    assert_eq!(
        page.body
            .matches(&format!("name=\"back\" value=\"{back}\""))
            .count(),
        2,
        "each Resend form on the round page comes back to the round"
    );
    let resent = organiser
        .post(
            &format!("/admin/outbox/{failed}/retry"),
            &[("back", back.as_str())],
        )
        .await;
    assert_eq!(resent.status, 303);
    assert_eq!(resent.location(), format!("{back}?resent={failed}"));
    deliver_then_expect(
        &app,
        &format!("outbox WHERE id = {failed} AND status = 'sent'"),
    )
    .await;
    assert_eq!(app.wait_for_emails(1).await.len(), 1);
    let after = organiser.get(&resent.location()).await;
    assert!(after
        .body
        .contains(&format!("Email {failed} is queued to be sent again")));

    // A resend elsewhere goes back to the outbox, never off the site.
    let refused = organiser
        .post(
            &format!("/admin/outbox/{other}/retry"),
            &[("back", "https://evil.example/")],
        )
        .await;
    assert_eq!(refused.location(), format!("/admin/outbox?resent={other}"));
    app.deliver().await;
    // The round's emails are all sent now. (The organiser's alert about the
    // bounces was refused too, as everything was: it stays failed.)
    assert_eq!(
        app.count(&format!(
            "outbox WHERE round_id = {id} AND status <> 'sent'"
        )),
        0
    );
    assert_eq!(
        app.count("outbox WHERE kind = 'alert' AND status = 'failed'"),
        1
    );
    let no_token = organiser
        .post_raw_form(&format!("/admin/outbox/{other}/retry"), &[])
        .await;
    assert_eq!(no_token.status, 403);
}

#[tokio::test]
async fn the_outbox_lists_queued_sent_and_failed_emails_with_filters() {
    let app = spawn_app().await;
    four_people(&app);
    let organiser = app.organiser().await;
    let id = run_round(&organiser).await;
    app.assert_all_email_sent().await;
    app.db(|c| outbox::mark_failed(c, 2, "554 mailbox unavailable"));
    // Queued for tomorrow, so the worker leaves it alone.
    let later = NewEmail {
        kind: EmailKind::Manage,
        participant_id: None,
        to_name: "Queued Person".into(),
        to_address: "queued@example.org".into(),
        reply_to: "[]".into(),
        subject: "Hello".into(),
        body_text: "text".into(),
        body_html: "html".into(),
        message_id: "<later@unmentoring.test>".into(),
        round_id: None,
        calendar: None,
        draft: None,
    };
    let tomorrow = app.clock.now() + chrono::Duration::days(1);
    app.db(|c| outbox::enqueue(c, &later, tomorrow));

    let default = organiser.get("/admin/outbox").await;
    assert_eq!(default.status, 200);
    assert_eq!(default.header("cache-control"), "no-store");
    assert!(default.body.contains("<dt>Queued</dt><dd>1</dd>"));
    assert!(default.body.contains("<dt>Sent</dt><dd>3</dd>"));
    assert!(default.body.contains("<dt>Failed</dt><dd>1</dd>"));
    assert!(default
        .body
        .contains(">Failed emails, newest first</caption>"));
    assert!(default
        .body
        .contains(">Queued emails, newest first</caption>"));
    assert!(!default.body.contains(">Sent emails"));
    assert!(default.body.contains("Queued Person"));
    assert!(default.body.contains("554 mailbox unavailable"));
    assert!(default.body.contains("action=\"/admin/outbox/2/retry\""));
    assert!(default
        .body
        .contains(&format!("href=\"/admin/rounds/{id}\"")));
    assert!(!default.body.contains("queued@example.org"), "no addresses");

    let sent = organiser.get("/admin/outbox?status=sent").await;
    assert!(sent.body.contains(">Sent emails, newest first</caption>"));
    assert!(!sent.body.contains(">Failed emails"));
    assert_eq!(
        sent.body
            .matches("<strong class=\"tag\">Sent</strong>")
            .count(),
        3
    );
    assert!(!sent.body.contains("/retry\""), "nothing to retry");
    assert!(sent.body.contains("aria-current=\"page\">Sent</a>"));

    let failed = organiser.get("/admin/outbox?status=failed").await;
    assert!(failed
        .body
        .contains(">Failed emails, newest first</caption>"));
    assert!(!failed.body.contains("Queued Person"));
    assert!(failed
        .body
        .contains("name=\"back\" value=\"/admin/outbox?status=failed\""));
    let retried = organiser
        .post(
            "/admin/outbox/2/retry",
            &[("back", "/admin/outbox?status=failed")],
        )
        .await;
    assert_eq!(retried.location(), "/admin/outbox?status=failed&resent=2");
    deliver_then_expect(&app, "outbox WHERE id = 2 AND status = 'sent'").await;
    assert_eq!(app.count("outbox WHERE status = 'failed'"), 0);
}

#[tokio::test]
async fn names_are_escaped_on_every_page() {
    let app = spawn_app().await;
    app.add_participant("<script>alert(1)</script>", "x@example.org", "<b>Org</b>");
    app.add_participant("Bob Baker", "bob@example.org", "Bristol City Council");
    let organiser = app.organiser().await;
    let (preview_page, draft) = draw(&organiser, false).await;
    let ran = send(&organiser, draft, false).await;
    let id = round_id(&ran.location());
    app.assert_all_email_sent().await;
    let round = organiser.get(&format!("/admin/rounds/{id}")).await;
    let outbox = organiser.get("/admin/outbox?status=sent").await;
    for page in [&preview_page, &round, &outbox] {
        assert!(page
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
        assert!(!page.body.contains("<script>"), "{}", page.body);
    }
    for page in [&preview_page, &round] {
        assert!(page.body.contains("&#60;b&#62;Org&#60;/b&#62;"));
        assert!(!page.body.contains("<b>"));
    }
}
