//! The console shows who bounces: the dashboard's block, the participants
//! filter, and the bounces on a person's page.

use crate::common::smtp::Answer;
use crate::helpers::spawn_app;

#[tokio::test]
async fn organisers_see_who_bounces_and_what_bounced() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    let bob = app.add_participant("Bob Baker", "bob@example.org", "Kent");
    let quiet = organiser.get("/admin").await;
    assert!(
        quiet.body.contains("Nobody: email reaches everyone."),
        "{}",
        quiet.body
    );

    app.smtp.answer_for("bob@example.org", Answer::NoMailbox);
    app.run_round_for_everyone().await;
    app.deliver().await;

    let dashboard = organiser.get("/admin").await;
    assert_eq!(dashboard.status, 200);
    assert!(dashboard
        .body
        .contains("<h2 class=\"heading-m\" id=\"bouncing\">Bouncing</h2>"));
    assert!(
        dashboard.body.contains("Email to 1 person does not arrive"),
        "{}",
        dashboard.body
    );
    assert!(dashboard.body.contains(&format!(
        "<a href=\"/admin/participants/{bob}\">Bob Baker</a>"
    )));
    assert!(!dashboard
        .body
        .contains(&format!("/admin/participants/{ann}\"")));

    let list = organiser.get("/admin/participants?status=bouncing").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("Bob Baker"), "{}", list.body);
    assert!(!list.body.contains("Ann Able"), "{}", list.body);
    assert!(
        list.body.contains("<option value=\"bouncing\" selected"),
        "{}",
        list.body
    );

    let page = organiser.get(&format!("/admin/participants/{bob}")).await;
    assert!(
        page.body.contains("tag tag--orange\">Bouncing"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Emails that did not reach Bob Baker"));
    assert!(page
        .body
        .contains("<td>Introduction</td><td>Refused by the mail server</td>"));
    assert!(page.body.contains("550"));
    let ann_page = organiser.get(&format!("/admin/participants/{ann}")).await;
    assert!(!ann_page.body.contains("Emails that did not reach"));
}
