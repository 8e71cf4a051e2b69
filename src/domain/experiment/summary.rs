//! The experiment's results as figures to show: the cells of
//! `unmentoring report --experiment` (text, csv, json) and of the console's
//! Results page, and the JSON document, which a public page may reuse.
//!
//! The names below are csv columns and json keys that scripts read: new
//! ones go at the end, and none is renamed.
//!
//! JSON: `{"hypothesis", "matched_share", "comparing", "arms": {"random",
//! "matched", "all"}, "comparison": {...} | null, "rounds": [{"round",
//! "started_at", "arms": {...}}]}`; each arm has [`ARM_COLUMNS`], the
//! comparison [`COMPARISON_COLUMNS`]. Percentages are 0–100 to one decimal,
//! means and intervals two decimals, p-values four; null when undefined.

use serde_json::{json, Map, Value};

use super::analysis::{Comparison, Figures, Results, RoundResults};

/// A figure as it is shown.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A count; none when there is nothing to count from.
    Count(Option<u64>),
    /// Rounded to `places` decimals; none when undefined.
    Decimal(Option<f64>, usize),
    Text(String),
}

impl Cell {
    fn count(n: u64) -> Self {
        Cell::Count(Some(n))
    }

    fn rounded(value: Option<f64>, places: usize) -> Self {
        let scale = 10f64.powi(places as i32);
        Cell::Decimal(value.map(|v| (v * scale).round() / scale), places)
    }

    pub fn json(&self) -> Value {
        match self {
            Cell::Count(n) => json!(n),
            Cell::Decimal(v, _) => json!(v),
            Cell::Text(s) => json!(s),
        }
    }

    /// For csv: empty when undefined.
    pub fn csv(&self) -> String {
        self.shown().unwrap_or_default()
    }

    /// For people: a dash when undefined.
    pub fn text(&self) -> String {
        self.shown().unwrap_or_else(|| DASH.to_owned())
    }

    fn shown(&self) -> Option<String> {
        match self {
            Cell::Count(n) => n.map(|n| n.to_string()),
            Cell::Decimal(v, places) => v.map(|v| format!("{v:.places$}")),
            Cell::Text(s) => Some(s.clone()),
        }
    }
}

pub const DASH: &str = "–";

/// An arm's columns, in order.
pub const ARM_COLUMNS: [&str; 14] = [
    "groups",
    "people",
    "answered",
    "answered_pct",
    "met",
    "met_pct",
    "shared",
    "shared_pct",
    "would_repeat_pct",
    "new_connection_pct",
    "challenge_mean",
    "challenge_ci_low",
    "challenge_ci_high",
    "challenge_answers",
];

/// The figures of one arm (or of everyone), in [`ARM_COLUMNS`] order.
pub fn arm_cells(f: &Figures) -> [Cell; 14] {
    let ci = f.challenge();
    [
        Cell::count(f.groups),
        Cell::count(f.people),
        Cell::count(f.answered),
        Cell::rounded(f.answered_pct(), 1),
        Cell::count(f.met),
        Cell::rounded(f.met_pct(), 1),
        Cell::count(f.shared),
        Cell::rounded(f.shared_pct(), 1),
        Cell::rounded(f.would_repeat_pct(), 1),
        Cell::rounded(f.new_connection_pct(), 1),
        Cell::rounded(f.challenge_mean(), 2),
        Cell::rounded(ci.map(|c| c.low), 2),
        Cell::rounded(ci.map(|c| c.high), 2),
        Cell::count(f.challenge_answers()),
    ]
}

/// The comparison's columns, in order. Differences are random − matched;
/// the met difference is in percentage points.
pub const COMPARISON_COLUMNS: [&str; 8] = [
    "challenge_difference",
    "challenge_difference_ci_low",
    "challenge_difference_ci_high",
    "challenge_p",
    "met_pct_difference",
    "met_p",
    "more_answers_for_power",
    "verdict",
];

pub fn comparison_cells(c: &Comparison) -> [Cell; 8] {
    let ci = c.challenge;
    [
        Cell::rounded(ci.map(|d| d.difference), 2),
        Cell::rounded(ci.map(|d| d.low), 2),
        Cell::rounded(ci.map(|d| d.high), 2),
        Cell::rounded(c.challenge_p, 4),
        Cell::rounded(c.met.map(|m| m.difference * 100.0), 1),
        Cell::rounded(c.met.map(|m| m.p_two_sided), 4),
        Cell::Count(c.more_answers_for_power),
        Cell::Text(c.verdict.clone()),
    ]
}

