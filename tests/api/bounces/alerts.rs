//! Organisers hear of the first bounce at once, and of later ones in one
//! alert when the 24-hour window ends.

use crate::bounces::{add_organisers, alerts, jobs, status_of};
use crate::common::smtp::Answer;
use crate::helpers::spawn_app;

#[tokio::test]
async fn bounces_within_a_day_of_an_alert_are_gathered_into_one_alert() {
    let app = spawn_app().await;
    add_organisers(&app);
    let jobs = jobs(&app);
    for (name, email) in [
        ("Ann Able", "ann@example.org"),
        ("Bob Baker", "bob@example.org"),
        ("Cat Cole", "cat@example.org"),
        ("Dan Dale", "dan@example.org"),
    ] {
        app.add_participant(name, email, name);
    }
    app.smtp.answer_for("bob@example.org", Answer::NoMailbox);
    app.run_round_for_everyone().await;
    app.deliver().await;
    assert_eq!(alerts(&app).len(), 2, "the first bounce: at once");

    // Two hours later Cat's address starts bouncing too (her signup again
    // sends her the link to her details).
    app.clock.advance(chrono::Duration::hours(2));
    app.smtp.answer_for("cat@example.org", Answer::NoMailbox);
    assert_eq!(app.sign_up("cat@example.org").await.status, 303);
    assert_eq!(app.deliver().await.failed, 1);
    assert_eq!(status_of(&app, app.id_of("cat@example.org")), "bouncing");
    assert_eq!(alerts(&app).len(), 2, "no second alert within the day");
    assert_eq!(jobs.send_bounce_alerts().await.unwrap(), 0);

    // Just before the window ends, still nothing; at its end, one alert each.
    app.clock
        .advance(chrono::Duration::hours(22) - chrono::Duration::seconds(1));
    assert_eq!(jobs.send_bounce_alerts().await.unwrap(), 0);
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(jobs.send_bounce_alerts().await.unwrap(), 2);
    app.deliver().await;
    let all = alerts(&app);
    assert_eq!(all.len(), 4);
    for late in &all[2..] {
        assert!(late.text.contains("Cat Cole"), "{}", late.text);
        assert!(
            !late.text.contains("Bob Baker"),
            "told already: {}",
            late.text
        );
        assert!(late.subject.contains("Cat Cole"), "{}", late.subject);
    }
    assert_eq!(app.count("bounces WHERE alerted_at IS NULL"), 0);
    assert_eq!(jobs.send_bounce_alerts().await.unwrap(), 0, "nothing twice");
}
