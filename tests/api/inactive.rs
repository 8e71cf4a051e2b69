//! Inactive people (privacy): someone with no round and no visit to their
//! links for `privacy.inactive_months` (24) is asked once whether they want
//! to stay (kind `still_interested`), and erased 30 days later without an
//! answer. Pressing "stay", or opening any of their links, answers it.

use chrono::{DateTime, Duration, Months, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::common::mail::ReceivedEmail;
use crate::helpers::{spawn_app, test_start, TestApp};

/// `months` after the test clock's start, and `days` more.
fn after_start(months: u32, days: i64) -> DateTime<Utc> {
    test_start()
        .checked_add_months(Months::new(months))
        .unwrap()
        + Duration::days(days)
}

/// Runs the hourly job that asks and erases; returns (asked, erased).
async fn run_job(app: &TestApp) -> (usize, usize) {
    app.jobs().ask_inactive().await.unwrap()
}

/// Every `still_interested` email sent so far.
async fn questions(app: &TestApp) -> Vec<ReceivedEmail> {
    app.deliver().await;
    app.smtp
        .received()
        .into_iter()
        .filter(|e| e.kind == "still_interested")
        .collect()
}

/// The link in `email` whose path ends with `ending` ("/stay", or "" for the manage page).
fn link_ending(app: &TestApp, email: &ReceivedEmail, ending: &str) -> String {
    email
        .links(app.link_base())
        .into_iter()
        .filter(|l| l.contains("/me/"))
        .find(|l| {
            let path = l.trim_start_matches(app.link_base());
            path.matches('/').count() == if ending.is_empty() { 2 } else { 3 }
                && path.ends_with(ending)
        })
        .unwrap_or_else(|| panic!("no /me/…{ending} link in:\n{}", email.text))
}

/// A person's `last_seen_at` and `still_interested_at`.
fn seen_and_asked(app: &TestApp, id: i64) -> (Option<NaiveDateTime>, Option<NaiveDateTime>) {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
        last_seen_at: Option<NaiveDateTime>,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
        still_interested_at: Option<NaiveDateTime>,
    }
    let mut conn = app.pool.get().unwrap();
    let row: Row = diesel::sql_query(format!(
        "SELECT last_seen_at, still_interested_at FROM participants WHERE id = {id}"
    ))
    .get_result(&mut conn)
    .unwrap();
    (row.last_seen_at, row.still_interested_at)
}

/// Jo confirms at the start, then nothing happens for 24 months and a day:
/// the job asks her. Returns her id and the question.
async fn jo_asked(app: &TestApp) -> (i64, ReceivedEmail) {
    app.confirmed_participant("jo@example.org").await;
    let jo = app.id_of("jo@example.org");
    app.clock.set(after_start(24, 1));
    assert_eq!(run_job(app).await, (1, 0));
    let asked = questions(app).await;
    assert_eq!(asked.len(), 1);
    (jo, asked.into_iter().next().unwrap())
}

#[tokio::test]
async fn someone_untouched_for_24_months_is_asked_once_and_someone_paired_lately_is_not() {
    let app = spawn_app().await;
    app.confirmed_participant("jo@example.org").await;
    let sam = app.add_participant("Sam Lee", "sam@example.org", "Leeds City Council");
    let kim = app.add_participant("Kim Ng", "kim@example.org", "Bristol City Council");

    app.clock.set(after_start(21, 1));
    app.add_round(app.clock.now(), &[&[sam, kim]]);
    app.clock.set(after_start(24, -1));
    assert_eq!(run_job(&app).await, (0, 0), "not yet 24 months");

    app.clock.set(after_start(24, 1));
    assert_eq!(run_job(&app).await, (1, 0));
    let asked = questions(&app).await;
    assert_eq!(asked.len(), 1);
    let email = &asked[0];
    assert!(email.is_for("jo@example.org"));
    assert_eq!(
        email.subject,
        "Do you still want UnMentoring introductions?"
    );
    assert!(email.text.contains("24 months"), "{}", email.text);
    assert!(email.text.contains("31 December 2028"), "{}", email.text);
    assert!(email.html.contains("Keep my place in UnMentoring"));
    link_ending(&app, email, "/stay");
    link_ending(&app, email, "/leave");
    assert_eq!(
        app.count("participants WHERE still_interested_at IS NOT NULL"),
        1
    );

    // The job runs every hour: the question is asked once.
    for later in [Duration::hours(1), Duration::days(3)] {
        app.clock.advance(later);
        assert_eq!(run_job(&app).await, (0, 0));
    }
    assert_eq!(questions(&app).await.len(), 1);
}

