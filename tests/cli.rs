//! The `unmentoring` binary as an operator runs it: settings from environment
//! variables and `--config`, `migrate`, `send-test-email`, `outbox`, and a
//! `serve` that is killed with queued email and started again.
//!
//! Each test has its own folder as current directory (so `data/` and
//! `config/local.toml` are its own) and its own SQLite file. Every child
//! process is killed when its guard is dropped, so none outlives its test.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use common::mail::ReceivedEmail;
#[cfg(not(feature = "postgres-tests"))]
use common::process::DB;
use common::process::{poll, Site, NOTHING_WAITING};
use common::smtp::TestSmtp;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

/// One row of the outbox: attempts, next try, held until, status.
type Row = (i32, NaiveDateTime, Option<NaiveDateTime>, String);

fn outbox_rows(db: &str) -> Vec<Row> {
    use unmentoring::db::schema::outbox::dsl::*;
    let mut conn = unmentoring::db::connection(db).unwrap();
    if let unmentoring::db::AnyConnection::Sqlite(conn) = &mut conn {
        conn.batch_execute("PRAGMA busy_timeout = 10000;").unwrap();
    }
    let columns = (attempts, next_attempt_at, locked_until, status);
    outbox.select(columns).load(&mut conn).unwrap()
}

fn assert_has(text: &str, wanted: &str) {
    assert!(text.contains(wanted), "expected {wanted:?} in:\n{text}");
}

/// The line of an `unmentoring outbox` listing that names `address`.
fn line_for<'a>(listing: &'a str, address: &str) -> &'a str {
    let line = listing.lines().find(|l| l.contains(address));
    line.unwrap_or_else(|| panic!("no line for {address} in:\n{listing}"))
}

// 1. A bad setting stops start-up with one line naming the key.

fn assert_refused(site: &mut Site, args: &[&str], key: &str) {
    let ran = site.run(args);
    assert_eq!(ran.code, Some(2), "a bad {key} should fail: {}", ran.all());
    let lines: Vec<&str> = ran.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got {:?}", ran.stderr);
    assert_has(lines[0], key);
    assert_eq!(ran.stdout, "");
    assert!(!site.path("db").exists(), "started with a bad {key}");
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let mut site = Site::new();
    site.set("SERVER__PORT", "eighty");
    assert_refused(&mut site, &["migrate"], "server.port");

    let mut site = Site::new();
    site.set("SERVER__BASE_URL", "not a url");
    assert_refused(&mut site, &["serve"], "server.base_url");

    let mut site = Site::new();
    std::fs::write(site.path("bad.toml"), "[email]\nsmtp_tls = \"maybe\"\n").unwrap();
    assert_refused(
        &mut site,
        &["--config", "bad.toml", "migrate"],
        "email.smtp_tls",
    );

    let mut site = Site::new();
    std::fs::create_dir(site.path("config")).unwrap();
    std::fs::write(
        site.path("config/local.toml"),
        "[database]\npool_size = 0\n",
    )
    .unwrap();
    assert_refused(&mut site, &["outbox"], "database.pool_size");
}

#[test]
fn an_unknown_setting_stops_start_up_with_one_line_naming_it() {
    let mut site = Site::new();
    site.set("SERVER__PROT", "9000");
    assert_refused(
        &mut site,
        &["migrate"],
        "unknown configuration key `server.prot`",
    );
    assert_has(&site.run(&["serve"]).stderr, "in the environment");

    let mut site = Site::new();
    std::fs::write(site.path("extra.toml"), "[server]\nprot = 9000\n").unwrap();
    let args = ["--config", "extra.toml", "serve"];
    assert_refused(&mut site, &args, "unknown configuration key `server.prot`");
    assert_has(&site.run(&args).stderr, "extra.toml");
}

// 1b. An unusable database stops start-up at once, with one line naming it.

#[cfg(not(feature = "postgres-tests"))]
fn assert_database_refused(site: &mut Site, args: &[&str], reason: &str) {
    let started = std::time::Instant::now();
    let ran = site.run(args);
    // The pool used to retry for 30 s, logging each try; a generous bound.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    assert!(!ran.ok, "{args:?} should fail: {}", ran.all());
    let lines: Vec<&str> = ran.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line on stderr, got {:?}", ran.stderr);
    assert_has(
        lines[0],
        &format!("could not open the database {DB}: {reason}"),
    );
}

