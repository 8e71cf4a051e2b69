//! `unmentoring bounces ingest`: reads one delivery-status notification from
//! standard input, as an MTA's pipe transport delivers it.

use std::io::Read;
use std::process::ExitCode;

use clap::Subcommand;

use crate::clock::Clock;
use crate::configuration::Settings;
use crate::db::{self, open_database};
use crate::email::{dsn, Composer};
use crate::services::bounce_reports::{self, Ingested};

/// sysexits.h's "temporary failure": what an MTA's pipe transport retries.
const EX_TEMPFAIL: u8 = 75;

/// The most a notification may be: it holds at most the returned message.
const MAX_INPUT: u64 = 10 * 1024 * 1024;

#[derive(Debug, Subcommand)]
pub enum BouncesCommand {
    /// Read one delivery-status notification (RFC 3464) from standard input
    /// and record the bounce it reports, if it is one of ours.
    Ingest,
}

pub async fn run(command: BouncesCommand, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        BouncesCommand::Ingest => ingest(settings).await,
    }
}

async fn ingest(settings: Settings) -> anyhow::Result<ExitCode> {
    let mut raw = Vec::new();
    std::io::stdin()
        .take(MAX_INPUT)
        .read_to_end(&mut raw)
        .map_err(|e| anyhow::anyhow!("could not read standard input: {e}"))?;
    let report = match dsn::parse(&raw) {
        Ok(report) => report,
        Err(problem) => {
            eprintln!("Standard input is not a delivery-status notification (RFC 3464): {problem}. Nothing was changed.");
            return Ok(ExitCode::from(2));
        }
    };
    let done = match record(&settings, report).await {
        Ok(done) => done,
        Err(e) => {
            // EX_TEMPFAIL: the MTA keeps the notification and tries again later.
            eprintln!("error: {e:#}");
            return Ok(ExitCode::from(EX_TEMPFAIL));
        }
    };
    match done {
        Ingested::Bounced {
            participant_id,
            outbox_id,
        } => println!(
            "Recorded a bounce of email {outbox_id}: participant {participant_id} is now bouncing."
        ),
        Ingested::MessageFailed { outbox_id } => println!(
            "Marked email {outbox_id} failed; no new bounce (not to a participant taking part, or they are bouncing already)."
        ),
        Ingested::Ignored(why) => println!("Ignored: {why}."),
    }
    Ok(ExitCode::SUCCESS)
}

async fn record(settings: &Settings, report: dsn::Report) -> anyhow::Result<Ingested> {
    let pool = open_database(settings).await?;
    let composer = Composer::new(settings);
    let settings = settings.clone();
    let now = Clock::system().now();
    db::write(&pool, move |conn| {
        bounce_reports::ingest(conn, &composer, &settings, &report, now)
    })
    .await
}
