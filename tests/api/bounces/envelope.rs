//! The envelope sender: `bounces+{envelope_id}@domain` with
//! `email.bounce_address`, the From address without.

use crate::common::smtp::TestSmtp;
use crate::helpers::{spawn_app, spawn_app_in, TestApp};

fn envelope_id(app: &TestApp) -> String {
    #[derive(diesel::QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        envelope_id: String,
    }
    let mut conn = app.pool.get().unwrap();
    let rows: Vec<Id> = diesel::RunQueryDsl::load(
        diesel::sql_query("SELECT envelope_id FROM outbox"),
        &mut conn,
    )
    .unwrap();
    assert_eq!(rows.len(), 1);
    rows.into_iter().next().unwrap().envelope_id
}

#[tokio::test]
async fn with_a_bounce_address_each_message_has_its_own_envelope_sender() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir, TestSmtp::start(), |s| {
        s.email.bounce_address = Some("bounces+ignored@mail.example.org".parse().unwrap());
    })
    .await;
    app.sign_up("jo@example.org").await;
    let email = app.email_for("jo@example.org", 1).await;
    let id = envelope_id(&app);
    assert_eq!(id.len(), 32);
    assert_eq!(
        email.envelope_from,
        format!("bounces+{id}@mail.example.org")
    );
    // The From header stays as it was.
    assert!(
        email.from.contains("unmentoring@localhost"),
        "{}",
        email.from
    );
}

#[tokio::test]
async fn without_a_bounce_address_the_envelope_sender_is_the_from_address() {
    let app = spawn_app().await;
    app.sign_up("jo@example.org").await;
    let email = app.email_for("jo@example.org", 1).await;
    assert_eq!(email.envelope_from, "unmentoring@localhost");
}
