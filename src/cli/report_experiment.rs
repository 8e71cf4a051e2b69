//! `unmentoring report --experiment [--format text|csv|json]`: random
//! pairing compared with pairing by interests, per arm over all rounds, the
//! comparison, and each round per arm. The cells, csv columns and json keys
//! are in [`crate::domain::experiment::summary`].

use std::io::{self, Write};
use std::process::ExitCode;

use super::report::Format;
use crate::configuration::{ExperimentSettings, Settings};
use crate::db::{self, open_database};
use crate::domain::experiment::analysis::{Comparison, Figures, Results};
use crate::domain::experiment::summary::{
    self, arm_cells, comparison_cells, round_arms, total_arms, ARM_COLUMNS, COMPARISON_COLUMNS,
    FIGURE_ROWS, MEANINGS,
};
use crate::services::experiment;

pub async fn run(format: Format, settings: Settings) -> anyhow::Result<ExitCode> {
    let pool = open_database(&settings).await?;
    let experiment_settings = settings.experiment.clone();
    let results = db::run(&pool, move |conn| {
        experiment::results(conn, &experiment_settings)
    })
    .await?;
    let mut out = io::stdout().lock();
    let setup = &settings.experiment;
    match format {
        Format::Text => text(&mut out, &results, setup)?,
        Format::Csv => csv(&mut out, &results)?,
        Format::Json => {
            let json = summary::to_json(&results, &setup.hypothesis, setup.matched_share);
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One header row; a row per arm of each round (`round:ID`) and of all
/// rounds (`total`); then, while comparing, a `total` row whose arm is
/// `comparison`, with only the comparison's columns filled.
fn csv(out: &mut impl Write, results: &Results) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec!["scope", "arm", "started_at"];
    header.extend(ARM_COLUMNS);
    header.extend(COMPARISON_COLUMNS);
    writer.write_record(&header)?;
    let no_comparison = || COMPARISON_COLUMNS.map(|_| String::new());
    let arm_row = |scope: String, arm: &str, started: String, f: &Figures| {
        let mut row = vec![scope, arm.to_owned(), started];
        row.extend(arm_cells(f).map(|c| c.csv()));
        row.extend(no_comparison());
        row
    };
    for r in &results.rounds {
        for (arm, f) in round_arms(results.comparing, r) {
            let scope = format!("round:{}", r.round_id);
            writer.write_record(arm_row(scope, arm, summary::started_at(r), f))?;
        }
    }
    for (arm, f) in total_arms(results) {
        writer.write_record(arm_row("total".to_owned(), arm, String::new(), f))?;
    }
    if let Some(c) = &results.comparison {
        let mut row = vec!["total".to_owned(), "comparison".to_owned(), String::new()];
        row.extend(ARM_COLUMNS.map(|_| String::new()));
        row.extend(comparison_cells(c).map(|c| c.csv()));
        writer.write_record(row)?;
    }
    writer.flush()?;
    Ok(())
}

const LABEL: usize = 18;
const COLUMN: usize = 24;

fn arms_table(out: &mut impl Write, results: &Results) -> io::Result<()> {
    let arms = total_arms(results);
    let mut header = format!("{:<LABEL$}", "ALL ROUNDS");
    for (arm, _) in &arms {
        header.push_str(&format!("  {:<COLUMN$}", arm.to_uppercase()));
    }
    writeln!(out, "{}", header.trim_end())?;
    let shown: Vec<[String; FIGURE_ROWS]> =
        arms.iter().map(|(_, f)| summary::arm_display(f)).collect();
    for (i, label) in summary::figure_labels().enumerate() {
        let mut line = format!("{label:<LABEL$}");
        for cells in &shown {
            line.push_str(&format!("  {:<COLUMN$}", cells[i]));
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

fn comparison(out: &mut impl Write, c: Option<&Comparison>) -> io::Result<()> {
    let Some(c) = c else {
        return writeln!(
            out,
            "No comparison is running: experiment.matched_share is 0."
        );
    };
    writeln!(out, "COMPARISON")?;
    for (label, value) in summary::comparison_display(c) {
        writeln!(out, "{label:<42}{value}")?;
    }
    writeln!(out, "\nVerdict: {}", c.verdict)
}

fn rounds_table(out: &mut impl Write, results: &Results) -> io::Result<()> {
    if results.rounds.is_empty() {
        return writeln!(out, "No rounds yet.");
    }
    let row = |out: &mut dyn Write, cells: [&str; 7]| {
        writeln!(
            out,
            "{:>5}  {:<16}  {:<7}  {:>6}  {:>6}  {:<13}  {}",
            cells[0], cells[1], cells[2], cells[3], cells[4], cells[5], cells[6]
        )
    };
    row(
        out,
        [
            "ROUND",
            "STARTED (UTC)",
            "ARM",
            "GROUPS",
            "PEOPLE",
            "MET",
            "CHALLENGE (MEAN)",
        ],
    )?;
    for r in &results.rounds {
        let (id, started) = (
            r.round_id.to_string(),
            r.started_at.format("%Y-%m-%d %H:%M").to_string(),
        );
        for (arm, f) in round_arms(results.comparing, r) {
            let [groups, people, met, mean] = summary::round_display(f);
            let arm = arm.to_owned();
            let cells = [&id, &started, &arm, &groups, &people, &met, &mean];
            row(out, cells.map(|c| c.as_str()))?;
        }
    }
    Ok(())
}

fn text(out: &mut impl Write, results: &Results, setup: &ExperimentSettings) -> io::Result<()> {
    writeln!(out, "Hypothesis: {}", setup.hypothesis)?;
    writeln!(
        out,
        "Matched share: {} (the share of each round's people paired by interests)\n",
        setup.matched_share
    )?;
    arms_table(out, results)?;
    writeln!(out)?;
    comparison(out, results.comparison.as_ref())?;
    writeln!(out)?;
    rounds_table(out, results)?;
    writeln!(out)?;
    for (label, meaning) in MEANINGS {
        writeln!(out, "{label}: {meaning}")?;
    }
    writeln!(
        out,
        "Random: groups paired at random (every rematch too). Matched: groups paired by shared interests.\n\
         {} : nothing to work it out from.",
        summary::DASH
    )
}
