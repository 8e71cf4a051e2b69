//! "We've arranged a time" (`/arranged/{token}`): the page, what saving
//! stores, and the calendar invitations it sends over the real SMTP server.

use icalendar::{Calendar, CalendarComponent, Component, DatePerhapsTime, Event, EventLike};
use unmentoring::db::meetings::{self, Meeting};

use crate::common::mail::ReceivedEmail;
use crate::common::smtp::TestSmtp;
use crate::fixtures::at;
use crate::helpers::{spawn_app, spawn_app_in, TestApp};

const VIDEO: &str = "https://meet.example.org/unmentoring-{room}";

async fn app_with_video_link() -> TestApp {
    spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), |s| {
        s.meetings.video_link = Some(VIDEO.into());
    })
    .await
}

/// Ann and Bob, paired by a round: its id and their introductions.
async fn paired(app: &TestApp) -> (i64, ReceivedEmail, ReceivedEmail) {
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let round = app.run_round_for_everyone().await;
    let ann = app.email_for("ann@example.org", 2).await;
    let bob = app.email_for("bob@example.org", 2).await;
    (round, ann, bob)
}

fn meeting(app: &TestApp, round: i64) -> Meeting {
    app.db(|c| meetings::of_group(c, round, 1)).unwrap()
}

/// The one event of an invitation's calendar part, and the calendar.
fn event_of(email: &ReceivedEmail) -> (Calendar, Event) {
    assert_eq!(email.kind, "invite");
    let calendar: Calendar = email.calendar.parse().expect("a calendar that parses");
    let events: Vec<Event> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1, "{}", email.calendar);
    let event = events[0].clone();
    (calendar, event)
}

fn attendees(event: &Event) -> Vec<String> {
    let mut found: Vec<String> = event
        .get_attendees()
        .into_iter()
        .map(|a| a.cal_address)
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn a_time_sends_both_an_invitation_with_the_groups_video_link() {
    let app = app_with_video_link().await;
    let (round, ann_intro, bob_intro) = paired(&app).await;
    let room = meeting(&app, round).room.expect("a room");
    let video = VIDEO.replace("{room}", &room);
    assert!(ann_intro.text.contains(&video), "{}", ann_intro.text);
    assert!(bob_intro.html.contains(&video));

    let link = ann_intro.link_to(app.link_base(), "/arranged/");
    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.body.contains("Bob Baker"), "{}", page.body);
    for field in ["date", "time"] {
        assert!(page.body.contains(&format!("name=\"{field}\"")), "{field}");
    }

    let saved = app
        .post_form(&link, &[("date", "2026-12-08"), ("time", "14:30")])
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stored = meeting(&app, round);
    assert_eq!(stored.arranged_at, Some(app.clock.now()));
    let ann_member = app.member_of(round, app.id_of("ann@example.org"));
    assert_eq!(stored.arranged_by, Some(ann_member));
    // December: London is on UTC.
    assert_eq!(stored.starts_at, Some(at("2026-12-08 14:30:00")));
    let confirmation = app.get(&saved.location()).await;
    assert!(
        confirmation.body.contains("Thank you"),
        "{}",
        confirmation.body
    );

    let ann = app.email_for("ann@example.org", 4).await;
    let bob = app.email_for("bob@example.org", 4).await;
    let (calendar, event) = event_of(&ann);
    let (_, bob_event) = event_of(&bob);
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
    assert!(ann
        .raw
        .contains("Content-Type: text/calendar; method=REQUEST; charset=utf-8"));
    let uid = event.get_uid().expect("a UID");
    assert_eq!(bob_event.get_uid(), Some(uid));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(
        event.get_start(),
        Some(DatePerhapsTime::from(at("2026-12-08 14:30:00").and_utc()))
    );
    assert_eq!(
        event.get_end(),
        Some(DatePerhapsTime::from(at("2026-12-08 15:00:00").and_utc()))
    );
    assert_eq!(
        attendees(&event),
        ["mailto:ann@example.org", "mailto:bob@example.org"]
    );
    assert_eq!(
        event.property_value("ORGANIZER"),
        Some("mailto:unmentoring@localhost")
    );
    assert_eq!(event.get_location(), Some(video.as_str()));
    let summary = event.get_summary().unwrap();
    assert!(
        summary.contains("Ann Able") && summary.contains("Bob Baker"),
        "{summary}"
    );

    // The time in schedule.timezone, and each person's own links only.
    assert!(
        bob.text.contains("8 December 2026 at 14:30"),
        "{}",
        bob.text
    );
    assert!(bob.text.contains("Ann Able"));
    let bob_arranged = bob.link_to(app.link_base(), "/arranged/");
    let ann_arranged = ann.link_to(app.link_base(), "/arranged/");
    assert_ne!(bob_arranged, ann_arranged);
    assert!(!bob
        .raw
        .contains(&ann_arranged["https://unmentoring.test/arranged/".len()..]));
    assert_eq!(app.get(&bob_arranged).await.status, 200);
    assert_eq!(bob.reply_to, None);
}

