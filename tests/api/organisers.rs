//! `/admin/organisers`: inviting an organiser by email (a one-time link to
//! set a password), changing one's own password, removing an organiser; and
//! what each does to sessions.

use crate::helpers::spawn_app;
use crate::helpers::{csrf_token_in, Organiser, TestApp};

const PASSWORD: &str = "a long test password";

/// Signs `email` in with `password` as a new session.
async fn sign_in<'a>(app: &'a TestApp, email: &str, password: &str) -> Organiser<'a> {
    let page = app.post_login(email, password).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), "/admin");
    let cookie = page
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let mut organiser = Organiser {
        app,
        cookie,
        csrf_token: String::new(),
    };
    let dashboard = organiser.get("/admin").await;
    assert_eq!(dashboard.status, 200);
    organiser.csrf_token = csrf_token_in(&dashboard.body).unwrap();
    organiser
}

/// Whether this session still works.
async fn signed_in(organiser: &Organiser<'_>) -> bool {
    organiser.get("/admin").await.status == 200
}

#[tokio::test]
async fn an_invited_organiser_sets_a_password_with_the_link_once_and_signs_in() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let page = organiser.get("/admin/organisers").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("organiser@example.org") && page.body.contains("(you)"));
    assert!(page.body.contains("aria-current=\"page\">Organisers"));

    let sent = organiser
        .post(
            "/admin/organisers/invite",
            &[("email", "New.Person@Example.org")],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location(), "/admin/organisers?done=invited");
    assert!(organiser
        .get(&sent.location())
        .await
        .body
        .contains("The invitation is on its way"));
    assert_eq!(app.count("organiser_invites"), 1);

    let email = app.email_for("New.Person@example.org", 1).await;
    assert_eq!(email.kind, "organiser_invite");
    assert!(
        email.text.contains("organiser@example.org"),
        "who invited them"
    );
    let link = email.link_to(app.link_base(), "/admin/invite/");
    let token = link.rsplit('/').next().unwrap();
    assert_eq!(
        app.count(&format!("organiser_invites WHERE token_hash = '{token}'")),
        0,
        "only a hash of the token is stored"
    );
    assert_eq!(
        app.count("outbox WHERE kind = 'organiser_invite' AND participant_id IS NULL"),
        1
    );

    let form = app.get(&link).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("New.Person@example.org"));
    assert!(
        form.body.contains("name=\"new_password\"")
            && form.body.contains("name=\"confirm_password\"")
    );

    let short = app
        .post_form(
            &link,
            &[("new_password", "short"), ("confirm_password", "short")],
        )
        .await;
    assert_eq!(short.status, 200);
    assert!(short.title().starts_with("Error: "));
    assert!(short.body.contains("at least 12 characters"));
    let different = app
        .post_form(
            &link,
            &[
                ("new_password", "one long password"),
                ("confirm_password", "another long one"),
            ],
        )
        .await;
    assert!(different.body.contains("The two passwords are different"));
    assert_eq!(app.count("organisers"), 1, "nothing yet");

    let done = app
        .post_form(
            &link,
            &[
                ("new_password", "my new long password"),
                ("confirm_password", "my new long password"),
            ],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/admin/login?invited=1");
    assert!(app
        .get(&done.location())
        .await
        .body
        .contains("Your password is set"));
    assert_eq!(app.count("organisers"), 2);

    let new = sign_in(&app, "new.person@example.org", "my new long password").await;
    assert!(signed_in(&new).await);

    // The link works once.
    let again = app.get(&link).await;
    assert_eq!(again.status, 410);
    assert!(again.body.contains("This invitation has been used"));
    let reuse = app
        .post_form(
            &link,
            &[
                ("new_password", "someone else's pass"),
                ("confirm_password", "someone else's pass"),
            ],
        )
        .await;
    assert_eq!(reuse.status, 410);
    assert_eq!(app.count("organisers"), 2);
    assert!(app.get("/admin/invite/not-a-real-token").await.status == 404);
}

