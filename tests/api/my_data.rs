//! "Download my data" (`/me/{token}/data.json`): everything stored about the
//! person, and nothing about anyone else but their partners' names.

use serde_json::Value;

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_person_with_two_rounds_downloads_everything_stored_about_them() {
    let app = spawn_app().await;
    app.add_participant("Ann Able", "ann@example.org", "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.run_round_for_everyone().await;
    let intro = app.email_for("ann@example.org", 2).await;
    let followup = intro.link_to(app.link_base(), "/followup/");
    let saved = app
        .post_form(
            &followup,
            &[
                ("met", "yes"),
                ("url", "https://blog.example.org/what-i-learned"),
                ("note", "We mapped a service"),
                ("publish", "yes"),
                ("challenged", "4"),
                ("would_repeat", "yes"),
                ("new_connection", "no"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    app.clock.advance(chrono::Duration::days(31));
    app.add_participant("Cy Cole", "cy@example.org", "York");
    app.run_round_for_everyone().await;
    let second = app.email_for("ann@example.org", 5).await;
    let manage = second.link_to(app.link_base(), "/me/");

    let download = app.get(&format!("{manage}/data.json")).await;

    assert_eq!(download.status, 200, "{}", download.body);
    assert!(download
        .header("content-type")
        .starts_with("application/json"));
    assert!(download
        .header("content-disposition")
        .starts_with("attachment"));
    assert_eq!(download.header("cache-control"), "no-store");
    let data: Value = serde_json::from_str(&download.body).unwrap();
    let details = &data["details"];
    assert_eq!(details["name"], "Ann Able");
    assert_eq!(details["email"], "ann@example.org");
    assert_eq!(details["organisation"], "Leeds");
    assert_eq!(details["status"], "active");
    let rounds = data["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2);
    let mut newest: Vec<&str> = rounds[0]["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    newest.sort_unstable();
    assert_eq!(newest, ["Bob Baker", "Cy Cole"]);
    assert_eq!(rounds[0]["answer"], Value::Null);
    let first = &rounds[1];
    assert_eq!(first["partners"], serde_json::json!(["Bob Baker"]));
    assert_eq!(first["answer"]["met"], "yes");
    assert_eq!(first["answer"]["note"], "We mapped a service");
    assert_eq!(first["answer"]["publish"], true);
    assert_eq!(first["answer"]["challenged"], 4);
    assert_eq!(first["answer"]["would_repeat"], true);
    assert_eq!(first["answer"]["new_connection"], false);
    assert_eq!(
        first["shared_links"][0]["url"],
        "https://blog.example.org/what-i-learned"
    );
    let kinds: Vec<&str> = data["emails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "intro").count(),
        2,
        "{kinds:?}"
    );
    assert!(data["emails"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["sent_at"].is_string()));
    for other in ["bob@example.org", "cy@example.org", "Kent", "York"] {
        assert!(
            !download.body.contains(other),
            "nothing about a partner but their name: {other}"
        );
    }
}

#[tokio::test]
async fn a_link_that_does_not_open_gets_the_not_valid_page() {
    let app = spawn_app().await;
    let page = app.get("/me/not-a-real-token/data.json").await;
    assert_eq!(page.status, 404);
    assert!(page.header("content-type").starts_with("text/html"));
}