#[tokio::test]
async fn a_new_time_keeps_the_uid_and_raises_the_sequence_the_same_time_sends_nothing() {
    let app = spawn_app().await;
    let (round, ann_intro, bob_intro) = paired(&app).await;
    let ann_link = ann_intro.link_to(app.link_base(), "/arranged/");
    let bob_link = bob_intro.link_to(app.link_base(), "/arranged/");
    app.post_form(&ann_link, &[("date", "2026-12-08"), ("time", "14:30")])
        .await;
    let first = app.email_for("bob@example.org", 4).await;
    let (_, first_event) = event_of(&first);
    assert_eq!(first_event.get_location(), None, "no video link configured");

    // Bob saves the same time: nothing new to send.
    let again = app
        .post_form(&bob_link, &[("date", "2026-12-08"), ("time", "14:30")])
        .await;
    assert_eq!(again.status, 303);
    app.deliver().await;
    assert_eq!(app.smtp.received().len(), 4);
    assert_eq!(meeting(&app, round).sequence, 0);

    // Bob moves it: both get an update, same UID, higher SEQUENCE.
    app.clock.advance(chrono::Duration::hours(1));
    app.post_form(&bob_link, &[("date", "2026-12-09"), ("time", "09:15")])
        .await;
    let ann = app.email_for("ann@example.org", 6).await;
    let bob = app.email_for("bob@example.org", 6).await;
    for email in [&ann, &bob] {
        let (_, event) = event_of(email);
        assert_eq!(event.get_uid(), first_event.get_uid());
        assert_eq!(event.get_sequence(), Some(1));
        assert_eq!(
            event.get_start(),
            Some(DatePerhapsTime::from(at("2026-12-09 09:15:00").and_utc()))
        );
        assert!(email.subject.contains("new time"), "{}", email.subject);
    }
    let stored = meeting(&app, round);
    assert_eq!(stored.sequence, 1);
    let ann_member = app.member_of(round, app.id_of("ann@example.org"));
    assert_eq!(stored.arranged_by, Some(ann_member), "the first to say so");
}

#[tokio::test]
async fn without_a_time_the_group_is_arranged_and_nobody_is_emailed() {
    let app = spawn_app().await;
    let (round, ann_intro, _) = paired(&app).await;
    let link = ann_intro.link_to(app.link_base(), "/arranged/");
    let saved = app.post_form(&link, &[("date", ""), ("time", "")]).await;
    assert_eq!(saved.status, 303);
    let stored = meeting(&app, round);
    assert!(stored.arranged_at.is_some());
    assert_eq!(stored.starts_at, None);
    app.deliver().await;
    assert_eq!(app.smtp.received().len(), 2);
    assert_eq!(app.count("outbox WHERE kind = 'invite'"), 0);
}

#[tokio::test]
async fn bad_input_comes_back_with_errors_and_what_was_entered() {
    let app = spawn_app().await;
    let (round, ann_intro, _) = paired(&app).await;
    let link = ann_intro.link_to(app.link_base(), "/arranged/");
    for (date, time, message) in [
        ("2026-12-08", "", "Enter the time you agreed"),
        ("", "14:30", "Enter the date you agreed"),
        ("2026-02-30", "14:30", "Enter a real date"),
        ("2026-12-08", "25:61", "Enter a real time"),
        // 28 March 2027: the clocks go forward at 01:00 in London.
        ("2027-03-28", "01:30", "the clocks go forward"),
    ] {
        let page = app
            .post_form(&link, &[("date", date), ("time", time)])
            .await;
        assert_eq!(page.status, 200, "{date} {time}");
        assert!(page.title().starts_with("Error: "), "{}", page.title());
        assert!(page.body.contains("There is a problem"));
        assert!(page.body.contains(message), "{message} in {}", page.body);
        assert!(page.body.contains(&format!("value=\"{date}\"")));
        assert!(page.body.contains(&format!("value=\"{time}\"")));
    }
    assert_eq!(meeting(&app, round).arranged_at, None);
    assert_eq!(app.count("outbox WHERE kind = 'invite'"), 0);
}

