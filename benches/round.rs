//! A whole round for 10,000 due participants: loading them and their history,
//! pairing, storing the groups and queueing 10,000 introduction emails, in one
//! transaction. Target: under 0.5 s on SQLite.
//!
//! On SQLite every iteration runs on a fresh copy of a template file. When
//! `UNMENTORING_BENCH_POSTGRES` holds the URL of a PostgreSQL server whose
//! role may create databases, the same round runs on PostgreSQL too, each
//! iteration on a fresh copy of a template database (`CREATE DATABASE …
//! TEMPLATE …`); every database the bench made is dropped at the end.
//!
//! The round runs at a fixed time, a month after the last past round, and
//! everyone answered their past follow-ups: so all 10,000 are due and none is
//! paused as silent (the ghost rule), whatever day the bench is run.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use unmentoring::configuration::{self, OddOneOutSetting};
use unmentoring::db::schema::{followup_answers, group_members, participants, rounds};
use unmentoring::db::{self, AnyConnection, DatabaseUrl, Pool};
use unmentoring::email::Composer;
use unmentoring::services::round_runner::{self, RoundOptions, RoundOutcome, Trigger};

const PEOPLE: usize = 10_000;
const PAST_ROUNDS: usize = 5;
/// When the past rounds ran (the first of each month, January to May), and
/// when the measured round runs: 31 days after the last, so monthly people are due.
const PAST_ROUND_TIME: &str = "09:00:00";
const LAST_ROUND_AT: &str = "2026-05-01 09:00:00";
const NOW: &str = "2026-06-01 09:00:00";
/// Rows per INSERT while building the template: at most a dozen values a
/// row, so a statement binds fewer than 30,000.
const ROWS_PER_INSERT: usize = 2_000;
/// The server the PostgreSQL case runs on; without it the case is skipped.
const POSTGRES_VAR: &str = "UNMENTORING_BENCH_POSTGRES";

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// Runs a multi-row insert on the connection's own engine: diesel builds
/// those for one engine at a time.
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(ROWS_PER_INSERT) {
            let insert = diesel::insert_into($table).values(chunk);
            match &mut *$conn {
                AnyConnection::Sqlite(c) => insert.execute(c),
                AnyConnection::Postgres(c) => insert.execute(c),
            }
            .expect("the template data is stored");
        }
    };
}

/// Fills an empty, migrated database with PEOPLE participants, all due at
/// [`NOW`], who have had PAST_ROUNDS rounds and answered every follow-up.
/// Written with diesel's DSL, so that it is the same data on either engine.
fn fill(conn: &mut AnyConnection) {
    let people = add_people(conn);
    for r in 1..=PAST_ROUNDS {
        let started = at(&format!("2026-0{r}-01 {PAST_ROUND_TIME}"));
        let round_id = add_past_round(conn, r, started, &people);
        // Everyone answered, a week after the round: nobody is silent.
        let members: Vec<i64> = group_members::table
            .filter(group_members::round_id.eq(round_id))
            .select(group_members::id)
            .load(conn)
            .unwrap();
        let answered = started + chrono::Duration::days(7);
        let answers: Vec<_> = members
            .iter()
            .map(|&member| {
                (
                    followup_answers::group_member_id.eq(member),
                    followup_answers::met.eq("yes"),
                    followup_answers::publish.eq(false),
                    followup_answers::answered_at.eq(answered),
                    followup_answers::updated_at.eq(answered),
                )
            })
            .collect();
        insert_rows!(conn, followup_answers::table, answers);
    }
}

/// The participants; returns their ids in the order they were added.
fn add_people(conn: &mut AnyConnection) -> Vec<i64> {
    let joined = at("2026-01-01 00:00:00");
    let last_round = at(LAST_ROUND_AT);
    let rows: Vec<_> = (0..PEOPLE)
        .map(|i| {
            let email = format!("p{i}@example.org");
            (
                participants::status.eq("active"),
                participants::name.eq(format!("Person {i}")),
                participants::email.eq(email.clone()),
                participants::email_key.eq(email),
                participants::phone.eq("01632 960 001"),
                participants::organisation.eq(format!("Council {}", i % 20)),
                participants::cadence.eq("monthly"),
                participants::consent_at.eq(joined),
                participants::created_at.eq(joined),
                participants::updated_at.eq(joined),
                participants::confirmed_at.eq(joined),
                participants::last_round_at.eq(last_round),
            )
        })
        .collect();
    insert_rows!(conn, participants::table, rows);
    participants::table
        .order(participants::id)
        .select(participants::id)
        .load(conn)
        .unwrap()
}

/// Past round `r`, pairing person i with person (i + 1 + 14r) in a simple
/// rotation, so that the history is real; returns its id.
fn add_past_round(
    conn: &mut AnyConnection,
    r: usize,
    started: NaiveDateTime,
    people: &[i64],
) -> i64 {
    let groups = i32::try_from(PEOPLE / 2).unwrap();
    let round_id: i64 = diesel::insert_into(rounds::table)
        .values((
            rounds::round_key.eq(format!("past:{r}")),
            rounds::trigger.eq("manual"),
            rounds::seed.eq(i64::try_from(r).unwrap()),
            rounds::include_all.eq(false),
            rounds::odd_one_out.eq("trio"),
            rounds::started_at.eq(started),
            rounds::people_due.eq(i32::try_from(PEOPLE).unwrap()),
            rounds::groups_count.eq(groups),
            rounds::trios.eq(0),
            rounds::sat_out.eq(0),
            rounds::forced_repeats.eq(0),
            rounds::same_organisation_pairs.eq(0),
        ))
        .returning(rounds::id)
        .get_result(conn)
        .unwrap();
    let members: Vec<_> = (0..PEOPLE)
        .step_by(2)
        .flat_map(|i| {
            let partner = (i + 1 + 2 * r * 7) % PEOPLE;
            let group = i32::try_from(i).unwrap();
            [people[i], people[partner]].map(|person| {
                (
                    group_members::round_id.eq(round_id),
                    group_members::group_number.eq(group),
                    group_members::participant_id.eq(person),
                )
            })
        })
        .collect();
    insert_rows!(conn, group_members::table, members);
    round_id
}