#[tokio::test]
async fn without_an_answer_they_are_erased_30_days_later() {
    let app = spawn_app().await;
    let (jo, _) = jo_asked(&app).await;

    app.clock.advance(Duration::days(29));
    assert_eq!(run_job(&app).await, (0, 0), "29 days is not enough");
    assert_eq!(app.count("participants WHERE status = 'active'"), 1);

    app.clock.advance(Duration::days(1) + Duration::hours(1));
    assert_eq!(run_job(&app).await, (0, 1));
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {jo} AND status = 'left' AND name = '' AND email IS NULL \
             AND organisation = '' AND left_at IS NOT NULL"
        )),
        1
    );
    assert_eq!(seen_and_asked(&app, jo), (None, None));
    assert_eq!(app.count("tokens"), 0, "their links went too");
    assert_eq!(app.count("outbox"), 0, "and the emails sent to them");
    assert_eq!(run_job(&app).await, (0, 0), "erased once");
}

#[tokio::test]
async fn pressing_stay_keeps_them_until_another_24_months_pass() {
    let app = spawn_app().await;
    let (jo, email) = jo_asked(&app).await;
    let stay = link_ending(&app, &email, "/stay");
    let before = seen_and_asked(&app, jo);
    assert!(before.1.is_some());

    let page = app.get(&stay).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.body.contains("Yes, I want to stay"), "{}", page.body);
    assert!(page.body.contains("31 December 2028"), "{}", page.body);
    assert_eq!(
        seen_and_asked(&app, jo),
        before,
        "opening it changes nothing"
    );

    app.clock.advance(Duration::hours(2));
    let pressed = app.post_form(&stay, &[("", "")]).await;
    assert_eq!(pressed.status, 303);
    let location = pressed.location();
    assert!(
        location.ends_with("?done=stayed#main-content"),
        "{location}"
    );
    let manage = app.get(&location).await;
    assert!(manage.body.contains("You are staying in UnMentoring"));
    let stayed_at = app.clock.now();
    assert_eq!(seen_and_asked(&app, jo), (Some(stayed_at), None));

    app.clock.advance(Duration::days(30) + Duration::hours(1));
    assert_eq!(run_job(&app).await, (0, 0), "not erased");
    assert_eq!(app.count("participants WHERE status = 'active'"), 1);

    let stayed: DateTime<Utc> = stayed_at.and_utc();
    app.clock
        .set(stayed.checked_add_months(Months::new(24)).unwrap() - Duration::days(1));
    assert_eq!(run_job(&app).await, (0, 0), "not asked again yet");
    app.clock
        .set(stayed.checked_add_months(Months::new(24)).unwrap() + Duration::days(1));
    assert_eq!(
        run_job(&app).await,
        (1, 0),
        "asked again after another 24 months"
    );
    assert_eq!(questions(&app).await.len(), 2);
}

#[tokio::test]
async fn opening_their_own_page_counts_as_a_visit_written_at_most_once_a_day() {
    let app = spawn_app().await;
    let welcome = app.confirmed_participant("jo@example.org").await;
    let jo = app.id_of("jo@example.org");
    let manage = welcome.link_to(app.link_base(), "/me/");

    app.clock.advance(Duration::days(2));
    assert_eq!(app.get(&manage).await.status, 200);
    let first = app.clock.now();
    assert_eq!(seen_and_asked(&app, jo).0, Some(first));

    app.clock.advance(Duration::hours(1));
    assert_eq!(app.get(&manage).await.status, 200);
    assert_eq!(
        seen_and_asked(&app, jo).0,
        Some(first),
        "no write within a day"
    );

    app.clock.advance(Duration::days(1));
    assert_eq!(app.get(&manage).await.status, 200);
    assert_eq!(seen_and_asked(&app, jo).0, Some(app.clock.now()));
}

#[tokio::test]
async fn opening_the_manage_link_in_the_question_answers_it() {
    let app = spawn_app().await;
    let (jo, email) = jo_asked(&app).await;
    app.clock.advance(Duration::days(5));
    assert_eq!(app.get(&link_ending(&app, &email, "")).await.status, 200);
    assert_eq!(seen_and_asked(&app, jo), (Some(app.clock.now()), None));

    app.clock.advance(Duration::days(30));
    assert_eq!(run_job(&app).await, (0, 0));
    assert_eq!(app.count("participants WHERE status = 'active'"), 1);
}

#[tokio::test]
async fn the_privacy_notice_gives_the_rule() {
    let app = spawn_app().await;
    let page = app.get("/privacy").await;
    assert!(
        page.body.contains("paired you with anyone for 24 months"),
        "{}",
        page.body
    );
    assert!(page.body.contains("within 30 days"));
}
