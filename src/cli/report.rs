//! `unmentoring report [--round ID] [--format text|csv|json]`: the experiment's
//! results per round (oldest first) and for all rounds together. What each
//! figure means is in [`crate::db::rounds::figures`] and in the text output's footer.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::{json, Map, Value};

use crate::configuration::Settings;
use crate::db::open_database;
use crate::db::rounds::figures::{self, Figures, RoundReport};
use crate::db::{self};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only this round (its number from `round list`).
    #[arg(long, value_name = "ID")]
    pub round: Option<i64>,
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
    let pool = open_database(&settings).await?;
    let only = args.round;
    let rounds = db::run(&pool, move |conn| figures::load(conn, only)).await?;
    if let (Some(id), true) = (only, rounds.is_empty()) {
        eprintln!("There is no round {id}. `unmentoring round list` shows the rounds.");
        return Ok(ExitCode::from(2));
    }
    // One round asked for: no total row (it would repeat the round).
    let total = only.is_none().then(|| figures::total(&rounds));
    if rounds.is_empty() && args.format != Format::Text {
        eprintln!("{NO_ROUNDS}");
    }
    let mut out = io::stdout().lock();
    match args.format {
        Format::Text => text(&mut out, &rounds, total.as_ref())?,
        Format::Csv => csv(&mut out, &rounds, total.as_ref())?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &to_json(&rounds, total.as_ref()))?;
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

/// The columns of csv and the fields of json, in order.
fn cells(f: &Figures) -> [(&'static str, Cell); 17] {
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
    ]
}

fn started(r: &RoundReport) -> String {
    r.started_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn csv(
    out: &mut impl Write,
    rounds: &[RoundReport],
    total: Option<&Figures>,
) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header = vec!["round", "started_at"];
    header.extend(cells(&Figures::default()).map(|(name, _)| name));
    writer.write_record(&header)?;
    let row = |first: String, second: String, f: &Figures| {
        let mut record = vec![first, second];
        record.extend(cells(f).map(|(_, cell)| match cell {
            Cell::Count(n) => n.to_string(),
            Cell::Decimal(v) => v.map(|v| format!("{v:.1}")).unwrap_or_default(),
        }));
        record
    };
    for r in rounds {
        writer.write_record(row(r.id.to_string(), started(r), &r.figures))?;
    }
    if let Some(f) = total {
        writer.write_record(row("total".to_owned(), String::new(), f))?;
    }
    writer.flush()?;
    Ok(())
}

fn figures_json(f: &Figures) -> Map<String, Value> {
    cells(f)
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

fn to_json(rounds: &[RoundReport], total: Option<&Figures>) -> Value {
    let rounds: Vec<Value> = rounds
        .iter()
        .map(|r| {
            let mut fields = Map::new();
            fields.insert("round".to_owned(), json!(r.id));
            fields.insert("started_at".to_owned(), json!(started(r)));
            fields.extend(figures_json(&r.figures));
            Value::Object(fields)
        })
        .collect();
    let total = total.map(|f| {
        let mut fields = Map::new();
        fields.insert("rounds".to_owned(), json!(rounds.len()));
        fields.extend(figures_json(f));
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

const FOOTER: &str = "\
Groups: the round's pairs and trios. Members: the people in them.
Answered: members who sent the follow-up (% of members).
Met / Not yet / Didn't meet: their answers, as a % of the members who answered (not of all members).
Conversations: groups in which at least one member answered that they met (% of groups);
  a group where nobody answered counts as not having met.
Outputs: links the round's members shared, published or not.
Challenged: mean answer to \"Did it challenge your thinking?\" (1 to 5), of the answers that gave one.
Cross-org: pairs whose two people work for different organisations, as a % of pairs (a trio is 3 pairs),
  from the same-organisation count stored when the round ran.
Total: counts added up over all rounds; its percentages and mean are worked out from those sums.
\u{2013} : nothing to work it out from (nobody answered, or no score given).";

fn text(out: &mut impl Write, rounds: &[RoundReport], total: Option<&Figures>) -> io::Result<()> {
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
    if let Some(f) = total {
        text_row(out, "TOTAL", "", f)?;
    }
    writeln!(out, "\n{FOOTER}")
}
