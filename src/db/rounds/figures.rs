//! The experiment's figures, per round and for all rounds together, for
//! `unmentoring report`. Read in one pass per table, whatever the number of
//! rounds or members.
//!
//! What each figure means:
//! - groups: the round's pairs and trios as they are now (counted from
//!   `group_members`; the person who sat out is in no group). Only members
//!   still in their group count (see [`super::figure_groups`]): a group
//!   everyone left is no group; a group made by a rematch is one.
//! - members: the people in those groups; answered: members who sent the
//!   follow-up (a `followup_answers` row), also as a % of members. A
//!   rematched person counts once, in their final group.
//! - met yes / not yet / no: how many answered each, and as a % of the members
//!   who *answered* (not of all members). With no answers there is no %.
//! - conversations: groups in which at least one member answered that they
//!   met (a group where nobody answered counts as not having met), also as a %
//!   of groups.
//! - outputs shared: links members of the round shared (`shared_links` rows),
//!   published or not; not those of members who left their group.
//! - mean challenged: mean answer to "Did it challenge your thinking?" (1–5)
//!   over the answers that gave one, to one decimal; none when nobody did.
//! - pairs: a group of k people makes k×(k−1)/2 pairs (a trio is 3 pairs);
//!   cross-organisation share = (pairs − same-organisation pairs) / pairs,
//!   with the same-organisation count stored when the round ran (people who
//!   leave have their organisation erased, so it cannot be worked out again).
//!   In a round whose groups changed since (someone left a group or was
//!   rematched) the stored count no longer fits, so it is worked out again
//!   from the final groups; a person whose details were erased then counts as
//!   working for an organisation of their own.
//! - arranged: groups that said "we've arranged a time" (`meetings.arranged_at`),
//!   also as a % of groups. nudged: groups sent a nudge (`meetings.nudged_at`),
//!   whoever is in them now.
//! - declined / bounced: members who left their group because they declined,
//!   or because email to them bounced (`group_members.left_reason`). The total
//!   adds the rounds up: group members who bounced, not every bounced email.
//! - rematched: rematches made from the round's pool: requests given a new
//!   group (`rematch_requests.matched_at`); someone rematched twice counts twice.
//! - days to arranged / to met: the median, over groups, of the days (with
//!   fractions) from the introduction (`meetings.created_at`; a rematch's own
//!   introduction for a group it made) to "arranged", and to the follow-up
//!   answer of the first member still in the group who said they met. With an
//!   even number of groups, the mean of the two middle values; none of no groups.
//!   The total's medians are of all groups of all rounds, not of the rounds' medians.
//! - total: the counts added up over all rounds; its percentages and mean are
//!   worked out again from those sums, not averaged over rounds.
//!
//! Percentages are 0–100, rounded to one decimal.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::days::Days;
use super::figure_groups::{self, Rounds};
use crate::db::schema::{group_members, rounds, shared_links};
use crate::db::Conn;

/// Counts for one round, or for several added together.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub groups: u64,
    pub members: u64,
    pub answered: u64,
    pub met_yes: u64,
    pub met_not_yet: u64,
    pub met_no: u64,
    pub conversations: u64,
    pub outputs_shared: u64,
    pub challenged_sum: u64,
    pub challenged_answers: u64,
    pub pairs: u64,
    pub same_organisation_pairs: u64,
    pub arranged: u64,
    pub declined: u64,
    pub rematched: u64,
    pub bounced: u64,
    pub nudged: u64,
}

impl Figures {
    pub fn add(&mut self, other: &Figures) {
        self.groups += other.groups;
        self.members += other.members;
        self.answered += other.answered;
        self.met_yes += other.met_yes;
        self.met_not_yet += other.met_not_yet;
        self.met_no += other.met_no;
        self.conversations += other.conversations;
        self.outputs_shared += other.outputs_shared;
        self.challenged_sum += other.challenged_sum;
        self.challenged_answers += other.challenged_answers;
        self.pairs += other.pairs;
        self.same_organisation_pairs += other.same_organisation_pairs;
        self.arranged += other.arranged;
        self.declined += other.declined;
        self.rematched += other.rematched;
        self.bounced += other.bounced;
        self.nudged += other.nudged;
    }

    /// Groups that arranged a time, as a % of groups.
    pub fn arranged_pct(&self) -> Option<f64> {
        percent(self.arranged, self.groups)
    }

    /// Members who answered, as a % of members.
    pub fn answered_pct(&self) -> Option<f64> {
        percent(self.answered, self.members)
    }

    /// A count of answers as a % of the members who answered.
    pub fn of_answered(&self, count: u64) -> Option<f64> {
        percent(count, self.answered)
    }