/// The arms shown: random, matched and all while comparing, else all alone.
pub fn arms<'a>(
    comparing: bool,
    random: &'a Figures,
    matched: &'a Figures,
    all: &'a Figures,
) -> Vec<(&'static str, &'a Figures)> {
    if comparing {
        vec![("random", random), ("matched", matched), ("all", all)]
    } else {
        vec![("all", all)]
    }
}

pub fn round_arms(comparing: bool, r: &RoundResults) -> Vec<(&'static str, &Figures)> {
    arms(comparing, &r.random, &r.matched, &r.all)
}

pub fn total_arms(results: &Results) -> Vec<(&'static str, &Figures)> {
    arms(
        results.comparing,
        &results.random,
        &results.matched,
        &results.all,
    )
}

/// A round's start as csv and json show it.
pub fn started_at(r: &RoundResults) -> String {
    r.started_at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn object<const N: usize>(names: [&str; N], cells: [Cell; N]) -> Value {
    let fields: Map<String, Value> = names
        .iter()
        .zip(cells.iter())
        .map(|(name, cell)| ((*name).to_owned(), cell.json()))
        .collect();
    Value::Object(fields)
}

/// All three arms, always: scripts find the same keys whether or not a
/// comparison runs (without one, `random` is everyone and `matched` empty).
fn arms_json(random: &Figures, matched: &Figures, all: &Figures) -> Value {
    json!({
        "random": object(ARM_COLUMNS, arm_cells(random)),
        "matched": object(ARM_COLUMNS, arm_cells(matched)),
        "all": object(ARM_COLUMNS, arm_cells(all)),
    })
}

/// The whole document described at the top of this module.
pub fn to_json(results: &Results, hypothesis: &str, matched_share: f64) -> Value {
    let rounds = results
        .rounds
        .iter()
        .map(|r| round_json(r, arms_json(&r.random, &r.matched, &r.all)))
        .collect();
    document(results, hypothesis, matched_share, rounds)
}

/// The document for the public (`/results.json`): the same, except that each
/// round gives only everyone's figures, as an arm within a round may be one
/// or two groups whose answers could be singled out. The overall arms come
/// from many groups.
pub fn to_public_json(results: &Results, hypothesis: &str, matched_share: f64) -> Value {
    let rounds = results
        .rounds
        .iter()
        .map(|r| round_json(r, json!({ "all": object(ARM_COLUMNS, arm_cells(&r.all)) })))
        .collect();
    let mut document = document(results, hypothesis, matched_share, rounds);
    document["min_groups_per_round"] = json!(super::analysis::MIN_GROUPS_PUBLISHED);
    document
}

fn round_json(r: &RoundResults, arms: Value) -> Value {
    json!({
        "round": r.round_id,
        "started_at": started_at(r),
        "arms": arms,
    })
}

fn document(results: &Results, hypothesis: &str, matched_share: f64, rounds: Vec<Value>) -> Value {
    let comparison = results
        .comparison
        .as_ref()
        .map(|c| object(COMPARISON_COLUMNS, comparison_cells(c)));
    json!({
        "hypothesis": hypothesis,
        "matched_share": matched_share,
        "comparing": results.comparing,
        "arms": arms_json(&results.random, &results.matched, &results.all),
        "comparison": comparison,
        "rounds": rounds,
    })
}

/// What each figure means, in one sentence: the report's footer and the
/// Results page.
pub const MEANINGS: [(&str, &str); 10] = [
    ("Groups", "The pairs and trios, as they are now."),
    (
        "People",
        "Group members still in their group; a rematched person counts in their new group, which is paired at random.",
    ),
    ("Answered", "People who sent the follow-up, as a % of the people."),
    (
        "Met",
        "People who said they met, as a % of those who answered (not of everyone).",
    ),
    (
        "Shared",
        "People who met and shared at least one link, as a % of those who met.",
    ),
    (
        "Would repeat",
        "People who would do it again, as a % of those who answered that question.",
    ),
    (
        "New connection",
        "People who said they made a new connection, as a % of those who answered that question.",
    ),
    (
        "Challenge",
        "The mean answer to \"Did it challenge your thinking?\" (1 to 5), with its 95% confidence interval (t-based, from Student's t; none with fewer than two answers).",
    ),
    ("Challenge answers", "How many people gave a challenge score."),
    (
        "Comparison",
        "Random minus matched: the challenge difference with Welch's 95% interval and the Mann-Whitney p-value, the difference in met % (percentage points) with the two-proportion z-test's p-value, and how many more challenge answers, over both arms, would give 80% power to detect the difference seen so far.",
    ),
];

/// "3 (60.0%)", or "0 (–)" when there is nothing to take a % of.
pub fn with_pct(count: &Cell, pct: &Cell) -> String {
    match pct {
        Cell::Decimal(Some(_), _) => format!("{} ({}%)", count.text(), pct.text()),
        _ => format!("{} ({DASH})", count.text()),
    }
}

/// "3.50 (2.10 to 4.90)", the mean alone, or a dash.
pub fn mean_with_ci(mean: &Cell, low: &Cell, high: &Cell) -> String {
    match (mean, low) {
        (Cell::Decimal(None, _), _) => DASH.to_owned(),
        (_, Cell::Decimal(Some(_), _)) => {
            format!("{} ({} to {})", mean.text(), low.text(), high.text())
        }
        _ => mean.text(),
    }
}

/// A percentage, or a dash.
pub fn pct(cell: &Cell) -> String {
    match cell {
        Cell::Decimal(Some(_), _) => format!("{}%", cell.text()),
        _ => DASH.to_owned(),
    }
}

/// How many of [`MEANINGS`] are rows of the per-arm table: all but the
/// comparison's.
pub const FIGURE_ROWS: usize = 9;

/// The per-arm table's row labels.
pub fn figure_labels() -> impl Iterator<Item = &'static str> {
    MEANINGS.iter().take(FIGURE_ROWS).map(|(label, _)| *label)
}

