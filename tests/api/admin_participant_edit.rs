//! An organiser changes a participant's details from the console (the manage
//! page's checks; a new email address set directly, if nobody else has it),
//! and sends a new confirmation email to someone still waiting to confirm.

use crate::helpers::spawn_app;

fn edit_form<'a>(email: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("email", email),
        ("name", name),
        ("phone", "0113 496 0000"),
        ("organisation", "Leeds City Council"),
        ("google_id", ""),
        ("skype", "ann.skype"),
        ("topics", "Maps and forms"),
        ("cadence", "quarterly"),
        ("share_phone", "yes"),
        ("availability", "tue_am"),
    ]
}

#[tokio::test]
async fn an_organiser_edits_details_with_the_manage_pages_checks() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");

    let person = organiser.get(&format!("/admin/participants/{ann}")).await;
    assert!(person
        .body
        .contains(&format!("/admin/participants/{ann}/edit")));
    let form = organiser
        .get(&format!("/admin/participants/{ann}/edit"))
        .await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("value=\"ann@example.org\""));
    assert!(form.body.contains("value=\"Ann Able\""));

    // Errors: the form again, with what was typed and an error summary.
    let mut bad = edit_form("ann@example.org", "");
    bad.retain(|(k, _)| *k != "share_phone");
    bad.push(("share_phone", "maybe"));
    let page = organiser
        .post(&format!("/admin/participants/{ann}/edit"), &bad)
        .await;
    assert_eq!(page.status, 200);
    assert!(page.title().starts_with("Error: "));
    assert!(page.body.contains("error-summary"));
    assert!(page.body.contains("Enter your full name"));
    assert!(
        page.body.contains("value=\"ann.skype\""),
        "values are kept: {}",
        page.body
    );
    assert!(page.body.contains("Maps and forms"));
    assert_eq!(
        app.count("participants WHERE name = 'Ann Able'"),
        1,
        "nothing saved"
    );

    // Someone else's address is refused, naming the problem.
    let taken = organiser
        .post(
            &format!("/admin/participants/{ann}/edit"),
            &edit_form("BOB@example.org", "Ann Renamed"),
        )
        .await;
    assert_eq!(taken.status, 200);
    assert!(
        taken.body.contains("already used by another participant"),
        "{}",
        taken.body
    );
    assert_eq!(app.count("participants WHERE name = 'Ann Renamed'"), 0);

    // A valid edit, with a new address, is saved at once.
    let saved = organiser
        .post(
            &format!("/admin/participants/{ann}/edit"),
            &edit_form("ann.new@example.org", "Ann Renamed"),
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        saved.location(),
        format!("/admin/participants/{ann}?done=edited")
    );
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {ann} AND name = 'Ann Renamed' AND email = 'ann.new@example.org' \
             AND email_key = 'ann.new@example.org' AND cadence = 'quarterly' AND share_phone \
             AND skype = 'ann.skype' AND availability IS NOT NULL"
        )),
        1
    );
    let shown = organiser.get(&saved.location()).await;
    assert!(shown.body.contains("Their details are saved"));
    assert_eq!(
        app.count("outbox"),
        0,
        "an organiser's change sends nothing"
    );
}

#[tokio::test]
async fn a_pending_person_is_sent_a_confirmation_email_again_and_its_link_confirms() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let pat = app.add_pending("Pat Pending", "pat@example.org", "Leeds");
    let ann = app.add_participant("Ann Able", "ann@example.org", "Leeds");

    let page = organiser.get(&format!("/admin/participants/{pat}")).await;
    assert!(page.body.contains("Send the confirmation email again"));
    let active = organiser.get(&format!("/admin/participants/{ann}")).await;
    assert!(!active.body.contains("Send the confirmation email again"));

    let sent = organiser
        .post(
            &format!("/admin/participants/{pat}/resend-confirmation"),
            &[],
        )
        .await;
    assert_eq!(sent.status, 303);
    assert_eq!(
        sent.location(),
        format!("/admin/participants/{pat}?done=resent")
    );
    assert!(organiser
        .get(&sent.location())
        .await
        .body
        .contains("A new confirmation email is on its way"));
    let email = app.email_for("pat@example.org", 1).await;
    assert_eq!(email.kind, "confirm");
    let link = email.link_to(app.link_base(), "/confirm/");
    let check = app.get(&link).await;
    assert!(check.body.contains("Pat Pending"), "{}", check.body);
    let confirmed = app.post_form(&link, &[("", "")]).await;
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {pat} AND status = 'active' AND name = 'Pat Pending'"
        )),
        1
    );

    // Someone taking part: refused, nothing sent.
    let before = app.count("outbox");
    let refused = organiser
        .post(
            &format!("/admin/participants/{ann}/resend-confirmation"),
            &[],
        )
        .await;
    assert_eq!(refused.location(), format!("/admin/participants/{ann}"));
    assert_eq!(app.count("outbox"), before);
    assert_eq!(app.count("outbox WHERE kind = 'confirm'"), 1);
}
