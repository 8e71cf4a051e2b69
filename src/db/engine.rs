//! The two engines behind one connection type: SQLite (embedded, the default)
//! and PostgreSQL. Queries are written once against [`AnyConnection`]; the few
//! places where the engines' SQL differs match on it.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{HandleError, ManageConnection, Pool as R2d2Pool, R2D2Connection};

use super::pool::Pool;
use super::writer::Writer;
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::url::{DatabaseUrl, Engine};

/// A connection to either engine.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl AnyConnection {
    pub fn engine(&self) -> Engine {
        match self {
            AnyConnection::Sqlite(_) => Engine::Sqlite,
            AnyConnection::Postgres(_) => Engine::Postgres,
        }
    }

    /// Opens one connection, to the engine the URL names (never guessing from
    /// whether some engine accepts it: SQLite would make a file of any text).
    pub fn open(url: &DatabaseUrl) -> anyhow::Result<Self> {
        let conn = match url {
            DatabaseUrl::Sqlite(_) => {
                let mut conn = SqliteConnection::establish(&url.expose())
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                sqlite_pragmas(&mut conn)?;
                AnyConnection::Sqlite(conn)
            }
            DatabaseUrl::Postgres(_) => AnyConnection::Postgres(
                // libpq's own message names the host, never the password.
                PgConnection::establish(&url.expose()).map_err(|e| anyhow::anyhow!("{e}"))?,
            ),
        };
        Ok(conn)
    }
}

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// How long a SQLite connection waits for another writer before giving up.
pub(super) const BUSY_TIMEOUT_MS: u32 = 30_000;

/// Set on every SQLite connection. The busy timeout comes first, so that
/// nothing after it can fail at once because another connection is busy. The
/// journal mode is not here: it is stored in the file, and set once by
/// `prepare_sqlite`; switching it on every connection made connections opened
/// at the same moment on a new file fail with "database is locked".
fn sqlite_pragmas(conn: &mut SqliteConnection) -> anyhow::Result<()> {
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;"
    ))?;
    Ok(())
}

/// Opens connections for the pool, to the engine of its URL.
pub struct Manager {
    url: DatabaseUrl,
}

impl ManageConnection for Manager {
    type Connection = AnyConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, Self::Error> {
        AnyConnection::open(&self.url).map_err(|e| {
            diesel::r2d2::Error::ConnectionError(ConnectionError::BadConnection(e.to_string()))
        })
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut AnyConnection) -> bool {
        conn.is_broken()
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

/// Opens (for SQLite, creating the file and its folder if needed) the
/// database as it is. An unusable database fails at once, with one error
/// naming it (without a password).
pub fn open(url: &DatabaseUrl, pool_size: u32) -> anyhow::Result<Pool> {
    if let DatabaseUrl::Sqlite(path) = url {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("could not create the folder {}", dir.display()))?;
        }
    }
    // One connection of its own first: the pool would retry a broken
    // database for 30 seconds, logging every try.
    let mut first =
        AnyConnection::open(url).with_context(|| format!("could not open the database {url}"))?;
    if let AnyConnection::Sqlite(conn) = &mut first {
        prepare_sqlite(conn).with_context(|| format!("could not open the database {url}"))?;
    }
    drop(first);
    let connections = R2d2Pool::builder()
        .max_size(pool_size)
        .connection_timeout(Duration::from_secs(30))
        .error_handler(Box::new(QuietErrors::default()))
        .build(Manager { url: url.clone() })
        .with_context(|| format!("could not open the database {url}"))?;
    let writer = match url.engine() {
        Engine::Sqlite => Some(Writer::start(url)?),
        Engine::Postgres => None,
    };
    Ok(Pool::new(connections, writer))
}

/// Switches a SQLite file to WAL (write-ahead logging) once, and checks that
/// it can be written.
fn prepare_sqlite(conn: &mut SqliteConnection) -> anyhow::Result<()> {
    let mode = switch_to_wal(conn).map_err(|e| anyhow::anyhow!("{e}"))?;
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

/// The advisory lock held while migrating PostgreSQL (any fixed number).
const MIGRATION_LOCK: i64 = 0x756e_6d65_6e74;

/// Applies every migration of the connection's engine not yet applied;
/// returns how many ran.
pub fn migrate_connection(conn: &mut AnyConnection) -> anyhow::Result<usize> {
    let applied = match conn {
        AnyConnection::Sqlite(conn) => conn
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len()),
        AnyConnection::Postgres(conn) => {
            // Several processes may start at once: one migrates, the others
            // wait for it and then find nothing left to do.
            conn.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
            let applied = conn
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len());
            conn.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"))?;
            applied
        }
    }
    .map_err(|e| anyhow::anyhow!("database migration failed: {e}"))?;
    Ok(applied)
}
