//! Every organiser page, reached by clicking through the console as an
//! organiser does, in each state that shows something different: empty and
//! full, with errors, with a success banner. Each is audited.

use unmentoring::db::outbox::{self, OutboxStatus};
use unmentoring::db::participants;
use unmentoring::domain::EmailKind;

use crate::audit::Audit;
use crate::driver::{Browser, JavaScript};
use crate::helpers::TestApp;
use crate::server::{self, email_of_kind, link, ORGANISER_EMAIL, ORGANISER_PASSWORD};

/// Everyone taking part in `people` but Ann.
const OTHERS_TAKING_PART: [&str; 4] = [
    "bob@example.org",
    "cat@example.org",
    "dan@example.org",
    "evangeline.evans-worthington@rbwm.gov.uk",
];

/// Five people taking part (an odd number: one trio) and one who has not
/// confirmed yet.
async fn people(app: &TestApp) {
    for (name, email, organisation) in [
        ("Ann Able", "ann@example.org", "Hackney Council"),
        ("Bob Baker", "bob@example.org", "Essex County Council"),
        ("Cat Cole", "cat@example.org", "Leeds City Council"),
        ("Dan Dale", "dan@example.org", "Bristol City Council"),
        // As long as real ones get: the participants table must still fit.
        (
            "Evangeline Evans-Worthington",
            "evangeline.evans-worthington@rbwm.gov.uk",
            "Royal Borough of Windsor and Maidenhead",
        ),
    ] {
        app.add_participant(name, email, organisation);
    }
    assert_eq!(app.sign_up("pending@example.org").await.status, 303);
    app.add_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD);
}

