use unmentoring::services::housekeeping::Jobs;

use crate::common::mail::ReceivedEmail;
use crate::helpers::{spawn_app, TestApp};

fn jobs(app: &TestApp) -> Jobs {
    app.jobs()
}

/// Two people, one round: their two introductions.
async fn paired(app: &TestApp) -> (ReceivedEmail, ReceivedEmail) {
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.run_round_for_everyone().await;
    (
        app.email_for("ann@example.org", 2).await,
        app.email_for("bob@example.org", 2).await,
    )
}

#[tokio::test]
async fn a_member_records_a_meeting_and_can_come_back_to_add_more() {
    let app = spawn_app().await;
    let (ann, bob) = paired(&app).await;
    let link = ann.link_to(app.link_base(), "/followup/");
    assert!(ann.html.contains(&link));
    assert_ne!(
        link,
        bob.link_to(app.link_base(), "/followup/"),
        "each member has their own link"
    );
    assert!(
        !bob.text.contains(&link),
        "a member's link never reaches their partner"
    );

    let page = app.get(&link).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.body.contains("we introduced you to Bob Baker"));
    for field in [
        "met",
        "no_reason",
        "url",
        "note",
        "publish",
        "challenged",
        "would_repeat",
        "new_connection",
    ] {
        assert!(page.body.contains(&format!("name=\"{field}\"")), "{field}");
    }

    let saved = app
        .post_form(
            &link,
            &[
                ("met", "yes"),
                ("url", "https://blog.example.org/what-i-learned"),
                ("url", ""),
                ("note", "We mapped a service"),
                ("publish", "yes"),
                ("challenged", "4"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let after = app.get(&saved.location()).await;
    assert!(after.body.contains("Your answers have been saved"));
    assert!(after.body.contains("blog.example.org/what-i-learned"));
    assert!(after.body.contains("We mapped a service"));
    assert!(after
        .body
        .contains("id=\"met\" name=\"met\" type=\"radio\" value=\"yes\" checked"));

    // A script adds a second link and says nothing else: the rest is kept.
    let more = app
        .post_form(
            &link,
            &[("met", "yes"), ("url", "social.example.com/@ann/1")],
        )
        .await;
    assert_eq!(more.status, 303);
    assert_eq!(app.count("shared_links"), 2);
    assert_eq!(
        app.count("shared_links WHERE url = 'https://social.example.com/@ann/1'"),
        1
    );
    assert_eq!(app.count("followup_answers WHERE note = 'We mapped a service' AND publish = TRUE AND challenged = 4"), 1);

    // Bob's answer is his own.
    let bob_link = bob.link_to(app.link_base(), "/followup/");
    let bob_page = app.get(&bob_link).await;
    assert!(!bob_page.body.contains("We mapped a service"));
    assert!(!bob_page.body.contains("blog.example.org"));
    app.post_form(&bob_link, &[("met", "no"), ("no_reason", "no_time")])
        .await;
    assert_eq!(app.count("followup_answers WHERE met = 'yes'"), 1);
    assert_eq!(
        app.count("followup_answers WHERE met = 'no' AND no_reason = 'no_time'"),
        1
    );
    assert_eq!(app.count("shared_links"), 2);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn unsafe_or_overlong_links_are_refused_with_the_values_kept() {
    let app = spawn_app().await;
    let (ann, _) = paired(&app).await;
    let link = ann.link_to(app.link_base(), "/followup/");
    let long = format!("https://example.org/{}", "a".repeat(2000));
    for bad in [
        "javascript:alert(document.cookie)",
        "data:text/html,<script>x</script>",
        "https://user:pw@example.org/",
        long.as_str(),
    ] {
        let page = app
            .post_form(
                &link,
                &[
                    ("met", "yes"),
                    ("url", "https://ok.example.org/fine"),
                    ("url", bad),
                    ("note", "Keep me"),
                ],
            )
            .await;
        assert_eq!(page.status, 200, "{bad}");
        assert!(page.title().starts_with("Error: "));
        assert!(page.body.contains("<a href=\"#url-2\">"), "{bad}");
        assert!(page.body.contains("value=\"https://ok.example.org/fine\""));
        assert!(page.body.contains("Keep me"));
        assert!(!page.body.contains("href=\"javascript:"));
    }
    let missing = app.post_form(&link, &[("note", "no answer")]).await;
    assert!(missing.body.contains("<a href=\"#met\">"));
    assert_eq!(app.count("followup_answers"), 0);
    assert_eq!(app.count("shared_links"), 0);
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn the_reminder_goes_once_only_to_those_who_have_not_answered_and_not_too_soon() {
    let app = spawn_app().await;
    let (ann, _) = paired(&app).await;
    app.post_form(
        &ann.link_to(app.link_base(), "/followup/"),
        &[("met", "yes")],
    )
    .await;

    assert_eq!(
        jobs(&app).send_reminders().await.unwrap(),
        0,
        "not before followup.after_days"
    );
    app.clock.advance(chrono::Duration::days(15));
    assert_eq!(jobs(&app).send_reminders().await.unwrap(), 1);
    assert_eq!(jobs(&app).send_reminders().await.unwrap(), 0, "once only");

    let reminder = app.email_for("bob@example.org", 3).await;
    assert_eq!(reminder.kind, "followup");
    assert!(reminder.is_for("bob@example.org"));
    let page = app
        .get(&reminder.link_to(app.link_base(), "/followup/"))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Ann Able"));
    assert_eq!(
        app.smtp
            .received()
            .iter()
            .filter(|e| e.kind == "followup")
            .count(),
        1
    );
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn three_silent_rounds_pause_a_person_and_two_do_not() {
    let app = spawn_app().await;
    for (name, email) in [
        ("Quiet", "quiet@example.org"),
        ("Talky", "talky@example.org"),
        ("Chatty", "chatty@example.org"),
        ("Busy", "busy@example.org"),
    ] {
        app.add_participant(name, email, name);
    }
    let quiet = app.id_of("quiet@example.org");
    let mut emails_so_far = 0;
    for silent_before in 0..3 {
        app.run_round_for_everyone().await;
        let paused = app.count(&format!(
            "participants WHERE id = {quiet} AND status = 'paused'"
        ));
        assert_eq!(paused, 0, "not paused after {silent_before} silent rounds");
        emails_so_far += 4;
        let all = app.wait_for_emails(emails_so_far).await;
        // Everyone but Quiet answers every round.
        for email in all.iter().filter(|e| e.kind == "intro").rev().take(4) {
            if !email.is_for("quiet@example.org") {
                app.post_form(
                    &email.link_to(app.link_base(), "/followup/"),
                    &[("met", "yes")],
                )
                .await;
            }
        }
        // Time moves on, past the follow-up window.
        app.clock.advance(chrono::Duration::days(30));
    }
    // The fourth round finds three judged, silent rounds in a row.
    app.run_round_for_everyone().await;
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {quiet} AND status = 'paused'"
        )),
        1
    );
    assert_eq!(app.count(&format!("group_members WHERE participant_id = {quiet} AND round_id = (SELECT MAX(id) FROM rounds)")), 0);
    let notice = app.email_for("quiet@example.org", emails_so_far + 4).await;
    assert_eq!(notice.kind, "manage");
    let resume = notice.link_to(app.link_base(), "/me/");
    assert!(resume.ends_with("/resume"));
    let page = app.get(&resume).await;
    assert!(page.body.contains("Resume my introductions"));
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {quiet} AND status = 'paused'"
        )),
        1,
        "a GET changes nothing"
    );
    assert_eq!(app.post_form(&resume, &[("", "")]).await.status, 303);
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {quiet} AND status = 'active'"
        )),
        1
    );

    // Coming back lasts: the silent rounds before the resume no longer
    // count, so the next round includes them instead of pausing them again.
    app.clock.advance(chrono::Duration::days(30));
    app.run_round_for_everyone().await;
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {quiet} AND status = 'active'"
        )),
        1,
        "not paused again for the rounds before the resume"
    );
    assert_eq!(
        app.count(&format!("group_members WHERE participant_id = {quiet} AND round_id = (SELECT MAX(id) FROM rounds)")),
        1,
        "in the round after the resume"
    );
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_person_who_left_has_no_follow_up_page() {
    let app = spawn_app().await;
    let (ann, _) = paired(&app).await;
    let link = ann.link_to(app.link_base(), "/followup/");
    app.post_form(
        &link,
        &[
            ("met", "yes"),
            ("url", "https://blog.example.org/x"),
            ("publish", "yes"),
        ],
    )
    .await;
    let manage = ann.link_to(app.link_base(), "/me/");
    app.post_form(&format!("{manage}/leave"), &[("", "")]).await;
    assert_eq!(app.get(&link).await.status, 404);
    assert_eq!(
        app.count("shared_links"),
        0,
        "what they shared goes with them"
    );
    assert_eq!(
        app.count("followup_answers WHERE met = 'yes' AND note IS NULL AND publish = FALSE"),
        1,
        "the anonymous answer stays"
    );
    app.assert_all_email_sent().await;
}

