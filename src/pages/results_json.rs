//! `/results.json`: the public results as data. Counts and rates only, from
//! rounds with enough groups ([`MIN_GROUPS_PUBLISHED`]): never a name, an
//! email address or an organisation, nor anything that could point to one.

use serde_json::{json, Value};

use crate::domain::experiment::analysis::{Comparison, Figures, MIN_GROUPS_PUBLISHED};
use crate::domain::experiment::Results;
use crate::domain::statistics::MeanCi;
use crate::domain::PeopleTime;

/// The whole document. Percentages are 0–100 to one decimal, or null when
/// nobody answered; means and intervals are rounded to two decimals.
pub fn document(hypothesis: &str, results: &Results, time: PeopleTime) -> Value {
    json!({
        "hypothesis": hypothesis,
        "comparing": results.comparing,
        "min_groups_per_round": MIN_GROUPS_PUBLISHED,
        "arms": {
            "all": figures(&results.all),
            "random": figures(&results.random),
            "matched": figures(&results.matched),
        },
        "comparison": results.comparison.as_ref().map(comparison),
        "rounds": results.rounds.iter().map(|r| json!({
            "date": time.iso_day(r.started_at),
            "groups": r.all.groups,
            "people": r.all.people,
            "met_pct": r.all.met_pct(),
            "challenge_mean": r.all.challenge_mean().map(two_decimals),
        })).collect::<Vec<_>>(),
    })
}

fn figures(f: &Figures) -> Value {
    json!({
        "groups": f.groups,
        "people": f.people,
        "answered": f.answered,
        "answered_pct": f.answered_pct(),
        "met": f.met,
        "met_pct": f.met_pct(),
        "shared": f.shared,
        "shared_pct": f.shared_pct(),
        "would_repeat_pct": f.would_repeat_pct(),
        "would_repeat_answers": f.would_repeat_answers,
        "new_connection_pct": f.new_connection_pct(),
        "new_connection_answers": f.new_connection_answers,
        "challenge_answers": f.challenge_answers(),
        "challenge": f.challenge().map(|ci| interval(&ci)),
    })
}

/// A t-based 95 % interval for a mean.
fn interval(ci: &MeanCi) -> Value {
    json!({
        "mean": two_decimals(ci.mean),
        "low": two_decimals(ci.low),
        "high": two_decimals(ci.high),
        "n": ci.n,
    })
}

fn comparison(c: &Comparison) -> Value {
    json!({
        "challenge_difference": c.challenge.map(|d| json!({
            "difference": two_decimals(d.difference),
            "low": two_decimals(d.low),
            "high": two_decimals(d.high),
        })),
        "challenge_p": c.challenge_p.map(three_decimals),
        // The test gives proportions; the page and this file speak in
        // percentage points, like every other rate here.
        "met_difference_pct": c.met.map(|m| one_decimal(m.difference * 100.0)),
        "met_p": c.met.map(|m| three_decimals(m.p_two_sided)),
        "more_answers_for_power": c.more_answers_for_power,
        "verdict": c.verdict,
    })
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn two_decimals(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn three_decimals(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