async fn sign_in(browser: &Browser) {
    browser.visit("/admin/login").await;
    browser.fill("Email address", ORGANISER_EMAIL).await;
    browser.fill("Password", ORGANISER_PASSWORD).await;
    browser.press("Sign in").await;
    assert_eq!(browser.h1().await, "Dashboard");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_the_dashboard_and_rounds() {
    let app = server::spawn().await;
    people(&app).await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    // Not signed in: the console sends you to sign in.
    browser.visit("/admin").await;
    assert_eq!(browser.path().await, "/admin/login");
    assert_eq!(browser.h1().await, "Sign in as an organiser");
    audit.check(&browser, "admin-login").await;
    browser.fill("Email address", ORGANISER_EMAIL).await;
    browser.fill("Password", "not the password").await;
    browser.press("Sign in").await;
    audit.check_errors(&browser, "admin-login-errors").await;
    assert!(browser
        .error_summary()
        .await
        .contains("Enter a correct email address and password"));
    browser.fill("Password", ORGANISER_PASSWORD).await;
    browser.press("Sign in").await;
    assert_eq!(browser.h1().await, "Dashboard");
    assert!(browser.main_text().await.contains("No rounds yet."));
    audit.check(&browser, "admin-dashboard-empty").await;

    browser.follow("Rounds").await;
    audit.check(&browser, "admin-rounds-empty").await;
    browser.press("Preview the next round").await;
    audit.check(&browser, "admin-round-preview").await;
    browser.press("Draw the groups").await;
    assert!(browser
        .main_text()
        .await
        .contains("Who would be paired with whom"));
    audit.check(&browser, "admin-round-draft").await;
    browser.press("Send these introductions").await;
    assert!(browser.main_text().await.contains("has run"));
    audit.check(&browser, "admin-round").await;

    // Ann answers her follow-up, so that the figures have something to show.
    let intro = email_of_kind(&app, "ann@example.org", "intro").await;
    let saved = app
        .post_form(
            &link(&app, &intro, "/followup/"),
            &[
                ("met", "yes"),
                ("url", "https://blog.example.org/ann"),
                ("publish", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);

    // Everyone has just had a round: nobody is due.
    browser.follow("Back to the rounds").await;
    assert!(browser.main_text().await.contains("Round 1"));
    audit.check(&browser, "admin-rounds").await;
    browser.press("Preview the next round").await;
    browser.press("Draw the groups").await;
    assert!(browser.main_text().await.contains("Nobody would be paired"));
    audit.check(&browser, "admin-round-draft-nobody-due").await;

    // Everyone, straight after a round: the organiser must say they mean it.
    browser.visit("/admin/rounds/preview").await;
    browser.tick("all").await;
    browser.press("Draw the groups").await;
    browser.press("Send these introductions").await;
    audit
        .check_errors(&browser, "admin-round-draft-too-soon-errors")
        .await;
    assert_eq!(app.count("rounds"), 1);

    // Everyone but Ann pauses between the draw and sending: the draft is refused.
    for email in OTHERS_TAKING_PART {
        app.pause(app.id_of(email));
    }
    browser.tick("force").await;
    browser.press("Send these introductions").await;
    audit
        .check_errors(&browser, "admin-round-draft-changed-errors")
        .await;
    assert!(browser
        .error_summary()
        .await
        .contains("Who is due has changed since these groups were drawn"));
    assert_eq!(app.count("rounds"), 1);

    let now = app.clock.now();
    for email in OTHERS_TAKING_PART {
        let id = app.id_of(email);
        app.db(|c| participants::resume(c, id, now));
    }
    browser.press("Draw the groups again").await;
    browser.tick("force").await;
    browser.press("Send these introductions").await;
    assert!(browser.main_text().await.contains("Round 2 has run"));
    assert_eq!(app.count("rounds"), 2);

    browser.follow("Dashboard").await;
    assert!(browser
        .main_text()
        .await
        .contains("People in each round (blue bars)"));
    audit.check(&browser, "admin-dashboard").await;

    // Signing out.
    browser.press_starting("Sign out").await;
    assert!(browser.main_text().await.contains("You have signed out"));
    audit.check(&browser, "admin-signed-out").await;
    browser.visit("/admin/rounds").await;
    assert_eq!(browser.path().await, "/admin/login");

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn participants_import_export_and_the_outbox() {
    let app = server::spawn().await;
    people(&app).await;
    server::run_round(&app).await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();
    sign_in(&browser).await;

    browser.follow("Participants").await;
    assert!(browser.main_text().await.contains("Ann Able"));
    audit.check(&browser, "admin-participants").await;
    // On a laptop screen every column of the table is in view, without scrolling it.
    let table = browser
        .script(
            "const w = document.querySelector('.table-wrapper'); return [w.scrollWidth, w.clientWidth];",
            vec![],
        )
        .await;
    assert!(
        table[0].as_u64() <= table[1].as_u64(),
        "the participants table is cut off at 1280 pixels: {table}"
    );
    browser
        .fill(
            "Search by name, email address or organisation",
            "nobody-is-called-this",
        )
        .await;
    browser.press("Search participants").await;
    assert!(browser.main_text().await.contains("No participants found"));
    audit.check(&browser, "admin-participants-none-found").await;
    browser
        .fill(
            "Search by name, email address or organisation",
            &"x".repeat(101),
        )
        .await;
    browser.press("Search participants").await;
    audit
        .check_errors(&browser, "admin-participants-errors")
        .await;

    let ann = app.id_of("ann@example.org");
    browser.visit("/admin/participants").await;
    browser.follow("Ann Able").await;
    assert_eq!(browser.h1().await, "Ann Able");
    audit.check(&browser, "admin-participant").await;
    browser.press("Pause Ann Able").await;
    assert!(browser.main_text().await.contains("Success"));
    audit.check(&browser, "admin-participant-paused").await;
    browser
        .follow("Remove Ann Able and delete their details")
        .await;
    audit.check(&browser, "admin-participant-remove").await;
    browser.press("Remove and delete their details").await;
    assert!(browser
        .main_text()
        .await
        .contains("The participant has been removed"));
    audit.check(&browser, "admin-participants-removed").await;
    assert_eq!(
        app.count(&format!(
            "participants WHERE id = {ann} AND status = 'left'"
        )),
        1
    );
    browser
        .follow_href(&format!("/admin/participants/{ann}"))
        .await;
    assert!(browser.h1().await.ends_with("(left)"));
    audit.check(&browser, "admin-participant-left").await;

    // Import: first with no file, then a file with one good row (with a long
    // address, as councils have) and one bad row.
    browser.follow("Import").await;
    audit.check(&browser, "admin-import").await;
    browser.press("Import participants").await;
    audit.check_errors(&browser, "admin-import-errors").await;
    assert!(browser.error_summary().await.contains("Select a CSV file"));
    let csv = app.dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "name,email,phone,organisation\n\
         Fay Field-Featherstonehaugh,fay.field-featherstonehaugh@royalboroughofkensingtonandchelsea.gov.uk,01632 960 003,Royal Borough of Kensington and Chelsea\n\
         ,not-an-email,123,\n",
    )
    .unwrap();
    browser
        .field("CSV file")
        .await
        .send_keys(csv.display().to_string())
        .await
        .unwrap();
    browser.press("Import participants").await;
    assert!(browser
        .main_text()
        .await
        .contains("1 person added, 1 row not added"));
    audit.check(&browser, "admin-import-result").await;

    browser.follow("Export").await;
    audit.check(&browser, "admin-export").await;

    // An email the mail server refused for good, sent again.
    app.assert_all_email_sent().await;
    let sent = app.db(|c| outbox::list(c, &[OutboxStatus::Sent]));
    let intro = sent.iter().find(|e| e.content.kind == EmailKind::Intro);
    let intro = intro.expect("an introduction").id;
    app.db(|c| outbox::mark_failed(c, intro, "554 5.7.1 Message refused"));
    browser.follow("Outbox").await;
    assert!(browser
        .main_text()
        .await
        .contains("554 5.7.1 Message refused"));
    audit.check(&browser, "admin-outbox").await;
    browser.press_starting("Retry").await;
    assert!(browser
        .main_text()
        .await
        .contains("is queued to be sent again"));
    audit.check(&browser, "admin-outbox-retried").await;

    // A form whose token no longer matches the session (as after a long
    // time away) is refused with an explanation.
    browser.follow("Participants").await;
    browser.follow("Bob Baker").await;
    // Raw SQL on purpose: the app never changes a session's form token.
    app.execute("UPDATE admin_sessions SET csrf_token = 'replaced'");
    browser.press("Pause Bob Baker").await;
    assert_eq!(browser.h1().await, "This form could not be accepted");
    audit.check(&browser, "admin-form-refused").await;

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organisers_organisations_and_changing_a_participant() {
    let app = server::spawn().await;
    people(&app).await;
    // A second spelling of Cat's organisation, to choose between.
    app.add_participant("Gil Gray", "gil@example.org", "leeds city council");
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();
    sign_in(&browser).await;

    browser.follow("Organisers").await;
    assert_eq!(browser.h1().await, "Organisers");
    audit.check(&browser, "admin-organisers").await;
    browser.press("Send the invitation").await;
    audit
        .check_errors(&browser, "admin-organisers-errors")
        .await;
    browser
        .fill("Their email address", "helper@example.org")
        .await;
    browser.press("Send the invitation").await;
    assert!(browser
        .main_text()
        .await
        .contains("The invitation is on its way"));
    audit.check(&browser, "admin-organisers-invited").await;

    browser.follow("Change your password").await;
    audit.check(&browser, "admin-password").await;
    browser.press("Change my password").await;
    audit.check_errors(&browser, "admin-password-errors").await;

    let invite = email_of_kind(&app, "helper@example.org", "organiser_invite").await;
    browser.visit(&link(&app, &invite, "/admin/invite/")).await;
    assert_eq!(browser.h1().await, "Become an UnMentoring organiser");
    audit.check(&browser, "admin-invite").await;
    browser.press("Set my password").await;
    audit.check_errors(&browser, "admin-invite-errors").await;
    browser
        .fill("New password", "a helper's long password")
        .await;
    browser
        .fill("Type the new password again", "a helper's long password")
        .await;
    browser.press("Set my password").await;
    assert!(browser.main_text().await.contains("Your password is set"));
    audit.check(&browser, "admin-invite-accepted").await;
    browser.visit(&link(&app, &invite, "/admin/invite/")).await;
    assert_eq!(browser.h1().await, "This invitation has been used");
    audit.check(&browser, "admin-invite-used").await;

    browser.visit("/admin/organisations").await;
    assert_eq!(browser.h1().await, "Organisations");
    audit.check(&browser, "admin-organisations").await;
    browser
        .choose("\u{201c}leeds city council\u{201d}: 1 person")
        .await;
    browser.press_starting("Use this spelling").await;
    assert!(browser.main_text().await.contains("The spelling is saved"));
    audit.check(&browser, "admin-organisations-chosen").await;

    let bob = app.id_of("bob@example.org");
    browser.visit(&format!("/admin/participants/{bob}")).await;
    browser.follow("Change Bob Baker's details").await;
    audit.check(&browser, "admin-participant-edit").await;
    browser.fill("Full name", "").await;
    browser.press("Save their details").await;
    audit
        .check_errors(&browser, "admin-participant-edit-errors")
        .await;
    browser.fill("Full name", "Bob Baker").await;
    browser.press("Save their details").await;
    assert!(browser
        .main_text()
        .await
        .contains("Their details are saved"));
    audit.check(&browser, "admin-participant-edited").await;

    let pending = app.id_of("pending@example.org");
    browser
        .visit(&format!("/admin/participants/{pending}"))
        .await;
    browser.press("Send the confirmation email again").await;
    assert!(browser
        .main_text()
        .await
        .contains("A new confirmation email is on its way"));
    audit.check(&browser, "admin-participant-resent").await;

    browser.quit().await;
    audit.finish();
}
