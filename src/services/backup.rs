//! `unmentoring db backup FILE` on SQLite: a consistent copy of the database
//! in one new file, taken while `serve` may be writing to it.

use std::fs::File;
use std::path::Path;

use anyhow::Context;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::{AnyConnection, Conn};

/// Why no backup was written.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("{0} already exists: a backup never overwrites a file, so give a new name")]
    FileExists(String),
    #[error("the file name {0} cannot be given to SQLite: it is not valid UTF-8")]
    NotUtf8(String),
    #[error("only a SQLite database can be backed up this way")]
    NotSqlite,
}

/// Writes a copy of the SQLite database `conn` is open on into `file`, which
/// must not exist yet; returns the copy's size in bytes.
///
/// `VACUUM INTO` reads the database in one read transaction, so the copy is
/// one consistent moment of it even while other connections write (it does
/// not block them, in WAL mode). The copy is a whole database in one file,
/// with no write-ahead log beside it.
#[tracing::instrument(skip_all)]
pub fn sqlite(conn: &mut Conn, file: &Path) -> anyhow::Result<u64> {
    let AnyConnection::Sqlite(conn) = conn else {
        return Err(Refused::NotSqlite.into());
    };
    let shown = file.display().to_string();
    // `symlink_metadata`: a link pointing nowhere is a name in use too.
    if std::fs::symlink_metadata(file).is_ok() {
        return Err(Refused::FileExists(shown).into());
    }
    let name = file.to_str().ok_or(Refused::NotUtf8(shown.clone()))?;
    if let Some(folder) = file.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("could not create the folder {}", folder.display()))?;
    }
    // The name is bound, never pasted into the SQL, so no quote in it matters.
    // SQLite itself refuses a file that appeared meanwhile with data in it.
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(name)
        .execute(conn)
        .with_context(|| format!("could not write the backup {shown}"))?;
    make_durable(file).with_context(|| format!("could not save the backup {shown} to disk"))
}

/// SQLite does not sync the file `VACUUM INTO` writes: done here, with its
/// folder (which now names it), so that the backup survives a power cut.
fn make_durable(file: &Path) -> std::io::Result<u64> {
    let written = File::open(file)?;
    written.sync_all()?;
    let folder = match file.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    // Opening a folder to sync it works on Unix; elsewhere it is not needed.
    if cfg!(unix) {
        File::open(folder)?.sync_all()?;
    }
    Ok(written.metadata()?.len())
}
