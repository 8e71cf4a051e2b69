//! A big write on SQLite (`db::big_transaction`, a round): its connection
//! gets a page cache to hold it and leaves the checkpoint to the writer
//! thread, which copies the WAL into the main file once idle. The
//! connection is set back afterwards, whatever happened.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use unmentoring::db::{self, organisers, AnyConnection};

fn at() -> NaiveDateTime {
    NaiveDateTime::parse_from_str("2026-11-01 09:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
}

#[derive(QueryableByName)]
struct CacheSize {
    #[diesel(sql_type = BigInt)]
    cache_size: i64,
}

#[derive(QueryableByName)]
struct AutoCheckpoint {
    #[diesel(sql_type = BigInt)]
    wal_autocheckpoint: i64,
}

/// The connection's page cache (negative: in KiB) and the WAL size, in
/// pages, at which its commits checkpoint (0: never).
fn settings(conn: &mut AnyConnection) -> (i64, i64) {
    let AnyConnection::Sqlite(sqlite) = conn else {
        panic!("a SQLite connection")
    };
    let cache = diesel::sql_query("PRAGMA cache_size")
        .get_result::<CacheSize>(sqlite)
        .unwrap();
    let checkpoint = diesel::sql_query("PRAGMA wal_autocheckpoint")
        .get_result::<AutoCheckpoint>(sqlite)
        .unwrap();
    (cache.cache_size, checkpoint.wal_autocheckpoint)
}

#[test]
fn a_big_transaction_sets_its_connection_back_even_when_it_fails() {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(dir.path().join("big.db"), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let defaults = settings(&mut conn);
    assert_eq!(defaults, (-2000, 1000), "SQLite's defaults");

    let failed: anyhow::Result<()> = db::big_transaction(&mut conn, |c| {
        assert_eq!(
            settings(c),
            (-65536, 0),
            "a big cache; no checkpoint at commit"
        );
        organisers::add(c, "a@example.org", "a@example.org", "$argon2id$x", at())?;
        anyhow::bail!("something went wrong")
    });

    assert!(failed.is_err());
    assert_eq!(settings(&mut conn), defaults);
    assert!(
        organisers::list(&mut conn).unwrap().is_empty(),
        "rolled back"
    );
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).unwrap().len()
}

#[test]
fn the_writer_checkpoints_what_a_big_transaction_left_in_the_wal_and_empties_it_once_idle() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    let pool = db::connect(&path, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let before = size(&path);
    // About 6 MB: well past the 1,000 pages at which a commit would
    // otherwise checkpoint by itself.
    let long_hash = "x".repeat(1_200);
    db::big_transaction(&mut conn, |c| {
        for i in 0..5_000 {
            let email = format!("organiser{i}@example.org");
            organisers::add(c, &email, &email, &long_hash, at())?;
        }
        Ok(())
    })
    .unwrap();
    drop(conn);

    // Nothing else writes: only the writer thread can checkpoint now.
    let deadline = Instant::now() + Duration::from_secs(60);
    while size(&path) < before + 5_000_000 {
        assert!(
            Instant::now() < deadline,
            "the main file never took in the WAL ({} bytes)",
            size(&path)
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // And the WAL is emptied, so no old version of a page lingers in it.
    let wal = path.with_extension("db-wal");
    while std::fs::metadata(&wal).map_or(0, |m| m.len()) > 0 {
        assert!(Instant::now() < deadline, "the WAL was never emptied");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut conn = pool.get().unwrap();
    assert_eq!(organisers::list(&mut conn).unwrap().len(), 5_000);
}
