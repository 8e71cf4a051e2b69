//! The public learning log: `/learned` and `/learned.atom`.

use std::collections::HashSet;

use atom_syndication::Feed;
use unmentoring::db::followups;
use unmentoring::domain::{Met, ValidFollowup, ValidProfile};

use crate::fixtures::{at, followup, link, profile};
use crate::helpers::{spawn_app, Page, TestApp, LINK_BASE};

pub(super) const PHONE: &str = "01632 960 001";

/// A round that started at `started_at` ("2026-11-23 09:00:00", UTC), with these groups.
pub(super) fn round(app: &TestApp, started_at: &str, groups: &[&[i64]]) -> i64 {
    app.add_round(at(started_at), groups)
}

pub(super) fn answer(app: &TestApp, member_id: i64, met: Met, note: Option<&str>, publish: bool) {
    let answer = ValidFollowup {
        note: Some(note.map(str::to_owned)),
        publish: Some(publish),
        ..followup(met)
    };
    app.answer(member_id, &answer, at("2026-11-24 08:00:00"));
}

/// Adds a link at `created_at` to a member's answer, keeping the rest of
/// it, as the follow-up form does; returns the link's id.
pub(super) fn share(app: &TestApp, member_id: i64, url: &str, created_at: &str) -> i64 {
    let stored = app.db(|c| followups::answer(c, member_id));
    let met = stored.expect("an answer to add a link to").met;
    let more = ValidFollowup {
        urls: vec![link(url)],
        ..followup(met)
    };
    app.answer(member_id, &more, at(created_at));
    let links = app.db(|c| followups::links(c, member_id));
    links.last().expect("the link just shared").id
}

/// Jo published a link; Sam, in the same pair, did not; Alex left after
/// publishing one; Kim was erased through the real leaving path.
pub(super) struct Fixture {
    jo_link: i64,
}

pub(super) const JO_URL: &str = "https://www.blog.example.org/posts/what-i-learned?ref=um";
pub(super) const JO_NOTE: &str = "We sketched our bin collection forms & found three quick wins.";
pub(super) const SECRET_URL: &str = "https://private.example.net/secret-post";
pub(super) const SECRET_NOTE: &str = "A note Sam did not want published";
pub(super) const LEFT_URL: &str = "https://gone.example.com/left-post";
pub(super) const LEFT_NOTE: &str = "A note from someone who left";
pub(super) const KIM_URL: &str = "https://kim.example.com/erased-post";

pub(super) fn fixture(app: &TestApp) -> Fixture {
    let jo = app.add_person(&ValidProfile {
        skype: Some("jo.skype.handle".into()),
        google_id: Some("jo.google@people.test".into()),
        ..profile("Jo Bloggs", "jo@people.test", "Leeds City Council")
    });
    let sam = app.add_participant("Sam Hidden", "sam@people.test", "Bristol City Council");
    let alex = app.add_participant("Alex Gone", "alex@people.test", "Kent County Council");
    let kim = app.add_participant("Kim Erased", "kim@people.test", "Essex County Council");
    let r = round(app, "2026-11-23 09:00:00", &[&[jo, sam], &[alex, kim]]);
    let [jo_m, sam_m, alex_m, kim_m] = [jo, sam, alex, kim].map(|p| app.member_of(r, p));
    answer(app, jo_m, Met::Yes, Some(JO_NOTE), true);
    answer(app, sam_m, Met::Yes, Some(SECRET_NOTE), false);
    answer(app, alex_m, Met::Yes, Some(LEFT_NOTE), true);
    answer(app, kim_m, Met::Yes, Some("Kim's note"), true);
    let jo_link = share(app, jo_m, JO_URL, "2026-11-24 10:00:00");
    share(app, sam_m, SECRET_URL, "2026-11-24 11:00:00");
    share(app, alex_m, LEFT_URL, "2026-11-24 12:00:00");
    share(app, kim_m, KIM_URL, "2026-11-24 13:00:00");
    // Left, but (say, mid-erasure) still has a name and a published link: a
    // state the app never leaves behind, so raw SQL builds it.
    app.execute(&format!(
        "UPDATE participants SET status = 'left' WHERE id = {alex}"
    ));
    app.erase(kim);
    Fixture { jo_link }
}

