//! The `unmentoring` command: `serve` (the default), `migrate`, `outbox`,
//! `send-test-email`, `round`.

mod bounces;
// `db` is the crate's database module; its commands are `database` here.
#[path = "db.rs"]
mod database;
mod event;
mod healthcheck;
mod organiser;
mod participants;
mod report;
mod report_experiment;
mod round;
mod round_drafts;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::configuration::{self, Settings};
use crate::db;
use crate::db::open_database;
use crate::db::outbox::{self, OutboxStatus};
use crate::email::{message, Composer, Mailer};
use crate::startup::Application;
use crate::telemetry;

#[derive(Debug, Parser)]
#[command(
    name = "unmentoring",
    version,
    about = "UnMentoring: think, do and share with someone you don't know"
)]
pub struct Cli {
    /// A settings file read after all the others (see config/default.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web service, the email delivery worker and the scheduler (the default).
    Serve,
    /// Apply database migrations, then exit.
    Migrate,
    /// Show emails that are waiting to be sent or have failed.
    Outbox {
        /// Also list emails already sent.
        #[arg(long)]
        all: bool,
    },
    /// Send a test email straight away, to check the SMTP settings.
    SendTestEmail {
        /// Where to send it.
        address: String,
    },
    /// Run, list and show rounds.
    #[command(subcommand)]
    Round(round::RoundCommand),
    /// Small groups on the day of an event.
    #[command(subcommand)]
    Event(event::EventCommand),
    /// The experiment's results: who met, what was shared, per round and overall.
    Report(report::ReportArgs),
    /// Add, remove and list the organisers who can sign in to /admin.
    #[command(subcommand)]
    Organiser(organiser::OrganiserCommand),
    /// Import participants from a CSV file, or export participants, rounds and outputs as CSV.
    #[command(subcommand)]
    Participants(participants::ParticipantsCommand),
    /// Record bounces reported by delivery-status notifications.
    #[command(subcommand)]
    Bounces(bounces::BouncesCommand),
    /// Ask the service running on this machine whether it is healthy (exit status 0 or 1).
    Healthcheck,
    /// Copy the database into another (SQLite or PostgreSQL), or back it up.
    #[command(subcommand)]
    Db(database::DbCommand),
}

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match configuration::load(Path::new("config"), cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(cli.command.unwrap_or(Command::Serve), settings).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => serve(settings).await,
        Command::Migrate => {
            let (path, size) = (settings.database.url.clone(), settings.database.pool_size);
            let applied =
                tokio::task::spawn_blocking(move || db::migrate(&db::open(path, size)?)).await??;
            println!("The database {} is up to date.", settings.database.url);
            if applied > 0 {
                println!("{applied} migration(s) applied.");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Outbox { all } => show_outbox(settings, all).await,
        Command::SendTestEmail { address } => send_test_email(settings, &address).await,
        Command::Round(command) => round::run(command, settings).await,
        Command::Event(command) => event::run(command, settings).await,
        Command::Report(args) => report::run(args, settings).await,
        Command::Organiser(command) => organiser::run(command, settings).await,
        Command::Participants(command) => participants::run(command, settings).await,
        Command::Bounces(command) => bounces::run(command, settings).await,
        Command::Healthcheck => Ok(healthcheck::run(&settings)),
        Command::Db(command) => database::run(command, settings).await,
    }
}

async fn serve(settings: Settings) -> anyhow::Result<ExitCode> {
    telemetry::init();
    let app = Application::build(settings.clone()).await?;
    tracing::info!(
        port = app.port(),
        base_url = settings.server.base_url.as_str(),
        database = %settings.database.url,
        email_transport = ?settings.email.transport,
        "UnMentoring is running"
    );
    app.run_until_stopped().await?;
    Ok(ExitCode::SUCCESS)
}

async fn show_outbox(settings: Settings, all: bool) -> anyhow::Result<ExitCode> {
    let pool = open_database(&settings).await?;
    let statuses: &'static [OutboxStatus] = if all {
        &[
            OutboxStatus::Queued,
            OutboxStatus::Failed,
            OutboxStatus::Sent,
        ]
    } else {
        &[OutboxStatus::Queued, OutboxStatus::Failed]
    };
    let emails = db::run(&pool, move |conn| outbox::list(conn, statuses)).await?;
    if emails.is_empty() {
        println!("Nothing is waiting to be sent and nothing has failed.");
        return Ok(ExitCode::SUCCESS);
    }
    // Times in `schedule.timezone`, with the zone's abbreviation.
    let time = settings.people_time();
    println!(
        "{:<6} {:<8} {:<8} {:>8}  {:<20}  {:<30} ERROR",
        "ID", "STATUS", "KIND", "ATTEMPTS", "NEXT TRY", "TO"
    );
    for e in &emails {
        println!(
            "{:<6} {:<8} {:<8} {:>8}  {:<20}  {:<30} {}",
            e.id,
            e.status.as_str(),
            e.content.kind.as_str(),
            e.attempts,
            time.compact(next_try(e)),
            e.content.to_address,
            e.last_error.as_deref().unwrap_or("")
        );
    }
    let count = |status| emails.iter().filter(|e| e.status == status).count();
    let (queued, failed) = (count(OutboxStatus::Queued), count(OutboxStatus::Failed));
    println!("\n{queued} queued, {failed} failed.");
    Ok(ExitCode::SUCCESS)
}

/// When the worker will next look at an email: its retry time, or later if a
/// worker is holding it (sending it now, or crashed while sending).
fn next_try(email: &outbox::QueuedEmail) -> chrono::NaiveDateTime {
    email.locked_until.map_or(email.next_attempt_at, |held| {
        held.max(email.next_attempt_at)
    })
}

async fn send_test_email(settings: Settings, address: &str) -> anyhow::Result<ExitCode> {
    let address = match crate::domain::ParticipantEmail::parse(address) {
        Ok(address) => address,
        Err(problem) => {
            eprintln!("{problem}.");
            return Ok(ExitCode::from(2));
        }
    };
    let address = address.as_str();
    let mailer = Mailer::from_settings(&settings.email)?;
    let email = Composer::new(&settings).test_message(address);
    let message = message::build(&email, &settings.email.from, None)?;
    // The bounce address itself, so that the test checks the server takes it.
    match mailer
        .send_from(message, settings.email.bounce_address.clone())
        .await
    {
        Ok(()) => {
            println!(
                "Sent a test email to {address} using the {:?} transport.",
                settings.email.transport
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("The test email was not sent: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
