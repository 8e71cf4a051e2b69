//! Safety and choice pages: telling the organisers about a problem,
//! "I'd rather not be paired with them again", one-click unsubscribe, and
//! the console's concerns and never-pair rules. Each is audited.

use crate::audit::Audit;
use crate::driver::{Browser, JavaScript};
use crate::server::{self, email_of_kind, link, ORGANISER_EMAIL, ORGANISER_PASSWORD};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reporting_a_problem_avoiding_a_partner_and_unsubscribing() {
    let app = server::spawn().await;
    app.add_participant("Ann Able", "ann@example.org", "Hackney Council");
    app.add_participant("Bob Baker", "bob@example.org", "Essex County Council");
    app.add_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD);
    server::run_round(&app).await;
    let intro = email_of_kind(&app, "ann@example.org", "intro").await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    // The follow-up form's box, then the page saying it is set.
    browser.visit(&link(&app, &intro, "/followup/")).await;
    browser.choose("Yes, we met").await;
    browser
        .choose("I’d rather not be paired with them again")
        .await;
    browser.press("Save my answers").await;
    assert!(browser
        .main_text()
        .await
        .contains("You have asked not to be paired with Bob Baker again"));
    audit.check(&browser, "followup-avoided").await;

    // The report form, empty, then sent.
    browser.visit(&link(&app, &intro, "/report/")).await;
    audit.check(&browser, "report").await;
    browser.press("Send to the organisers").await;
    audit.check_errors(&browser, "report-errors").await;
    assert!(browser
        .error_summary()
        .await
        .contains("Tell us what happened"));
    browser.fill("What happened?", "He was rude to me.").await;
    browser.press("Send to the organisers").await;
    assert_eq!(browser.h1().await, "Thank you for telling us");
    audit.check(&browser, "report-sent").await;

    // The console's page, with the concern, then dealt with; a rule added.
    browser.visit("/admin/login").await;
    browser.fill("Email address", ORGANISER_EMAIL).await;
    browser.fill("Password", ORGANISER_PASSWORD).await;
    browser.press("Sign in").await;
    browser.follow("Concerns").await;
    assert!(browser.main_text().await.contains("He was rude to me."));
    audit.check(&browser, "admin-concerns").await;
    browser
        .fill("Email address of the first person", "ann@example.org")
        .await;
    browser.press("Never pair them").await;
    audit
        .check_errors(&browser, "admin-never-pair-errors")
        .await;
    browser.press_starting("Mark as dealt with").await;
    assert!(browser
        .main_text()
        .await
        .contains("There are no open concerns"));
    audit.check(&browser, "admin-concerns-empty").await;

    // The unsubscribe link of the introduction: a button, then done.
    browser.visit(&intro.unsubscribe_link()).await;
    assert_eq!(browser.h1().await, "Unsubscribe from UnMentoring emails");
    audit.check(&browser, "unsubscribe").await;
    browser.press("Unsubscribe").await;
    assert_eq!(browser.h1().await, "You have unsubscribed");
    audit.check(&browser, "unsubscribed").await;
    browser.visit(&link(&app, &intro, "/me/")).await;
    assert!(browser
        .main_text()
        .await
        .contains("Unsubscribed from our emails"));
    audit.check(&browser, "manage-unsubscribed").await;

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_for_an_event() {
    let app = server::spawn().await;
    app.add_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD);
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();
    browser.visit("/admin/login").await;
    browser.fill("Email address", ORGANISER_EMAIL).await;
    browser.fill("Password", ORGANISER_PASSWORD).await;
    browser.press("Sign in").await;
    browser.follow("Events").await;
    audit.check(&browser, "admin-events").await;

    browser.fill("People in each group", "12").await;
    browser.press("Make the groups").await;
    audit.check_errors(&browser, "admin-events-errors").await;
    assert!(browser
        .error_summary()
        .await
        .contains("Enter a group size from 2 to 8"));

    browser.fill("People in each group", "3").await;
    browser
        .fill("Name of the event (optional)", "LocalGovCamp")
        .await;
    browser
        .fill(
            "Attendees",
            "name,email,organisation\nAnn,ann@example.org,Leeds\nBob,,Kent\nCat,cat@example.org,Fife\nDan,,York\nEve,eve@example.org,Bath\nFay,,Hull\nGus,,Leeds\n",
        )
        .await;
    browser.press("Make the groups").await;
    assert!(browser.main_text().await.contains("2 groups for 7 people"));
    audit.check(&browser, "admin-events-groups").await;
    browser.press("Print for the room").await;
    assert_eq!(browser.h1().await, "Groups at LocalGovCamp");
    audit.check(&browser, "admin-events-print").await;

    browser.quit().await;
    audit.finish();
}