/// Jo published `n` links, a minute apart: example.org/post-00 is the oldest.
pub(super) fn one_person_sharing(app: &TestApp, n: usize) {
    let jo = app.add_participant("Jo Bloggs", "jo@people.test", "Leeds City Council");
    let r = round(app, "2026-11-23 09:00:00", &[&[jo]]);
    let m = app.member_of(r, jo);
    answer(app, m, Met::Yes, Some("Lots to share"), true);
    for i in 0..n {
        let (url, at) = (
            format!("https://example.org/post-{i:02}"),
            format!("2026-11-24 10:{i:02}:00"),
        );
        share(app, m, &url, &at);
    }
}

pub(super) fn items(page: &Page) -> usize {
    page.body.matches("class=\"learning-log__item\"").count()
}

/// Nothing private, from anyone in the fixture, in `body`.
pub(super) fn assert_nothing_private(body: &str, what: &str) {
    for private in [
        SECRET_URL,
        "private.example.net",
        SECRET_NOTE,
        "Sam Hidden",
        LEFT_URL,
        "gone.example.com",
        LEFT_NOTE,
        "Alex Gone",
        "Kent County Council",
        KIM_URL,
        "kim.example.com",
        "Kim Erased",
        "@people.test",
        PHONE,
        "01632",
        "jo.skype.handle",
    ] {
        assert!(!body.contains(private), "{what} shows {private:?}");
    }
}

pub(super) async fn feed(app: &TestApp) -> (Page, Feed) {
    let page = app.get("/learned.atom").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let feed = page.body.parse::<Feed>().expect("the feed parses as Atom");
    (page, feed)
}

#[tokio::test]
pub(super) async fn published_outputs_appear_with_who_what_and_when() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let page = app.get("/learned").await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").starts_with("text/html"));
    assert_eq!(page.title(), "What people learned – UnMentoring");
    assert_eq!(items(&page), 1, "{}", page.body);
    let body = &page.body;
    assert!(body.contains("Jo Bloggs"));
    assert!(body.contains("Leeds City Council"));
    assert!(body.contains(&format!(
        "<a href=\"{JO_URL}\" rel=\"noopener nofollow ugc\">blog.example.org/posts/what-i-learned</a>"
    )));
    assert!(body.contains("We sketched our bin collection forms &#38; found three quick wins."));
    assert!(body.contains("23 November 2026"));
    assert!(body.contains(&format!("id=\"link-{}\"", f.jo_link)));
    assert!(body
        .contains("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/learned.atom\""));
    assert!(body.contains("<a href=\"/learned.atom\">"));
    // One item: no pagination.
    assert!(!body.contains("aria-label=\"Pagination\""));
}

#[tokio::test]
pub(super) async fn unpublished_and_departed_people_never_appear_on_the_page_or_in_the_feed() {
    let app = spawn_app().await;
    fixture(&app);
    let page = app.get("/learned").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Jo Bloggs"),
        "the fixture shows something"
    );
    assert_nothing_private(&page.body, "the page");

    let (raw, feed) = feed(&app).await;
    assert_eq!(feed.entries().len(), 1);
    assert!(raw.body.contains("Jo Bloggs"));
    assert_nothing_private(&raw.body, "the feed");
}

#[tokio::test]
pub(super) async fn an_empty_log_says_so_and_its_feed_is_valid() {
    let app = spawn_app().await;
    let page = app.get("/learned").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Nothing published yet"));
    assert_eq!(items(&page), 0);
    assert!(page.body.contains("<strong>0 conversations</strong>"));
    assert!(page.body.contains("<strong>0 things</strong>"));

    let (raw, feed) = feed(&app).await;
    assert_eq!(
        raw.header("content-type"),
        "application/atom+xml; charset=utf-8"
    );
    assert!(feed.entries().is_empty());
    assert_eq!(feed.updated().timestamp(), 0);
}

