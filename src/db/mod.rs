//! The database, on SQLite or PostgreSQL: the connection pool, migrations,
//! and the helpers that run blocking diesel code off the async runtime.
//!
//! Each module holds the queries of one table (or of a table and the tables
//! that only belong to it: `rounds` has the groups, `followups` the shared
//! links), whichever page or command uses them. Enum columns are typed: see
//! `sql_enums`.
//!
//! **Transactions belong to the caller.** Functions in these modules never
//! open a transaction of their own: they run on the connection they are given.
//! Whoever puts several of them together into one change opens the
//! transaction around them: a handler with [`write`], or an application
//! service in `crate::services` with [`transaction`]. So one change is one transaction, however
//! many functions it calls, and a function is never half a change.

pub mod bounces;
pub mod concerns;
pub mod email_changes;
pub mod experiment;
pub mod followups;
pub mod meetings;
pub mod never_pairs;
pub mod organisation_names;
pub mod organiser_invites;
pub mod organisers;
pub mod outbox;
pub mod participants;
pub mod pending_signups;
pub mod rematches;
pub mod round_drafts;
pub mod rounds;
pub mod schema;
mod sql_enums;
pub mod tokens;
pub mod unsubscribe_links;

/// Runs `$body` with `$c` bound to the engine's own connection, so that the
/// body is compiled once for each engine. For the few statements diesel can
/// only build for one engine at a time: batch inserts, upserts and inserts
/// that return rows.
macro_rules! per_engine {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::db::AnyConnection::Sqlite($c) => $body,
            $crate::db::AnyConnection::Postgres($c) => $body,
        }
    };
}
pub(crate) use per_engine;

mod big_transaction;
mod engine;
mod pool;
mod transaction;
mod url;
mod writer;

use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;

pub use big_transaction::big_transaction;
pub use engine::{AnyConnection, Manager, MultiBackend, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
pub use pool::Pool;
pub use transaction::{transaction, transaction_with, Isolation};
pub use url::{DatabaseUrl, Engine};

/// A connection to the configured database, whichever engine.
pub type Conn = AnyConnection;

/// Opens (creating a SQLite file and its folder if needed) the database and
/// migrates it.
pub fn connect(url: impl Into<DatabaseUrl>, pool_size: u32) -> anyhow::Result<Pool> {
    let pool = open(url, pool_size)?;
    migrate(&pool)?;
    Ok(pool)
}

/// Opens the database as it is, checked with one connection first.
pub fn open(url: impl Into<DatabaseUrl>, pool_size: u32) -> anyhow::Result<Pool> {
    engine::open(&url.into(), pool_size)
}

/// One connection of its own, outside any pool, to the database at `url`
/// (a file path or a PostgreSQL URL): for commands and tests.
pub fn connection(url: &str) -> anyhow::Result<AnyConnection> {
    let url = DatabaseUrl::parse(url).map_err(|e| anyhow::anyhow!("database.url: {e}"))?;
    AnyConnection::open(&url).with_context(|| format!("could not open the database {url}"))
}

/// Applies every migration not yet applied; returns how many ran.
pub fn migrate(pool: &Pool) -> anyhow::Result<usize> {
    let mut conn = pool.get().context("no database connection")?;
    engine::migrate_connection(&mut conn)
}

/// Whether the database answers a read within `within`, for `/healthz`. On
/// SQLite, reading the schema needs the file's read lock, so a file locked
/// or gone bad fails here; the short wait keeps the check cheap.
pub async fn check(pool: &Pool, within: Duration) -> anyhow::Result<()> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get_timeout(within).context("no database connection")?;
        match &mut *conn {
            AnyConnection::Sqlite(conn) => {
                let millis = within.as_millis();
                conn.batch_execute(&format!("PRAGMA busy_timeout = {millis};"))?;
                let read = conn.batch_execute("SELECT count(*) FROM sqlite_master;");
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {};",
                    engine::BUSY_TIMEOUT_MS
                ))?;
                Ok(read?)
            }
            AnyConnection::Postgres(conn) => {
                let millis = within.as_millis();
                conn.batch_execute(&format!(
                    "SET statement_timeout = {millis}; SELECT count(*) FROM participants; RESET statement_timeout;"
                ))?;
                Ok(())
            }
        }
    })
    .await
    .context("the database check panicked")?
}

/// Runs blocking database work on the blocking thread pool, inside the caller's span.
pub async fn run<T, F>(pool: &Pool, work: F) -> anyhow::Result<T>
where
    F: FnOnce(&mut Conn) -> anyhow::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        span.in_scope(|| {
            let mut conn = pool.get().context("no database connection")?;
            work(&mut conn)
        })
    })
    .await
    .context("database task panicked")?
}

/// Runs `work` in one write transaction and returns once it is committed.
/// On SQLite it queues for the one writer (see `writer`), which may commit
/// it together with other writes; on PostgreSQL it runs on a pooled
/// connection, SERIALIZABLE, tried again from the start if it clashed with
/// another transaction.
pub async fn write<T, F>(pool: &Pool, work: F) -> anyhow::Result<T>
where
    F: FnMut(&mut Conn) -> anyhow::Result<T> + Send + 'static,
    T: Send + 'static,
{
    write_with(pool, Isolation::Serializable, work).await
}

/// Like [`write`], at the given isolation on PostgreSQL (see [`Isolation`]).
pub async fn write_with<T, F>(pool: &Pool, isolation: Isolation, work: F) -> anyhow::Result<T>
where
    F: FnMut(&mut Conn) -> anyhow::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match pool.writer() {
        Some(writer) => writer.write(work).await,
        None => run(pool, move |conn| transaction_with(conn, isolation, work)).await,
    }
}

/// Opens and migrates the database named in the settings, off the async runtime.
pub async fn open_database(settings: &crate::configuration::Settings) -> anyhow::Result<Pool> {
    let url = settings.database.url.clone();
    let size = settings.database.pool_size;
    tokio::task::spawn_blocking(move || connect(url, size))
        .await
        .context("opening the database panicked")?
}
