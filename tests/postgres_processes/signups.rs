//! Many signups at the same moment, as processes behind a load balancer
//! receive them: each is stored once, and each address gets one email.

use std::sync::{Arc, Barrier};

use chrono::Duration;
use diesel::prelude::*;
use unmentoring::clock::Clock;
use unmentoring::configuration;
use unmentoring::db::{self, Isolation, Pool};
use unmentoring::domain::{Availability, Cadence, ParticipantEmail, ValidProfile};
use unmentoring::email::Composer;
use unmentoring::services::registration::register;

use super::fresh_pool;

const ADDRESSES: usize = 16;
const TIMES_EACH: usize = 4;

fn profile(i: usize) -> ValidProfile {
    ValidProfile {
        name: format!("Person {i}"),
        email: Some(ParticipantEmail::parse(&format!("person{i}@example.org")).unwrap()),
        phone: "01632 960 001".into(),
        organisation: "Leeds City Council".into(),
        google_id: None,
        skype: None,
        topics: None,
        cadence: Cadence::Monthly,
        share_phone: true,
    }
}

fn count(pool: &Pool, sql: &str) -> i64 {
    diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT count(*) FROM {sql}"))
        .get_result(&mut pool.get().unwrap())
        .unwrap()
}

#[test]
fn the_same_addresses_signing_up_many_times_at_once_are_stored_and_emailed_once() {
    let pool = fresh_pool(ADDRESSES as u32 * TIMES_EACH as u32);
    let settings = configuration::load(std::path::Path::new("/nonexistent"), None).unwrap();
    let composer = Composer::new(&settings);
    let now = Clock::system().now();
    let start = Arc::new(Barrier::new(ADDRESSES * TIMES_EACH));
    let signups: Vec<_> = (0..ADDRESSES * TIMES_EACH)
        .map(|n| {
            let (pool, composer, start) = (pool.clone(), composer.clone(), start.clone());
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                let profile = profile(n % ADDRESSES);
                start.wait();
                db::transaction_with(&mut conn, Isolation::ReadCommitted, |conn| {
                    let signup = (&profile, Availability::default());
                    register(conn, &composer, signup, now, Duration::minutes(10))
                })
            })
        })
        .collect();
    for (n, signup) in signups.into_iter().enumerate() {
        let outcome = signup.join().unwrap();
        assert!(outcome.is_ok(), "signup {n}: {outcome:?}");
    }
    assert_eq!(count(&pool, "participants"), ADDRESSES as i64);
    assert_eq!(
        count(&pool, "outbox WHERE kind = 'confirm'"),
        ADDRESSES as i64,
        "one confirmation per address: the repeats within ten minutes send nothing"
    );
}
