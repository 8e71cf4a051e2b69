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
use crate::services::import::{self, FileProblem, EXAMPLE_HEADER};

#[derive(Debug, Subcommand)]
pub enum ParticipantsCommand {
    /// Add people from a CSV file. Each gets an email asking them to confirm.
    ///
    /// The first row names the columns: name, email, phone and organisation
    /// are needed; google_id, skype, topics and cadence may be added.
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
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("Could not read {}: {e}.", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let pool = open_database(&settings).await?;
    let composer = Composer::new(&settings);
    let imported = db::run(&pool, move |conn| {
        import::import(
            conn,
            &composer,
            &bytes,
            already_confirmed,
            crate::clock::Clock::system().now(),
        )
    })
    .await;
    let report = match imported {
        Ok(report) => report,
        Err(e) => match e.downcast_ref::<FileProblem>() {
            Some(problem) => {
                eprintln!("{}: {problem}. Nobody was added.", file.display());
                if matches!(problem, FileProblem::MissingColumns(_)) {
                    eprintln!("For example, the first row could be:\n{EXAMPLE_HEADER}");
                }
                return Ok(ExitCode::from(2));
            }
            None => return Err(e),
        },
    };
    for row in &report.added {
        println!(
            "Added    line {:>5}  {} <{}>",
            row.line, row.name, row.email
        );
    }
    for row in &report.rejected {
        println!("Rejected line {:>5}  {}", row.line, row.reasons.join("; "));
    }
    if !report.added.is_empty() || !report.rejected.is_empty() {
        println!();
    }
    println!(
        "{} added, {} not added.",
        report.added.len(),
        report.rejected.len()
    );
    if !report.added.is_empty() {
        if already_confirmed {
            println!("They are taking part now; no confirmation email was sent.");
        } else {
            println!("Confirmation emails are queued; `unmentoring serve` sends them.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn export(what: Export, settings: Settings) -> anyhow::Result<ExitCode> {
    let pool = open_database(&settings).await?;
    let csv = db::run(&pool, move |conn| what.csv(conn)).await?;
    let mut out = std::io::stdout().lock();
    out.write_all(&csv)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
