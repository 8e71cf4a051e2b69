//! Signups through the real HTTP server, against the disk's own ceiling.
//!
//! For each engine (SQLite always; PostgreSQL when `UNMENTORING_BENCH_POSTGRES`
//! names a server, as `postgres://USER:PASSWORD@HOST:PORT/DB` of a role that
//! may create databases):
//!
//! 1. the ceiling: one connection with the service's own settings commits one
//!    row per transaction in a loop, on the same disk;
//! 2. `POST /signup` with 16, then 64, clients at once, each sending its next
//!    signup as soon as the last is answered, against a fresh database.
//!
//! Targets, for SQLite (issue 12): signups per second ≥ 50 % of the loop's
//! commits per second, and a p99 latency ≤ 100 ms with 64 clients. The
//! delivery worker is left out, so that what is measured is the signup itself.
//! PostgreSQL's figures depend on the server's own settings (`.ci/postgres`
//! runs one with `fsync = off`), so they have no target here.
//!
//! `cargo bench --bench signup`; `SIGNUP_BENCH_SECONDS` sets how long each
//! measurement lasts (default 5).

use std::path::Path;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use unmentoring::clock::Clock;
use unmentoring::configuration::{self, Settings, TransportKind};
use unmentoring::db::{self, AnyConnection, DatabaseUrl};
use unmentoring::email::Mailer;
use unmentoring::startup::Application;

const CLIENTS: [usize; 2] = [16, 64];

fn main() {
    let seconds = std::env::var("SIGNUP_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let length = Duration::from_secs(seconds);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mail = dir.path().join("mail");
    println!("Signups through the HTTP server, {seconds} s per measurement.");
    println!("Load on this machine at the start: {}", load_average());
    let sqlite = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    runtime.block_on(measure_engine("SQLite", length, &mail, sqlite));
    match std::env::var("UNMENTORING_BENCH_POSTGRES") {
        Ok(server) => {
            let mut made = Vec::new();
            let postgres = |name: &str| {
                let url = fresh_postgres_database(&server, name);
                made.push(name.to_owned());
                url
            };
            runtime.block_on(measure_engine("PostgreSQL", length, &mail, postgres));
            drop_postgres_databases(&server, &made);
        }
        Err(_) => println!("\nPostgreSQL: skipped (UNMENTORING_BENCH_POSTGRES is not set)."),
    }
}

async fn measure_engine(
    engine: &str,
    length: Duration,
    mail: &Path,
    mut database: impl FnMut(&str) -> String,
) {
    let ceiling = bare_commits_per_second(&database("bare"), length);
    println!("\n{engine}");
    println!("  bare loop, one row per commit: {ceiling:>8.0} commits/s");
    for clients in CLIENTS {
        let url = database(&format!("signups{clients}"));
        let run = signups(&url, mail, clients, length).await;
        let share = 100.0 * run.per_second / ceiling;
        println!(
            "  {clients:>2} clients: {:>8.0} signups/s ({share:>3.0} % of the loop), \
             p50 {:>6.1} ms, p99 {:>6.1} ms, slowest {:>6.1} ms, {} signups",
            run.per_second,
            millis(run.p50),
            millis(run.p99),
            millis(run.slowest),
            run.count
        );
        if clients == 64 && engine == "SQLite" {
            let met = share >= 50.0 && run.p99 <= Duration::from_millis(100);
            println!(
                "  targets (≥ 50 %, p99 ≤ 100 ms at 64 clients): {}",
                if met { "met" } else { "NOT met" }
            );
        }
    }
}

/// Commits one small row per transaction, as fast as one connection can,
/// with the settings every connection of the service has.
fn bare_commits_per_second(url: &str, length: Duration) -> f64 {
    let mut conn = db::connection(url).unwrap();
    let begin = match conn {
        AnyConnection::Sqlite(_) => "BEGIN IMMEDIATE;",
        AnyConnection::Postgres(_) => "BEGIN;",
    };
    conn.batch_execute("CREATE TABLE bare (id BIGINT PRIMARY KEY, name TEXT NOT NULL);")
        .unwrap();
    let start = Instant::now();
    let mut commits = 0u64;
    while start.elapsed() < length {
        conn.batch_execute(&format!(
            "{begin} INSERT INTO bare (id, name) VALUES ({commits}, 'Person {commits}'); COMMIT;"
        ))
        .unwrap();
        commits += 1;
    }
    commits as f64 / start.elapsed().as_secs_f64()
}

struct Run {
    count: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
    slowest: Duration,
}

/// `clients` clients signing up, each one after another, for `length`.
async fn signups(url: &str, mail: &Path, clients: usize, length: Duration) -> Run {
    let settings = settings(url, mail);
    let mailer = Mailer::from_settings(&settings.email).unwrap();
    let mut app = Application::build_with(settings, mailer, Clock::system())
        .await
        .unwrap();
    let address = format!("http://127.0.0.1:{}/signup", app.port());
    drop(app.take_delivery_worker());
    let server = tokio::spawn(app.run_until_stopped());
    let start = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| tokio::spawn(one_client(address.clone(), client, start + length)))
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = start.elapsed();
    server.abort();
    latencies.sort();
    let at = |share: f64| {
        latencies[((latencies.len() as f64 * share) as usize).min(latencies.len() - 1)]
    };
    Run {
        count: latencies.len(),
        per_second: latencies.len() as f64 / elapsed.as_secs_f64(),
        p50: at(0.50),
        p99: at(0.99),
        slowest: *latencies.last().unwrap(),
    }
}

/// Signs up one new person after another until `until`; the time each took.
async fn one_client(address: String, client: usize, until: Instant) -> Vec<Duration> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut latencies = Vec::new();
    let mut n = 0;
    while Instant::now() < until {
        n += 1;
        let form = signup_form(&format!("client{client}.person{n}@example.org"));
        let sent = Instant::now();
        let response = http.post(&address).form(&form).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 303, "a signup was not accepted");
        latencies.push(sent.elapsed());
    }
    latencies
}

fn signup_form(email: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", "Jo Bloggs".into()),
        ("email", email.into()),
        ("phone", "01632 960 001".into()),
        ("organisation", "Leeds City Council".into()),
        ("skype", "jo.bloggs".into()),
        ("topics", "Open data and user research".into()),
        ("cadence", "monthly".into()),
        ("consent", "yes".into()),
        ("share_phone", "yes".into()),
    ]
}

fn settings(url: &str, mail: &Path) -> Settings {
    let mut settings = configuration::load(Path::new("/nonexistent"), None).unwrap();
    settings.server.port = 0;
    settings.database.url = DatabaseUrl::parse(url).unwrap();
    settings.email.transport = TransportKind::File;
    settings.email.file_dir = mail.to_owned();
    settings.schedule.enabled = false;
    settings
}

/// A new database on the PostgreSQL server for one measurement.
fn fresh_postgres_database(server: &str, name: &str) -> String {
    let database = format!("bench_signup_{}_{name}", std::process::id());
    let mut admin = db::connection(server).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {database}"))
        .unwrap();
    let (base, _) = server.rsplit_once('/').expect("a URL ending in /DATABASE");
    format!("{base}/{database}")
}

fn drop_postgres_databases(server: &str, names: &[String]) {
    let mut admin = db::connection(server).unwrap();
    for name in names {
        let database = format!("bench_signup_{}_{name}", std::process::id());
        let dropped =
            admin.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
        if let Err(e) = dropped {
            eprintln!("could not drop {database}: {e}");
        }
    }
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