// A SQLite file that is not a database; PostgreSQL has no such file.
#[cfg(not(feature = "postgres-tests"))]
#[test]
fn an_unusable_database_stops_start_up_at_once_with_one_line() {
    let mut site = Site::new();
    std::fs::create_dir_all(site.path("db")).unwrap();
    std::fs::write(site.path(DB), "this is not a database, ".repeat(200)).unwrap();
    for args in [&["serve"][..], &["migrate"], &["outbox"]] {
        assert_database_refused(&mut site, args, "file is not a database");
    }

    // Root ignores file permissions, so an unusable path that fails for
    // everyone: a folder where the file should be.
    let mut site = Site::new();
    std::fs::create_dir_all(site.path(DB)).unwrap();
    assert_database_refused(&mut site, &["serve"], "unable to open database file");
}

// 2. migrate

#[cfg(not(feature = "postgres-tests"))]
#[test]
fn migrate_creates_the_database_and_can_run_twice() {
    let mut site = Site::new();
    assert!(!site.path("db").exists());
    for _ in 0..2 {
        let ran = site.run(&["migrate"]);
        assert!(ran.ok, "migrate failed: {}", ran.all());
        assert_has(&ran.stdout, &format!("The database {DB} is up to date."));
        let header = std::fs::read(site.path(DB)).unwrap();
        assert!(header.starts_with(b"SQLite format 3\0"), "not SQLite");
    }
    assert_has(&site.outbox(), NOTHING_WAITING);
}

// 3. send-test-email

#[test]
fn send_test_email_sends_one_email() {
    let smtp = TestSmtp::start();
    let mut site = Site::new();
    site.smtp(smtp.port);
    let ran = site.run(&["send-test-email", "ops@example.org"]);
    assert!(ran.ok, "send-test-email failed: {}", ran.all());
    assert_has(&ran.stdout, "Sent a test email to ops@example.org");
    let received = smtp.received();
    assert_eq!(received.len(), 1, "exactly one email");
    let email = &received[0];
    assert!(email.is_for("ops@example.org"), "{:?}", email.envelope_to);
    assert_has(&email.to, "ops@example.org");
    assert_eq!(email.kind, "test");
    assert!(email.message_id.ends_with("@localhost>"), "{email:?}");
}

#[test]
fn send_test_email_says_when_it_was_not_sent() {
    let down = TestSmtp::reserve();
    let mut site = Site::new();
    site.smtp(down.port);
    let ran = site.run(&["send-test-email", "ops@example.org"]);
    assert!(!ran.ok, "should fail with no SMTP server: {}", ran.all());
    assert_has(&ran.all(), "not sent");
    assert!(down.received().is_empty());

    let smtp = TestSmtp::start();
    site.smtp(smtp.port);
    let ran = site.run(&["send-test-email", "not-an-address"]);
    assert!(!ran.ok, "an invalid address should fail: {}", ran.all());
    assert_has(&ran.all(), "email address");
    assert!(smtp.received().is_empty(), "nothing should be sent");
}

// 4. outbox

#[tokio::test]
async fn outbox_lists_queued_email() {
    let down = TestSmtp::reserve();
    let mut site = Site::new();
    site.smtp(down.port);
    assert_has(&site.outbox(), NOTHING_WAITING);

    let server = site.serve().await;
    server.sign_up(&server.client(), "queued@example.org").await;
    server.kill();

    let listing = site.outbox();
    let line = line_for(&listing, "queued@example.org");
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&words[1..3], ["queued", "confirm"], "{line}");
    assert_has(&listing, "1 queued, 0 failed.");
    assert!(!listing.contains(NOTHING_WAITING));

    // The next try is shown in `schedule.timezone`, with the zone's name.
    site.set("SCHEDULE__TIMEZONE", "Asia/Tokyo");
    let listing = site.outbox();
    let (_, next, held, _) = outbox_rows(&site.database()).remove(0);
    let next_try = held.map_or(next, |held| held.max(next));
    let in_tokyo = next_try.and_utc().with_timezone(&chrono_tz::Asia::Tokyo);
    let shown = in_tokyo.format("%Y-%m-%d %H:%M JST").to_string();
    assert_has(line_for(&listing, "queued@example.org"), &shown);
}