/// The figures of one arm as the per-arm table shows them, in
/// [`figure_labels`] order.
pub fn arm_display(f: &Figures) -> [String; FIGURE_ROWS] {
    let c = arm_cells(f);
    [
        c[0].text(),
        c[1].text(),
        with_pct(&c[2], &c[3]),
        with_pct(&c[4], &c[5]),
        with_pct(&c[6], &c[7]),
        pct(&c[8]),
        pct(&c[9]),
        mean_with_ci(&c[10], &c[11], &c[12]),
        c[13].text(),
    ]
}

/// An arm of one round as the per-round tables show it: groups, people,
/// met and the mean challenge (alone: a round's interval is too wide to be
/// worth reading).
pub fn round_display(f: &Figures) -> [String; 4] {
    let c = arm_cells(f);
    [
        c[0].text(),
        c[1].text(),
        with_pct(&c[4], &c[5]),
        c[10].text(),
    ]
}

/// The comparison's figures with their labels, verdict apart.
pub fn comparison_display(c: &Comparison) -> [(&'static str, String); 4] {
    let cells = comparison_cells(c);
    let difference = match &cells[0] {
        Cell::Decimal(Some(_), _) => format!(
            "{} (95% CI {} to {})",
            cells[0].text(),
            cells[1].text(),
            cells[2].text()
        ),
        _ => DASH.to_owned(),
    };
    let met = match &cells[4] {
        Cell::Decimal(Some(_), _) => {
            format!(
                "{} percentage points, p = {}",
                cells[4].text(),
                cells[5].text()
            )
        }
        _ => DASH.to_owned(),
    };
    [
        ("Challenge difference (random − matched)", difference),
        ("Mann–Whitney p (challenge)", cells[3].text()),
        ("Met difference (random − matched)", met),
        ("More answers needed for 80% power", cells[6].text()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_and_show_a_dash_or_nothing_when_undefined() {
        let cell = Cell::rounded(Some(2.0 / 3.0), 2);
        assert_eq!(cell.json(), json!(0.67));
        assert_eq!(cell.text(), "0.67");
        let none = Cell::rounded(None, 1);
        assert_eq!(
            (none.csv(), none.text(), none.json()),
            ("".to_owned(), DASH.to_owned(), Value::Null)
        );
        assert_eq!(with_pct(&Cell::count(0), &none), "0 (–)");
    }

    #[test]
    fn an_empty_arm_has_counts_of_zero_and_no_percentages() {
        let shown = arm_display(&Figures::default());
        assert_eq!(shown[0], "0");
        assert_eq!(shown[2], "0 (–)");
        assert_eq!(shown[7], DASH);
        let json = object(ARM_COLUMNS, arm_cells(&Figures::default()));
        assert_eq!(json["met_pct"], Value::Null);
        assert_eq!(json["challenge_answers"], json!(0));
    }
}
