//! Every page reached by a personal link opens its link the same way: a live
//! link shows the page; an expired or unknown one gets a 404 page, never
//! stored, with advice that works for that kind of link.

use chrono::Duration;

use crate::helpers::{spawn_app, Page, TestApp};

/// A token-shaped string that no link has.
fn forged() -> String {
    "A".repeat(43)
}

enum Method {
    Get,
    Post,
}

async fn open(app: &TestApp, method: &Method, path: &str) -> Page {
    match method {
        Method::Get => app.get(path).await,
        Method::Post => app.post_form(path, &[("", "")]).await,
    }
}

/// The refusal page: a 404 with `heading`, every piece of `advice`, nothing
/// of `wrong`, kept by no browser or proxy and indexed by no crawler.
fn assert_refused(page: &Page, what: &str, heading: &str, advice: &[&str], wrong: &[&str]) {
    assert_eq!(page.status, 404, "{what}: {}", page.body);
    assert_eq!(page.title(), format!("{heading} – UnMentoring"), "{what}");
    assert_eq!(page.header("cache-control"), "no-store", "{what}");
    assert_eq!(page.header("x-robots-tag"), "noindex, nofollow", "{what}");
    for text in advice {
        assert!(
            page.body.contains(text),
            "{what}: {text:?} in {}",
            page.body
        );
    }
    for text in wrong {
        assert!(
            !page.body.contains(text),
            "{what}: {text:?} in {}",
            page.body
        );
    }
}

const CONFIRM_ADVICE: &[&str] = &[
    "we will send you a new confirmation link",
    "href=\"/#signup\"",
];

#[tokio::test]
async fn confirm_links_open_expire_and_are_refused_when_unknown() {
    let app = spawn_app().await;
    let link = app.signed_up_link("jo@example.org").await;

    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Check your details"));

    for method in [Method::Get, Method::Post] {
        let page = open(&app, &method, &format!("/confirm/{}", forged())).await;
        assert_refused(
            &page,
            "unknown",
            "This link is not valid",
            CONFIRM_ADVICE,
            &[],
        );
    }
    app.clock.advance(Duration::days(8));
    for method in [Method::Get, Method::Post] {
        let page = open(&app, &method, &link).await;
        let mut advice = CONFIRM_ADVICE.to_vec();
        advice.push("Confirmation links work for 7 days");
        assert_refused(&page, "expired", "This link has expired", &advice, &[]);
    }
    assert_eq!(app.count("participants WHERE status = 'pending'"), 1);
    app.assert_all_email_sent().await;
}

/// Every page under `/me/{token}`.
const MANAGE_PAGES: &[(Method, &str)] = &[
    (Method::Get, ""),
    (Method::Post, ""),
    (Method::Post, "/pause"),
    (Method::Get, "/resume"),
    (Method::Post, "/resume"),
    (Method::Get, "/leave"),
    (Method::Post, "/leave"),
];

const MANAGE_ADVICE: &[&str] = &[
    "we will email you a new link to your details",
    "you will not lose your place",
    "href=\"/#signup\"",
];

#[tokio::test]
async fn manage_links_open_every_page_expire_and_are_refused_when_unknown() {
    let app = spawn_app().await;
    let link = app
        .confirmed_participant("pat@example.org")
        .await
        .link_to(app.link_base(), "/me/");

    for (path, heading) in [
        ("", "Your UnMentoring details"),
        ("/resume", "Resume your introductions"),
        ("/leave", "Are you sure you want to leave?"),
    ] {
        let page = app.get(&format!("{link}{path}")).await;
        assert_eq!(page.status, 200, "{path}");
        assert!(
            page.title().starts_with(heading),
            "{path}: {}",
            page.title()
        );
    }

    let unknown = format!("/me/{}", forged());
    for (method, path) in MANAGE_PAGES {
        let page = open(&app, method, &format!("{unknown}{path}")).await;
        let what = format!("unknown {path}");
        assert_refused(&page, &what, "This link is not valid", MANAGE_ADVICE, &[]);
    }
    app.clock.advance(Duration::days(91));
    for (method, path) in MANAGE_PAGES {
        let page = open(&app, method, &format!("{link}{path}")).await;
        let mut advice = MANAGE_ADVICE.to_vec();
        advice.push("Links to your details work for 90 days");
        let what = format!("expired {path}");
        assert_refused(&page, &what, "This link has expired", &advice, &[]);
    }
    assert_eq!(
        app.count("participants WHERE status = 'active' AND name = 'Jo Bloggs'"),
        1,
        "nothing was changed through a refused link"
    );
}

/// Signing up again sends no follow-up link: the advice must not say so.
const FOLLOWUP_ADVICE: &[&str] = &[
    "Use the link in the most recent email we sent you about this introduction: the reminder has a fresh link.",
    "Links to the follow-up form work for 90 days.",
];
const NOT_FOLLOWUP_ADVICE: &[&str] = &["Sign up again", "sign up again"];

async fn followup_link(app: &TestApp) -> String {
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.run_round_for_everyone().await;
    app.email_for("ann@example.org", 2)
        .await
        .link_to(app.link_base(), "/followup/")
}

#[tokio::test]
async fn followup_links_open_expire_and_are_refused_when_unknown() {
    let app = spawn_app().await;
    let link = followup_link(&app).await;

    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("we introduced you to Bob Baker"));

    let unknown = format!("/followup/{}", forged());
    for method in [Method::Get, Method::Post] {
        let page = open(&app, &method, &unknown).await;
        let (advice, wrong) = (FOLLOWUP_ADVICE, NOT_FOLLOWUP_ADVICE);
        assert_refused(&page, "unknown", "This link is not valid", advice, wrong);
    }
    app.clock.advance(Duration::days(91));
    for method in [Method::Get, Method::Post] {
        let page = open(&app, &method, &link).await;
        let (advice, wrong) = (FOLLOWUP_ADVICE, NOT_FOLLOWUP_ADVICE);
        assert_refused(&page, "expired", "This link has expired", advice, wrong);
    }
    assert_eq!(app.count("followup_answers"), 0);
}

#[tokio::test]
async fn a_follow_up_link_of_someone_who_left_gets_the_follow_up_advice() {
    let app = spawn_app().await;
    let link = followup_link(&app).await;
    let ann = app.id_of("ann@example.org");
    app.execute(&format!(
        "UPDATE participants SET status = 'left' WHERE id = {ann}"
    ));

    let page = app.get(&link).await;
    let (advice, wrong) = (FOLLOWUP_ADVICE, NOT_FOLLOWUP_ADVICE);
    assert_refused(&page, "left", "This link is not valid", advice, wrong);
}