/// Rounds are stored in UTC; people read their dates in `schedule.timezone`
/// (Europe/London by default).
#[tokio::test]
async fn a_round_date_is_the_day_it_started_in_the_configured_time_zone() {
    let app = spawn_app().await;
    let (ann, _) = paired(&app).await;
    // 11.30pm UTC on 31 March is already 1 April in London, in summer time.
    app.execute("UPDATE rounds SET started_at = '2026-03-31 23:30:00'");
    const LOCAL_DAY: &str = "1 April 2026";

    let page = app.get(&ann.link_to(app.link_base(), "/followup/")).await;
    assert!(
        page.body
            .contains(&format!("On {LOCAL_DAY} we introduced you to Bob Baker")),
        "{}",
        page.body
    );

    assert_eq!(jobs(&app).send_reminders().await.unwrap(), 2);
    let reminder = app.email_for("ann@example.org", 4).await;
    assert_eq!(reminder.kind, "followup");
    assert!(
        reminder
            .text
            .contains(&format!("On {LOCAL_DAY} we introduced you")),
        "{}",
        reminder.text
    );
    assert!(reminder.html.contains(LOCAL_DAY));

    let organiser = app.organiser().await;
    let dashboard = organiser.get("/admin").await;
    assert!(dashboard.body.contains(LOCAL_DAY), "{}", dashboard.body);
    let ann_id = app.id_of("ann@example.org");
    let person = organiser
        .get(&format!("/admin/participants/{ann_id}"))
        .await;
    assert!(person.body.contains(LOCAL_DAY), "{}", person.body);
    app.assert_all_email_sent().await;
}