#[tokio::test]
async fn looking_at_the_page_changes_nothing() {
    let app = spawn_app().await;
    let (round, ann_intro, _) = paired(&app).await;
    let link = ann_intro.link_to(app.link_base(), "/arranged/");
    for _ in 0..2 {
        assert_eq!(app.get(&link).await.status, 200);
        assert_eq!(app.get(&format!("{link}?saved=1")).await.status, 200);
    }
    let stored = meeting(&app, round);
    assert_eq!((stored.arranged_at, stored.arranged_by), (None, None));
    assert_eq!(app.count("outbox"), 2);
}

#[tokio::test]
async fn a_link_that_is_not_a_members_gets_the_not_valid_page() {
    let app = spawn_app().await;
    let (round, ann_intro, _) = paired(&app).await;
    let manage = ann_intro.link_to(app.link_base(), "/me/");
    let token = &manage[manage.rfind('/').unwrap() + 1..];
    for path in [
        "/arranged/not-a-real-token".to_owned(),
        format!("/arranged/{token}"),
    ] {
        let page = app.get(&path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains("This link is not valid"));
        let posted = app
            .post_form(&path, &[("date", "2026-12-08"), ("time", "14:30")])
            .await;
        assert_eq!(posted.status, 404);
    }
    assert_eq!(meeting(&app, round).arranged_at, None);
}

#[tokio::test]
async fn a_member_who_left_the_group_is_told_so_and_nothing_changes() {
    let app = spawn_app().await;
    let (round, ann_intro, _) = paired(&app).await;
    let ann_member = app.member_of(round, app.id_of("ann@example.org"));
    app.execute(&format!(
        "UPDATE group_members SET left_at = '2026-11-30 10:00:00', left_reason = 'declined' WHERE id = {ann_member}"
    ));
    let link = ann_intro.link_to(app.link_base(), "/arranged/");
    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("You are no longer in this group"));
    assert!(!page.body.contains("name=\"date\""));
    let posted = app
        .post_form(&link, &[("date", "2026-12-08"), ("time", "14:30")])
        .await;
    assert!(posted.body.contains("You are no longer in this group"));
    assert_eq!(meeting(&app, round).arranged_at, None);
    assert_eq!(app.count("outbox WHERE kind = 'invite'"), 0);
}

#[tokio::test]
async fn a_member_whose_partner_left_invites_only_those_still_in_the_group() {
    let app = spawn_app().await;
    for (name, email) in [
        ("Ann Able", "ann@example.org"),
        ("Bob Baker", "bob@example.org"),
        ("Cat Cole", "cat@example.org"),
    ] {
        app.add_participant(name, email, "Leeds");
    }
    let round = app.run_round_for_everyone().await;
    let ann_intro = app.email_for("ann@example.org", 3).await;
    let cat_member = app.member_of(round, app.id_of("cat@example.org"));
    app.execute(&format!(
        "UPDATE group_members SET left_at = '2026-11-30 10:00:00', left_reason = 'declined' WHERE id = {cat_member}"
    ));
    let link = ann_intro.link_to(app.link_base(), "/arranged/");
    app.post_form(&link, &[("date", "2026-12-08"), ("time", "14:30")])
        .await;
    let all = app.wait_for_emails(5).await;
    let invites: Vec<&ReceivedEmail> = all.iter().filter(|e| e.kind == "invite").collect();
    assert_eq!(invites.len(), 2);
    assert!(invites.iter().all(|e| !e.is_for("cat@example.org")));
    let (_, event) = event_of(invites[0]);
    assert_eq!(
        attendees(&event),
        ["mailto:ann@example.org", "mailto:bob@example.org"]
    );
}

/// The token at the end of a link.
fn token_of(link: &str) -> &str {
    &link[link.rfind('/').unwrap() + 1..]
}

#[tokio::test]
async fn each_introduction_carries_its_recipients_own_links_only() {
    let app = spawn_app().await;
    let (_, ann, bob) = paired(&app).await;
    let base = app.link_base();
    let ann_token = token_of(&ann.link_to(base, "/followup/")).to_owned();
    let bob_token = token_of(&bob.link_to(base, "/followup/")).to_owned();
    assert_ne!(ann_token, bob_token);
    for (email, own, other) in [
        (&ann, &ann_token, &bob_token),
        (&bob, &bob_token, &ann_token),
    ] {
        for path in ["/arranged/", "/decline/", "/followup/"] {
            assert_eq!(token_of(&email.link_to(base, path)), own, "{path}");
            assert!(email.html.contains(&format!("{base}{path}{own}")), "{path}");
        }
        assert!(!email.raw.contains(other.as_str()), "a partner's link");
        assert!(email.text.contains("We've arranged a time"));
        assert!(email.text.contains("I can't take part this round"));
        assert!(!email.text.contains("video call, use"), "no video link set");
    }
}