// 5 and 6. Queued email survives a crash of `serve`.

#[tokio::test]
async fn queued_email_survives_a_crash_and_is_sent_after_restart() {
    let smtp = TestSmtp::reserve();
    let mut site = Site::new();
    site.smtp(smtp.port);
    // Slow retries in the first run, so there are quiet moments to crash in
    // when no email is being sent (an email held by a send in progress waits
    // for its hold to lapse, at least a minute, after a crash).
    site.set("EMAIL__RETRY_INITIAL_MS", "1500");
    site.set("EMAIL__RETRY_MAX_MS", "1500");
    let server = site.serve().await;
    let client = server.client();

    let health = client.get(server.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&health.text().await.unwrap()).unwrap();
    assert_eq!(body["status"], "ok", "{body}");

    let addresses: Vec<String> = (1..=5).map(|i| format!("person{i}@example.org")).collect();
    for address in &addresses {
        server.sign_up(&client, address).await;
    }

    let db = site.database();
    poll(30, "every email to be tried once", || {
        let rows = outbox_rows(&db);
        (rows.len() == 5 && rows.iter().all(|r| r.0 >= 1)).then_some(())
    });
    let listing = site.outbox();
    assert_has(&listing, "5 queued, 0 failed.");
    for address in &addresses {
        let line = line_for(&listing, address);
        assert_has(line, " confirm ");
        assert_has(line, "Connection refused");
    }

    // Crash when no email is held and none is due for a while.
    poll(30, "a quiet moment to crash in", || {
        let now = chrono::Utc::now().naive_utc();
        let soon = now + chrono::Duration::milliseconds(400);
        let rows = outbox_rows(&db);
        let quiet = |r: &Row| r.1 > soon && r.2.is_none_or(|held| held <= now);
        rows.iter().all(quiet).then_some(())
    });
    server.kill();

    smtp.listen();
    site.smtp(smtp.port);
    let server = site.serve().await;
    smtp.wait_for(5);
    poll(30, "the outbox to empty", || {
        site.outbox().contains(NOTHING_WAITING).then_some(())
    });
    assert!(outbox_rows(&db).iter().all(|r| r.3 == "sent"));
    drop(server);

    let received = smtp.received();
    let mut by_address: BTreeMap<String, Vec<&ReceivedEmail>> = BTreeMap::new();
    for email in &received {
        assert_eq!(email.envelope_to.len(), 1, "{:?}", email.envelope_to);
        let to = email.envelope_to[0].to_ascii_lowercase();
        by_address.entry(to).or_default().push(email);
    }
    let mut want: Vec<&String> = addresses.iter().collect();
    want.sort();
    assert_eq!(by_address.keys().collect::<Vec<_>>(), want);
    for (address, copies) in &by_address {
        assert!(copies.len() <= 2, "{address} got {} copies", copies.len());
        for copy in copies {
            assert_eq!(copy.kind, "confirm", "{address}");
            assert_eq!(copy.message_id, copies[0].message_id, "{address}");
            assert!(copy.message_id.ends_with("@localhost>"), "{address}");
        }
    }
    // The first run never reached the SMTP server, so not even one copy is expected.
    assert_eq!(received.len(), 5, "one email per address");
}

// A PostgreSQL URL's password is a secret: never printed, never logged.
#[test]
fn a_postgres_password_is_never_shown_even_when_the_server_is_down() {
    let mut site = Site::new();
    let port = common::process::free_port();
    let url = format!("postgres://app:Sup3rSecret@127.0.0.1:{port}/unmentoring");
    site.set("DATABASE__URL", &url);
    for args in [&["serve"][..], &["migrate"], &["outbox"]] {
        let ran = site.run(args);
        assert!(!ran.ok, "{args:?} ran without its database");
        let all = ran.all();
        assert!(
            !all.contains("Sup3rSecret"),
            "the password was shown:\n{all}"
        );
        assert_has(
            &all,
            &format!("could not open the database postgres://app:***@127.0.0.1:{port}/unmentoring"),
        );
    }
}
