//! Each organisation is shown to other people as most of its people spell it:
//! in introductions, on the learning log and its feed, on the console's round
//! page. A person's own manage page keeps what they typed.

use crate::helpers::spawn_app;

const USUAL: &str = "Bristol City Council";
const ODD: &str = "bristol city  council";

#[tokio::test]
async fn an_organisation_is_shown_to_others_as_most_of_its_people_spell_it() {
    let app = spawn_app().await;
    // The odd spelling was typed first: being first does not beat being common.
    let olu = app.add_participant("Olu Odd", "olu@bristol.gov.uk", ODD);
    for (name, email) in [
        ("Ann Able", "ann@bristol.gov.uk"),
        ("Bob Baker", "bob@bristol.gov.uk"),
        ("Cat Cole", "cat@bristol.gov.uk"),
    ] {
        app.add_participant(name, email, USUAL);
    }
    let round_id = app.run_round_for_everyone().await;

    let emails = app.wait_for_emails(4).await;
    let intros: Vec<_> = emails.iter().filter(|e| e.kind == "intro").collect();
    assert_eq!(intros.len(), 4);
    for intro in &intros {
        assert!(intro.text.contains(USUAL), "{}", intro.text);
        assert!(!intro.text.contains(ODD) && !intro.html.contains(ODD));
    }
    let olus_partner = intros
        .iter()
        .find(|e| !e.is_for("olu@bristol.gov.uk") && e.text.contains("Olu Odd"))
        .expect("someone is introduced to Olu");
    assert!(
        olus_partner.text.contains(&format!("Olu Odd, {USUAL}")),
        "{}",
        olus_partner.text
    );

    // Olu publishes a link: the log and its feed name the usual spelling.
    app.execute(&format!(
        "INSERT INTO followup_answers (group_member_id, met, publish, answered_at, updated_at)
         SELECT id, 'yes', TRUE, '2026-11-24 08:00:00', '2026-11-24 08:00:00'
         FROM group_members WHERE participant_id = {olu}"
    ));
    app.execute(&format!(
        "INSERT INTO shared_links (group_member_id, url, created_at)
         SELECT id, 'https://example.org/what-we-learned', '2026-11-24 08:00:00'
         FROM group_members WHERE participant_id = {olu}"
    ));
    let log = app.get("/learned").await;
    assert_eq!(log.status, 200);
    assert!(log.body.contains("Olu Odd"), "{}", log.body);
    assert!(log.body.contains(USUAL) && !log.body.contains(ODD));
    let feed = app.get("/learned.atom").await;
    assert!(
        feed.body.contains(&format!("Olu Odd ({USUAL}) shared")),
        "{}",
        feed.body
    );
    assert!(!feed.body.contains(ODD));

    let organiser = app.organiser().await;
    let round = organiser.get(&format!("/admin/rounds/{round_id}")).await;
    assert!(round.body.contains("Olu Odd") && round.body.contains(USUAL));
    assert!(!round.body.contains(ODD), "{}", round.body);

    // Olu's own page keeps what Olu typed.
    let olus_intro = app.email_for("olu@bristol.gov.uk", 4).await;
    let manage = app.get(&olus_intro.link_to(app.link_base(), "/me/")).await;
    assert_eq!(manage.status, 200);
    assert!(
        manage.body.contains(&format!("value=\"{ODD}\"")),
        "{}",
        manage.body
    );
}

#[tokio::test]
async fn a_spelling_chosen_by_an_organiser_is_shown_instead_of_the_most_common() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    app.add_participant("Olu Odd", "olu@bristol.gov.uk", ODD);
    app.add_participant("Ann Able", "ann@bristol.gov.uk", ODD);
    app.add_participant("Bob Baker", "bob@bristol.gov.uk", USUAL);
    app.add_participant("Cat Cole", "cat@leeds.gov.uk", "Leeds City Council");

    let page = organiser.get("/admin/organisations").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("aria-current=\"page\">Organisations"));
    assert!(
        page.body
            .contains(&format!("&ldquo;{ODD}&rdquo;: 2 people")),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(&format!("&ldquo;{USUAL}&rdquo;: 1 person")));
    assert!(
        page.body.contains("Leeds City Council"),
        "one spelling: listed too"
    );

    let key = "bristolcitycouncil";
    let refused = organiser
        .post(
            "/admin/organisations",
            &[("key", key), ("shown", "Bristol CC")],
        )
        .await;
    assert_eq!(refused.status, 200);
    assert!(refused.title().starts_with("Error: "));
    assert_eq!(app.count("organisation_names"), 0, "only a spelling in use");

    let chosen = organiser
        .post("/admin/organisations", &[("key", key), ("shown", USUAL)])
        .await;
    assert_eq!(chosen.status, 303, "{}", chosen.body);
    assert!(organiser
        .get(&chosen.location())
        .await
        .body
        .contains("The spelling is saved"));
    assert_eq!(
        app.count("organisation_names WHERE chosen_by IS NOT NULL"),
        1
    );

    // A new round's introductions use the chosen spelling, though fewer type it.
    app.run_round_for_everyone().await;
    let emails = app.wait_for_emails(4).await;
    let intros: Vec<_> = emails.iter().filter(|e| e.kind == "intro").collect();
    let about_olu = intros
        .iter()
        .find(|e| !e.is_for("olu@bristol.gov.uk") && e.text.contains("Olu Odd"))
        .expect("someone is introduced to Olu");
    assert!(
        about_olu.text.contains(&format!("Olu Odd, {USUAL}")),
        "{}",
        about_olu.text
    );
    for intro in &intros {
        assert!(!intro.text.contains(ODD), "{}", intro.text);
    }
}
