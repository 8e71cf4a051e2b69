//! SQLite's one writer (`db::write`): writes that queue up are committed
//! together, yet each keeps its own outcome. A write that fails or panics
//! leaves no trace, and takes nothing of the others with it.

use std::sync::mpsc;
use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use futures_util::future::join_all;
use unmentoring::db::{self, organisers, Pool};

fn at() -> NaiveDateTime {
    NaiveDateTime::parse_from_str("2026-11-01 09:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
}

fn pool(dir: &tempfile::TempDir) -> Pool {
    db::connect(dir.path().join("writes.db"), 4).unwrap()
}

/// Adds an organiser with this address, through the writer.
async fn add(pool: &Pool, email: String) -> anyhow::Result<bool> {
    db::write(pool, move |conn| {
        organisers::add(conn, &email, &email, "$argon2id$x", at())
    })
    .await
}

/// The addresses stored, read by a connection of its own (not the writer's,
/// nor the pool's): what is there is committed.
fn stored(dir: &tempfile::TempDir) -> Vec<String> {
    let path = dir.path().join("writes.db");
    let mut conn = db::connection(&path.to_string_lossy()).unwrap();
    let mut found: Vec<String> = organisers::list(&mut conn)
        .unwrap()
        .into_iter()
        .map(|o| o.email)
        .collect();
    found.sort();
    found
}

/// A write that holds the writer until `release` is sent, so that what is
/// queued behind it meanwhile is committed together.
async fn hold_the_writer(pool: &Pool, release: mpsc::Receiver<()>) {
    db::write(pool, move |_| {
        // Run again if a write committed with it panicked: released already.
        match release.recv_timeout(Duration::from_secs(60)) {
            Ok(()) | Err(mpsc::RecvTimeoutError::Disconnected) => Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => anyhow::bail!("never released"),
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_queued_together_each_keep_their_own_outcome() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir);
    let (release, held) = mpsc::channel();
    let holder = hold_the_writer(&pool, held);
    // join_all polls each future once, in order, before any second poll: every
    // write below is queued before the holder is released.
    let writes = (0..30).map(|i| {
        let pool = pool.clone();
        async move {
            db::write(&pool, move |conn| {
                let email = format!("person{i}@example.org");
                organisers::add(conn, &email, &email, "$argon2id$x", at())?;
                match i % 10 {
                    3 => anyhow::bail!("write {i} failed after its insert"),
                    7 => panic!("write {i} panicked after its insert"),
                    _ => Ok(i),
                }
            })
            .await
        }
    });
    let release_after_queueing = async move { release.send(()).unwrap() };
    let (_, outcomes, ()) = tokio::join!(holder, join_all(writes), release_after_queueing);

    for (i, outcome) in outcomes.iter().enumerate() {
        match i % 10 {
            3 => assert!(
                format!("{:#}", outcome.as_ref().unwrap_err()).contains("failed after its insert"),
                "{outcome:?}"
            ),
            7 => assert!(
                format!("{:#}", outcome.as_ref().unwrap_err()).contains("panicked"),
                "{outcome:?}"
            ),
            _ => assert_eq!(*outcome.as_ref().unwrap(), i),
        }
    }
    let mut expected: Vec<String> = (0..30)
        .filter(|i| i % 10 != 3 && i % 10 != 7)
        .map(|i| format!("person{i}@example.org"))
        .collect();
    expected.sort();
    assert_eq!(stored(&dir), expected, "each kept write once, no other");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_writers_at_once_are_all_committed() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir);
    let writes = (0..300).map(|i| {
        let pool = pool.clone();
        tokio::spawn(async move { add(&pool, format!("person{i}@example.org")).await })
    });
    let answered: Vec<_> = join_all(writes).await;
    assert!(answered
        .iter()
        .all(|a| *a.as_ref().unwrap().as_ref().unwrap()));
    assert_eq!(stored(&dir).len(), 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answered_write_is_visible_to_every_other_connection() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir);
    for i in 0..20 {
        let email = format!("person{i}@example.org");
        assert!(add(&pool, email.clone()).await.unwrap());
        assert!(
            stored(&dir).contains(&email),
            "{email} not committed when answered"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_that_breaks_a_rule_is_refused_alone() {
    let dir = tempfile::tempdir().unwrap();
    let pool = pool(&dir);
    let (release, held) = mpsc::channel();
    let holder = hold_the_writer(&pool, held);
    // The same address twice in one commit: the second breaks the unique
    // index, and only it is refused.
    let first = add(&pool, "same@example.org".into());
    let second = db::write(&pool, |conn| {
        diesel::sql_query(
            "INSERT INTO organisers (email, email_key, password_hash, created_at) \
             VALUES ('same@example.org', 'same@example.org', 'x', '2026-11-01 09:00:00')",
        )
        .execute(conn)
        .map_err(anyhow::Error::from)
    });
    let other = add(&pool, "other@example.org".into());
    let release_after_queueing = async move { release.send(()).unwrap() };
    let (_, first, second, other, ()) =
        tokio::join!(holder, first, second, other, release_after_queueing);
    assert!(first.unwrap());
    assert!(format!("{:#}", second.unwrap_err()).contains("UNIQUE"));
    assert!(other.unwrap());
    assert_eq!(stored(&dir), ["other@example.org", "same@example.org"]);
}

#[test]
fn the_writer_uses_the_file_it_was_opened_on_only() {
    // Two databases, two writers: a write to one never lands in the other.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let (pool_a, pool_b) = (pool(&a), pool(&b));
        add(&pool_a, "a@example.org".into()).await.unwrap();
        add(&pool_b, "b@example.org".into()).await.unwrap();
    });
    assert_eq!(stored(&a), ["a@example.org"]);
    assert_eq!(stored(&b), ["b@example.org"]);
    let count: i64 = {
        let path = a.path().join("writes.db");
        let mut conn = db::connection(&path.to_string_lossy()).unwrap();
        unmentoring::db::schema::organisers::table
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(count, 1);
}
