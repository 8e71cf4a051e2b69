//! The public pages the journey does not reach, and the other states of the
//! pages it does: every error state, the link problem pages, a paused person,
//! a long learning log. Each is audited like the journey's pages.

use crate::audit::Audit;
use crate::driver::{Browser, JavaScript};
use crate::server::{self, confirmed_participant, email_of_kind, link, published_links};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn information_pages_learning_log_and_link_problems() {
    let app = server::spawn().await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    browser.visit("/learned").await;
    assert_eq!(browser.h1().await, "What people learned");
    assert!(browser.main_text().await.contains("Nothing published yet"));
    audit.check(&browser, "learned-empty").await;

    browser.follow("Privacy").await;
    assert_eq!(browser.h1().await, "Privacy notice");
    audit.check(&browser, "privacy").await;

    browser.follow("Contact").await;
    assert_eq!(browser.h1().await, "Contact the organisers");
    assert!(browser.main_text().await.contains("organisers@example.org"));
    audit.check(&browser, "contact").await;

    browser.follow("Accessibility statement").await;
    assert_eq!(
        browser.h1().await,
        "Accessibility statement for UnMentoring"
    );
    // The statement describes what this suite checks.
    let statement = browser.main_text().await;
    for claim in [
        "WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA",
        "the page title starts with \"Error\" and the list of problems has the focus",
        "320 pixels wide",
        "with the keyboard alone",
        "with JavaScript switched off",
    ] {
        assert!(statement.contains(claim), "{claim:?} in {statement}");
    }
    audit.check(&browser, "accessibility").await;

    browser.visit("/no-such-page").await;
    assert_eq!(browser.h1().await, "Page not found");
    audit.check(&browser, "not-found").await;

    browser.visit("/confirm/not-a-real-token").await;
    assert_eq!(browser.h1().await, "This link is not valid");
    audit.check(&browser, "link-not-valid").await;

    // A follow-up link's advice: the newest email, not signing up again.
    browser.visit("/followup/not-a-real-token").await;
    assert_eq!(browser.h1().await, "This link is not valid");
    let advice = browser.main_text().await;
    assert!(advice.contains("most recent email"), "{advice}");
    audit.check(&browser, "followup-link-not-valid").await;

    // A confirmation link more than 7 days old.
    assert_eq!(app.sign_up("late@example.org").await.status, 303);
    let confirm = email_of_kind(&app, "late@example.org", "confirm").await;
    app.clock.advance(chrono::Duration::days(8));
    browser.visit(&link(&app, &confirm, "/confirm/")).await;
    assert_eq!(browser.h1().await, "This link has expired");
    audit.check(&browser, "link-expired").await;
    browser.follow("Sign up again").await;
    assert_eq!(browser.path().await, "/");

    // 23 published links: two pages.
    published_links(&app, 23);
    browser.visit("/learned").await;
    let first = browser.main_text().await;
    assert!(first.contains("Ann Able, Hackney Council"), "{first}");
    assert!(first.contains("Page 1 of 2"), "{first}");
    audit.check(&browser, "learned-page-1").await;
    browser.follow("Next page").await;
    assert!(browser.main_text().await.contains("Page 2 of 2"));
    audit.check(&browser, "learned-page-2").await;
    browser.visit("/learned?page=9").await;
    assert!(browser
        .main_text()
        .await
        .contains("There is nothing on page 9"));
    audit.check(&browser, "learned-out-of-range").await;

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manage_page_in_every_state() {
    let app = server::spawn().await;
    let manage = confirmed_participant(&app, "pat@example.org").await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    // Details with mistakes, then saved.
    browser.visit(&manage).await;
    browser.fill("Full name", "").await;
    browser.fill("Phone number", "12").await;
    browser.press("Save my details").await;
    audit.check_errors(&browser, "manage-errors").await;
    let summary = browser.error_summary().await;
    assert!(summary.contains("Enter your full name"), "{summary}");
    assert!(summary.contains("Enter a phone number"), "{summary}");
    browser.fill("Full name", "Pat Jones").await;
    browser.fill("Phone number", "07700 900 982").await;
    browser.choose("Every three months").await;
    browser.press("Save my details").await;
    assert!(browser.main_text().await.contains("Success"));
    assert_eq!(browser.value("Full name").await, "Pat Jones");
    audit.check(&browser, "manage-saved").await;

    // A pause date that is not a real date, then a pause with no end.
    browser.fill("Day", "31").await;
    browser.fill("Month", "2").await;
    browser.fill("Year", "2030").await;
    browser.press("Pause").await;
    audit.check_errors(&browser, "manage-pause-errors").await;
    browser.fill("Day", "").await;
    browser.fill("Month", "").await;
    browser.fill("Year", "").await;
    browser.press("Pause").await;
    assert!(browser.main_text().await.contains("You are paused"));
    audit.check(&browser, "manage-paused").await;
    assert_eq!(
        app.count("participants WHERE email = 'pat@example.org' AND status = 'paused'"),
        1
    );

    // The page linked from the "paused" email.
    browser.visit(&format!("{manage}/resume")).await;
    assert_eq!(browser.h1().await, "Resume your UnMentoring introductions");
    audit.check(&browser, "resume").await;
    browser.press("Resume my introductions").await;
    assert!(browser.main_text().await.contains("You are taking part"));
    assert_eq!(
        app.count("participants WHERE email = 'pat@example.org' AND status = 'active'"),
        1
    );

    // The page linked from the "do you still want introductions?" email.
    browser.visit(&format!("{manage}/stay")).await;
    assert_eq!(browser.h1().await, "Do you want to stay in UnMentoring?");
    audit.check(&browser, "stay").await;
    browser.press("Yes, I want to stay").await;
    assert!(browser
        .main_text()
        .await
        .contains("You are staying in UnMentoring"));

    // Too much text for the server (64 KB): the 413 page.
    browser
        .script(
            "document.getElementById('topics').value = 'x'.repeat(70000);",
            vec![],
        )
        .await;
    browser.press("Save my details").await;
    assert_eq!(browser.h1().await, "What you sent is too large");
    audit.check(&browser, "too-large").await;

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_follow_up_form_with_a_link_that_is_not_a_link() {
    let app = server::spawn().await;
    app.add_participant("Ann Able", "ann@example.org", "Hackney Council");
    app.add_participant("Bob Baker", "bob@example.org", "Essex County Council");
    server::run_round(&app).await;
    let intro = email_of_kind(&app, "ann@example.org", "intro").await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    browser.visit(&link(&app, &intro, "/followup/")).await;
    browser.choose("No, we did not meet").await;
    browser.choose("My partner did not reply").await;
    browser.fill("Link 1 (optional)", "http://").await;
    browser.press("Save my answers").await;
    audit.check_errors(&browser, "followup-link-errors").await;
    assert!(browser
        .error_summary()
        .await
        .contains("Enter a link in the correct format"));

    // Saved with a link: then it can be removed with its own checkbox.
    browser
        .fill("Link 1 (optional)", "www.example.org/notes")
        .await;
    browser.press("Save my answers").await;
    let saved = browser.main_text().await;
    assert!(saved.contains("Remove example.org/notes"), "{saved}");
    browser.choose("Remove example.org/notes").await;
    browser.press("Save my answers").await;
    assert_eq!(app.count("shared_links"), 0);
    audit.check(&browser, "followup-not-met").await;

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn we_have_arranged_a_time() {
    let app = server::spawn().await;
    app.add_participant("Ann Able", "ann@example.org", "Hackney Council");
    app.add_participant("Bob Baker", "bob@example.org", "Essex County Council");
    server::run_round(&app).await;
    let intro = email_of_kind(&app, "ann@example.org", "intro").await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    browser.visit(&link(&app, &intro, "/arranged/")).await;
    assert_eq!(browser.h1().await, "We've arranged a time");
    audit.check(&browser, "arranged").await;

    // A time without a date. (Date and time inputs are filled by script:
    // what typing into them means depends on the browser's locale.)
    browser
        .script("document.getElementById('time').value = '14:30';", vec![])
        .await;
    browser.press("Save").await;
    assert!(browser
        .error_summary()
        .await
        .contains("Enter the date you agreed"));
    audit.check_errors(&browser, "arranged-errors").await;

    browser
        .script(
            "document.getElementById('date').value = '2026-12-08'; document.getElementById('time').value = '14:30';",
            vec![],
        )
        .await;
    browser.press("Save").await;
    assert!(browser
        .main_text()
        .await
        .contains("calendar invitation for 8 December 2026 at 14:30"));
    audit.check(&browser, "arranged-saved").await;

    browser.visit("/arranged/not-a-real-token").await;
    assert_eq!(browser.h1().await, "This link is not valid");
    audit.check(&browser, "arranged-link-not-valid").await;

    app.execute(
        "UPDATE group_members SET left_at = '2026-11-30 10:00:00', left_reason = 'declined'",
    );
    browser.visit(&link(&app, &intro, "/arranged/")).await;
    assert_eq!(browser.h1().await, "You are no longer in this group");
    audit.check(&browser, "arranged-left-group").await;

    browser.quit().await;
    audit.finish();
}

/// "My partner hasn't replied", reached from the nudge: the question, the
/// page once it is done, and the page for a second report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_no_reply_pages() {
    let app = server::spawn().await;
    app.add_participant("Ann Able", "ann@example.org", "Hackney Council");
    app.add_participant("Bob Baker", "bob@example.org", "Essex County Council");
    server::run_round(&app).await;
    app.clock.advance(chrono::Duration::days(i64::from(
        app.settings.followup.nudge_days,
    )));
    let jobs = unmentoring::services::housekeeping::Jobs::new(
        app.pool.clone(),
        app.settings.clone(),
        std::sync::Arc::new(tokio::sync::Notify::new()),
        app.clock.clone(),
    );
    assert_eq!(jobs.send_nudges().await.unwrap(), 2);
    let nudge = email_of_kind(&app, "ann@example.org", "nudge").await;
    let no_reply = link(&app, &nudge, "/no-reply/");
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    browser.visit(&no_reply).await;
    assert_eq!(browser.h1().await, "Has Bob Baker not replied?");
    audit.check(&browser, "no-reply").await;
    browser.press("Find me someone new").await;
    assert_eq!(browser.h1().await, "We will look for someone new for you");
    audit.check(&browser, "no-reply-done").await;
    assert_eq!(app.count("rematch_requests"), 1);

    browser.visit(&no_reply).await;
    assert_eq!(
        browser.h1().await,
        "You are already waiting for someone new"
    );
    audit.check(&browser, "no-reply-already").await;

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decline_page_and_its_done_page() {
    let app = server::spawn().await;
    app.add_participant("Ann Able", "ann@example.org", "Hackney Council");
    app.add_participant("Bob Baker", "bob@example.org", "Essex County Council");
    server::run_round(&app).await;
    let intro = email_of_kind(&app, "ann@example.org", "intro").await;
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    let decline = link(&app, &intro, "/followup/").replace("/followup/", "/decline/");
    browser.visit(&decline).await;
    assert_eq!(browser.h1().await, "Can’t take part this round?");
    audit.check(&browser, "decline").await;
    browser.press("I can’t take part this round").await;
    assert_eq!(browser.h1().await, "You have left this round’s group");
    audit.check(&browser, "decline-done").await;

    browser.quit().await;
    audit.finish();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bouncing_person_gives_a_new_email_address() {
    let app = server::spawn().await;
    let manage = confirmed_participant(&app, "pat@example.org").await;
    let id = app.id_of("pat@example.org");
    let now = app.clock.now();
    // As the delivery worker does when their email is refused.
    app.db(|c| unmentoring::db::participants::mark_bouncing(c, id, now));
    let browser = Browser::start(&app.address, JavaScript::On).await;
    let mut audit = Audit::new();

    browser.visit(&manage).await;
    assert!(browser
        .main_text()
        .await
        .contains("Our emails are not reaching you"));
    audit.check(&browser, "manage-bouncing").await;
    browser.fill("Email address", "not an address").await;
    browser.press("Save my details").await;
    audit.check_errors(&browser, "manage-email-errors").await;
    browser.fill("Email address", "pat@new.example.org").await;
    browser.press("Save my details").await;
    assert!(browser.main_text().await.contains("We have emailed a link"));

    let confirm = email_of_kind(&app, "pat@new.example.org", "confirm").await;
    browser.visit(&link(&app, &confirm, "/confirm/")).await;
    assert_eq!(browser.h1().await, "Confirm your new email address");
    audit.check(&browser, "confirm-new-email").await;
    browser.press("Confirm my new email address").await;
    assert_eq!(browser.h1().await, "Your email address is changed");
    audit.check(&browser, "email-confirmed").await;

    browser.quit().await;
    audit.finish();
}
