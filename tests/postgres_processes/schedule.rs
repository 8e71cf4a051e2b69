//! A scheduled round that fails is tried again: with every process's
//! scheduler reaching the same slot, one that gave up at its first failure
//! could leave the slot without a round when all of them failed at once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeZone;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use unmentoring::clock::Clock;
use unmentoring::configuration;
use unmentoring::email::Composer;
use unmentoring::health::Heartbeat;
use unmentoring::services::scheduler::{slot_key, Scheduler};

use super::fresh_pool;
use super::rounds::add_people;

/// Every first try to store a round fails, as a database that is restarting
/// or clashing at every try would make it fail. A sequence counts the tries:
/// it is not rolled back with the failed transaction.
const FAIL_THE_FIRST_TRY: &str = "
    CREATE SEQUENCE round_tries;
    CREATE FUNCTION fail_the_first_try() RETURNS trigger AS $$
    BEGIN
        IF nextval('round_tries') = 1 THEN
            RAISE EXCEPTION 'the database is not available';
        END IF;
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER fail_the_first_try BEFORE INSERT ON rounds
        FOR EACH ROW EXECUTE FUNCTION fail_the_first_try();";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_round_that_failed_is_tried_again() {
    let pool = fresh_pool(2);
    add_people(&pool, 4);
    pool.get()
        .unwrap()
        .batch_execute(FAIL_THE_FIRST_TRY)
        .unwrap();
    let settings = configuration::load(std::path::Path::new("/nonexistent"), None).unwrap();
    // Monday 23 November 2026, 09:30 in London: the 09:00 slot was missed
    // a moment ago, so the scheduler runs it as it starts.
    let slot = chrono::Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    let scheduler = Scheduler {
        pool: pool.clone(),
        composer: Composer::new(&settings),
        settings: settings.schedule.clone(),
        odd_one_out: settings.pairing.odd_one_out,
        group_size: settings.pairing.group_size,
        matched_share: settings.experiment.matched_share,
        followup_after_days: settings.followup.after_days,
        outbox_wake: Arc::default(),
        clock: Clock::manual(slot + chrono::Duration::minutes(30)),
        heartbeat: Heartbeat::new("the round scheduler", Duration::from_secs(300)),
    };
    let running = tokio::spawn(scheduler.run_until_stopped());

    let keys = tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mut c = pool.get().unwrap();
            let keys: Vec<String> =
                diesel::dsl::sql::<diesel::sql_types::Text>("SELECT round_key FROM rounds")
                    .load(&mut c)
                    .unwrap();
            if !keys.is_empty() || Instant::now() > deadline {
                return keys;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .unwrap();
    running.abort();
    assert_eq!(
        keys,
        [slot_key(slot)],
        "the slot's round, at the second try"
    );
}
