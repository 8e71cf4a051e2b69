//! Three `unmentoring serve` processes on one PostgreSQL database, with an
//! SMTP server that is down for a while: 300 signups spread across them, a
//! schedule slot reached while all three run, and an organiser's "Run this
//! round" sent to two of them at once. Exactly one round per slot and per
//! form, and every email delivered exactly once.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Timelike, Utc};
use diesel::prelude::*;
use futures_util::stream::{self, StreamExt};
use unmentoring::db::{self, AnyConnection};

use super::gate::Gate;
use crate::common::mail::ReceivedEmail;
use crate::common::process::{Server, Site};
use crate::common::smtp::TestSmtp;

const PEOPLE: usize = 300;
const PASSWORD: &str = "a long organiser password";
/// The longest wait for any step: far above what a step takes (seconds)
/// even on a busy machine, so that only a step that never ends fails.
const WAIT_SECS: u64 = 300;

/// The test's own connection to the database the processes share.
struct Db(AnyConnection);

impl Db {
    fn count(&mut self, from_where: &str) -> i64 {
        diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT count(*) FROM {from_where}"))
            .get_result(&mut self.0)
            .unwrap()
    }

    /// What the outbox holds, by status, for a failure message.
    fn outbox_summary(&mut self) -> String {
        let rows: Vec<(String, i64, Option<i32>, Option<String>)> = diesel::dsl::sql::<(
            diesel::sql_types::Text,
            diesel::sql_types::BigInt,
            diesel::sql_types::Nullable<diesel::sql_types::Integer>,
            diesel::sql_types::Nullable<diesel::sql_types::Text>,
        )>(
            "SELECT status, count(*), max(attempts), max(last_error) FROM outbox GROUP BY status",
        )
        .load(&mut self.0)
        .unwrap();
        format!("{rows:?}")
    }

    fn round_keys(&mut self) -> Vec<String> {
        diesel::dsl::sql::<diesel::sql_types::Text>("SELECT round_key FROM rounds ORDER BY id")
            .load(&mut self.0)
            .unwrap()
    }
}

