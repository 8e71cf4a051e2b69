//! The signup form cannot be turned against someone: it emails an address at
//! most once per `signup.repeat_email_minutes`, live links stay few, and the
//! page never tells what happened.

use crate::helpers::{signup_form, spawn_app, Page, TestApp};

/// A little longer than `signup.repeat_email_minutes` (15 by default): after
/// it, a repeat signup of the same address sends an email again.
pub fn past_the_email_window() -> chrono::Duration {
    chrono::Duration::minutes(16)
}

fn emails_to(app: &TestApp, address: &str) -> usize {
    app.smtp
        .received()
        .iter()
        .filter(|e| e.is_for(address))
        .count()
}

/// What the person submitting sees: the answer to the POST and the page it
/// leads to, byte for byte.
async fn seen_after(app: &TestApp, signup: Page) -> (u16, String, String, String) {
    let next = app.get(&signup.location()).await;
    (signup.status, signup.location(), signup.body, next.body)
}

#[tokio::test]
async fn twenty_repeat_signups_of_a_confirmed_address_send_one_email() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    app.sign_up("pending@example.org").await;
    app.deliver().await;
    let jo = app.id_of("jo@example.org");
    app.clock.advance(past_the_email_window());

    let new = seen_after(&app, app.sign_up("new@example.org").await).await;
    let pending = seen_after(&app, app.sign_up("pending@example.org").await).await;
    let confirmed = seen_after(&app, app.sign_up("jo@example.org").await).await;
    assert_eq!(new.0, 303);
    assert_eq!(new.1, "/signup/check-email");
    assert_eq!(pending, new, "a pending address looks like a new one");
    assert_eq!(confirmed, new, "a confirmed address looks like a new one");
    for _ in 0..19 {
        let limited = seen_after(&app, app.sign_up("jo@example.org").await).await;
        assert_eq!(limited, new, "a repeat that sends nothing looks the same");
    }

    app.deliver().await;
    assert_eq!(
        emails_to(&app, "jo@example.org"),
        2 + 1,
        "one email for 20 signups"
    );
    assert_eq!(emails_to(&app, "pending@example.org"), 2);
    assert_eq!(emails_to(&app, "new@example.org"), 1);
    let live_manage = format!("tokens WHERE participant_id = {jo} AND purpose = 'manage'");
    assert_eq!(app.count(&live_manage), 1);
    let newest = app.email_for("jo@example.org", 6).await;
    assert_eq!(newest.kind, "manage");
    assert_eq!(
        app.get(&newest.link_to(app.link_base(), "/me/"))
            .await
            .status,
        200
    );
    let old = app.get(&welcome.link_to(app.link_base(), "/me/")).await;
    assert_eq!(old.status, 404, "a newer manage link replaces the older");
    assert!(old.body.contains("This link is not valid"));

    // Once the window has passed, a repeat sends one email again: one only,
    // even for ten signups at the same moment.
    app.clock.advance(past_the_email_window());
    let at_once = (0..10).map(|_| app.sign_up("jo@example.org"));
    for page in futures_util::future::join_all(at_once).await {
        assert_eq!(page.status, 303);
    }
    app.deliver().await;
    assert_eq!(emails_to(&app, "jo@example.org"), 4);
    assert_eq!(app.count(&live_manage), 1);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_repeat_of_a_pending_signup_within_the_window_stores_and_sends_nothing() {
    let app = spawn_app().await;
    app.sign_up("pat@example.org").await;
    let mut form = signup_form("pat@example.org");
    form[0].1 = "Pat Again".into();
    for _ in 0..5 {
        assert_eq!(app.post_form("/signup", &form).await.status, 303);
    }
    app.deliver().await;
    assert_eq!(emails_to(&app, "pat@example.org"), 1);
    assert_eq!(app.count("tokens"), 1);
    assert_eq!(app.count("pending_signups"), 1);
    assert_eq!(app.count("pending_signups WHERE name = 'Pat Again'"), 0);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_pending_address_signed_up_five_times_keeps_its_three_newest_links() {
    let app = spawn_app().await;
    let mut links = Vec::new();
    for n in 1..=5 {
        let mut form = signup_form("pat@example.org");
        form[0].1 = format!("Pat Number {n}");
        assert_eq!(app.post_form("/signup", &form).await.status, 303);
        let email = app.email_for("pat@example.org", n).await;
        links.push(email.link_to(app.link_base(), "/confirm/"));
        app.clock.advance(past_the_email_window());
    }
    let pat = app.id_of("pat@example.org");
    assert_eq!(
        app.count(&format!(
            "tokens WHERE participant_id = {pat} AND purpose = 'confirm'"
        )),
        3
    );
    assert_eq!(
        app.count("pending_signups"),
        3,
        "a dropped link's details go with it"
    );
    assert_eq!(app.count("pending_signups WHERE name = 'Pat Number 1'"), 0);
    for oldest in &links[..2] {
        let page = app.get(oldest).await;
        assert_eq!(page.status, 404);
        assert!(page.body.contains("This link is not valid"));
        assert_eq!(app.post_form(oldest, &[("", "")]).await.status, 404);
    }
    assert_eq!(app.get(&links[2]).await.status, 200);
    assert_eq!(app.post_form(&links[4], &[("", "")]).await.status, 303);
    assert_eq!(
        app.count("participants WHERE name = 'Pat Number 5' AND status = 'active'"),
        1
    );
    assert_eq!(app.count("pending_signups"), 0);
    assert_eq!(app.count("tokens WHERE purpose = 'confirm'"), 0);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn submitted_details_go_when_their_link_expires_or_the_person_is_removed() {
    let app = spawn_app().await;
    app.sign_up("old@example.org").await;
    app.clock.advance(chrono::Duration::days(8));
    app.sign_up("new@example.org").await;
    let signups = unmentoring::services::housekeeping::tidy(&app.pool, app.clock.now())
        .await
        .unwrap()
        .signups;
    assert_eq!(signups, 0, "the person waits for the 30-day clean-up");
    let old = app.id_of("old@example.org");
    assert_eq!(
        app.count(&format!("pending_signups WHERE participant_id = {old}")),
        0,
        "details nobody can confirm any more are deleted"
    );
    assert_eq!(app.count("pending_signups"), 1);

    app.clock.advance(past_the_email_window());
    let mut form = signup_form("new@example.org");
    form[0].1 = "Someone Else".into();
    app.post_form("/signup", &form).await;
    assert_eq!(app.count("pending_signups"), 2);
    let new = app.id_of("new@example.org");
    let organiser = app.organiser().await;
    let removed = organiser
        .post(&format!("/admin/participants/{new}/remove"), &[])
        .await;
    assert_eq!(removed.status, 303);
    assert_eq!(app.count("pending_signups"), 0);
    assert_eq!(
        app.count(&format!("tokens WHERE participant_id = {new}")),
        0
    );
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {new} AND signup_email_at IS NULL"
        )),
        1
    );

    // The 30-day clean-up takes an unconfirmed person with all their
    // details, even those of a link still live.
    app.sign_up("late@example.org").await;
    app.clock.advance(chrono::Duration::days(29));
    app.sign_up("late@example.org").await;
    let late = app.id_of("late@example.org");
    let late_details = format!("pending_signups WHERE participant_id = {late}");
    assert_eq!(app.count(&late_details), 2);
    app.clock.advance(chrono::Duration::days(2));
    let signups = unmentoring::services::housekeeping::tidy(&app.pool, app.clock.now())
        .await
        .unwrap()
        .signups;
    assert_eq!(signups, 2, "old@ and late@");
    assert_eq!(app.count("participants WHERE status = 'pending'"), 0);
    assert_eq!(app.count("pending_signups"), 0);
}
