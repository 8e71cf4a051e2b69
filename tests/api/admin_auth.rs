use crate::helpers::{csrf_token_in, spawn_app};

#[tokio::test]
async fn an_organiser_signs_in_and_out_and_the_old_cookie_stops_working() {
    let app = spawn_app().await;
    assert_eq!(app.get("/admin").await.location(), "/admin/login");
    let login = app.get("/admin/login").await;
    assert!(login.body.contains("name=\"email\"") && login.body.contains("name=\"password\""));

    let organiser = app.organiser().await;
    let set_cookie = app
        .post_login("organiser@example.org", "a long test password")
        .await
        .header("set-cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/admin"] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} in {set_cookie}"
        );
    }
    assert_ne!(
        set_cookie.split(';').next().unwrap(),
        organiser.cookie,
        "a new session id at each sign-in"
    );
    let dashboard = organiser.get("/admin").await;
    assert!(dashboard.body.contains("Dashboard"));
    assert_eq!(dashboard.header("cache-control"), "no-store");

    let out = organiser.post("/admin/logout", &[]).await;
    assert_eq!(out.status, 303);
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    let after = organiser.get("/admin").await;
    assert_eq!(after.status, 303, "the old cookie no longer works");
    assert_eq!(after.location(), "/admin/login");
    assert_eq!(
        app.count("admin_sessions WHERE organiser_id IS NOT NULL"),
        1,
        "only the second sign-in's session is left"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = spawn_app().await;
    app.add_organiser("organiser@example.org", "a long test password");
    let wrong = app
        .post_login("organiser@example.org", "not the password")
        .await;
    let unknown = app
        .post_login("nobody@example.org", "not the password")
        .await;
    for page in [&wrong, &unknown] {
        assert_eq!(page.status, 200);
        assert!(page.title().starts_with("Error: "));
        assert!(page
            .body
            .contains("Enter a correct email address and password"));
        assert!(page.header("set-cookie").is_empty());
    }
    assert!(
        wrong.body.contains("value=\"organiser@example.org\""),
        "the address is kept"
    );
    assert!(
        !wrong.body.contains("not the password"),
        "the password is never shown again"
    );
    assert_eq!(app.count("admin_sessions"), 0);
}

#[tokio::test]
async fn repeated_failures_slow_sign_in_down_without_locking_out_for_good() {
    let app = spawn_app().await;
    app.add_organiser("organiser@example.org", "a long test password");
    for _ in 0..5 {
        assert_eq!(
            app.post_login("organiser@example.org", "guess")
                .await
                .status,
            200
        );
    }
    // Even the right password must wait now.
    let slowed = app
        .post_login("organiser@example.org", "a long test password")
        .await;
    assert_eq!(slowed.status, 429);
    assert!(slowed.header("retry-after").parse::<u32>().unwrap() >= 1);
    assert!(slowed.body.contains("too many attempts"));
    assert!(
        slowed.body.contains("Wait 1 second, then try again"),
        "one second, not one seconds"
    );
    assert!(slowed.header("set-cookie").is_empty());
    // Another account from the same address is slowed down too.
    app.add_organiser("second@example.org", "another long password");
    assert_eq!(
        app.post_login("second@example.org", "another long password")
            .await
            .status,
        429
    );

    // Once the wait has passed, the real organiser gets in, and that clears the count.
    app.clock.advance(chrono::Duration::seconds(10));
    let allowed = app
        .post_login("organiser@example.org", "a long test password")
        .await;
    assert_eq!(allowed.status, 303);
    assert_eq!(
        app.count("login_failures WHERE email_key = 'organiser@example.org'"),
        0
    );
}

#[tokio::test]
async fn posts_without_the_form_token_or_from_another_site_are_refused() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let no_token = organiser.post_raw_form("/admin/logout", &[]).await;
    assert_eq!(no_token.status, 403);
    let wrong_token = organiser
        .post_raw_form("/admin/logout", &[("csrf_token", "forged")])
        .await;
    assert_eq!(wrong_token.status, 403);
    assert!(wrong_token.body.contains("This form could not be accepted"));

    let cross_site = app
        .client
        .post(format!("{}/admin/logout", app.address))
        .header("cookie", &organiser.cookie)
        .header("origin", "https://evil.example")
        .form(&[("csrf_token", organiser.csrf_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    let cross_site_login = app
        .client
        .post(format!("{}/admin/login", app.address))
        .header("origin", "https://evil.example")
        .form(&[
            ("email", "organiser@example.org"),
            ("password", "a long test password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site_login.status(), 403);

    // The session survived all of that.
    assert_eq!(organiser.get("/admin").await.status, 200);
    let same_site = app
        .client
        .post(format!("{}/admin/logout", app.address))
        .header("cookie", &organiser.cookie)
        .header("origin", "https://unmentoring.test")
        .form(&[("csrf_token", organiser.csrf_token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), 303);
}

#[tokio::test]
async fn idle_sessions_expire_after_twelve_hours() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    app.clock.advance(chrono::Duration::hours(13));
    assert_eq!(organiser.get("/admin").await.status, 303);
    assert!(csrf_token_in(&organiser.get("/admin/login").await.body).is_none());
}

#[tokio::test]
async fn the_hourly_clean_up_forgets_idle_sessions_and_old_failed_sign_ins() {
    use unmentoring::services::housekeeping::tidy;
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    app.post_login("organiser@example.org", "a wrong password")
        .await;
    assert_eq!(app.count("admin_sessions"), 1);
    assert_eq!(app.count("login_failures"), 1);

    // Within their time both stay.
    app.clock.advance(chrono::Duration::minutes(14));
    let tidied = tidy(&app.pool, app.clock.now()).await.unwrap();
    assert_eq!((tidied.sessions, tidied.failures), (0, 0));
    assert_eq!(organiser.get("/admin").await.status, 200);

    // A failure counts for 15 minutes; a session lasts 12 hours idle.
    app.clock.advance(chrono::Duration::minutes(2));
    let tidied = tidy(&app.pool, app.clock.now()).await.unwrap();
    assert_eq!((tidied.sessions, tidied.failures), (0, 1));
    app.clock.advance(chrono::Duration::hours(12));
    let tidied = tidy(&app.pool, app.clock.now()).await.unwrap();
    assert_eq!((tidied.sessions, tidied.failures), (1, 0));
    assert_eq!(app.count("admin_sessions"), 0);
    assert_eq!(app.count("login_failures"), 0);
}