#[tokio::test]
pub(super) async fn the_log_is_paginated_twenty_at_a_time_newest_first() {
    let app = spawn_app().await;
    one_person_sharing(&app, 25);

    let first = app.get("/learned").await;
    assert_eq!(items(&first), 20);
    let body = &first.body;
    assert!(body.contains("<nav class=\"pagination\" aria-label=\"Pagination\">"));
    assert!(body.contains("href=\"/learned?page=2\" rel=\"next\">Next page</a>"));
    assert!(!body.contains("Previous page"));
    assert!(body.contains("Page 1 of 2"));
    let newest = body.find("example.org/post-24").unwrap();
    let older = body.find("example.org/post-05").unwrap();
    assert!(newest < older, "newest first");
    assert!(!body.contains("example.org/post-04"));

    let second = app.get("/learned?page=2").await;
    assert_eq!(second.status, 200);
    assert_eq!(items(&second), 5);
    let title = "What people learned (page 2 of 2) – UnMentoring";
    assert_eq!(second.title(), title);
    let body = &second.body;
    assert!(body.contains("href=\"/learned\" rel=\"prev\">Previous page</a>"));
    assert!(!body.contains("Next page"));
    for i in 0..5 {
        assert!(body.contains(&format!("example.org/post-{i:02}")));
    }
    assert!(!body.contains("example.org/post-05"));

    for bad in ["abc", "0", "-1", "1.5", "99999999999999999999999", ""] {
        let page = app.get(&format!("/learned?page={bad}")).await;
        assert_eq!(page.status, 200, "page={bad}");
        assert_eq!(items(&page), 20, "page={bad} shows the first page");
    }
    let beyond = app.get("/learned?page=999").await;
    assert_eq!(beyond.status, 200);
    assert_eq!(items(&beyond), 0);
    assert!(beyond.body.contains("There is nothing on page 999"));
    assert!(beyond
        .body
        .contains("<a href=\"/learned\">Go to the first page</a>"));
    assert!(!beyond.body.contains("Next page"));
}

#[tokio::test]
pub(super) async fn the_summary_counts_conversations_and_everything_shared() {
    let app = spawn_app().await;
    let people: Vec<i64> = (0..9)
        .map(|i| {
            app.add_participant(
                &format!("Person {i}"),
                &format!("p{i}@people.test"),
                "A Council",
            )
        })
        .collect();
    let r1 = round(
        &app,
        "2026-11-23 09:00:00",
        &[&people[0..2], &people[2..4], &people[4..7]],
    );
    let r2 = round(&app, "2026-12-23 09:00:00", &[&people[0..2]]);
    let member = |round, i: usize| app.member_of(round, people[i]);
    // Round 1, group 1: one of two met. Counts once.
    let a = member(r1, 0);
    answer(&app, a, Met::Yes, None, false);
    answer(&app, member(r1, 1), Met::NotYet, None, false);
    // Group 2: both met. Still one conversation.
    let c = member(r1, 2);
    let d = member(r1, 3);
    answer(&app, c, Met::Yes, None, true);
    answer(&app, d, Met::Yes, None, false);
    // Group 3, a trio: nobody met.
    answer(&app, member(r1, 4), Met::No, None, false);
    answer(&app, member(r1, 6), Met::NotYet, None, false);
    // Round 2, group 1: the same people as round 1's group 1, who met again.
    let h = member(r2, 0);
    answer(&app, h, Met::Yes, None, true);
    // Four links, two of them published.
    share(&app, a, "https://example.org/a", "2026-11-24 10:00:00");
    share(&app, c, "https://example.org/c", "2026-11-24 10:00:00");
    share(&app, d, "https://example.org/d", "2026-11-24 10:00:00");
    share(&app, h, "https://example.org/h", "2026-12-24 10:00:00");

    let page = app.get("/learned").await;
    assert!(
        page.body
            .contains("<strong>3 conversations</strong> took place"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<strong>4 things</strong> shared"));
    assert!(page
        .body
        .contains("whether they chose to publish it or not"));
    assert_eq!(items(&page), 2);
    assert!(!page.body.contains("example.org/a\""));
}

mod feed;
