//! Write transactions, one way on each engine.
//!
//! - **SQLite** takes the write lock at the start (`BEGIN IMMEDIATE`), so
//!   concurrent writers queue instead of failing half-way.
//! - **PostgreSQL** runs write transactions SERIALIZABLE unless the caller
//!   asks for less ([`Isolation`]): whatever the code read stays true until it
//!   commits, across every process. That is what "one round per schedule
//!   slot" and "one confirmation per link" need when several processes share
//!   the database. A signup needs less (see `services::registration`), and
//!   runs READ COMMITTED, so that many at once do not make each other fail.
//!   A transaction that clashed
//!   with another is rolled back by PostgreSQL and tried again here from the
//!   start, which is why the work is `FnMut`: it must not depend on having
//!   run once.

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel::Connection;
use rand::RngExt;

use super::engine::AnyConnection;

/// How many times a clashing PostgreSQL transaction is tried in all.
const MOST_TRIES: u32 = 10;

/// How strictly a PostgreSQL write transaction is kept apart from the others
/// running at the same time. (SQLite has one writer at a time: every write is
/// as strict as can be.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    /// Whatever the transaction read stays true until it commits, whatever
    /// other processes do: the default.
    Serializable,
    /// Each statement sees what others had committed when it started. For a
    /// write whose guarantee rests on a unique index or a row lock, not on
    /// what it read: it then never fails because of unrelated transactions
    /// that touched nearby rows, which under SERIALIZABLE many concurrent
    /// inserts into one table do. A unique index it breaks because another
    /// transaction got there first is a clash: the work is run again, and
    /// finds the other's row.
    ReadCommitted,
}

/// Runs `work` in one write transaction and commits it; rolls it back if
/// `work` fails. Inside another transaction it is a savepoint of that one.
pub fn transaction<T>(
    conn: &mut AnyConnection,
    work: impl FnMut(&mut AnyConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    transaction_with(conn, Isolation::Serializable, work)
}

/// Like [`transaction`], at the given isolation on PostgreSQL.
pub fn transaction_with<T>(
    conn: &mut AnyConnection,
    isolation: Isolation,
    mut work: impl FnMut(&mut AnyConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    if in_transaction(conn)? {
        return conn.transaction(|conn| work(conn));
    }
    let mut tries = 1;
    loop {
        match once(conn, isolation, &mut work) {
            Err(e) if tries < MOST_TRIES && is_clash(&e, isolation) => {
                tracing::debug!(
                    tries,
                    "a write transaction clashed with another; trying again"
                );
                pause_before_retry(tries);
                tries += 1;
            }
            outcome => return outcome,
        }
    }
}

fn once<T>(
    conn: &mut AnyConnection,
    isolation: Isolation,
    work: &mut impl FnMut(&mut AnyConnection) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    begin(conn, isolation)?;
    let outcome = work(conn).and_then(|value| {
        <AnyConnection as Connection>::TransactionManager::commit_transaction(conn)?;
        Ok(value)
    });
    if outcome.is_err() && in_transaction(conn)? {
        // The error that matters is the first one; a failed rollback leaves
        // the connection marked broken, and the pool drops it.
        let _ = <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn);
    }
    outcome
}

fn begin(conn: &mut AnyConnection, isolation: Isolation) -> diesel::QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(conn) => {
            AnsiTransactionManager::begin_transaction_sql(conn, "BEGIN IMMEDIATE")
        }
        AnyConnection::Postgres(conn) => {
            let sql = match isolation {
                Isolation::Serializable => "BEGIN ISOLATION LEVEL SERIALIZABLE",
                Isolation::ReadCommitted => "BEGIN ISOLATION LEVEL READ COMMITTED",
            };
            AnsiTransactionManager::begin_transaction_sql(conn, sql)
        }
    }
}

fn in_transaction(conn: &mut AnyConnection) -> diesel::QueryResult<bool> {
    let status =
        <AnyConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn);
    Ok(status.transaction_depth()?.is_some())
}

/// Whether PostgreSQL gave up the transaction because of another one (a
/// serialization failure, or a deadlock; at READ COMMITTED, a unique index
/// another transaction filled first), so that trying again can succeed.
pub fn is_clash(error: &anyhow::Error, isolation: Isolation) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<DieselError>(),
            Some(DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _))
        ) || (isolation == Isolation::ReadCommitted
            && matches!(
                cause.downcast_ref::<DieselError>(),
                Some(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _))
            ))
            || matches!(
            cause.downcast_ref::<DieselError>(),
            Some(DieselError::DatabaseError(_, info)) if info.message().contains("deadlock detected")
        )
    })
}

/// A short random wait, growing with each try, so that two transactions
/// that clashed do not clash again at once.
fn pause_before_retry(tries: u32) {
    let most = 5u64 << tries.min(6);
    let millis = rand::rng().random_range(1..=most);
    std::thread::sleep(Duration::from_millis(millis));
}
