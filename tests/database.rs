//! The database under load: many signups at once all succeed, and opening
//! connections never fails with "database is locked".

mod common;
#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use std::sync::Arc;

use helpers::spawn_app;

use common::logs::Captured;

/// Every log line of this test binary: a subscriber is set once per process.
fn logs() -> Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        unmentoring::telemetry::init_with_writer("info", logs.clone());
        logs
    })
    .clone()
}

fn error_lines(logs: &Captured) -> Vec<String> {
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let errors = text.lines().filter(|l| l.contains("\"ERROR\""));
    errors.map(str::to_owned).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_signups_at_once_all_succeed_without_lock_errors() {
    let logs = logs();
    let app = Arc::new(spawn_app().await);
    let signups = (0..200).map(|i| {
        let app = app.clone();
        tokio::spawn(async move { app.sign_up(&format!("person{i}@example.org")).await.status })
    });
    let statuses = futures_util::future::join_all(signups).await;
    assert!(
        statuses.iter().all(|s| *s.as_ref().unwrap() == 303),
        "{statuses:?}"
    );
    assert_eq!(app.count("participants"), 200);
    let errors = error_lines(&logs);
    assert!(errors.is_empty(), "errors in the logs: {errors:#?}");
}

/// Another process writing to a database not yet in WAL mode while the
/// service opens it: SQLite refuses the switch to WAL at once, without
/// waiting, and the pool used to log "database is locked" for each try.
#[test]
fn opening_the_database_while_another_process_writes_logs_no_error() {
    let logs = logs();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.db");
    let mut writer = SqliteConnection::establish(&path.to_string_lossy()).unwrap();
    writer
        .batch_execute("CREATE TABLE t (x INTEGER); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
        .unwrap();
    let opener = std::thread::spawn(move || unmentoring::db::connect(path, 8));
    // Long enough for the pool to try (and, before, fail) several times.
    std::thread::sleep(std::time::Duration::from_millis(500));
    writer.batch_execute("COMMIT;").unwrap();
    let pool = opener.join().unwrap().expect("the database opens");
    assert_eq!(pool.state().connections, 8);
    let errors = error_lines(&logs);
    assert!(errors.is_empty(), "errors in the logs: {errors:#?}");
}

/// Several processes opening one new file at the same moment (`serve` and a
/// `round run` from cron, say), each with its own pool, then writing.
#[test]
fn many_pools_opening_one_new_file_at_once_never_fail() {
    let logs = logs();
    // The clash is a matter of timing, so try it on several new files.
    for _ in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let start = Arc::new(std::sync::Barrier::new(4));
        let openers: Vec<_> = (0..4)
            .map(|_| {
                let (path, start) = (path.clone(), start.clone());
                std::thread::spawn(move || {
                    start.wait();
                    let pool = unmentoring::db::open(path, 8)?;
                    let mut conn = pool.get()?;
                    conn.batch_execute(
                        "CREATE TABLE IF NOT EXISTS t (x INTEGER); INSERT INTO t VALUES (1);",
                    )?;
                    Ok::<_, anyhow::Error>(())
                })
            })
            .collect();
        for opener in openers {
            opener.join().unwrap().expect("the pool opens and writes");
        }
    }
    let errors = error_lines(&logs);
    assert!(errors.is_empty(), "errors in the logs: {errors:#?}");
}
