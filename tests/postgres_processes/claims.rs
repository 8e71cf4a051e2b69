//! Delivery workers claiming from one outbox at the same moment.

use std::collections::HashSet;
use std::sync::mpsc;
use std::time::Duration;

use chrono::NaiveDateTime;
use unmentoring::clock::Clock;
use unmentoring::db::{self, outbox, Pool};
use unmentoring::domain::EmailKind;

use super::fresh_pool;

/// `n` queued test emails.
fn queue(pool: &Pool, n: usize, now: NaiveDateTime) {
    let emails: Vec<outbox::NewEmail> = (0..n)
        .map(|i| outbox::NewEmail {
            kind: EmailKind::Test,
            participant_id: None,
            to_name: format!("Person {i}"),
            to_address: format!("person{i}@example.org"),
            reply_to: "[]".into(),
            subject: "Hello".into(),
            body_text: "Hello".into(),
            body_html: "<p>Hello</p>".into(),
            message_id: format!("<{i}.claims@example.org>"),
            round_id: None,
            calendar: None,
            draft: None,
        })
        .collect();
    let mut conn = pool.get().unwrap();
    db::transaction(&mut conn, |c| outbox::enqueue_all(c, &emails, now)).unwrap();
}

fn ids(emails: &[outbox::QueuedEmail]) -> HashSet<i64> {
    emails.iter().map(|e| e.id).collect()
}

#[test]
fn a_claim_passes_over_what_another_worker_is_claiming_and_does_not_wait_for_it() {
    let pool = fresh_pool(3);
    let now = Clock::system().now();
    let hold_until = now + chrono::Duration::minutes(2);
    queue(&pool, 10, now);

    let mut first = pool.get().unwrap();
    let (first_claimed, second_claimed) = db::transaction(&mut first, |c| {
        // The first worker has claimed four, and has not committed yet.
        let first_claimed = outbox::claim_due(c, now, hold_until, 4)?;
        let (done, finished) = mpsc::channel();
        let second_pool = pool.clone();
        std::thread::spawn(move || {
            let mut c = second_pool.get().unwrap();
            let _ = done.send(outbox::claim_due(&mut c, now, hold_until, 10).unwrap());
        });
        // A generous bound: a claim that waited for the first one would
        // wait until the first commits, which it does only after this.
        let second_claimed = finished
            .recv_timeout(Duration::from_secs(30))
            .expect("the second claim did not wait for the first");
        Ok((first_claimed, second_claimed))
    })
    .unwrap();

    assert_eq!(first_claimed.len(), 4);
    assert_eq!(second_claimed.len(), 6, "the second worker takes the rest");
    assert!(ids(&first_claimed).is_disjoint(&ids(&second_claimed)));
    let mut c = pool.get().unwrap();
    let left = outbox::claim_due(&mut c, now, hold_until, 10).unwrap();
    assert!(left.is_empty(), "all ten are held: {:?}", ids(&left));
}

#[test]
fn workers_claiming_at_once_never_get_the_same_message() {
    const EMAILS: usize = 400;
    const WORKERS: usize = 4;
    let pool = fresh_pool(WORKERS as u32);
    let now = Clock::system().now();
    queue(&pool, EMAILS, now);
    let hold_until = now + chrono::Duration::minutes(2);

    let start = std::sync::Arc::new(std::sync::Barrier::new(WORKERS));
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (pool, start) = (pool.clone(), start.clone());
            std::thread::spawn(move || {
                let mut c = pool.get().unwrap();
                start.wait();
                let mut taken = Vec::new();
                loop {
                    let batch = outbox::claim_due(&mut c, now, hold_until, 7).unwrap();
                    if batch.is_empty() {
                        return taken;
                    }
                    for email in batch {
                        let hold = email.hold().unwrap();
                        assert!(outbox::mark_sent_held(&mut c, &hold, now).unwrap());
                        taken.push(email.id);
                    }
                }
            })
        })
        .collect();
    let taken: Vec<i64> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();

    let distinct: HashSet<i64> = taken.iter().copied().collect();
    assert_eq!(taken.len(), EMAILS, "each message claimed once");
    assert_eq!(distinct.len(), EMAILS);
    let mut c = pool.get().unwrap();
    let counts = outbox::counts(&mut c).unwrap();
    assert_eq!(
        counts.get(&outbox::OutboxStatus::Sent),
        Some(&(EMAILS as i64))
    );
}
