//! The hourly jobs run in every `serve` process. Follow-up reminders queued
//! by several processes at the same moment go out once per person.

use std::sync::{Arc, Barrier};

use chrono::{Duration, Utc};
use diesel::prelude::*;
use tokio::sync::Notify;
use unmentoring::clock::Clock;
use unmentoring::configuration;
use unmentoring::db::{self, Pool};
use unmentoring::email::Composer;
use unmentoring::services::housekeeping::Jobs;
use unmentoring::services::round_runner::{self as runner, RoundOptions, RoundOutcome, Trigger};

use super::rounds::add_people;

const PEOPLE: usize = 10;
const PROCESSES: usize = 4;

fn outbox_rows(pool: &Pool, kind: &str) -> i64 {
    use unmentoring::db::schema::outbox;
    outbox::table
        .filter(outbox::kind.eq(kind))
        .count()
        .get_result(&mut pool.get().unwrap())
        .unwrap()
}

#[test]
fn reminders_queued_by_several_processes_at_once_go_out_once_each() {
    let url = db::DatabaseUrl::parse(&super::common::database::fresh_postgres()).unwrap();
    let pool = db::connect(url.clone(), 2).unwrap();
    add_people(&pool, PEOPLE);
    let settings = configuration::load(std::path::Path::new("/nonexistent"), None).unwrap();
    let composer = Composer::new(&settings);
    let round_at = Utc::now();
    let options = RoundOptions {
        key: "manual:reminders".into(),
        trigger: Trigger::Manual,
        include_all: true,
        force: true,
        odd_one_out: settings.pairing.odd_one_out,
        group_size: settings.pairing.group_size,
        matched_share: settings.experiment.matched_share,
        followup_after_days: settings.followup.after_days,
    };
    let ran = runner::run(
        &mut pool.get().unwrap(),
        &composer,
        &options,
        round_at.naive_utc(),
    );
    assert!(matches!(ran, Ok(RoundOutcome::Ran { .. })), "{ran:?}");

    // The follow-up is due: every process's hourly job finds it at once.
    let due_at = round_at + Duration::days(i64::from(settings.followup.after_days) + 1);
    let start = Arc::new(Barrier::new(PROCESSES));
    let processes: Vec<_> = (0..PROCESSES)
        .map(|_| {
            let (start, mut settings, url) = (start.clone(), settings.clone(), url.clone());
            std::thread::spawn(move || {
                settings.database.url = url.clone();
                let runtime = tokio::runtime::Runtime::new().unwrap();
                runtime.block_on(async move {
                    let own_pool = db::connect(url, 2).unwrap();
                    let jobs = Jobs::new(
                        own_pool,
                        settings,
                        Arc::new(Notify::new()),
                        Clock::manual(due_at),
                    );
                    start.wait();
                    jobs.send_reminders().await.unwrap()
                })
            })
        })
        .collect();
    let queued: usize = processes.into_iter().map(|p| p.join().unwrap()).sum();

    assert_eq!(queued, PEOPLE, "one reminder per person in all");
    assert_eq!(outbox_rows(&pool, "followup"), PEOPLE as i64);
}