/// Checks every 100 ms until `done`; fails after `secs` seconds.
async fn until(secs: u64, what: &str, db: &mut Db, mut done: impl FnMut(&mut Db) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done(db) {
        if Instant::now() > deadline {
            panic!(
                "waited {secs} s for {what}; the outbox: {}",
                db.outbox_summary()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A site on a PostgreSQL database of its own, its scheduler off for now.
/// (`Site::new` would remember the database in a folder not yet made.)
fn new_site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("db")).unwrap();
    let mut site = Site {
        dir,
        vars: Vec::new(),
        runs: 0,
    };
    let url = site.database();
    site.set("DATABASE__URL", &url);
    site.set("SCHEDULE__ENABLED", "false");
    site
}

async fn start_three(site: &mut Site) -> Vec<Server> {
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(site.serve().await);
    }
    servers
}

fn address(i: usize) -> String {
    format!("person{i}@example.org")
}

/// Signs everyone up, each through the next process in turn, 12 at a time.
async fn sign_up_everyone(servers: &[Server]) {
    let client = servers[0].client();
    stream::iter(0..PEOPLE)
        .for_each_concurrent(1, |i| {
            let client = client.clone();
            async move { sign_up(&servers[i % 3], &client, &address(i), servers).await }
        })
        .await;
}

async fn sign_up(server: &Server, client: &reqwest::Client, email: &str, all: &[Server]) {
    let form = [
        ("name", "Jo Bloggs"),
        ("email", email),
        ("phone", "01632 960 001"),
        ("organisation", "Leeds City Council"),
        ("cadence", "monthly"),
        ("consent", "yes"),
        ("share_phone", "yes"),
    ];
    let r = client
        .post(server.url("/signup"))
        .form(&form)
        .send()
        .await
        .unwrap();
    if r.status() != 303 {
        let logs: Vec<String> = all.iter().map(errors_logged).collect();
        panic!("signup of {email}: {}\n{logs:#?}", r.status());
    }
}

/// Confirms each signup through the next process in turn: a link works
/// whichever process answers it.
async fn confirm_everyone(servers: &[Server], confirmations: &[ReceivedEmail]) {
    let client = servers[0].client();
    stream::iter(confirmations.iter().enumerate())
        .for_each_concurrent(1, |(i, email)| {
            let client = client.clone();
            let link = email
                .links("http://127.0.0.1:")
                .into_iter()
                .find(|l| l.contains("/confirm/"))
                .expect("a confirmation link");
            let path = &link[link.find("/confirm/").unwrap()..];
            let url = servers[i % 3].url(path);
            async move {
                let r = client.post(&url).send().await.unwrap();
                if r.status() != 303 {
                    let logs: Vec<String> = servers.iter().map(errors_logged).collect();
                    panic!("confirming {url}: {}\n{}", r.status(), logs.join("\n"));
                }
            }
        })
        .await;
}

/// A slot 20 s from now, and `schedule.*` for it alone, in UTC.
fn schedule_a_slot(site: &mut Site) -> DateTime<Utc> {
    let slot = (Utc::now() + chrono::Duration::seconds(20))
        .with_nanosecond(0)
        .unwrap();
    let cron = format!("{} {} {} * * *", slot.second(), slot.minute(), slot.hour());
    site.set("SCHEDULE__ENABLED", "true");
    site.set("SCHEDULE__CRON", &cron);
    site.set("SCHEDULE__TIMEZONE", "UTC");
    site.set("SCHEDULE__CATCH_UP_HOURS", "1");
    slot
}

/// Every message arrived once, and every message the outbox holds arrived.
fn assert_each_arrived_once(received: &[ReceivedEmail], stored: i64) {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for email in received {
        *by_id.entry(email.message_id.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = by_id.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    assert_eq!(received.len() as i64, stored, "every stored email arrived");
}

/// How many emails of each kind each person got.
fn per_person(received: &[ReceivedEmail]) -> HashMap<(String, String), usize> {
    let mut counts = HashMap::new();
    for email in received {
        let to = email.envelope_to.join(",").to_lowercase();
        *counts.entry((to, email.kind.clone())).or_default() += 1;
    }
    counts
}

/// The lines of a process's log at level ERROR.
fn errors_logged(server: &Server) -> String {
    let log = server.log();
    let errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("\"level\":\"ERROR\""))
        .collect();
    errors.join("\n")
}

fn assert_no_errors_logged(servers: &[Server]) {
    for server in servers {
        let errors = errors_logged(server);
        assert!(errors.is_empty(), "{}:\n{errors}", server.base);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_processes_make_one_round_per_slot_and_send_every_email_once() {
    let smtp = TestSmtp::start();
    let gate = Gate::down(&smtp);
    let mut site = new_site();
    site.smtp(gate.port);
    let servers = start_three(&mut site).await;
    let mut db = Db(db::connection(&site.database()).unwrap());

    // Signups while the SMTP server is down: every worker tries, and retries.
    sign_up_everyone(&servers).await;
    until(
        WAIT_SECS,
        "every confirmation tried while the server is down",
        &mut db,
        |db| db.count("outbox WHERE kind = 'confirm' AND attempts >= 1") == PEOPLE as i64,
    )
    .await;
    assert!(smtp.received().is_empty());
    gate.up();
    until(WAIT_SECS, "the confirmations", &mut db, |_| {
        smtp.received().len() >= PEOPLE
    })
    .await;
    confirm_everyone(&servers, &smtp.received()).await;
    until(WAIT_SECS, "the welcome emails", &mut db, |db| {
        db.count("outbox WHERE status <> 'sent'") == 0
    })
    .await;
    assert_no_errors_logged(&servers);
    gate.down_now();
    drop(servers);

    // The same three, restarted with a slot 20 s ahead.
    let slot = schedule_a_slot(&mut site);
    let servers = start_three(&mut site).await;
    assert!(
        Utc::now() < slot,
        "the three processes took more than 20 s to start"
    );
    until(WAIT_SECS, "the slot's round", &mut db, |db| {
        db.count("rounds") >= 1
    })
    .await;
    until(
        WAIT_SECS,
        "every introduction tried while the server is down",
        &mut db,
        |db| db.count("outbox WHERE kind = 'intro' AND attempts >= 1") == PEOPLE as i64,
    )
    .await;
    gate.up();
    until(WAIT_SECS, "the introductions", &mut db, |db| {
        db.count("outbox WHERE status <> 'sent'") == 0
    })
    .await;

    let key = format!(
        "schedule:{}",
        slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    assert_eq!(db.round_keys(), [key], "one round for the slot");
    let received = smtp.received();
    assert_each_arrived_once(&received, db.count("outbox"));
    let counts = per_person(&received);
    for i in 0..PEOPLE {
        for kind in ["confirm", "manage", "intro"] {
            let n = counts.get(&(address(i), kind.to_owned()));
            assert_eq!(n, Some(&1), "{} {kind}", address(i));
        }
    }
    assert_no_errors_logged(&servers);

    console_round_pressed_twice(&site, &servers, &mut db, &smtp).await;
    assert_no_errors_logged(&servers);
    failed_sign_ins_count_on_every_process(&servers).await;
}

/// Wrong passwords sent to each process in turn slow down the next sign-in,
/// wherever it is sent: the failures are counted in the database.
async fn failed_sign_ins_count_on_every_process(servers: &[Server]) {
    let client = servers[0].client();
    let sign_in = |server: &Server, password: &'static str| {
        let form = [("email", "org@example.org"), ("password", password)];
        let request = client.post(server.url("/admin/login")).form(&form);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    for i in 0..5 {
        let status = sign_in(&servers[i % servers.len()], "a wrong password").await;
        assert_eq!(status, 200, "attempt {i} is answered with the form again");
    }
    for server in servers {
        assert_eq!(
            sign_in(server, PASSWORD).await,
            429,
            "{} knows of the failures sent to the others",
            server.base
        );
    }
}

/// An organiser signs in on one process, previews on another, and the
/// "Send these introductions" for one draft reaches two processes at once:
/// one round.
async fn console_round_pressed_twice(
    site: &Site,
    servers: &[Server],
    db: &mut Db,
    smtp: &TestSmtp,
) {
    add_organiser(site);
    let client = servers[0].client();
    let form = [("email", "org@example.org"), ("password", PASSWORD)];
    let r = client
        .post(servers[0].url("/admin/login"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "signed in");
    let preview = client
        .get(servers[1].url("/admin/rounds/preview?all=yes"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        preview.status(),
        200,
        "the session works on another process"
    );
    let page = preview.text().await.unwrap();
    let csrf = hidden_value(&page, "csrf_token");
    let drawn = client
        .post(servers[1].url("/admin/rounds/drafts"))
        .form(&[("csrf_token", csrf.as_str()), ("all", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(drawn.status(), 303, "a draft");
    let draft = drawn.headers()["location"].to_str().unwrap().to_owned();
    let send_form = vec![("csrf_token", csrf), ("force", "yes".to_owned())];
    let press = |server: &Server| {
        let request = client
            .post(server.url(&format!("{draft}/send")))
            .form(&send_form);
        async move { request.send().await.unwrap() }
    };
    let (a, b) = tokio::join!(press(&servers[0]), press(&servers[2]));
    let shown: Vec<String> = [a, b]
        .iter()
        .map(|r| {
            assert_eq!(r.status(), 303);
            let location = r.headers()["location"].to_str().unwrap();
            location.trim_end_matches("?ran=1").to_owned()
        })
        .collect();
    assert_eq!(shown[0], shown[1], "both presses show the one round");
    assert_eq!(db.round_keys().len(), 2, "one round for the form");

    until(WAIT_SECS, "the second round's introductions", db, |db| {
        db.count("outbox WHERE status <> 'sent'") == 0
    })
    .await;
    let received = smtp.received();
    assert_each_arrived_once(&received, db.count("outbox"));
    let intros = per_person(&received);
    for i in 0..PEOPLE {
        let n = intros.get(&(address(i), "intro".to_owned()));
        assert_eq!(n, Some(&2), "{}: one introduction per round", address(i));
    }
}

fn add_organiser(site: &Site) {
    let hash = unmentoring::admin::password::hash(PASSWORD).unwrap();
    let mut c = db::connection(&site.database()).unwrap();
    let now = unmentoring::clock::Clock::system().now();
    let added = db::organisers::add(&mut c, "org@example.org", "org@example.org", &hash, now);
    assert!(added.unwrap());
}

/// The value of the hidden field `name` in a page.
fn hidden_value(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).expect(name) + marker.len();
    let end = page[start..].find('"').unwrap() + start;
    page[start..end].to_owned()
}
