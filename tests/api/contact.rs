//! Who runs this UnMentoring and how to reach them (`[organisation]`): the
//! contact page, the privacy notice, and the Reply-To of every email that is
//! not an introduction.

use crate::common::smtp::TestSmtp;
use crate::helpers::{spawn_app, spawn_app_in, TestApp};

const CONTACT: &str = "hello@council.example";
const DPO: &str = "dpo@council.example";

async fn app_run_by_a_council(privacy_contact: Option<&'static str>) -> TestApp {
    spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), move |s| {
        s.organisation.name = "Anytown Council".into();
        s.organisation.contact_email = Some(CONTACT.parse().unwrap());
        s.organisation.privacy_contact = privacy_contact.map(|a| a.parse().unwrap());
    })
    .await
}

#[tokio::test]
async fn the_privacy_notice_names_the_controller_its_contact_and_the_ico() {
    let app = app_run_by_a_council(Some(DPO)).await;
    let page = app.get("/privacy").await;
    assert_eq!(page.status, 200);
    let body = &page.body;
    assert!(body.contains("run by Anytown Council"), "{body}");
    assert!(body.contains("Anytown Council is the data controller"));
    assert!(body.contains(&format!("mailto:{DPO}")));
    assert!(body.contains("consent"), "the lawful basis");
    assert!(body.contains("Information Commissioner"));
    assert!(
        body.contains("after 30 days"),
        "how long unconfirmed signups are kept"
    );
}

#[tokio::test]
async fn the_contact_page_gives_the_organisers_address_and_every_page_links_to_it() {
    let app = app_run_by_a_council(Some(DPO)).await;
    let page = app.get("/contact").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("run by Anytown Council"));
    assert!(page.body.contains(&format!("href=\"mailto:{CONTACT}\"")));
    assert!(
        page.body.contains(&format!("href=\"mailto:{DPO}\"")),
        "a separate address for personal data is given too"
    );
    for path in ["/", "/privacy", "/accessibility", "/learned"] {
        let page = app.get(path).await;
        assert!(
            page.body.contains("href=\"/contact\""),
            "{path} links to /contact"
        );
    }
}

#[tokio::test]
async fn without_a_contact_address_the_pages_say_so() {
    let app = spawn_app().await;
    let page = app.get("/contact").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("have not published a contact address"));
    assert!(!page.body.contains("mailto:"));
    let page = app.get("/privacy").await;
    assert!(page.body.contains("have not published a contact address"));
}

#[tokio::test]
async fn emails_other_than_introductions_reply_to_the_organisers() {
    let app = app_run_by_a_council(None).await;
    let email = app.confirmed_participant("ash@example.org").await;
    let reply_to = email.reply_to.expect("a Reply-To");
    assert!(
        reply_to.contains(CONTACT) && reply_to.contains("Anytown Council"),
        "{reply_to}"
    );
}

#[tokio::test]
async fn without_a_contact_address_emails_have_no_reply_to() {
    let app = spawn_app().await;
    let email = app.confirmed_participant("ash@example.org").await;
    assert_eq!(email.reply_to, None);
}
