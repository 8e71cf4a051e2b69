//! `unmentoring db copy --to URL` and `unmentoring db backup FILE`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

use crate::configuration::Settings;
use crate::db::{self, DatabaseUrl};
use crate::services::backup::{self, Refused};
use crate::services::copy::{self, Counted, NotEmpty};

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy everything in the database into another, empty database.
    ///
    /// The other database may be SQLite or PostgreSQL, whichever this one
    /// is. It is created if need be and brought up to date first. A database
    /// that already holds any data is refused, and nothing is written to it.
    /// The copy is taken from one moment of this database, so `serve` may keep
    /// running, and is written in one transaction. Afterwards the number of
    /// rows in each table is compared; the exit status is 0 only if they all
    /// match.
    Copy {
        /// The database to copy into: a file path (SQLite), or
        /// postgres://USER:PASSWORD@HOST:PORT/DATABASE.
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Write a copy of the SQLite database to a new file, even while `serve`
    /// is running.
    ///
    /// The copy is one consistent moment of the database. FILE must not
    /// exist yet. For PostgreSQL, use pg_dump instead: this command says how.
    Backup {
        /// The new file to write the copy to.
        file: PathBuf,
    },
}

pub async fn run(command: DbCommand, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        DbCommand::Copy { to } => copy_to(&to, settings).await,
        DbCommand::Backup { file } => back_up(file, settings).await,
    }
}

async fn copy_to(to: &str, settings: Settings) -> anyhow::Result<ExitCode> {
    let target = match DatabaseUrl::parse(to) {
        Ok(target) => target,
        Err(problem) => {
            eprintln!("--to: {problem}.");
            return Ok(ExitCode::from(2));
        }
    };
    let source = settings.database.url;
    println!(
        "Copying {source} ({}) into {target} ({}).",
        source.engine().name(),
        target.engine().name()
    );
    let shown_target = target.to_string();
    let copied = tokio::task::spawn_blocking(move || copy_between(&source, &target))
        .await
        .context("the copy panicked")?;
    let counts = match copied {
        Ok(counts) => counts,
        Err(e) => {
            let Some(not_empty) = e.downcast_ref::<NotEmpty>() else {
                return Err(e);
            };
            eprintln!(
                "Nothing was copied: {shown_target} already holds data ({} in {}). \
                 db copy only copies into an empty database.",
                rows(not_empty.rows),
                not_empty.table
            );
            return Ok(ExitCode::FAILURE);
        }
    };
    print_counts(&counts);
    Ok(verdict(&counts))
}

fn copy_between(source: &DatabaseUrl, target: &DatabaseUrl) -> anyhow::Result<Vec<Counted>> {
    let source = db::connect(source, 1)?;
    let target = db::connect(target, 1)?;
    let mut source = source
        .get()
        .context("no connection to the source database")?;
    let mut target = target
        .get()
        .context("no connection to the target database")?;
    copy::copy(&mut source, &mut target, |table, copied| {
        eprintln!("Copied {table} ({}).", rows(copied));
    })
}

/// "1 row", "2 rows".
fn rows(n: i64) -> String {
    match n {
        1 => "1 row".to_owned(),
        n => format!("{n} rows"),
    }
}

fn print_counts(counts: &[Counted]) {
    println!();
    println!(
        "{:<20} {:>12} {:>12}",
        "Table", "Source rows", "Target rows"
    );
    for count in counts {
        let mark = if count.matches() { "" } else { "  differs" };
        println!(
            "{:<20} {:>12} {:>12}{mark}",
            count.table, count.source, count.target
        );
    }
    println!();
}

fn verdict(counts: &[Counted]) -> ExitCode {
    let differ: Vec<&str> = counts
        .iter()
        .filter(|c| !c.matches())
        .map(|c| c.table)
        .collect();
    if differ.is_empty() {
        println!(
            "All {} tables have the same number of rows in both databases: the copy is complete.",
            counts.len()
        );
        ExitCode::SUCCESS
    } else {
        println!(
            "The number of rows differs in {}: check the target database before using it.",
            differ.join(", ")
        );
        ExitCode::FAILURE
    }
}

async fn back_up(file: PathBuf, settings: Settings) -> anyhow::Result<ExitCode> {
    let url = settings.database.url;
    let Some(path) = url.sqlite_path().map(Path::to_owned) else {
        eprintln!("{}", use_pg_dump(&url, &file));
        return Ok(ExitCode::FAILURE);
    };
    if !path.exists() {
        eprintln!(
            "There is no database at {}: nothing to back up.",
            path.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let target = file.clone();
    let written = tokio::task::spawn_blocking(move || {
        let mut conn = db::connection(&url.expose())?;
        backup::sqlite(&mut conn, &target)
    })
    .await
    .context("the backup panicked")?;
    match written {
        Ok(bytes) => {
            println!(
                "Wrote a copy of the database {} to {} ({bytes} bytes).",
                path.display(),
                file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => match e.downcast_ref::<Refused>() {
            Some(refused) => {
                eprintln!("No backup was written: {refused}.");
                Ok(ExitCode::FAILURE)
            }
            None => Err(e),
        },
    }
}

/// What to do instead on PostgreSQL, with a command to copy (the password
/// left out of it: pg_dump asks for it, or reads PGPASSWORD or ~/.pgpass).
fn use_pg_dump(url: &DatabaseUrl, file: &Path) -> String {
    format!(
        "The database {url} is PostgreSQL: db backup only backs up SQLite. \
         Back it up with pg_dump, for example:\n\n    \
         pg_dump --format=custom --file={} '{}'\n\n\
         pg_dump asks for the password, or reads it from PGPASSWORD or ~/.pgpass. \
         pg_restore --dbname=URL FILE puts such a backup back into an empty database.",
        file.display(),
        without_password(url)
    )
}

/// The PostgreSQL URL with its password taken out, wherever it was given.
fn without_password(url: &DatabaseUrl) -> String {
    let Ok(mut parsed) = url::Url::parse(&url.expose()) else {
        return url.to_string();
    };
    let _ = parsed.set_password(None);
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(key, _)| key != "password")
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    parsed.set_query(None);
    if !kept.is_empty() {
        parsed.query_pairs_mut().extend_pairs(kept);
    }
    parsed.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pg_dump_example_has_no_password() {
        let url = DatabaseUrl::parse(
            "postgres://app:s3cret@db:5432/unmentoring?sslmode=require&password=s3cret",
        )
        .unwrap();
        let advice = use_pg_dump(&url, Path::new("unmentoring.dump"));
        assert!(!advice.contains("s3cret"), "{advice}");
        assert!(
            advice.contains(
                "pg_dump --format=custom --file=unmentoring.dump 'postgres://app@db:5432/unmentoring?sslmode=require'"
            ),
            "{advice}"
        );
    }
}
