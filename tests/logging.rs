//! The logs of a whole journey hold no email address, phone number or token.

mod common;
#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use common::smtp::Answer;
use helpers::spawn_app;

use common::logs::Captured;

#[tokio::test]
async fn logs_never_hold_addresses_phones_or_tokens() {
    let logs = Captured::default();
    unmentoring::telemetry::init_with_writer("debug", logs.clone());
    let app = spawn_app().await;

    let email = "private.person@example.org";
    let mut form = helpers::signup_form(email);
    form.retain(|(f, _)| *f != "phone");
    form.push(("phone", "07700 900982".into()));
    assert_eq!(app.post_form("/signup", &form).await.status, 303);
    let confirm = app
        .email_for(email, 1)
        .await
        .link_to(app.link_base(), "/confirm/");
    app.get(&confirm).await;
    app.post_form(&confirm, &[("", "")]).await;
    let manage = app
        .email_for(email, 2)
        .await
        .link_to(app.link_base(), "/me/");
    app.get(&manage).await;
    app.post_form(
        &manage,
        &[
            ("name", "P"),
            ("phone", "bad phone 0770"),
            ("organisation", "O"),
        ],
    )
    .await;
    app.post_form(&format!("{manage}/pause"), &[("pause_day", "")])
        .await;
    // A repeat signup straight away sends nothing; one after
    // signup.repeat_email_minutes sends an email, refused here and logged
    // with its error.
    app.post_form("/signup", &form).await;
    app.clock.advance(chrono::Duration::minutes(16));
    app.smtp.answer_with(Answer::Permanent);
    app.post_form("/signup", &form).await;
    assert_eq!(app.deliver().await.failed, 1, "the refusal happened");
    app.post_form(&format!("{manage}/leave"), &[("", "")]).await;
    app.add_organiser("organiser@example.org", "the organiser's secret phrase");
    app.post_login("organiser@example.org", "a wrong secret phrase")
        .await;
    app.post_login("organiser@example.org", "the organiser's secret phrase")
        .await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("\"route\":\"/confirm/{token}\""),
        "requests are logged by route"
    );
    assert!(text.contains("signup confirmed"));
    assert!(text.contains("email failed for good"));
    assert!(text.contains("repeat signup soon after the last email: nothing sent"));
    assert!(text.contains("failed organiser sign-in") && text.contains("organiser signed in"));
    for secret in [
        email,
        "07700 900982",
        "07700900982",
        confirm.rsplit('/').next().unwrap(),
        manage.rsplit('/').next().unwrap(),
        "a wrong secret phrase",
        "the organiser's secret phrase",
        "organiser@example.org",
    ] {
        assert!(!text.contains(secret), "the logs contain {secret}");
    }
    assert!(!text.contains('@'), "no address of any kind in the logs");
}
