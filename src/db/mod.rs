//! The SQLite database: connection pool, pragmas, migrations, and the one helper
//! that runs blocking diesel code off the async runtime.
//!
//! Each module holds the queries of one table (or of a table and the tables
//! that only belong to it: `rounds` has the groups, `followups` the shared
//! links), whichever page or command uses them. Enum columns are typed: see
//! `sql_enums`.
//!
//! **Transactions belong to the caller.** Functions in these modules never
//! open a transaction of their own: they run on the connection they are given.
//! Whoever puts several of them together into one change opens the
//! transaction around them: a handler with [`write`] (an IMMEDIATE
//! transaction), or an application service in `crate::services` with
//! `conn.immediate_transaction`. So one change is one transaction, however
//! many functions it calls, and a function is never half a change.

pub mod bounces;
pub mod email_changes;
pub mod followups;
pub mod meetings;
pub mod organisers;
pub mod outbox;
pub mod participants;
pub mod pending_signups;
pub mod rematches;
pub mod rounds;
pub mod schema;
mod sql_enums;
pub mod tokens;

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, HandleError, Pool as R2d2Pool};
use diesel::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub type Pool = R2d2Pool<ConnectionManager<SqliteConnection>>;
pub type Conn = SqliteConnection;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT_MS: u32 = 30_000;

/// Set on every connection the pool opens. The busy timeout comes first, so
/// that nothing after it can fail at once because another connection is busy.
/// The journal mode is not here: it is stored in the file, and set once by
/// [`prepare`]; switching it on every connection made connections opened at
/// the same moment on a new file fail with "database is locked".
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Logs the pool's failures to open a connection at most once a minute:
/// the pool retries every fraction of a second, and one line says it all.
#[derive(Debug, Default)]
struct QuietErrors {
    last_logged: Mutex<Option<Instant>>,
}

impl HandleError<diesel::r2d2::Error> for QuietErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        let mut last = self.last_logged.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
            *last = Some(Instant::now());
            tracing::error!(error = %error, "could not open a database connection");
        }
    }
}

/// Opens (creating it and its folder if needed) the SQLite file and migrates it.
pub fn connect(path: &Path, pool_size: u32) -> anyhow::Result<Pool> {
    let pool = open(path, pool_size)?;
    migrate(&pool)?;
    Ok(pool)
}

/// Opens (creating it and its folder if needed) the SQLite file as it is.
/// An unusable file (not a database, read-only, a folder) fails at once, with
/// one error naming the file.
pub fn open(path: &Path, pool_size: u32) -> anyhow::Result<Pool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("could not create the folder {}", dir.display()))?;
    }
    prepare(path).with_context(|| format!("could not open the database {}", path.display()))?;
    let manager = ConnectionManager::<SqliteConnection>::new(path.to_string_lossy());
    let pool = R2d2Pool::builder()
        .max_size(pool_size)
        .connection_timeout(Duration::from_secs(30))
        .connection_customizer(Box::new(SqlitePragmas))
        .error_handler(Box::new(QuietErrors::default()))
        .build(manager)
        .with_context(|| format!("could not open the database {}", path.display()))?;
    Ok(pool)
}

/// Checks the file with one connection of its own before any pool opens
/// more, and switches it to WAL (write-ahead logging) once: the pool would
/// retry a broken file for 30 seconds, logging every try.
fn prepare(path: &Path) -> anyhow::Result<()> {
    let mut conn =
        SqliteConnection::establish(&path.to_string_lossy()).map_err(|e| anyhow::anyhow!("{e}"))?;
    conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))?;
    let mode = switch_to_wal(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    if !mode.eq_ignore_ascii_case("wal") {
        anyhow::bail!("it cannot use write-ahead logging (journal mode {mode})");
    }
    // A write lock, taken and given back: a read-only file fails here.
    conn.batch_execute("BEGIN IMMEDIATE; COMMIT;")
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

/// Sets the journal mode to WAL; returns the mode the file is in after.
///
/// While another connection holds the write lock of a file not yet in WAL
/// mode (another process switching a new file, say), SQLite fails the switch
/// at once instead of waiting the busy timeout, so this waits it here.
fn switch_to_wal(conn: &mut SqliteConnection) -> QueryResult<String> {
    let give_up = Instant::now() + Duration::from_millis(BUSY_TIMEOUT_MS.into());
    loop {
        let switched =
            diesel::sql_query("PRAGMA journal_mode = WAL").get_result::<JournalMode>(conn);
        match switched {
            Err(e) if e.to_string().contains("database is locked") && Instant::now() < give_up => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.map(|m| m.journal_mode),
        }
    }
}

#[derive(QueryableByName)]
struct JournalMode {
    #[diesel(sql_type = diesel::sql_types::Text)]
    journal_mode: String,
}

/// Applies every migration not yet applied; returns how many ran.
pub fn migrate(pool: &Pool) -> anyhow::Result<usize> {
    let mut conn = pool.get().context("no database connection")?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
    Ok(applied.len())
}

/// Whether the database answers a read within `within`, for `/healthz`:
/// reading the schema needs the file's read lock, so a file locked or gone
/// bad fails here, and the short wait keeps the check cheap.
pub async fn check(pool: &Pool, within: Duration) -> anyhow::Result<()> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get_timeout(within).context("no database connection")?;
        let millis = within.as_millis();
        conn.batch_execute(&format!("PRAGMA busy_timeout = {millis};"))?;
        let read = conn.batch_execute("SELECT count(*) FROM sqlite_master;");
        conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))?;
        Ok(read?)
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

/// Like [`run`], inside one IMMEDIATE transaction: the write lock is taken at
/// the start, so concurrent writers queue instead of failing.
pub async fn write<T, F>(pool: &Pool, work: F) -> anyhow::Result<T>
where
    F: FnOnce(&mut Conn) -> anyhow::Result<T> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| conn.immediate_transaction(work)).await
}

/// Opens and migrates the database named in the settings, off the async runtime.
pub async fn open_database(settings: &crate::configuration::Settings) -> anyhow::Result<Pool> {
    let path = settings.database.url.clone();
    let size = settings.database.pool_size;
    tokio::task::spawn_blocking(move || connect(&path, size))
        .await
        .context("opening the database panicked")?
}
