//! The experiment's analysis: from what each group member answered to the
//! figures per arm, per round and overall, and the comparison of the arms.
//! Pure: the caller reads the outcomes (`db::experiment`).
//!
//! Definitions (the same as `unmentoring report` where they overlap):
//! - people: group members still in their group (someone who declined or
//!   bounced has left it); a rematched person counts in their new group, which
//!   is in the `random` arm, as rematches are paired at random; someone
//!   who later left UnMentoring still counts, anonymously, with their
//!   answers (their shared links were erased with them);
//! - groups: the groups those people are in;
//! - answered: people who sent the follow-up; met: of those who answered,
//!   those who said they met (a % of the answers, not of everyone);
//! - shared: of those who met, people who shared at least one link;
//! - would repeat / new connection: "yes" answers, of the people who
//!   answered that question;
//! - challenge: the mean answer to "Did it challenge your thinking?" (1–5),
//!   with a 95 % confidence interval from Student's t (t-based, not bootstrap).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::Arm;
use crate::domain::statistics::{
    self, difference_ci, mann_whitney, mean_ci, two_proportions, DifferenceCi, MeanCi,
    ProportionTest,
};
use crate::domain::Met;

/// A round's figures are published only when it has at least this many
/// groups, so that nobody's answers can be singled out.
pub const MIN_GROUPS_PUBLISHED: u64 = 5;

/// What one group member's follow-up said.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Answer {
    pub met: Met,
    pub challenged: Option<u8>,
    pub would_repeat: Option<bool>,
    pub new_connection: Option<bool>,
}

/// One person in one group, with what they answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub round_id: i64,
    pub round_started_at: NaiveDateTime,
    pub group_number: i32,
    pub arm: Arm,
    pub answer: Option<Answer>,
    /// Whether they shared at least one link.
    pub shared_link: bool,
}

/// The figures for a set of people: an arm, a round, or everyone.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    pub groups: u64,
    pub people: u64,
    pub answered: u64,
    pub met: u64,
    pub shared: u64,
    pub would_repeat_yes: u64,
    pub would_repeat_answers: u64,
    pub new_connection_yes: u64,
    pub new_connection_answers: u64,
    /// Every challenge score given (1–5), for the comparison.
    #[serde(skip)]
    pub challenge_scores: Vec<f64>,
}

impl Figures {
    fn of<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> Self {
        let mut figures = Figures::default();
        let mut groups = HashSet::new();
        for outcome in outcomes {
            groups.insert((outcome.round_id, outcome.group_number));
            figures.count(outcome);
        }
        figures.groups = groups.len() as u64;
        figures
    }

    fn count(&mut self, outcome: &Outcome) {
        self.people += 1;
        let Some(answer) = outcome.answer else {
            return;
        };
        self.answered += 1;
        if answer.met == Met::Yes {
            self.met += 1;
            self.shared += u64::from(outcome.shared_link);
        }
        if let Some(yes) = answer.would_repeat {
            self.would_repeat_answers += 1;
            self.would_repeat_yes += u64::from(yes);
        }
        if let Some(yes) = answer.new_connection {
            self.new_connection_answers += 1;
            self.new_connection_yes += u64::from(yes);
        }
        if let Some(score) = answer.challenged {
            self.challenge_scores.push(f64::from(score));
        }
    }

    pub fn answered_pct(&self) -> Option<f64> {
        percent(self.answered, self.people)
    }

    pub fn met_pct(&self) -> Option<f64> {
        percent(self.met, self.answered)
    }

    pub fn shared_pct(&self) -> Option<f64> {
        percent(self.shared, self.met)
    }

    pub fn would_repeat_pct(&self) -> Option<f64> {
        percent(self.would_repeat_yes, self.would_repeat_answers)
    }

    pub fn new_connection_pct(&self) -> Option<f64> {
        percent(self.new_connection_yes, self.new_connection_answers)
    }

    /// How many gave a challenge score.
    pub fn challenge_answers(&self) -> u64 {
        self.challenge_scores.len() as u64
    }

    /// The mean challenge score with its 95 % interval (t-based); None
    /// with fewer than two scores.
    pub fn challenge(&self) -> Option<MeanCi> {
        mean_ci(&self.challenge_scores, 0.95)
    }

