//! A transaction that writes thousands of rows at once (a round).
//!
//! On SQLite two settings of the connection get in its way, and are changed
//! for it alone:
//! - the page cache (2 MB by default) fills up part-way, and SQLite then
//!   writes changed pages to the WAL early and reads them back to change them
//!   again; so the cache is made large enough to hold the whole transaction;
//! - the commit that takes the WAL past 1,000 pages copies them all into the
//!   main file before it returns (a checkpoint); the writer thread does that
//!   instead, once idle (see `db::writer`), so the round's commit returns as
//!   soon as its data is safe in the WAL.
//!
//! Both are set back afterwards, whatever happened: the connection goes back
//! to the pool as it was.

use diesel::connection::SimpleConnection;

use super::engine::AnyConnection;
use super::transaction::transaction;

/// The page cache for a big transaction, in KiB (SQLite's negative form):
/// a round of 10,000 changes about 30 MB of pages.
const BIG_CACHE_KIB: i64 = 64 * 1024;

/// SQLite's defaults, which every connection otherwise has.
const DEFAULT_CACHE_KIB: i64 = 2_000;
const DEFAULT_AUTOCHECKPOINT_PAGES: i64 = 1_000;

/// Like [`transaction`], with the connection set for a big write (above).
pub fn big_transaction<T>(
    conn: &mut AnyConnection,
    work: impl FnMut(&mut AnyConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let AnyConnection::Sqlite(sqlite) = conn else {
        return transaction(conn, work);
    };
    sqlite.batch_execute(&format!(
        "PRAGMA cache_size = -{BIG_CACHE_KIB}; PRAGMA wal_autocheckpoint = 0;"
    ))?;
    let outcome = transaction(conn, work);
    let restored = match conn {
        AnyConnection::Sqlite(sqlite) => sqlite.batch_execute(&format!(
            "PRAGMA cache_size = -{DEFAULT_CACHE_KIB}; \
             PRAGMA wal_autocheckpoint = {DEFAULT_AUTOCHECKPOINT_PAGES};"
        )),
        AnyConnection::Postgres(_) => Ok(()),
    };
    let value = outcome?;
    restored?;
    Ok(value)
}
