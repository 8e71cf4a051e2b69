//! `unmentoring participants import FILE.csv [--already-confirmed]` and
//! `participants export [--what participants|rounds|outputs]`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};

use crate::configuration::Settings;
use crate::db;
use crate::db::open_database;
use crate::email::Composer;
use crate::services::export::Export;
use crate::services::import::{
    self, Batch, FileProblem, ImportOptions, RejectedRow, EXAMPLE_HEADER,
};

#[derive(Debug, Subcommand)]
pub enum ParticipantsCommand {
    /// Add people from a CSV file. Each gets an email asking them to confirm.
    ///
    /// The first row names the columns: name, email, phone and organisation
    /// are needed; google_id, skype, topics and cadence may be added. A file
    /// of any size is taken: it is imported 500 rows at a time, with its
    /// progress on standard error.
    Import {
        /// The CSV file (UTF-8), for example with the header
        /// name,email,phone,organisation,google_id,skype,topics
        file: PathBuf,
        /// The people in the file already agreed to take part elsewhere: add
        /// them to the pool at once, without a confirmation email. You vouch
        /// for this, and their records say so.
        #[arg(long)]
        already_confirmed: bool,
    },
    /// Write participants, rounds or outputs as CSV to standard output.
    Export {
        /// What to export.
        #[arg(long, value_enum, default_value_t = What::Participants)]
        what: What,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum What {
    Participants,
    Rounds,
    Outputs,
}

impl From<What> for Export {
    fn from(what: What) -> Self {
        match what {
            What::Participants => Export::Participants,
            What::Rounds => Export::Rounds,
            What::Outputs => Export::Outputs,
        }
    }
}

pub async fn run(command: ParticipantsCommand, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        ParticipantsCommand::Import {
            file,
            already_confirmed,
        } => import_file(&file, already_confirmed, settings).await,
        ParticipantsCommand::Export { what } => export(what.into(), settings).await,
    }
}

async fn import_file(
    file: &std::path::Path,
    already_confirmed: bool,
    settings: Settings,
) -> anyhow::Result<ExitCode> {
    if let Err(e) = std::fs::File::open(file) {
        eprintln!("Could not read {}: {e}.", file.display());
        return Ok(ExitCode::from(2));
    }
    let pool = open_database(&settings).await?;
    let composer = Composer::new(&settings);
    let path = file.to_owned();
    let options = ImportOptions {
        already_confirmed,
        now: crate::clock::Clock::system().now(),
        max_rows: None,
    };
    let (imported, progress) = db::run(&pool, move |conn| {
        let mut progress = Progress::default();
        let imported = import::import(
            conn,
            &composer,
            || std::fs::File::open(&path).map(std::io::BufReader::new),
            options,
            |batch| progress.batch(batch),
        );
        Ok((imported, progress))
    })
    .await?;
    if let Err(e) = imported {
        let Some(problem) = e.downcast_ref::<FileProblem>() else {
            return Err(e);
        };
        let outcome = match progress.added {
            0 => "Nobody was added.".to_owned(),
            n => format!(
                "The import stopped there; {} added before it.",
                thousands(n)
            ),
        };
        eprintln!("{}: {problem}. {outcome}", file.display());
        if matches!(problem, FileProblem::MissingColumns(_)) {
            eprintln!("For example, the first row could be:\n{EXAMPLE_HEADER}");
        }
        return Ok(ExitCode::from(2));
    }
    progress.summary(already_confirmed);
    Ok(ExitCode::SUCCESS)
}

/// What the command prints as an import goes: each person added once their
/// batch is committed (standard output), how far it is after each batch
/// (standard error), and the rows not added at the end, before the totals.
#[derive(Default)]
struct Progress {
    added: u64,
    rejected: Vec<RejectedRow>,
}

impl Progress {
    fn batch(&mut self, batch: &Batch) {
        let mut out = std::io::stdout().lock();
        for row in &batch.added {
            // A closed pipe (`| head`) must not stop the import half-way.
            let _ = writeln!(
                out,
                "Added    line {:>5}  {} <{}>",
                row.line, row.name, row.email
            );
        }
        self.added += batch.added.len() as u64;
        self.rejected.extend_from_slice(&batch.rejected);
        eprintln!(
            "{} of {} rows done ({} added, {} not added)…",
            thousands(batch.rows_done),
            thousands(batch.rows_total),
            thousands(self.added),
            thousands(self.rejected.len() as u64),
        );
    }

    fn summary(&self, already_confirmed: bool) {
        for row in &self.rejected {
            println!("Rejected line {:>5}  {}", row.line, row.reasons.join("; "));
        }
        if self.added > 0 || !self.rejected.is_empty() {
            println!();
        }
        println!(
            "{} added, {} not added.",
            thousands(self.added),
            thousands(self.rejected.len() as u64)
        );
        if self.added > 0 {
            if already_confirmed {
                println!("They are taking part now; no confirmation email was sent.");
            } else {
                println!("Confirmation emails are queued; `unmentoring serve` sends them.");
            }
        }
    }
}

/// 12345 as "12,345".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

async fn export(what: Export, settings: Settings) -> anyhow::Result<ExitCode> {
    let pool = open_database(&settings).await?;
    let csv = db::run(&pool, move |conn| what.csv(conn)).await?;
    let mut out = std::io::stdout().lock();
    out.write_all(&csv)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(5_000), "5,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
