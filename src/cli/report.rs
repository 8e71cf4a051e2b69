//! `unmentoring report [--round ID] [--format text|csv|json]`: the rounds'
//! figures per round (oldest first) and for all rounds together. What each
//! figure means is in [`crate::db::rounds::figures`] and in the text output's
//! footer. `--experiment` compares the arms instead (`report_experiment`).

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value};

use crate::configuration::Settings;
use crate::db::open_database;
use crate::db::rounds::days::Days;
use crate::db::rounds::figures::{self, Figures, RoundReport};
use crate::db::{self};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only this round (its number from `round list`).
    #[arg(long, value_name = "ID")]
    pub round: Option<i64>,
    /// The experiment's comparison of random pairing with pairing by
    /// interests, per arm, overall and per round.
    #[arg(long)]
    pub experiment: bool,
    /// How to print the report.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table to read, with what each column means.
    Text,
    /// A header row, one row per round and a `total` row.
    Csv,
    /// `{"rounds": [...], "total": {...}}`.
    Json,
}

pub async fn run(args: ReportArgs, settings: Settings) -> anyhow::Result<ExitCode> {
    if args.experiment {
        if args.round.is_some() {
            eprintln!("--experiment reports every round: leave out --round.");
            return Ok(ExitCode::from(2));
        }
        return super::report_experiment::run(args.format, settings).await;
    }
    let pool = open_database(&settings).await?;
    let only = args.round;
    let rounds = db::run(&pool, move |conn| figures::load(conn, only)).await?;
    if let (Some(id), true) = (only, rounds.is_empty()) {
        eprintln!("There is no round {id}. `unmentoring round list` shows the rounds.");
        return Ok(ExitCode::from(2));
    }
    // One round asked for: no total row (it would repeat the round).
    let total = only
        .is_none()
        .then(|| (figures::total(&rounds), figures::total_days(&rounds)));
    let total = total.as_ref().map(|(f, d)| (f, d));
    if rounds.is_empty() && args.format != Format::Text {
        eprintln!("{NO_ROUNDS}");
    }
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => text(&mut out, &rounds, total)?,
        Format::Csv => csv(&mut out, &rounds, total)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &to_json(&rounds, total))?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

const NO_ROUNDS: &str =
    "No rounds yet, so there is nothing to report. Run one with `unmentoring round run`.";

/// A figure as csv and json show it.
enum Cell {
    Count(u64),
    /// A percentage or mean, one decimal; none when there is nothing to count.
    Decimal(Option<f64>),
}

/// The whole report's figures: none when one round was asked for.
type Total<'a> = Option<(&'a Figures, &'a Days)>;

