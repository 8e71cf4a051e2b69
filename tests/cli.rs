//! The `unmentoring` binary as an operator runs it: settings from environment
//! variables and `--config`, `migrate`, `send-test-email`, `outbox`, and a
//! `serve` that is killed with queued email and started again.
//!
//! Each test has its own folder as current directory (so `data/` and
//! `config/local.toml` are its own) and its own SQLite file. Every child
//! process is killed when its guard is dropped, so none outlives its test.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use common::mail::ReceivedEmail;
use common::smtp::TestSmtp;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

const BIN: &str = env!("CARGO_BIN_EXE_unmentoring");
const DB: &str = "db/unmentoring.sqlite";
const NOTHING_WAITING: &str = "Nothing is waiting to be sent";

/// Polls `check` every 20 ms until it gives a value; panics with `what` after `secs` seconds.
fn poll<T>(secs: u64, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "waited {secs}s for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills the child (SIGKILL on Unix) and reaps it when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Ran {
    ok: bool,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A test's own folder and settings.
struct Site {
    dir: tempfile::TempDir,
    vars: Vec<(String, String)>,
    runs: usize,
}

impl Site {
    fn new() -> Self {
        let mut site = Self {
            dir: tempfile::tempdir().unwrap(),
            vars: Vec::new(),
            runs: 0,
        };
        site.set("DATABASE__URL", DB);
        site
    }

    /// Sets `UNMENTORING__{key}`.
    fn set(&mut self, key: &str, value: &str) {
        self.vars.retain(|(k, _)| k != key);
        self.vars.push((key.to_owned(), value.to_owned()));
    }

    /// Sends email over SMTP to 127.0.0.1:`port`, retrying quickly.
    fn smtp(&mut self, port: u16) {
        self.set("EMAIL__TRANSPORT", "smtp");
        self.set("EMAIL__SMTP_HOST", "127.0.0.1");
        self.set("EMAIL__SMTP_PORT", &port.to_string());
        self.set("EMAIL__RETRY_INITIAL_MS", "100");
        self.set("EMAIL__RETRY_MAX_MS", "500");
        self.set("EMAIL__POLL_INTERVAL_MS", "100");
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// The command with this site's settings, and no others from the test's environment.
    fn command(&mut self, args: &[&str], stem: &str) -> (Command, PathBuf, PathBuf) {
        self.runs += 1;
        let out = self.path(&format!("{stem}-{}.out", self.runs));
        let err = self.path(&format!("{stem}-{}.err", self.runs));
        let mut cmd = Command::new(BIN);
        cmd.current_dir(self.dir.path()).args(args);
        cmd.stdin(Stdio::null()).stdout(File::create(&out).unwrap());
        cmd.stderr(File::create(&err).unwrap());
        let inherited = std::env::vars().map(|(k, _)| k);
        inherited
            .filter(|k| k.starts_with("UNMENTORING"))
            .for_each(|k| {
                cmd.env_remove(k);
            });
        for (key, value) in &self.vars {
            cmd.env(format!("UNMENTORING__{key}"), value);
        }
        (cmd, out, err)
    }

    /// Runs a command to the end (at most 60 s).
    fn run(&mut self, args: &[&str]) -> Ran {
        let (mut cmd, out, err) = self.command(args, "run");
        let mut child = Guard(cmd.spawn().expect("the binary starts"));
        let status = poll(60, &format!("unmentoring {args:?} to exit"), || {
            child.0.try_wait().unwrap()
        });
        let read = |p: &Path| std::fs::read_to_string(p).unwrap();
        Ran {
            ok: status.success(),
            stdout: read(&out),
            stderr: read(&err),
        }
    }

    fn outbox(&mut self) -> String {
        let ran = self.run(&["outbox"]);
        assert!(ran.ok, "outbox failed: {}", ran.all());
        ran.stdout
    }

    /// Starts `unmentoring serve` on a free port and waits until `/healthz` answers 200.
    async fn serve(&mut self) -> Server {
        let port = free_port();
        let base = format!("http://127.0.0.1:{port}");
        self.set("SERVER__PORT", &port.to_string());
        self.set("SERVER__BASE_URL", &base);
        let (mut cmd, _, log) = self.command(&["serve"], "serve");
        let mut server = Server {
            child: Guard(cmd.spawn().expect("serve starts")),
            base,
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = server.client().get(server.url("/healthz")).send().await {
                if r.status() == 200 {
                    return server;
                }
            }
            if let Some(status) = server.child.0.try_wait().unwrap() {
                panic!("serve exited with {status}:\n{}", server.log());
            }
            assert!(Instant::now() < deadline, "no answer:\n{}", server.log());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

struct Server {
    child: Guard,
    base: String,
    log: PathBuf,
}

impl Server {
    fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn sign_up(&self, client: &reqwest::Client, email: &str) {
        let form = [
            ("name", "Jo Bloggs"),
            ("email", email),
            ("phone", "01632 960 001"),
            ("organisation", "Leeds City Council"),
            ("cadence", "monthly"),
            ("consent", "yes"),
        ];
        let r = client
            .post(self.url("/signup"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "signup of {email}");
        assert_eq!(r.headers()["location"], "/signup/check-email");
    }

    /// Stops the server at once (SIGKILL), as a crash would.
    fn kill(self) {
        drop(self.child);
    }
}

/// One row of the outbox: attempts, next try, held until, status.
type Row = (i32, NaiveDateTime, Option<NaiveDateTime>, String);

fn outbox_rows(db: &Path) -> Vec<Row> {
    use unmentoring::db::schema::outbox::dsl::*;
    let mut conn = SqliteConnection::establish(&db.to_string_lossy()).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 10000;").unwrap();
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
    assert!(!ran.ok, "a bad {key} should fail: {}", ran.all());
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

// 2. migrate

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

    let db = site.path(DB);
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
