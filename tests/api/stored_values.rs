//! Enum columns are read strictly: a stored word that is none of the enum's
//! values makes the read fail with an error naming the column and the word,
//! instead of being taken for some other value.

use diesel::connection::SimpleConnection;
use unmentoring::db::outbox::{self, OutboxStatus};
use unmentoring::db::participants::{self, Search};
use unmentoring::db::AnyConnection;

use crate::helpers::{spawn_app, TestApp};

/// Runs `sql` with the CHECK constraints off. Raw SQL on purpose: it builds
/// a row the app cannot produce (a word none of its enums writes).
fn corrupt(app: &TestApp, sql: &str) {
    let mut conn = app.pool.get().unwrap();
    let unchecked = match &*conn {
        AnyConnection::Sqlite(_) => format!(
            "PRAGMA ignore_check_constraints = ON; {sql}; PRAGMA ignore_check_constraints = OFF;"
        ),
        // PostgreSQL cannot switch them off: drop them from this test's database.
        AnyConnection::Postgres(_) => format!(
            "DO $$ DECLARE c record; BEGIN
                 FOR c IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
                          WHERE contype = 'c' AND connamespace = 'public'::regnamespace LOOP
                     EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.t, c.conname);
                 END LOOP;
             END $$; {sql};"
        ),
    };
    conn.batch_execute(&unchecked).unwrap();
}

#[tokio::test]
async fn an_unknown_participant_status_is_an_error_not_left() {
    let app = spawn_app().await;
    let jo = app.add_participant("Jo Bloggs", "jo@example.org", "Leeds City Council");
    corrupt(
        &app,
        &format!("UPDATE participants SET status = 'zombie' WHERE id = {jo}"),
    );
    let mut conn = app.pool.get().unwrap();

    let error = participants::find(&mut conn, jo).unwrap_err();
    let message = format!("{error:#}");
    assert!(
        message.contains("unknown participant status \"zombie\""),
        "{message}"
    );
    assert!(participants::find_person(&mut conn, jo).is_err());
    let everyone = Search {
        text: String::new(),
        status: None,
        page: 1,
    };
    assert!(participants::search(&mut conn, &everyone).is_err());
}

#[tokio::test]
async fn an_unknown_email_kind_is_an_error() {
    let app = spawn_app().await;
    app.sign_up("jo@example.org").await;
    // `kind` has no CHECK constraint: only the strict read stands in the way.
    app.execute("UPDATE outbox SET kind = 'postcard'");
    let mut conn = app.pool.get().unwrap();
    let error = outbox::list(&mut conn, &[OutboxStatus::Queued]).unwrap_err();
    let message = format!("{error:#}");
    assert!(
        message.contains("unknown email kind \"postcard\""),
        "{message}"
    );
}
