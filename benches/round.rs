//! A whole round for 10,000 due participants: loading them and their history
//! from SQLite, pairing, storing the groups and queueing 10,000 introduction
//! emails, in one transaction. Target: under 1 s.
//!
//! The round runs at a fixed time, a month after the last past round, and
//! everyone answered their past follow-ups: so all 10,000 are due and none is
//! paused as silent (the ghost rule), whatever day the bench is run.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use diesel::connection::SimpleConnection;
use unmentoring::configuration::{self, OddOneOutSetting};
use unmentoring::db;
use unmentoring::email::Composer;
use unmentoring::services::round_runner::{self as rounds, RoundOptions, RoundOutcome, Trigger};

const PEOPLE: usize = 10_000;
const PAST_ROUNDS: usize = 5;
/// When the past rounds ran (the first of each month, January to May), and
/// when the measured round runs: 31 days after the last, so monthly people are due.
const PAST_ROUND_TIME: &str = "09:00:00";
const LAST_ROUND_AT: &str = "2026-05-01 09:00:00";
const NOW: &str = "2026-06-01 09:00:00";

/// A database with PEOPLE participants, all due at [`NOW`], who have had
/// PAST_ROUNDS rounds and answered every follow-up.
fn template(dir: &Path) -> PathBuf {
    let path = dir.join("template.db");
    let pool = db::connect(&path, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let mut sql = String::from("BEGIN;");
    for i in 0..PEOPLE {
        sql.push_str(&format!(
            "INSERT INTO participants (status, name, email, email_key, phone, organisation, cadence, consent_at, created_at, updated_at, confirmed_at, last_round_at)
             VALUES ('active', 'Person {i}', 'p{i}@example.org', 'p{i}@example.org', '01632 960 001', 'Council {}', 'monthly',
                     '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '{LAST_ROUND_AT}');",
            i % 20
        ));
    }
    for r in 1..=PAST_ROUNDS {
        sql.push_str(&format!(
            "INSERT INTO rounds (round_key, trigger, seed, include_all, odd_one_out, started_at, people_due, groups_count, trios, sat_out, forced_repeats, same_organisation_pairs)
             VALUES ('past:{r}', 'manual', {r}, 0, 'trio', '2026-0{r}-01 {PAST_ROUND_TIME}', {PEOPLE}, {}, 0, 0, 0, 0);",
            PEOPLE / 2
        ));
        // Pair person i with person (i + r * 7) in a simple rotation, so the history is real.
        for i in (0..PEOPLE).step_by(2) {
            let partner = (i + 1 + 2 * r * 7) % PEOPLE;
            sql.push_str(&format!(
                "INSERT OR IGNORE INTO group_members (round_id, group_number, participant_id) VALUES ({r}, {i}, {});
                 INSERT OR IGNORE INTO group_members (round_id, group_number, participant_id) VALUES ({r}, {i}, {});",
                i + 1,
                partner + 1
            ));
        }
    }
    // Everyone answered, a week after each round: nobody is silent.
    sql.push_str(
        "INSERT INTO followup_answers (group_member_id, met, publish, answered_at, updated_at)
         SELECT gm.id, 'yes', 0, datetime(r.started_at, '+7 days'), datetime(r.started_at, '+7 days')
         FROM group_members gm JOIN rounds r ON r.id = gm.round_id;",
    );
    sql.push_str("COMMIT; PRAGMA wal_checkpoint(TRUNCATE);");
    conn.batch_execute(&sql).unwrap();
    path
}

fn whole_round(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let template = template(dir.path());
    let mut settings = configuration::load(Path::new("/nonexistent"), None).unwrap();
    settings.schedule.enabled = false;
    let composer = Composer::new(&settings);
    let now = NaiveDateTime::parse_from_str(NOW, "%Y-%m-%d %H:%M:%S").unwrap();
    let mut group = c.benchmark_group("round");
    group.sample_size(10);
    let mut copies = 0;
    group.bench_function("whole round, 10,000 due", |b| {
        b.iter_batched(
            || {
                copies += 1;
                let copy = dir.path().join(format!("copy{copies}.db"));
                std::fs::copy(&template, &copy).unwrap();
                db::connect(&copy, 1).unwrap()
            },
            |pool| {
                let mut conn = pool.get().unwrap();
                let options = RoundOptions {
                    key: "bench".into(),
                    trigger: Trigger::Manual,
                    include_all: false,
                    force: true,
                    odd_one_out: OddOneOutSetting::Trio,
                    followup_after_days: 14,
                };
                let outcome = rounds::run(&mut conn, &composer, &options, now).unwrap();
                match outcome {
                    RoundOutcome::Ran { plan, .. } => {
                        assert_eq!(plan.stats.people_due, PEOPLE, "everyone is due")
                    }
                    other => panic!("the round did not run: {other:?}"),
                }
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, whole_round);
criterion_main!(benches);
