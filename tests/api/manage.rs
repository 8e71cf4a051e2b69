use crate::helpers::{spawn_app, TestApp};

#[tokio::test]
async fn a_participant_can_see_change_pause_resume_and_leave() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    let link = welcome.link_to(app.link_base(), "/me/");

    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.body.contains("jo@example.org"));
    assert!(page.body.contains("value=\"Leeds City Council\""));
    assert!(page.body.contains("You are taking part"));

    // Change details; a bad value keeps what was typed.
    let bad = app
        .post_form(
            &link,
            &[
                ("name", "Jo B"),
                ("phone", "nope"),
                ("organisation", "Bristol City Council"),
                ("cadence", "quarterly"),
                ("share_phone", "no"),
            ],
        )
        .await;
    assert!(bad.title().starts_with("Error: "));
    assert!(bad.body.contains("value=\"Bristol City Council\""));
    assert_eq!(
        app.count("participants WHERE organisation = 'Leeds City Council'"),
        1
    );
    let good = app
        .post_form(
            &link,
            &[
                ("name", "Jo B"),
                ("phone", "+44 7700 900982"),
                ("organisation", "Bristol City Council"),
                ("cadence", "quarterly"),
                ("share_phone", "no"),
            ],
        )
        .await;
    assert_eq!(good.status, 303);
    let after = app.get(&good.location()).await;
    assert!(after.body.contains("Your details have been saved"));
    assert_eq!(app.count("participants WHERE organisation = 'Bristol City Council' AND cadence = 'quarterly' AND skype IS NULL AND share_phone = FALSE"), 1);

    // Pause until a date, then resume.
    let wrong_date = app
        .post_form(
            &format!("{link}/pause"),
            &[
                ("pause_day", "31"),
                ("pause_month", "2"),
                ("pause_year", "2099"),
            ],
        )
        .await;
    assert!(wrong_date.title().starts_with("Error: "));
    assert!(wrong_date.body.contains("<a href=\"#pause\">"));
    assert!(wrong_date.body.contains("value=\"2099\""));
    let next_year = app.clock.today() + chrono::Duration::days(60);
    let date = [
        ("pause_day", next_year.format("%-d").to_string()),
        ("pause_month", next_year.format("%-m").to_string()),
        ("pause_year", next_year.format("%Y").to_string()),
    ];
    let paused = app.post_form(&format!("{link}/pause"), &date).await;
    assert_eq!(paused.status, 303);
    assert!(app
        .get(&paused.location())
        .await
        .body
        .contains("You are paused until"));
    assert_eq!(
        app.count("participants WHERE status = 'paused' AND paused_until IS NOT NULL"),
        1
    );
    let resumed = app.post_form(&format!("{link}/resume"), &[("", "")]).await;
    assert_eq!(resumed.status, 303);
    assert_eq!(
        app.count("participants WHERE status = 'active' AND paused_until IS NULL"),
        1
    );

    // Leaving: a confirmation page, then only the POST erases.
    let confirm = app.get(&format!("{link}/leave")).await;
    assert!(confirm.body.contains("Leave and delete my details"));
    assert_eq!(app.count("participants WHERE status = 'active'"), 1);
    let left = app.post_form(&format!("{link}/leave"), &[("", "")]).await;
    assert_eq!(left.status, 200);
    assert!(left.body.contains("You have left UnMentoring"));
    assert_eq!(
        app.count("participants WHERE status = 'left' AND email IS NULL AND phone IS NULL AND name = '' AND organisation = '' AND topics IS NULL"),
        1
    );
    assert_eq!(app.count("tokens"), 0);
    assert_eq!(
        app.count("outbox"),
        0,
        "their emails (with their address) are erased too"
    );
    assert_eq!(app.get(&link).await.status, 404);

    // They can come back as a new person.
    assert_eq!(app.sign_up("jo@example.org").await.status, 303);
    assert_eq!(app.count("participants WHERE status = 'pending'"), 1);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn an_open_ended_pause_lasts_until_resumed() {
    let app = spawn_app().await;
    let link = app
        .confirmed_participant("jo@example.org")
        .await
        .link_to(app.link_base(), "/me/");
    let paused = app
        .post_form(
            &format!("{link}/pause"),
            &[("pause_day", ""), ("pause_month", ""), ("pause_year", "")],
        )
        .await;
    assert_eq!(paused.status, 303);
    let page = app.get(&paused.location()).await;
    assert!(
        page.body
            .contains("You are paused. You will not be paired until you resume."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(">Paused</h2>") && !page.body.contains(">Taking part</h2>"),
        "the heading says what is true"
    );
    assert_eq!(
        app.count("participants WHERE status = 'paused' AND paused_until IS NULL"),
        1
    );
    app.assert_all_email_sent().await;
}

/// Each email's manage link, for one person, oldest first.
fn manage_links(app: &TestApp, address: &str) -> Vec<String> {
    app.smtp
        .received()
        .iter()
        .filter(|e| e.is_for(address) && e.kind != "confirm")
        .map(|e| e.link_to(app.link_base(), "/me/"))
        .collect()
}

#[tokio::test]
async fn only_the_newest_manage_link_works_whoever_sent_it() {
    let app = spawn_app().await;
    app.confirmed_participant("ann@example.org").await;
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let ann = app.id_of("ann@example.org");
    let ann_manage = format!("tokens WHERE participant_id = {ann} AND purpose = 'manage'");
    // Two rounds at once, neither answered: two introductions, then one
    // reminder each, listing both rounds.
    app.run_round_for_everyone().await;
    app.run_round_for_everyone().await;
    app.wait_for_emails(6).await;
    assert_eq!(app.count(&ann_manage), 1, "after the introductions");
    app.clock.advance(chrono::Duration::days(15));
    let jobs = app.jobs();
    assert_eq!(jobs.send_reminders().await.unwrap(), 2);
    app.wait_for_emails(8).await;
    assert_eq!(app.count(&ann_manage), 1, "after the reminder");

    let links = manage_links(&app, "ann@example.org");
    assert_eq!(links.len(), 4, "welcome, two introductions, one reminder");
    let (older, reminder) = links.split_at(3);
    assert_eq!(app.get(&reminder[0]).await.status, 200);
    for link in older {
        let page = app.get(link).await;
        assert_eq!(page.status, 404);
        assert!(page.body.contains("This link is not valid"));
    }
    app.assert_all_email_sent().await;
}
