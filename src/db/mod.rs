//! The SQLite database: connection pool, pragmas, migrations, and the one helper
//! that runs blocking diesel code off the async runtime.

pub mod admin_participants;
pub mod admin_rounds;
pub mod followups;
pub mod learning_log;
pub mod organisers;
pub mod outbox;
pub mod participants;
pub mod pending_signups;
pub mod report;
pub mod rounds;
pub mod schema;
pub mod tokens;
pub mod transfer;

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool as R2d2Pool};
use diesel::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub type Pool = R2d2Pool<ConnectionManager<SqliteConnection>>;
pub type Conn = SqliteConnection;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT_MS: u32 = 30_000;

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        // busy_timeout first, so that switching to WAL waits for other connections too.
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens (creating it and its folder if needed) the SQLite file and migrates it.
pub fn connect(path: &Path, pool_size: u32) -> anyhow::Result<Pool> {
    let pool = open(path, pool_size)?;
    migrate(&pool)?;
    Ok(pool)
}

/// Opens (creating it and its folder if needed) the SQLite file as it is.
pub fn open(path: &Path, pool_size: u32) -> anyhow::Result<Pool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create the folder {}", dir.display()))?;
    }
    let manager = ConnectionManager::<SqliteConnection>::new(path.to_string_lossy());
    let pool = R2d2Pool::builder()
        .max_size(pool_size)
        .connection_timeout(Duration::from_secs(30))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .with_context(|| format!("could not open the database {}", path.display()))?;
    Ok(pool)
}

/// Applies every migration not yet applied; returns how many ran.
pub fn migrate(pool: &Pool) -> anyhow::Result<usize> {
    let mut conn = pool.get().context("no database connection")?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
    Ok(applied.len())
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

/// Like [`run`], inside one IMMEDIATE transaction: the write lock is taken at
/// the start, so concurrent writers queue instead of failing.
pub async fn write<T, F>(pool: &Pool, work: F) -> anyhow::Result<T>
where
    F: FnOnce(&mut Conn) -> anyhow::Result<T> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| conn.immediate_transaction(work)).await
}