/// Whether the page shows the radio `field` = `value` as chosen.
fn chosen(body: &str, field: &str, value: &str) -> bool {
    body.contains(&format!(
        "name=\"{field}\" type=\"radio\" value=\"{value}\" checked"
    ))
}

#[tokio::test]
async fn the_two_yes_no_questions_are_stored_shown_again_and_kept_when_left_out() {
    let app = spawn_app().await;
    let (ann, _) = paired(&app).await;
    let link = ann.link_to(app.link_base(), "/followup/");
    let page = app.get(&link).await;
    assert!(page
        .body
        .contains("Would you like another conversation like this?"));
    assert!(page
        .body
        .contains("Is this someone you would contact again about work?"));
    for field in ["would_repeat", "new_connection"] {
        for value in ["yes", "no"] {
            assert!(page.body.contains(&format!(
                "name=\"{field}\" type=\"radio\" value=\"{value}\""
            )));
            assert!(!chosen(&page.body, field, value), "nothing chosen yet");
        }
    }

    let saved = app
        .post_form(
            &link,
            &[
                ("met", "yes"),
                ("would_repeat", "yes"),
                ("new_connection", "no"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    assert_eq!(
        app.count("followup_answers WHERE would_repeat = TRUE AND new_connection = FALSE"),
        1
    );
    let after = app.get(&saved.location()).await;
    assert!(chosen(&after.body, "would_repeat", "yes"));
    assert!(!chosen(&after.body, "would_repeat", "no"));
    assert!(chosen(&after.body, "new_connection", "no"));
    assert!(!chosen(&after.body, "new_connection", "yes"));

    // Left out of the request: both keep what was stored.
    let kept = app
        .post_form(&link, &[("met", "yes"), ("note", "Still good")])
        .await;
    assert_eq!(kept.status, 303);
    assert_eq!(
        app.count(
            "followup_answers WHERE would_repeat = TRUE AND new_connection = FALSE \
             AND note = 'Still good'"
        ),
        1
    );

    // Sent again: changed; sent empty: cleared.
    app.post_form(
        &link,
        &[
            ("met", "yes"),
            ("would_repeat", "no"),
            ("new_connection", ""),
        ],
    )
    .await;
    assert_eq!(
        app.count("followup_answers WHERE would_repeat = FALSE AND new_connection IS NULL"),
        1
    );
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn a_yes_no_answer_other_than_yes_or_no_is_refused_with_the_form_kept() {
    let app = spawn_app().await;
    let (ann, _) = paired(&app).await;
    let link = ann.link_to(app.link_base(), "/followup/");
    let page = app
        .post_form(
            &link,
            &[
                ("met", "yes"),
                ("note", "Keep me"),
                ("challenged", "3"),
                ("would_repeat", "maybe"),
                ("new_connection", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.title().starts_with("Error: "));
    assert!(page.body.contains("There is a problem"));
    assert!(page.body.contains(
        "<a href=\"#would_repeat\">Select yes if you would like another conversation like this, or no if not</a>"
    ));
    assert!(page.body.contains("id=\"would_repeat-error\""));
    assert!(!page.body.contains("<a href=\"#new_connection\">"));
    assert!(page.body.contains("Keep me"));
    assert!(chosen(&page.body, "met", "yes"));
    assert!(chosen(&page.body, "challenged", "3"));
    assert!(chosen(&page.body, "new_connection", "yes"));
    assert!(!chosen(&page.body, "would_repeat", "yes"));
    assert!(!chosen(&page.body, "would_repeat", "no"));

    let other = app
        .post_form(&link, &[("met", "yes"), ("new_connection", "maybe")])
        .await;
    assert_eq!(other.status, 200);
    assert!(other.body.contains(
        "<a href=\"#new_connection\">Select yes if you would contact them again about work, or no if not</a>"
    ));
    assert_eq!(app.count("followup_answers"), 0, "nothing stored");
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn the_yes_no_answers_are_in_the_downloaded_data() {
    let app = spawn_app().await;
    let (ann, bob) = paired(&app).await;
    let saved = app
        .post_form(
            &ann.link_to(app.link_base(), "/followup/"),
            &[
                ("met", "yes"),
                ("would_repeat", "no"),
                ("new_connection", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    app.post_form(
        &bob.link_to(app.link_base(), "/followup/"),
        &[("met", "yes")],
    )
    .await;

    let data_of =
        |email: &ReceivedEmail| format!("{}/data.json", email.link_to(app.link_base(), "/me/"));
    let ann_data = app.get(&data_of(&ann)).await;
    assert_eq!(ann_data.status, 200, "{}", ann_data.body);
    let ann_data: serde_json::Value = serde_json::from_str(&ann_data.body).unwrap();
    let answer = &ann_data["rounds"][0]["answer"];
    assert_eq!(answer["would_repeat"], false);
    assert_eq!(answer["new_connection"], true);

    let bob_data = app.get(&data_of(&bob)).await;
    let bob_data: serde_json::Value = serde_json::from_str(&bob_data.body).unwrap();
    let answer = &bob_data["rounds"][0]["answer"];
    assert_eq!(answer["met"], "yes");
    assert_eq!(
        answer["would_repeat"],
        serde_json::Value::Null,
        "not answered"
    );
    assert_eq!(answer["new_connection"], serde_json::Value::Null);
    app.assert_all_email_sent().await;
}
