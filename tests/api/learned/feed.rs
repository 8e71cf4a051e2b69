//! The Atom feed of the learning log.

use super::*;

#[tokio::test]
async fn the_feed_is_atom_with_stable_ids_and_links_from_the_base_url() {
    let app = spawn_app().await;
    let f = fixture(&app);
    let (raw, first) = feed(&app).await;
    assert_eq!(
        raw.header("content-type"),
        "application/atom+xml; charset=utf-8"
    );
    assert!(
        !raw.body.contains("127.0.0.1"),
        "links never come from the request"
    );
    assert_eq!(first.id(), format!("{LINK_BASE}/learned.atom"));
    assert_eq!(first.title().as_str(), "What people learned – UnMentoring");
    let rel = |feed: &Feed, rel: &str| {
        feed.links()
            .iter()
            .find(|l| l.rel() == rel)
            .map(|l| l.href().to_owned())
    };
    assert_eq!(
        rel(&first, "self"),
        Some(format!("{LINK_BASE}/learned.atom"))
    );
    assert_eq!(
        rel(&first, "alternate"),
        Some(format!("{LINK_BASE}/learned"))
    );

    let entry = &first.entries()[0];
    assert_eq!(
        entry.id(),
        format!("{LINK_BASE}/learned#link-{}", f.jo_link)
    );
    assert_eq!(
        entry.title().as_str(),
        "Jo Bloggs (Leeds City Council) shared blog.example.org/posts/what-i-learned"
    );
    assert_eq!(entry.updated().to_rfc3339(), "2026-11-24T10:00:00+00:00");
    assert_eq!(first.updated(), entry.updated());
    assert_eq!(entry.links()[0].href(), JO_URL);
    assert_eq!(entry.authors()[0].name(), "Jo Bloggs");
    assert_eq!(entry.content().and_then(|c| c.value()), Some(JO_NOTE));
    assert!(entry
        .summary()
        .unwrap()
        .as_str()
        .contains("23 November 2026"));

    // A newer link arrives: it comes first, and the older entry keeps its id.
    let pat = app.add_participant("Pat Newer", "pat@people.test", "Hackney Council");
    let r = round(&app, "2026-12-23 09:00:00", &[&[pat]]);
    let m = app.member_of(r, pat);
    answer(&app, m, Met::Yes, None, true);
    share(
        &app,
        m,
        "https://social.example/@pat/1",
        "2026-12-24 10:00:00",
    );
    let (_, second) = feed(&app).await;
    assert_eq!(second.id(), first.id());
    assert_eq!(second.entries().len(), 2);
    assert_eq!(second.entries()[1].id(), entry.id());
    assert_eq!(second.updated(), second.entries()[0].updated());
    assert_eq!(
        second.entries()[0].updated().to_rfc3339(),
        "2026-12-24T10:00:00+00:00"
    );
    assert!(
        second.entries()[0].content().is_none(),
        "no note, no content"
    );
    let ids: HashSet<&str> = second.entries().iter().map(|e| e.id()).collect();
    assert_eq!(ids.len(), 2);
    let (_, third) = feed(&app).await;
    let again: Vec<&str> = third.entries().iter().map(|e| e.id()).collect();
    let before: Vec<&str> = second.entries().iter().map(|e| e.id()).collect();
    assert_eq!(again, before, "ids are stable across requests");
}

#[tokio::test]
async fn the_feed_holds_the_fifty_newest() {
    let app = spawn_app().await;
    one_person_sharing(&app, 55);
    let (_, feed) = feed(&app).await;
    assert_eq!(feed.entries().len(), 50);
    let href = |i: usize| feed.entries()[i].links()[0].href().to_owned();
    assert_eq!(href(0), "https://example.org/post-54");
    assert_eq!(href(49), "https://example.org/post-05");
    let ids: HashSet<&str> = feed.entries().iter().map(|e| e.id()).collect();
    assert_eq!(ids.len(), 50);
    let mut times: Vec<_> = feed.entries().iter().map(|e| *e.updated()).collect();
    assert!(times.windows(2).all(|w| w[0] > w[1]), "newest first");
    times.dedup();
    assert_eq!(times.len(), 50);
}

#[tokio::test]
async fn html_in_a_note_or_name_is_escaped_on_the_page_and_in_the_feed() {
    let app = spawn_app().await;
    let note = "<script>alert(1)</script> & \"quotes\"";
    let jo = app.add_participant(
        "Jo <b>Bold</b>",
        "jo@people.test",
        "Bath & North East Somerset Council",
    );
    let r = round(&app, "2026-11-23 09:00:00", &[&[jo]]);
    let m = app.member_of(r, jo);
    answer(&app, m, Met::Yes, Some(note), true);
    share(
        &app,
        m,
        "https://example.org/post?a=1&b=%3C2%3E",
        "2026-11-24 10:00:00",
    );

    let page = app.get("/learned").await;
    assert_eq!(items(&page), 1);
    assert!(!page.body.contains("<script>"));
    assert!(!page.body.contains("<b>Bold"));
    assert!(page.body.contains("&#60;script&#62;alert(1)"));
    assert!(page.body.contains("Jo &#60;b&#62;Bold"));
    assert!(page.body.contains("Bath &#38; North East Somerset Council"));
    assert!(page
        .body
        .contains("href=\"https://example.org/post?a=1&#38;b=%3C2%3E\""));

    let (raw, feed) = self::feed(&app).await;
    assert!(!raw.body.contains("<script>"));
    assert!(!raw.body.contains("<b>"));
    let entry = &feed.entries()[0];
    assert_eq!(entry.content().and_then(|c| c.value()), Some(note));
    assert_eq!(entry.authors()[0].name(), "Jo <b>Bold</b>");
    assert_eq!(
        entry.links()[0].href(),
        "https://example.org/post?a=1&b=%3C2%3E"
    );
}

#[tokio::test]
async fn round_dates_are_days_in_the_configured_time_zone() {
    use crate::common::smtp::TestSmtp;
    use crate::helpers::spawn_app_in;

    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir, TestSmtp::start(), |s| {
        s.schedule.timezone = chrono_tz::America::New_York;
    })
    .await;
    let jo = app.add_participant("Jo Bloggs", "jo@people.test", "Leeds City Council");
    // 2am UTC on 1 July is still 30 June in New York (and 1 July in London).
    let r = round(&app, "2026-07-01 02:00:00", &[&[jo]]);
    let m = app.member_of(r, jo);
    answer(&app, m, Met::Yes, None, true);
    share(&app, m, "https://example.org/post", "2026-07-02 10:00:00");

    let page = app.get("/learned").await;
    assert!(
        page.body
            .contains("<time datetime=\"2026-06-30\">30 June 2026</time>"),
        "{}",
        page.body
    );
    let (_, atom) = feed(&app).await;
    let summary = atom.entries()[0].summary().unwrap().as_str().to_owned();
    assert!(summary.contains("round of 30 June 2026"), "{summary}");
}
