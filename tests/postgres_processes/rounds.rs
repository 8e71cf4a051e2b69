//! Two runs of one round key at the same moment, as two processes' schedulers
//! reach the same slot, or two presses of one "Run this round" form reach two
//! processes.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use unmentoring::clock::Clock;
use unmentoring::configuration::{self, Settings};
use unmentoring::db::participants::{self, Source};
use unmentoring::db::{self, Pool};
use unmentoring::domain::{Cadence, ParticipantEmail, ValidProfile};
use unmentoring::email::Composer;
use unmentoring::services::round_runner::{self as runner, RoundOptions, RoundOutcome, Trigger};

use super::fresh_pool;

fn settings() -> Settings {
    configuration::load(std::path::Path::new("/nonexistent"), None).unwrap()
}

pub fn add_people(pool: &Pool, n: usize) {
    let now = Clock::system().now();
    let mut c = pool.get().unwrap();
    for i in 0..n {
        let profile = ValidProfile {
            name: format!("Person {i}"),
            email: Some(ParticipantEmail::parse(&format!("person{i}@example.org")).unwrap()),
            phone: "01632 960 001".into(),
            organisation: format!("Council {i}"),
            google_id: None,
            skype: None,
            topics: None,
            cadence: Cadence::Monthly,
            share_phone: true,
        };
        participants::insert_confirmed(&mut c, &profile, Source::Signup, now).unwrap();
    }
}

fn count(pool: &Pool, table: &str) -> i64 {
    let mut c = pool.get().unwrap();
    diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT count(*) FROM {table}"))
        .get_result(&mut c)
        .unwrap()
}

#[derive(QueryableByName)]
struct Waiting {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    sessions: i64,
}

/// Waits (a generous bound) until some session of this database waits for a lock.
fn until_one_waits_for_a_lock(pool: &Pool) {
    let mut c = pool.get().unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let waiting: Waiting = diesel::sql_query(
            "SELECT count(*) AS sessions FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result(&mut c)
        .unwrap();
        if waiting.sessions > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the second run never reached the round's key"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_runs_of_one_round_key_at_the_same_moment_make_one_round() {
    let pool = fresh_pool(3);
    add_people(&pool, 6);
    let settings = settings();
    let composer = Composer::new(&settings);
    let options = RoundOptions {
        key: "manual:one-press".into(),
        trigger: Trigger::Manual,
        include_all: true,
        force: false,
        odd_one_out: settings.pairing.odd_one_out,
        group_size: settings.pairing.group_size,
        matched_share: settings.experiment.matched_share,
        followup_after_days: settings.followup.after_days,
    };
    let now = Clock::system().now();

    // The first run has stored its round but not committed it when the
    // second starts: the second finds no round with the key, pairs everyone
    // and tries to store its own.
    let mut first = pool.get().unwrap();
    let mut second = None;
    let first_outcome = db::transaction(&mut first, |c| {
        let outcome = runner::run(c, &composer, &options, now)?;
        if second.is_none() {
            let (other, composer, options) = (pool.clone(), composer.clone(), options.clone());
            second = Some(std::thread::spawn(move || {
                let mut c = other.get().unwrap();
                runner::run(&mut c, &composer, &options, now)
            }));
            until_one_waits_for_a_lock(&pool);
        }
        Ok(outcome)
    })
    .unwrap();
    let second_outcome = second.unwrap().join().unwrap();

    let RoundOutcome::Ran { round, .. } = first_outcome else {
        panic!("the first run makes the round: {first_outcome:?}");
    };
    match second_outcome {
        Ok(RoundOutcome::AlreadyRan(existing)) => assert_eq!(existing.id, round.id),
        other => panic!("the second run finds the round made: {other:?}"),
    }
    assert_eq!(count(&pool, "rounds"), 1);
    assert_eq!(count(&pool, "group_members"), 6);
    assert_eq!(count(&pool, "outbox"), 6, "one introduction each");
}
