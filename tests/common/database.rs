//! The database a test runs on. Plain `cargo test`: a SQLite file in the
//! test's own folder. With the `postgres-tests` feature: a new, empty
//! database of the test's own on the PostgreSQL server named by
//! `UNMENTORING_TEST_POSTGRES` (`.ci/postgres` starts one and prints it).

use std::path::Path;

/// The `database.url` of the test folder `dir`: `file` inside it on SQLite;
/// on PostgreSQL a database made for the folder the first time it is asked
/// for, and the same one after (an app restarted in the folder finds its data).
pub fn url_for(dir: &Path, file: &str) -> String {
    if !on_postgres() {
        return dir.join(file).to_string_lossy().into_owned();
    }
    let remembered = dir.join(format!("{}.postgres-url", file.replace('/', "_")));
    if let Ok(url) = std::fs::read_to_string(&remembered) {
        return url;
    }
    let url = fresh_postgres();
    std::fs::write(&remembered, &url).expect("the test folder is writable");
    url
}

/// Whether these tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    cfg!(feature = "postgres-tests")
}

/// The server the PostgreSQL tests use; they fail, never skip, without one.
pub fn postgres_server() -> String {
    std::env::var("UNMENTORING_TEST_POSTGRES").expect(
        "the postgres-tests feature needs UNMENTORING_TEST_POSTGRES, \
         the URL of a PostgreSQL server whose role may create databases: \
         run `export UNMENTORING_TEST_POSTGRES=$(.ci/postgres)`",
    )
}

/// Creates an empty database on the test server; returns its URL.
pub fn fresh_postgres() -> String {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let server = postgres_server();
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = diesel::PgConnection::establish(&server).expect("the test PostgreSQL server");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("a new test database");
    let mut url = url::Url::parse(&server).expect("UNMENTORING_TEST_POSTGRES is a URL");
    url.set_path(&name);
    url.to_string()
}