#[tokio::test]
async fn an_invitation_expires_after_72_hours_and_an_organiser_cannot_be_invited() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let taken = organiser
        .post(
            "/admin/organisers/invite",
            &[("email", "ORGANISER@example.org")],
        )
        .await;
    assert_eq!(taken.status, 200);
    assert!(taken.title().starts_with("Error: "));
    assert!(
        taken.body.contains("already an organiser"),
        "{}",
        taken.body
    );
    assert!(
        taken.body.contains("value=\"ORGANISER@example.org\""),
        "kept"
    );
    let bad = organiser
        .post("/admin/organisers/invite", &[("email", "not an address")])
        .await;
    assert!(bad.title().starts_with("Error: "));
    let empty = organiser
        .post("/admin/organisers/invite", &[("email", "")])
        .await;
    assert!(empty
        .body
        .contains("Enter the email address of the person to invite"));
    assert_eq!(app.count("organiser_invites"), 0);
    assert_eq!(app.count("outbox"), 0);

    organiser
        .post("/admin/organisers/invite", &[("email", "late@example.org")])
        .await;
    let link = app
        .email_for("late@example.org", 1)
        .await
        .link_to(app.link_base(), "/admin/invite/");
    assert_eq!(app.get(&link).await.status, 200);
    app.clock
        .advance(chrono::Duration::hours(72) + chrono::Duration::seconds(1));
    let expired = app.get(&link).await;
    assert_eq!(expired.status, 410);
    assert!(expired.body.contains("This invitation has expired"));
    let tried = app
        .post_form(
            &link,
            &[
                ("new_password", "my new long password"),
                ("confirm_password", "my new long password"),
            ],
        )
        .await;
    assert_eq!(tried.status, 410);
    assert_eq!(app.count("organisers"), 1);
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let elsewhere = sign_in(&app, "organiser@example.org", PASSWORD).await;
    let form = organiser.get("/admin/password").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("name=\"current_password\""));

    let wrong = organiser
        .post(
            "/admin/password",
            &[
                ("current_password", "not my password"),
                ("new_password", "a brand new password"),
                ("confirm_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 200);
    assert!(wrong.title().starts_with("Error: "));
    assert!(wrong.body.contains("Your current password is not right"));
    let mismatch = organiser
        .post(
            "/admin/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new password"),
                ("confirm_password", "a different new one"),
            ],
        )
        .await;
    assert!(mismatch.body.contains("The two passwords are different"));
    assert!(signed_in(&elsewhere).await, "nothing changed yet");

    let changed = organiser
        .post(
            "/admin/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "a brand new password"),
                ("confirm_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(changed.location(), "/admin/organisers?done=password");
    assert!(signed_in(&organiser).await, "this session goes on");
    assert!(!signed_in(&elsewhere).await, "the other session has ended");
    assert_eq!(
        app.post_login("organiser@example.org", PASSWORD)
            .await
            .status,
        200,
        "the old password no longer works"
    );
    sign_in(&app, "organiser@example.org", "a brand new password").await;
}

#[tokio::test]
async fn removing_an_organiser_ends_their_sessions_but_nobody_removes_themselves() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    app.add_organiser("other@example.org", PASSWORD);
    let other = sign_in(&app, "other@example.org", PASSWORD).await;
    let other_id = other_id_of(&app, "other@example.org");
    let myself = other_id_of(&app, "organiser@example.org");
    let page = organiser.get("/admin/organisers").await;
    assert!(page
        .body
        .contains(&format!("/admin/organisers/{other_id}/remove")));
    assert!(
        !page
            .body
            .contains(&format!("/admin/organisers/{myself}/remove")),
        "no button to remove yourself"
    );
    assert!(signed_in(&other).await);
    let removed = organiser
        .post(&format!("/admin/organisers/{other_id}/remove"), &[])
        .await;
    assert_eq!(removed.status, 303);
    assert!(!signed_in(&other).await, "their session has ended");
    assert_eq!(app.count("admin_sessions"), 1, "only mine is left");
    assert_eq!(app.count("organisers"), 1);

    let refused = organiser
        .post(&format!("/admin/organisers/{myself}/remove"), &[])
        .await;
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("You cannot remove yourself"));
    assert!(signed_in(&organiser).await);
}

fn other_id_of(app: &TestApp, email: &str) -> i64 {
    let key = email.to_owned();
    app.db(move |c| unmentoring::db::organisers::find_by_key(c, &key))
        .unwrap()
        .id
}
