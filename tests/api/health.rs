//! `/healthz` tells the truth: 200 `{"status":"ok"}` when all is well, and
//! 503 `{"status":"unhealthy","problems":[...]}` naming what is wrong when
//! the delivery worker is stuck or the database cannot be reached.
//!
//! These tests need the delivery worker running in the background, as in
//! `serve`, so they start the application themselves rather than through
//! `spawn_app` (which takes the worker out to drive it by hand).

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use serde_json::{json, Value};
use unmentoring::clock::Clock;
use unmentoring::configuration::Settings;
use unmentoring::db::AnyConnection;
use unmentoring::email::Mailer;
use unmentoring::startup::Application;

use crate::common::smtp::TestSmtp;
use crate::helpers::{test_settings, test_start};

struct LiveApp {
    address: String,
    database: String,
    client: reqwest::Client,
    _dir: tempfile::TempDir,
    _smtp: TestSmtp,
}

/// The app with its delivery worker and scheduler running in the background.
async fn spawn_app_with_background_worker(adjust: impl FnOnce(&mut Settings)) -> LiveApp {
    let (dir, smtp) = (tempfile::tempdir().unwrap(), TestSmtp::start());
    let mut settings = test_settings(dir.path(), &smtp);
    adjust(&mut settings);
    let mailer = Mailer::from_settings(&settings.email).unwrap();
    let clock = Clock::manual(test_start());
    let app = Application::build_with(settings.clone(), mailer, clock)
        .await
        .expect("the app starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    LiveApp {
        address,
        database: crate::common::database::url_for(dir.path(), "test.db"),
        // No kept-alive connections: see `helpers::spawn_app_in`.
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap(),
        _dir: dir,
        _smtp: smtp,
    }
}

impl LiveApp {
    async fn health(&self) -> (u16, Value) {
        let url = format!("{}/healthz", self.address);
        let response = self.client.get(url).send().await.unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        (status, serde_json::from_str(&body).expect("a JSON body"))
    }

    /// Asks until `/healthz` answers `status`; the deadline is generous,
    /// so that only a real failure ends the wait.
    async fn wait_for_health(&self, status: u16) -> Value {
        let deadline = Instant::now() + Duration::from_secs(25);
        loop {
            let (got, body) = self.health().await;
            if got == status {
                return body;
            }
            assert!(Instant::now() < deadline, "still {got}: {body}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A connection of another process to the app's database.
    fn other_process(&self) -> AnyConnection {
        let mut conn = unmentoring::db::connection(&self.database).unwrap();
        if let AnyConnection::Sqlite(conn) = &mut conn {
            conn.batch_execute("PRAGMA busy_timeout = 10000;").unwrap();
        }
        conn
    }
}

#[tokio::test]
async fn a_healthy_app_answers_200_ok() {
    let app = spawn_app_with_background_worker(|s| s.schedule.enabled = true).await;
    let (status, body) = app.health().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "status": "ok" }));
}

#[tokio::test]
async fn a_stuck_delivery_worker_makes_health_answer_503_naming_it() {
    // The worker may be silent for 3 poll intervals (at least 5 s) plus one
    // SMTP attempt (1 s) before it counts as stuck.
    let app = spawn_app_with_background_worker(|s| s.email.smtp_timeout_seconds = 1).await;
    assert_eq!(app.health().await.0, 200);

    // Another process holds the write lock (SQLite), or a lock on the outbox
    // (PostgreSQL): the worker waits for it to take the next emails and
    // makes no progress, while reads, and so the database check, still work.
    let mut other = app.other_process();
    let lock = match &other {
        AnyConnection::Sqlite(_) => "BEGIN IMMEDIATE;",
        AnyConnection::Postgres(_) => "BEGIN; LOCK TABLE outbox IN ACCESS EXCLUSIVE MODE;",
    };
    other.batch_execute(lock).unwrap();
    let body = app.wait_for_health(503).await;
    assert_eq!(body["status"], "unhealthy", "{body}");
    let problems = body["problems"].as_array().expect("a list of problems");
    assert_eq!(problems.len(), 1, "{body}");
    let problem = problems[0].as_str().unwrap();
    assert!(
        problem.starts_with("the email delivery worker has made no progress for "),
        "{problem}"
    );

    other.batch_execute("COMMIT;").unwrap();
    assert_eq!(app.wait_for_health(200).await, json!({ "status": "ok" }));
}

// The SQLite file is damaged under the running service.
#[cfg(not(feature = "postgres-tests"))]
#[tokio::test]
async fn an_unreachable_database_makes_health_answer_503_naming_it() {
    let app = spawn_app_with_background_worker(|_| {}).await;
    assert_eq!(app.health().await.0, 200);

    // The file goes bad under the running service (a disk fault, or someone
    // copying over it): its contents, its write-ahead log and the log's index.
    // The background worker's connection may write the old pages back (a
    // checkpoint) between our writes, so the damage is done again until the
    // check has seen it; the check itself is what is tested.
    let garbage = "this is not a database ".repeat(2000);
    let deadline = Instant::now() + Duration::from_secs(25);
    let body = loop {
        std::fs::write(&app.database, &garbage).unwrap();
        for suffix in ["-wal", "-shm"] {
            let path = format!("{}{suffix}", app.database);
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            std::fs::write(&path, vec![0u8; size as usize]).unwrap();
        }
        let (status, body) = app.health().await;
        if status == 503 {
            break body;
        }
        assert!(Instant::now() < deadline, "still {status}: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(body["status"], "unhealthy", "{body}");
    let problems = body["problems"].as_array().expect("a list of problems");
    let database = "the database cannot be reached: file is not a database";
    assert!(problems.iter().any(|p| p == database), "{body}");
}
