use crate::helpers::spawn_app;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in [
        "/",
        "/privacy",
        "/healthz",
        "/no-such-page",
        "/static/app.css",
    ] {
        let page = app.get(path).await;
        let csp = page.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert!(csp.contains("default-src 'none'"), "{path}");
        assert_eq!(page.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(page.header("referrer-policy"), "same-origin", "{path}");
    }
}

#[tokio::test]
async fn bodies_over_64_kib_get_413() {
    let app = spawn_app().await;
    let big = format!("name={}", "x".repeat(70 * 1024));
    let page = app.post_raw("/signup", big).await;
    assert_eq!(page.status, 413);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.body.contains("too large"));
    // Without a declared length (chunked) too.
    let stream = futures_chunks(70 * 1024);
    let page = app.post_raw("/signup", stream).await;
    assert_eq!(page.status, 413);
    assert_eq!(app.count("participants"), 0);
}

/// A body sent in chunks, so the server cannot see its length up front.
fn futures_chunks(size: usize) -> reqwest::Body {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = std::iter::once(Ok(b"name=".to_vec()))
        .chain((0..size / 1024).map(|_| Ok(vec![b'x'; 1024])))
        .collect();
    reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn unknown_pages_and_methods_get_html_pages() {
    let app = spawn_app().await;
    let page = app.get("/no-such-page").await;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("Page not found"));
    let wrong_method = app.get("/signup").await;
    assert!(wrong_method.header("content-type").starts_with("text/html"));
    assert!(wrong_method.status >= 400);
}

#[tokio::test]
async fn health_check_answers() {
    let app = spawn_app().await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("\"ok\""));
}

#[tokio::test]
async fn unconfirmed_signups_are_deleted_after_30_days() {
    let app = spawn_app().await;
    app.sign_up("old@example.org").await;
    app.clock.advance(chrono::Duration::days(31));
    app.sign_up("new@example.org").await;
    app.assert_all_email_sent().await;
    let signups = unmentoring::services::housekeeping::tidy(&app.pool, app.clock.now())
        .await
        .unwrap()
        .signups;
    assert_eq!(signups, 1);
    assert_eq!(app.count("participants WHERE email = 'old@example.org'"), 0);
    assert_eq!(
        app.count("outbox WHERE to_address = 'old@example.org'"),
        0,
        "their email goes too"
    );
    assert_eq!(app.count("participants WHERE email = 'new@example.org'"), 1);
}
