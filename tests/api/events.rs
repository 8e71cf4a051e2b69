//! `/admin/events`: groups for an event, printed and emailed.

use crate::helpers::spawn_app;

const LIST: &str = "name,email,organisation\nAnn,ann@example.org,Leeds\nBob,bob@example.org,Kent\nCat,,Fife\nDan,dan@example.org,Leeds\nEve,eve@example.org,York\n";

#[tokio::test]
async fn an_organiser_makes_prints_and_emails_groups_for_an_event() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let page = organiser.get("/admin/events").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"people\""));

    let bad = organiser
        .post(
            "/admin/events",
            &[
                ("size", "9"),
                ("people", "name,email,organisation\nAnn,nope,Leeds\n"),
                ("event_name", "Camp"),
            ],
        )
        .await;
    assert_eq!(bad.status, 200);
    assert!(bad.body.contains("Enter a group size from 2 to 8"));
    assert!(bad.body.contains("Line 2: the email address is not valid"));
    assert!(bad.body.contains("value=\"Camp\""), "values kept");

    let fields = [
        ("size", "2"),
        ("people", LIST),
        ("seed", "42"),
        ("event_name", "LocalGovCamp"),
    ];
    let made = organiser.post("/admin/events", &fields).await;
    assert_eq!(made.status, 200, "{}", made.body);
    assert!(made.body.contains("2 groups for 5 people"), "{}", made.body);
    assert!(made.body.contains("Seed 42"));
    let printed = organiser.post("/admin/events/print", &fields).await;
    assert!(printed.body.contains("Groups at LocalGovCamp"));
    assert!(printed.body.contains("class=\"event-groups\""));
    assert_eq!(app.count("outbox"), 0, "nobody emailed yet");

    let emailed = organiser.post("/admin/events/email", &fields).await;
    assert!(emailed
        .body
        .contains("4 attendees with an email address will get their group"));
    app.deliver().await;
    let to_ann = app
        .smtp
        .received()
        .into_iter()
        .find(|e| e.is_for("ann@example.org"))
        .unwrap();
    assert_eq!(to_ann.kind, "event");
    assert!(to_ann
        .subject
        .starts_with("Your group at LocalGovCamp: group "));
    assert!(to_ann.text.contains("At LocalGovCamp you are in group"));
}