    /// The mean challenge score alone, even of one score.
    pub fn challenge_mean(&self) -> Option<f64> {
        let n = self.challenge_scores.len();
        (n > 0).then(|| self.challenge_scores.iter().sum::<f64>() / n as f64)
    }
}

/// `part` as a % of `whole`, to one decimal; none when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (100.0 * part as f64 / whole as f64 * 10.0).round() / 10.0)
}

/// The two arms compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Mean challenge, random − matched, with Welch's 95 % interval.
    pub challenge: Option<DifferenceCi>,
    /// Mann–Whitney U test of the challenge scores (two-sided p).
    pub challenge_p: Option<f64>,
    /// Met %, random − matched, with the pooled two-proportion z-test.
    pub met: Option<ProportionTest>,
    /// Answers still needed, over both arms, for 80 % power to detect the
    /// difference observed so far (0.5 points when there is none yet).
    pub more_answers_for_power: Option<u64>,
    /// In plain English, never more than the answers show.
    pub verdict: String,
}

impl Comparison {
    fn of(random: &Figures, matched: &Figures) -> Self {
        let (r, m) = (&random.challenge_scores, &matched.challenge_scores);
        Comparison {
            challenge: difference_ci(r, m, 1.0 - statistics::ALPHA),
            challenge_p: mann_whitney(r, m).map(|t| t.p_two_sided),
            met: two_proportions(random.met, random.answered, matched.met, matched.answered),
            more_answers_for_power: statistics::answers_for_observed_difference(r, m),
            verdict: statistics::verdict(r, m),
        }
    }
}

/// One round's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundResults {
    pub round_id: i64,
    pub started_at: NaiveDateTime,
    pub all: Figures,
    pub random: Figures,
    pub matched: Figures,
}

/// Everything the report and the results pages show.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Whether two arms are being compared: a matched share is set, or some
    /// round had matched groups.
    pub comparing: bool,
    pub all: Figures,
    pub random: Figures,
    pub matched: Figures,
    /// None when no comparison is running.
    pub comparison: Option<Comparison>,
    /// Oldest first.
    pub rounds: Vec<RoundResults>,
}

/// The figures and the comparison of `outcomes`. `share_set` says whether
/// `experiment.matched_share` is above 0 now.
pub fn analyse(outcomes: &[Outcome], share_set: bool) -> Results {
    let arm = |a: Arm| Figures::of(outcomes.iter().filter(move |o| o.arm == a));
    let (random, matched) = (arm(Arm::Random), arm(Arm::Matched));
    let comparing = share_set || matched.people > 0;
    Results {
        comparing,
        all: Figures::of(outcomes.iter()),
        comparison: comparing.then(|| Comparison::of(&random, &matched)),
        random,
        matched,
        rounds: rounds(outcomes),
    }
}

fn rounds(outcomes: &[Outcome]) -> Vec<RoundResults> {
    let mut by_round: BTreeMap<(NaiveDateTime, i64), Vec<&Outcome>> = BTreeMap::new();
    for o in outcomes {
        by_round
            .entry((o.round_started_at, o.round_id))
            .or_default()
            .push(o);
    }
    by_round
        .into_iter()
        .map(|((started_at, round_id), members)| {
            let arm = |a: Arm| Figures::of(members.iter().copied().filter(move |o| o.arm == a));
            RoundResults {
                round_id,
                started_at,
                all: Figures::of(members.iter().copied()),
                random: arm(Arm::Random),
                matched: arm(Arm::Matched),
            }
        })
        .collect()
}

/// Only the outcomes of rounds with at least [`MIN_GROUPS_PUBLISHED`]
/// groups: what may be shown to the public.
pub fn publishable(outcomes: &[Outcome]) -> Vec<Outcome> {
    let mut groups: HashMap<i64, HashSet<i32>> = HashMap::new();
    for o in outcomes {
        groups.entry(o.round_id).or_default().insert(o.group_number);
    }
    outcomes
        .iter()
        .filter(|o| groups[&o.round_id].len() as u64 >= MIN_GROUPS_PUBLISHED)
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests;