/// Runs the measured round on `pool`; returns the pool, so that closing its
/// connection (which may tidy the database's files) is not measured.
fn run_round(pool: Pool, composer: &Composer) -> Pool {
    let mut conn = pool.get().unwrap();
    let options = RoundOptions {
        key: "bench".into(),
        trigger: Trigger::Manual,
        include_all: false,
        force: true,
        odd_one_out: OddOneOutSetting::Trio,
        group_size: 2,
        matched_share: 0.0,
        followup_after_days: 14,
    };
    match round_runner::run(&mut conn, composer, &options, at(NOW)).unwrap() {
        RoundOutcome::Ran { plan, .. } => {
            assert_eq!(plan.stats.people_due, PEOPLE, "everyone is due")
        }
        other => panic!("the round did not run: {other:?}"),
    }
    drop(conn);
    pool
}

fn composer() -> Composer {
    let mut settings = configuration::load(Path::new("/nonexistent"), None).unwrap();
    settings.schedule.enabled = false;
    Composer::new(&settings)
}

/// The SQLite template: built once, then copied for every iteration.
fn sqlite_template(dir: &Path) -> PathBuf {
    let path = dir.join("template.db");
    let pool = db::connect(&path, 1).unwrap();
    let mut conn = pool.get().unwrap();
    db::transaction(&mut conn, |conn| {
        fill(conn);
        Ok(())
    })
    .unwrap();
    conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    path
}

fn on_sqlite(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let template = sqlite_template(dir.path());
    let composer = composer();
    let mut copies = 0;
    let mut group = c.benchmark_group("round");
    group.sample_size(10);
    group.bench_function("whole round, 10,000 due, SQLite", |b| {
        b.iter_batched(
            || {
                // The last iteration's copy is done with: its space is freed.
                remove_sqlite_copy(&dir.path().join(format!("copy{copies}.db")));
                copies += 1;
                let copy = dir.path().join(format!("copy{copies}.db"));
                std::fs::copy(&template, &copy).unwrap();
                db::connect(&copy, 1).unwrap()
            },
            |pool| run_round(pool, &composer),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn remove_sqlite_copy(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

fn on_postgres(c: &mut Criterion) {
    let Ok(server) = std::env::var(POSTGRES_VAR) else {
        println!("round: the PostgreSQL case was skipped because {POSTGRES_VAR} is unset");
        return;
    };
    let mut databases = Databases::new(&server);
    let template = databases.template(|url| {
        let pool = db::connect(url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        db::transaction(&mut conn, |conn| {
            fill(conn);
            Ok(())
        })
        .unwrap();
    });
    let composer = composer();
    let mut group = c.benchmark_group("round");
    group.sample_size(10);
    group.bench_function("whole round, 10,000 due, PostgreSQL", |b| {
        b.iter_batched(
            || {
                databases.drop_copies();
                let url: DatabaseUrl = databases.copy_of(&template);
                db::connect(&url, 1).unwrap()
            },
            |pool| run_round(pool, &composer),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

/// The databases the PostgreSQL case makes on the server: a template, and a
/// copy of it for each iteration. All are dropped when this is.
struct Databases {
    server: url::Url,
    admin: PgConnection,
    /// Names made in this run start with it, so that two runs never clash.
    prefix: String,
    made: usize,
    copies: Vec<String>,
    template: Option<String>,
}

impl Databases {
    fn new(server: &str) -> Self {
        let server =
            url::Url::parse(server).unwrap_or_else(|e| panic!("{POSTGRES_VAR} is not a URL: {e}"));
        let admin = PgConnection::establish(server.as_str())
            .unwrap_or_else(|e| panic!("could not connect to {POSTGRES_VAR}: {e}"));
        Self {
            server,
            admin,
            prefix: format!("bench_round_{}", std::process::id()),
            made: 0,
            copies: Vec::new(),
            template: None,
        }
    }

    fn url_of(&self, name: &str) -> DatabaseUrl {
        let mut url = self.server.clone();
        url.set_path(name);
        DatabaseUrl::parse(url.as_str()).unwrap()
    }

    /// Makes the template database and fills it with `fill`; returns its name.
    fn template(&mut self, fill: impl FnOnce(&DatabaseUrl)) -> String {
        let name = format!("{}_template", self.prefix);
        self.admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        self.template = Some(name.clone());
        fill(&self.url_of(&name));
        name
    }

    /// A new database copied from `template` (which nobody may be connected to).
    fn copy_of(&mut self, template: &str) -> DatabaseUrl {
        self.made += 1;
        let name = format!("{}_{}", self.prefix, self.made);
        self.admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .unwrap();
        self.copies.push(name.clone());
        self.url_of(&name)
    }

    /// Drops the copies made so far.
    fn drop_copies(&mut self) {
        for name in std::mem::take(&mut self.copies) {
            self.drop_database(&name);
        }
    }

    fn drop_database(&mut self, name: &str) {
        if let Err(e) = self
            .admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        {
            eprintln!("round: could not drop the bench database {name}: {e}");
        }
    }
}

impl Drop for Databases {
    fn drop(&mut self) {
        self.drop_copies();
        if let Some(template) = self.template.take() {
            self.drop_database(&template);
        }
    }
}

criterion_group!(benches, on_sqlite, on_postgres);
criterion_main!(benches);