    /// Groups that met, as a % of groups.
    pub fn conversations_pct(&self) -> Option<f64> {
        percent(self.conversations, self.groups)
    }

    /// Mean "challenged my thinking" score, to one decimal.
    pub fn mean_challenged(&self) -> Option<f64> {
        (self.challenged_answers > 0)
            .then(|| round1(self.challenged_sum as f64 / self.challenged_answers as f64))
    }

    pub fn cross_organisation_pairs(&self) -> u64 {
        self.pairs.saturating_sub(self.same_organisation_pairs)
    }

    /// Pairs across different organisations, as a % of pairs.
    pub fn cross_organisation_pct(&self) -> Option<f64> {
        percent(self.cross_organisation_pairs(), self.pairs)
    }
}

pub use crate::domain::experiment::analysis::percent;

fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// One round's figures.
#[derive(Debug, Clone)]
pub struct RoundReport {
    pub id: i64,
    pub started_at: NaiveDateTime,
    pub figures: Figures,
    pub days: Days,
}

/// The waits of every round's groups together (for the total's medians).
pub fn total_days(reports: &[RoundReport]) -> Days {
    reports.iter().fold(Days::default(), |mut all, r| {
        all.add(&r.days);
        all
    })
}

/// The figures of every round added together.
pub fn total(reports: &[RoundReport]) -> Figures {
    reports.iter().fold(Figures::default(), |mut sum, r| {
        sum.add(&r.figures);
        sum
    })
}

pub(super) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Every round's figures, oldest first, or only round `only` (none if it does not exist).
pub fn load(conn: &mut Conn, only: Option<i64>) -> anyhow::Result<Vec<RoundReport>> {
    let mut query = rounds::table
        .order((rounds::started_at, rounds::id))
        .select((
            rounds::id,
            rounds::started_at,
            rounds::same_organisation_pairs,
        ))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(rounds::id.eq(id));
    }
    let found: Vec<(i64, NaiveDateTime, i32)> =
        query.load(conn).context("could not read the rounds")?;
    let mut reports: Vec<RoundReport> = found
        .into_iter()
        .map(|(id, started_at, same)| RoundReport {
            id,
            started_at,
            figures: Figures {
                same_organisation_pairs: count(same.into()),
                ..Figures::default()
            },
            days: Days::default(),
        })
        .collect();
    let index: HashMap<i64, usize> = reports.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    add_outputs(conn, only, &mut reports, &index)?;
    let changed = vec![false; reports.len()];
    let mut rounds = Rounds {
        reports: &mut reports,
        index,
        changed,
    };
    // Who left and who was rematched first: they say which rounds changed.
    figure_groups::add_left(conn, only, &mut rounds)?;
    figure_groups::add_rematched(conn, only, &mut rounds)?;
    figure_groups::add_nudged(conn, only, &mut rounds)?;
    figure_groups::add_groups(conn, only, &mut rounds)?;
    Ok(reports)
}

/// Shared links of members still in their group, counted per round by the database.
fn add_outputs(
    conn: &mut Conn,
    only: Option<i64>,
    reports: &mut [RoundReport],
    index: &HashMap<i64, usize>,
) -> anyhow::Result<()> {
    let mut query = shared_links::table
        .inner_join(group_members::table)
        .filter(group_members::left_at.is_null())
        .group_by(group_members::round_id)
        .select((group_members::round_id, count_star()))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(group_members::round_id.eq(id));
    }
    let counts: Vec<(i64, i64)> = query.load(conn).context("could not count shared links")?;
    for (round_id, n) in counts {
        if let Some(&i) = index.get(&round_id) {
            reports[i].figures.outputs_shared = count(n);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_to_one_decimal_and_are_none_of_nothing() {
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(5, 8), Some(62.5));
        assert_eq!(percent(0, 4), Some(0.0));
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn totals_recompute_percentages_from_the_sums() {
        let a = Figures {
            members: 3,
            answered: 1,
            challenged_sum: 5,
            challenged_answers: 1,
            pairs: 1,
            same_organisation_pairs: 1,
            ..Figures::default()
        };
        let b = Figures {
            members: 1,
            answered: 1,
            challenged_sum: 3,
            challenged_answers: 3,
            pairs: 3,
            ..Figures::default()
        };
        let mut sum = a;
        sum.add(&b);
        assert_eq!(sum.answered_pct(), Some(50.0));
        assert_eq!(sum.mean_challenged(), Some(2.0));
        assert_eq!(sum.cross_organisation_pct(), Some(75.0));
        assert_eq!(Figures::default().mean_challenged(), None);
        assert_eq!(Figures::default().cross_organisation_pct(), None);
    }
}
