//! A person's whole journey, clicking and typing as they would: sign up
//! (first with mistakes), confirm from the email, be paired in a round that an
//! organiser runs, record the conversation and a blog link, see it on the
//! learning log, and leave. Every page on the way is audited. Then the same
//! signup once more with JavaScript switched off.

use thirtyfour::Key;

use crate::audit::Audit;
use crate::driver::{Browser, JavaScript};
use crate::server::{self, email_of_kind, link, ORGANISER_EMAIL, ORGANISER_PASSWORD};

const JO: &str = "jo.bloggs@leeds.example.gov.uk";
const BLOG: &str = "blog.example.org/jo/what-i-learned";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_signs_up_is_paired_shares_what_they_learned_and_leaves() {
    let app = server::spawn().await;
    app.add_organiser(ORGANISER_EMAIL, ORGANISER_PASSWORD);
    app.add_participant("Sam Partner", "sam@example.org", "Kent County Council");
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    // The home page, and the signup form sent with mistakes.
    browser.visit("/").await;
    assert_eq!(
        browser.h1().await,
        "Think, do and share with someone you don't know"
    );
    audit.check(&browser, "home").await;
    browser.fill("Email address", "jo.bloggs@leeds").await;
    browser.fill("Phone number", "call me").await;
    browser.fill("Organisation", "Leeds City Council").await;
    browser.press("Sign up").await;
    audit.check_errors(&browser, "home-errors").await;
    let summary = browser.error_summary().await;
    for message in [
        "Enter your full name",
        "Enter an email address in the correct format, like name@example.gov.uk",
        "Enter a phone number, like 01632 960 001",
        "Confirm that you have read the privacy notice and agree to it",
    ] {
        assert!(summary.contains(message), "{message:?} in {summary:?}");
    }
    assert!(!summary.contains("organisation"), "{summary}");
    assert_eq!(browser.value("Organisation").await, "Leeds City Council");
    assert_eq!(app.count("participants"), 1, "nothing was stored");
    // From the summary, which has the focus, Tab and Enter lead to the field.
    browser.keys(Key::Tab).await;
    assert_eq!(browser.focused().await, "Enter your full name");
    browser.keys(Key::Enter).await;
    assert_eq!(browser.focused().await, "name");

    // Corrected.
    browser.fill("Full name", "Jo Bloggs").await;
    browser.fill("Email address", JO).await;
    browser.fill("Phone number", "01632 960 002").await;
    browser
        .fill(
            "What would you like to talk about? (optional)",
            "Open data, and user research on a shoestring",
        )
        .await;
    browser.choose("Every two months").await;
    browser.choose("Yes").await;
    browser.tick("consent").await;
    browser.press("Sign up").await;
    assert_eq!(browser.path().await, "/signup/check-email");
    assert_eq!(browser.h1().await, "Check your email");
    audit.check(&browser, "check-email").await;

    // The link in the email, and the button that confirms.
    let confirm = email_of_kind(&app, JO, "confirm").await;
    browser.visit(&link(&app, &confirm, "/confirm/")).await;
    let details = browser.main_text().await;
    for shown in [
        "Check your details",
        "Jo Bloggs",
        JO,
        "01632 960 002",
        "Leeds City Council",
        "Open data, and user research on a shoestring",
        "Every two months",
    ] {
        assert!(details.contains(shown), "{shown:?} in {details:?}");
    }
    audit.check(&browser, "confirm").await;
    browser.press("Confirm my place").await;
    assert_eq!(browser.path().await, "/confirmed");
    assert_eq!(browser.h1().await, "You have confirmed your place");
    audit.check(&browser, "confirmed").await;
    // Reloading asks for the same page again, not the used link.
    browser.driver.refresh().await.unwrap();
    assert_eq!(browser.path().await, "/confirmed");
    assert_eq!(browser.h1().await, "You have confirmed your place");

    // An organiser signs in and runs a round.
    browser.visit("/admin/login").await;
    browser.fill("Email address", ORGANISER_EMAIL).await;
    browser.fill("Password", ORGANISER_PASSWORD).await;
    browser.press("Sign in").await;
    assert_eq!(browser.path().await, "/admin");
    assert_eq!(browser.h1().await, "Dashboard");
    browser.follow("Rounds").await;
    browser.press("Preview the next round").await;
    browser.press("Draw the groups").await;
    let preview = browser.main_text().await;
    assert!(
        preview.contains("Jo Bloggs (Leeds City Council)"),
        "{preview}"
    );
    assert!(
        preview.contains("Sam Partner (Kent County Council)"),
        "{preview}"
    );
    browser.press("Send these introductions").await;
    assert!(browser.main_text().await.contains("has run"));
    assert_eq!(app.count("rounds"), 1);

    // Jo's introduction, and the follow-up form: first sent with nothing chosen.
    let intro = email_of_kind(&app, JO, "intro").await;
    assert!(intro.text.contains("Sam Partner"));
    browser.visit(&link(&app, &intro, "/followup/")).await;
    assert_eq!(browser.h1().await, "How did your conversation go?");
    audit.check(&browser, "followup").await;
    browser.press("Save my answers").await;
    audit.check_errors(&browser, "followup-errors").await;
    assert!(browser
        .error_summary()
        .await
        .contains("Select whether you met"));
    browser.choose("Yes, we met").await;
    browser.fill("Link 1 (optional)", BLOG).await;
    browser
        .fill(
            "A short note about what you learned (optional)",
            "We sketched a better form for reporting missed bins.",
        )
        .await;
    browser
        .choose("Yes, publish my links and note with my name and organisation")
        .await;
    browser.press("Save my answers").await;
    assert!(browser
        .main_text()
        .await
        .contains("Thank you. Your answers have been saved."));
    audit.check(&browser, "followup-saved").await;

    // What Jo shared is on the learning log.
    browser.follow("What people learned").await;
    let log = browser.main_text().await;
    assert!(log.contains("Jo Bloggs, Leeds City Council"), "{log}");
    assert!(log.contains(BLOG), "{log}");
    assert!(log.contains("We sketched a better form"), "{log}");
    assert!(!log.contains(JO) && !log.contains("01632"), "{log}");
    audit.check(&browser, "learned").await;

    // Jo leaves through the link in the newest email, the introduction: each
    // email's manage link replaces the one before (the welcome email's).
    let manage = link(&app, &intro, "/me/");
    browser.visit(&manage).await;
    assert_eq!(browser.h1().await, "Your UnMentoring details");
    assert_eq!(browser.value("Full name").await, "Jo Bloggs");
    audit.check(&browser, "manage").await;
    browser.follow("Leave UnMentoring").await;
    assert_eq!(
        browser.h1().await,
        "Are you sure you want to leave UnMentoring?"
    );
    audit.check(&browser, "leave").await;
    browser.press("Leave and delete my details").await;
    assert_eq!(browser.h1().await, "You have left UnMentoring");
    audit.check(&browser, "left").await;

    // Jo is gone: no personal details kept, the link is dead, the log forgets them.
    let id = app.id_of("sam@example.org");
    assert_eq!(
        app.count(&format!(
            "participants WHERE id <> {id} AND status = 'left' AND email IS NULL AND phone IS NULL AND name = ''"
        )),
        1
    );
    assert_eq!(app.count("participants WHERE name LIKE '%Bloggs%'"), 0);
    browser.visit(&manage).await;
    assert_eq!(browser.h1().await, "This link is not valid");
    browser.visit("/learned").await;
    let log = browser.main_text().await;
    assert!(!log.contains("Jo Bloggs") && !log.contains(BLOG), "{log}");

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_and_confirming_works_with_javascript_switched_off() {
    let app = server::spawn().await;
    let browser = Browser::start(&app.address, JavaScript::Off).await;

    // Pages cannot run scripts: this one would change its own title.
    browser
        .visit("data:text/html,<title>off</title><script>document.title='on'</script>")
        .await;
    assert_eq!(browser.title().await, "off", "JavaScript is switched off");

    browser.visit("/").await;
    browser.fill("Full name", "Kim Lee").await;
    browser.press("Sign up").await;
    assert!(browser.title().await.starts_with("Error: "));
    assert!(
        browser.focus_is_on_error_summary().await,
        "the error summary has focus without JavaScript"
    );
    assert!(browser
        .error_summary()
        .await
        .contains("Enter your email address"));
    assert_eq!(browser.value("Full name").await, "Kim Lee");

    browser.fill("Email address", "kim.lee@example.org").await;
    browser.fill("Phone number", "+44 808 157 0192").await;
    browser.fill("Organisation", "Bristol City Council").await;
    browser.choose("No").await;
    browser.tick("consent").await;
    browser.press("Sign up").await;
    assert_eq!(browser.h1().await, "Check your email");

    let confirm = email_of_kind(&app, "kim.lee@example.org", "confirm").await;
    browser.visit(&link(&app, &confirm, "/confirm/")).await;
    browser.press("Confirm my place").await;
    assert_eq!(browser.h1().await, "You have confirmed your place");
    assert_eq!(
        app.count("participants WHERE email = 'kim.lee@example.org' AND status = 'active'"),
        1
    );
    let welcome = email_of_kind(&app, "kim.lee@example.org", "manage").await;
    browser.visit(&link(&app, &welcome, "/me/")).await;
    assert_eq!(browser.value("Organisation").await, "Bristol City Council");

    browser.quit().await;
}
