//! The public results page's figures in words: every number formatted once
//! here, so the template only places text (which askama escapes).

use crate::domain::experiment::analysis::{Comparison, Figures, RoundResults};
use crate::domain::experiment::Results;
use crate::domain::PeopleTime;

use super::results_chart::{self, Point};

/// Shown where a rate has nothing to be a rate of.
const NONE_YET: &str = "No answers yet";

/// One column of the figures table: everyone, or one arm.
pub struct Column {
    pub heading: &'static str,
    pub groups: String,
    pub people: String,
    pub answered: String,
    pub met: String,
    pub shared: String,
    pub would_repeat: String,
    pub new_connection: String,
    pub challenge: String,
}

impl Column {
    fn of(heading: &'static str, f: &Figures) -> Self {
        Self {
            heading,
            groups: f.groups.to_string(),
            people: f.people.to_string(),
            answered: pct(f.answered_pct()),
            met: pct(f.met_pct()),
            shared: pct(f.shared_pct()),
            would_repeat: pct(f.would_repeat_pct()),
            new_connection: pct(f.new_connection_pct()),
            challenge: challenge(f),
        }
    }
}

/// The comparison of the two arms, sentence by sentence.
pub struct ComparisonView {
    pub verdict: String,
    pub challenge: String,
    pub challenge_p: String,
    pub met: String,
    pub more_answers: String,
}

impl ComparisonView {
    fn of(c: &Comparison) -> Self {
        Self {
            verdict: c.verdict.clone(),
            challenge: c.challenge.map_or_else(
                || "Not enough challenge scores in both groups yet.".to_owned(),
                |d| {
                    format!(
                        "{} points (95% confidence interval {} to {}).",
                        signed(d.difference, 1),
                        signed(d.low, 1),
                        signed(d.high, 1)
                    )
                },
            ),
            challenge_p: c
                .challenge_p
                .map_or_else(|| "Not enough answers yet.".to_owned(), p_value),
            met: c.met.map_or_else(
                || "Not enough answers in both groups yet.".to_owned(),
                |m| {
                    format!(
                        "{} percentage points ({}).",
                        signed(m.difference * 100.0, 1),
                        p_value(m.p_two_sided)
                    )
                },
            ),
            more_answers: match c.more_answers_for_power {
                None => "We cannot estimate this until the scores vary.".to_owned(),
                Some(0) => {
                    "None: there are enough answers to detect a difference of the size seen so far."
                        .to_owned()
                }
                Some(n) => format!("About {n} more, across both groups."),
            },
        }
    }
}

/// One row of the rounds table.
pub struct RoundRow {
    pub date: String,
    pub date_iso: String,
    pub groups: u64,
    pub people: u64,
    pub met: String,
    pub challenge: String,
}

impl RoundRow {
    fn of(r: &RoundResults, time: PeopleTime) -> Self {
        Self {
            date: time.date(r.started_at),
            date_iso: time.iso_day(r.started_at),
            groups: r.all.groups,
            people: r.all.people,
            met: pct(r.all.met_pct()),
            challenge: r
                .all
                .challenge_mean()
                .map_or_else(|| NONE_YET.to_owned(), |m| format!("{m:.1}")),
        }
    }
}

/// Everything the page shows besides the hypothesis.
pub struct ResultsView {
    pub comparing: bool,
    /// False when no round has enough groups to publish: the empty state.
    pub any: bool,
    pub columns: Vec<Column>,
    pub comparison: Option<ComparisonView>,
    pub rounds: Vec<RoundRow>,
    /// The chart's SVG markup, every text in it escaped.
    pub chart: String,
}

impl ResultsView {
    pub fn new(results: &Results, time: PeopleTime) -> Self {
        let mut columns = vec![Column::of("Everyone", &results.all)];
        if results.comparing {
            columns.push(Column::of("Paired at random", &results.random));
            columns.push(Column::of("Paired by interests", &results.matched));
        }
        let points: Vec<Point> = results
            .rounds
            .iter()
            .map(|r| Point {
                label: time.date(r.started_at),
                met_pct: r.all.met_pct(),
                challenge: r.all.challenge_mean(),
            })
            .collect();
        Self {
            comparing: results.comparing,
            any: !results.rounds.is_empty(),
            columns,
            comparison: results.comparison.as_ref().map(ComparisonView::of),
            rounds: results
                .rounds
                .iter()
                .map(|r| RoundRow::of(r, time))
                .collect(),
            chart: results_chart::render(&points),
        }
    }
}

fn pct(value: Option<f64>) -> String {
    value.map_or_else(|| NONE_YET.to_owned(), |v| format!("{v:.1}%"))
}

/// "3.5 out of 5 (95% confidence interval 2.9 to 4.1, from 12 answers)".
fn challenge(f: &Figures) -> String {
    match (f.challenge(), f.challenge_mean()) {
        (Some(ci), _) => format!(
            "{:.1} out of 5 (95% confidence interval {} to {}, from {} answers)",
            ci.mean,
            number(ci.low),
            number(ci.high),
            ci.n
        ),
        (None, Some(mean)) => {
            format!("{mean:.1} out of 5 (from 1 answer: too few for an interval)")
        }
        (None, None) => NONE_YET.to_owned(),
    }
}

/// A number with its sign, a real minus sign when negative.
fn signed(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    let zero = text.chars().all(|c| c == '0' || c == '.');
    match () {
        _ if zero => text,
        _ if x < 0.0 => format!("\u{2212}{text}"),
        _ => format!("+{text}"),
    }
}

/// One decimal, with a real minus sign: with few answers an interval can
/// reach below 0, and a hyphen is easy to miss.
fn number(x: f64) -> String {
    signed(x, 1).trim_start_matches('+').to_owned()
}

fn p_value(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_owned()
    } else {
        format!("p = {p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_p_values_read_plainly() {
        assert_eq!(signed(0.44, 1), "+0.4");
        assert_eq!(signed(-1.26, 1), "\u{2212}1.3");
        assert_eq!(signed(-0.01, 1), "0.0");
        assert_eq!(number(-9.71), "\u{2212}9.7");
        assert_eq!(number(15.71), "15.7");
        assert_eq!(p_value(0.0004), "p < 0.001");
        assert_eq!(p_value(0.5), "p = 0.500");
        assert_eq!(pct(None), NONE_YET);
        assert_eq!(pct(Some(62.5)), "62.5%");
    }
}
