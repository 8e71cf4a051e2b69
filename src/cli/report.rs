//! `unmentoring report [--round ID] [--format text|csv|json]` (being written).

use std::process::ExitCode;

use clap::Args;

use crate::configuration::Settings;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only this round (its number from `round list`).
    #[arg(long)]
    pub round: Option<i64>,
    /// text, csv or json.
    #[arg(long, default_value = "text")]
    pub format: String,
}

pub async fn run(_args: ReportArgs, _settings: Settings) -> anyhow::Result<ExitCode> {
    Ok(ExitCode::SUCCESS)
}
