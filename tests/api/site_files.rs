//! What browsers and crawlers ask every site for, compression, and keeping
//! personal links out of search engines.

use crate::helpers::spawn_app;

async fn get_with(
    app: &crate::helpers::TestApp,
    path: &str,
    header: (&str, &str),
) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.address))
        .header(header.0, header.1)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_favicon_and_robots_txt_are_served() {
    let app = spawn_app().await;
    let icon = app
        .client
        .get(format!("{}/favicon.ico", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    let bytes = icon.bytes().await.unwrap();
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO file");

    let robots = app.get("/robots.txt").await;
    assert_eq!(robots.status, 200);
    assert!(robots.header("content-type").starts_with("text/plain"));
    for path in ["/confirm/", "/me/", "/followup/", "/admin"] {
        assert!(
            robots.body.contains(&format!("Disallow: {path}\n")),
            "{path} in {}",
            robots.body
        );
    }
    assert!(
        !robots.body.contains("Disallow: /\n"),
        "public pages stay open"
    );
}

#[tokio::test]
async fn personal_link_pages_ask_not_to_be_indexed_and_public_pages_have_a_description() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    let manage = app.get(&welcome.link_to(app.link_base(), "/me/")).await;
    assert_eq!(manage.status, 200);
    assert_eq!(manage.header("x-robots-tag"), "noindex, nofollow");
    for path in ["/confirm/not-a-token", "/followup/not-a-token"] {
        assert_eq!(
            app.get(path).await.header("x-robots-tag"),
            "noindex, nofollow",
            "{path}"
        );
    }

    let home = app.get("/").await;
    assert!(home.header("x-robots-tag").is_empty());
    assert!(home
        .body
        .contains("<meta name=\"description\" content=\"UnMentoring introduces"));
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn pages_and_the_stylesheet_are_compressed_when_the_browser_accepts_gzip() {
    let app = spawn_app().await;
    for path in ["/", "/static/app.css", "/privacy"] {
        let zipped = get_with(&app, path, ("accept-encoding", "gzip")).await;
        assert_eq!(zipped.status(), 200, "{path}");
        assert_eq!(zipped.headers()["content-encoding"], "gzip", "{path}");
        let plain = get_with(&app, path, ("accept-encoding", "identity")).await;
        assert!(plain.headers().get("content-encoding").is_none(), "{path}");
    }
}