/// The columns of csv and the fields of json, in order. New ones go at the
/// end: scripts read these by name and position.
fn cells(f: &Figures, d: &Days) -> [(&'static str, Cell); 25] {
    use Cell::{Count, Decimal};
    [
        ("groups", Count(f.groups)),
        ("members", Count(f.members)),
        ("answered", Count(f.answered)),
        ("answered_pct", Decimal(f.answered_pct())),
        ("met_yes", Count(f.met_yes)),
        ("met_yes_pct", Decimal(f.of_answered(f.met_yes))),
        ("met_not_yet", Count(f.met_not_yet)),
        ("met_not_yet_pct", Decimal(f.of_answered(f.met_not_yet))),
        ("met_no", Count(f.met_no)),
        ("met_no_pct", Decimal(f.of_answered(f.met_no))),
        ("conversations", Count(f.conversations)),
        ("conversations_pct", Decimal(f.conversations_pct())),
        ("outputs_shared", Count(f.outputs_shared)),
        ("mean_challenged", Decimal(f.mean_challenged())),
        ("pairs", Count(f.pairs)),
        ("same_organisation_pairs", Count(f.same_organisation_pairs)),
        (
            "cross_organisation_pct",
            Decimal(f.cross_organisation_pct()),
        ),
        ("arranged", Count(f.arranged)),
        ("arranged_pct", Decimal(f.arranged_pct())),
        ("declined", Count(f.declined)),
        ("rematched", Count(f.rematched)),
        ("bounced", Count(f.bounced)),
        ("nudged", Count(f.nudged)),
        ("median_days_to_arranged", Decimal(d.median_to_arranged())),
        ("median_days_to_met", Decimal(d.median_to_met())),
    ]
}

fn started(r: &RoundReport) -> String {
    r.started_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn csv(out: &mut impl Write, rounds: &[RoundReport], total: Total<'_>) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec!["round", "started_at"];
    header.extend(cells(&Figures::default(), &Days::default()).map(|(name, _)| name));
    writer.write_record(&header)?;
    let row = |first: String, second: String, f: &Figures, d: &Days| {
        let mut record = vec![first, second];
        record.extend(cells(f, d).map(|(_, cell)| match cell {
            Cell::Count(n) => n.to_string(),
            Cell::Decimal(v) => v.map(|v| format!("{v:.1}")).unwrap_or_default(),
        }));
        record
    };
    for r in rounds {
        writer.write_record(row(r.id.to_string(), started(r), &r.figures, &r.days))?;
    }
    if let Some((f, d)) = total {
        writer.write_record(row("total".to_owned(), String::new(), f, d))?;
    }
    writer.flush()?;
    Ok(())
}

fn figures_json(f: &Figures, d: &Days) -> Map<String, Value> {
    cells(f, d)
        .into_iter()
        .map(|(name, cell)| {
            let value = match cell {
                Cell::Count(n) => json!(n),
                Cell::Decimal(v) => json!(v),
            };
            (name.to_owned(), value)
        })
        .collect()
}

fn to_json(rounds: &[RoundReport], total: Total<'_>) -> Value {
    let rounds: Vec<Value> = rounds
        .iter()
        .map(|r| {
            let mut fields = Map::new();
            fields.insert("round".to_owned(), json!(r.id));
            fields.insert("started_at".to_owned(), json!(started(r)));
            fields.extend(figures_json(&r.figures, &r.days));
            Value::Object(fields)
        })
        .collect();
    let total = total.map(|(f, d)| {
        let mut fields = Map::new();
        fields.insert("rounds".to_owned(), json!(rounds.len()));
        fields.extend(figures_json(f, d));
        Value::Object(fields)
    });
    json!({ "rounds": rounds, "total": total })
}

const DASH: &str = "–";

fn decimal(value: Option<f64>, suffix: &str) -> String {
    value.map_or_else(|| DASH.to_owned(), |v| format!("{v:.1}{suffix}"))
}

/// "3 (60.0%)", or "0 (–)" when there is nothing to take a % of.
fn with_pct(count: u64, pct: Option<f64>) -> String {
    format!("{count} ({})", decimal(pct, "%"))
}

fn text_row(out: &mut impl Write, round: &str, started: &str, f: &Figures) -> io::Result<()> {
    writeln!(
        out,
        "{round:>5}  {started:<16}  {:>6}  {:>7}  {:<14}  {:<14}  {:<14}  {:<14}  {:<14}  {:>7}  {:>10}  {:>9}",
        f.groups,
        f.members,
        with_pct(f.answered, f.answered_pct()),
        with_pct(f.met_yes, f.of_answered(f.met_yes)),
        with_pct(f.met_not_yet, f.of_answered(f.met_not_yet)),
        with_pct(f.met_no, f.of_answered(f.met_no)),
        with_pct(f.conversations, f.conversations_pct()),
        f.outputs_shared,
        decimal(f.mean_challenged(), ""),
        decimal(f.cross_organisation_pct(), "%"),
    )
}

/// The second table: from introduction to conversation.
fn steps_row(out: &mut impl Write, round: &str, f: &Figures, d: &Days) -> io::Result<()> {
    writeln!(
        out,
        "{round:>5}  {:<14}  {:>8}  {:>9}  {:>7}  {:>6}  {:>16}  {:>11}",
        with_pct(f.arranged, f.arranged_pct()),
        f.declined,
        f.rematched,
        f.bounced,
        f.nudged,
        decimal(d.median_to_arranged(), ""),
        decimal(d.median_to_met(), ""),
    )
}

fn steps_table(out: &mut impl Write, rounds: &[RoundReport], total: Total<'_>) -> io::Result<()> {
    writeln!(
        out,
        "{:>5}  {:<14}  {:>8}  {:>9}  {:>7}  {:>6}  {:>16}  {:>11}",
        "ROUND",
        "ARRANGED",
        "DECLINED",
        "REMATCHED",
        "BOUNCED",
        "NUDGED",
        "DAYS TO ARRANGED",
        "DAYS TO MET"
    )?;
    for r in rounds {
        steps_row(out, &r.id.to_string(), &r.figures, &r.days)?;
    }
    if let Some((f, d)) = total {
        steps_row(out, "TOTAL", f, d)?;
    }
    Ok(())
}

const FOOTER: &str = "\
Groups: the round's pairs and trios as they are now. Members: the people in them. A rematched person
  counts once, in their final group; a member who left their group (declined, bounced, or still
  waiting for a new partner) counts in no group.
Answered: members who sent the follow-up (% of members).
Met / Not yet / Didn't meet: their answers, as a % of the members who answered (not of all members).
Conversations: groups in which at least one member answered that they met (% of groups);
  a group where nobody answered counts as not having met.
Outputs: links the round's members shared, published or not.
Challenged: mean answer to \"Did it challenge your thinking?\" (1 to 5), of the answers that gave one.
Cross-org: pairs whose two people work for different organisations, as a % of pairs (a trio is 3 pairs),
  from the same-organisation count stored when the round ran; worked out again from the final groups
  when the round's groups changed (someone who left and was erased then counts as an organisation of their own).
Arranged: groups that said \"we've arranged a time\" (% of groups). Nudged: groups sent a nudge.
Declined / Bounced: members who left their group because they declined, or because email to them bounced.
Rematched: rematches made: someone whose partner went was given a new group (twice counts twice).
Days to arranged / to met: the median, over groups, of the days from the introduction to \"arranged\",
  and to the answer of the first member who said they met (an even count takes the mean of the two middle values).
Total: counts added up over all rounds; its percentages and mean are worked out from those sums,
  and its medians from every group of every round.
\u{2013} : nothing to work it out from (nobody answered, no score given, no group arranged or met).";

fn text(out: &mut impl Write, rounds: &[RoundReport], total: Total<'_>) -> io::Result<()> {
    if rounds.is_empty() {
        return writeln!(out, "{NO_ROUNDS}");
    }
    writeln!(
        out,
        "{:>5}  {:<16}  {:>6}  {:>7}  {:<14}  {:<14}  {:<14}  {:<14}  {:<14}  {:>7}  {:>10}  {:>9}",
        "ROUND",
        "STARTED (UTC)",
        "GROUPS",
        "MEMBERS",
        "ANSWERED",
        "MET",
        "NOT YET",
        "DIDN'T MEET",
        "CONVERSATIONS",
        "OUTPUTS",
        "CHALLENGED",
        "CROSS-ORG"
    )?;
    for r in rounds {
        let started = r.started_at.format("%Y-%m-%d %H:%M").to_string();
        text_row(out, &r.id.to_string(), &started, &r.figures)?;
    }
    if let Some((f, _)) = total {
        text_row(out, "TOTAL", "", f)?;
    }
    writeln!(out)?;
    steps_table(out, rounds, total)?;
    writeln!(out, "\n{FOOTER}")
}
