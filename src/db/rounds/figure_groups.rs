//! The report's reading of the groups: one streamed pass over the members
//! still in their groups (with their answers), merged with the groups'
//! meetings, plus a few counts the database works out per round.
//!
//! Only members still in their group count (`left_at` is NULL): a member who
//! declined, bounced, waits in the rematch pool or was never rematched is
//! left out, and a rematched member's row has moved to their new group, so
//! each person counts once, in their final group.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::connection::DefaultLoadingMode;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::days::days_between;
use super::figures::{count, RoundReport};
use crate::db::schema::{
    followup_answers, group_members, meetings, participants, rematch_requests,
};
use crate::db::Conn;
use crate::domain::pairing::organisation_key;
use crate::domain::{LeftReason, Met};

/// Where each round is in the reports, and whether its groups changed since
/// it ran (someone left a group, or was rematched).
pub struct Rounds<'a> {
    pub reports: &'a mut [RoundReport],
    pub index: HashMap<i64, usize>,
    pub changed: Vec<bool>,
}

impl Rounds<'_> {
    fn at(&mut self, round_id: i64) -> Option<(&mut RoundReport, bool)> {
        let &i = self.index.get(&round_id)?;
        Some((&mut self.reports[i], self.changed[i]))
    }
}

/// Members who left their group for good (declined, bounced), and whether
/// anyone left at all, per round.
pub fn add_left(conn: &mut Conn, only: Option<i64>, rounds: &mut Rounds<'_>) -> anyhow::Result<()> {
    let mut query = group_members::table
        .filter(group_members::left_at.is_not_null())
        .group_by((group_members::round_id, group_members::left_reason))
        .select((
            group_members::round_id,
            group_members::left_reason,
            count_star(),
        ))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(group_members::round_id.eq(id));
    }
    let counts: Vec<(i64, Option<LeftReason>, i64)> = query
        .load(conn)
        .context("could not count who left groups")?;
    for (round_id, reason, n) in counts {
        if let Some(&i) = rounds.index.get(&round_id) {
            rounds.changed[i] = true;
            let f = &mut rounds.reports[i].figures;
            match reason {
                Some(LeftReason::Declined) => f.declined += count(n),
                Some(LeftReason::Bounced) => f.bounced += count(n),
                _ => {}
            }
        }
    }
    Ok(())
}

/// People of the pool who were rematched, per round.
pub fn add_rematched(
    conn: &mut Conn,
    only: Option<i64>,
    rounds: &mut Rounds<'_>,
) -> anyhow::Result<()> {
    let mut query = rematch_requests::table
        .filter(rematch_requests::matched_at.is_not_null())
        .group_by(rematch_requests::round_id)
        .select((rematch_requests::round_id, count_star()))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(rematch_requests::round_id.eq(id));
    }
    let counts: Vec<(i64, i64)> = query.load(conn).context("could not count rematches")?;
    for (round_id, n) in counts {
        if let Some(&i) = rounds.index.get(&round_id) {
            rounds.changed[i] = true;
            rounds.reports[i].figures.rematched = count(n);
        }
    }
    Ok(())
}

/// Groups that were sent a nudge, per round (whoever is in them now).
pub fn add_nudged(
    conn: &mut Conn,
    only: Option<i64>,
    rounds: &mut Rounds<'_>,
) -> anyhow::Result<()> {
    let mut query = meetings::table
        .filter(meetings::nudged_at.is_not_null())
        .group_by(meetings::round_id)
        .select((meetings::round_id, count_star()))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(meetings::round_id.eq(id));
    }
    let counts: Vec<(i64, i64)> = query.load(conn).context("could not count nudges")?;
    for (round_id, n) in counts {
        if let Some((report, _)) = rounds.at(round_id) {
            report.figures.nudged = count(n);
        }
    }
    Ok(())
}

/// A group's introduction time and when it said it had arranged a time.
type MeetingTimes = ((i64, i32), NaiveDateTime, Option<NaiveDateTime>);

/// Every group's meeting times, in group order (to merge with the members).
fn meeting_times(conn: &mut Conn, only: Option<i64>) -> anyhow::Result<Vec<MeetingTimes>> {
    let mut query = meetings::table
        .order((meetings::round_id, meetings::group_number))
        .select((
            meetings::round_id,
            meetings::group_number,
            meetings::created_at,
            meetings::arranged_at,
        ))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(meetings::round_id.eq(id));
    }
    let rows: Vec<(i64, i32, NaiveDateTime, Option<NaiveDateTime>)> =
        query.load(conn).context("could not read the meetings")?;
    Ok(rows
        .into_iter()
        .map(|(round, number, created, arranged)| ((round, number), created, arranged))
        .collect())
}

/// The group being read.
struct OpenGroup {
    key: (i64, i32),
    size: u64,
    /// Someone in it said they met.
    met: bool,
    /// When the first of them said so (unknown for answers stored before
    /// `met_at` existed without a time).
    met_at: Option<NaiveDateTime>,
    /// Organisation keys of its members, kept only for rounds that changed
    /// (their same-organisation pairs are counted again); "" once erased.
    organisations: Vec<String>,
}

impl OpenGroup {
    fn new(key: (i64, i32)) -> Self {
        Self {
            key,
            size: 0,
            met: false,
            met_at: None,
            organisations: Vec::new(),
        }
    }

    /// Pairs of members known to work for the same organisation.
    fn same_organisation_pairs(&self) -> u64 {
        let known: Vec<&String> = self
            .organisations
            .iter()
            .filter(|o| !o.is_empty())
            .collect();
        let mut same = 0;
        for (i, a) in known.iter().enumerate() {
            same += known[i + 1..].iter().filter(|b| *b == a).count() as u64;
        }
        same
    }

    fn close(self, rounds: &mut Rounds<'_>, meetings: &mut Meetings) {
        let meeting = meetings.find(self.key);
        let Some((report, changed)) = rounds.at(self.key.0) else {
            return;
        };
        let f = &mut report.figures;
        f.groups += 1;
        f.pairs += self.size * self.size.saturating_sub(1) / 2;
        f.conversations += u64::from(self.met);
        if changed {
            f.same_organisation_pairs += self.same_organisation_pairs();
        }
        let Some((_, introduced, arranged)) = meeting else {
            return;
        };
        if let Some(arranged) = arranged {
            f.arranged += 1;
            report
                .days
                .to_arranged
                .push(days_between(introduced, arranged));
        }
        if let Some(met) = self.met_at {
            report.days.to_met.push(days_between(introduced, met));
        }
    }
}

/// The meetings, read alongside the groups (both in group order).
struct Meetings {
    rows: std::vec::IntoIter<MeetingTimes>,
    next: Option<MeetingTimes>,
}

impl Meetings {
    fn find(&mut self, key: (i64, i32)) -> Option<MeetingTimes> {
        while let Some(row) = self.next {
            if row.0 > key {
                return None;
            }
            self.next = self.rows.next();
            if row.0 == key {
                return Some(row);
            }
        }
        None
    }
}

type MemberRow = (
    i64,
    i32,
    String,
    Option<Met>,
    Option<i32>,
    Option<NaiveDateTime>,
);

/// One streamed pass over the members still in their groups, in group order.
pub fn add_groups(
    conn: &mut Conn,
    only: Option<i64>,
    rounds: &mut Rounds<'_>,
) -> anyhow::Result<()> {
    // Rounds that changed count their same-organisation pairs again, here.
    for (i, report) in rounds.reports.iter_mut().enumerate() {
        if rounds.changed[i] {
            report.figures.same_organisation_pairs = 0;
        }
    }
    let mut rows = meeting_times(conn, only)?.into_iter();
    let next = rows.next();
    let mut meetings = Meetings { rows, next };
    let mut query = group_members::table
        .inner_join(participants::table)
        .left_join(followup_answers::table)
        .filter(group_members::left_at.is_null())
        .order((group_members::round_id, group_members::group_number))
        .select((
            group_members::round_id,
            group_members::group_number,
            participants::organisation,
            followup_answers::met.nullable(),
            followup_answers::challenged.nullable(),
            followup_answers::met_at.nullable(),
        ))
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(group_members::round_id.eq(id));
    }
    let rows = query
        .load_iter::<MemberRow, DefaultLoadingMode>(conn)
        .context("could not read the groups")?;
    let mut open: Option<OpenGroup> = None;
    for row in rows {
        let (round_id, number, organisation, met, challenged, met_at) =
            row.context("could not read a group member")?;
        if open.as_ref().is_none_or(|g| g.key != (round_id, number)) {
            if let Some(done) = open.take() {
                done.close(rounds, &mut meetings);
            }
            open = Some(OpenGroup::new((round_id, number)));
        }
        let group = open.as_mut().expect("a group is open");
        group.size += 1;
        if met == Some(Met::Yes) {
            group.met = true;
            if let Some(at) = met_at {
                group.met_at = Some(group.met_at.map_or(at, |first| first.min(at)));
            }
        }
        let Some((report, changed)) = rounds.at(round_id) else {
            continue;
        };
        if changed {
            group.organisations.push(organisation_key(&organisation));
        }
        add_member(&mut report.figures, met, challenged);
    }
    if let Some(done) = open {
        done.close(rounds, &mut meetings);
    }
    Ok(())
}

/// Counts one member and their answer.
fn add_member(f: &mut super::figures::Figures, met: Option<Met>, challenged: Option<i32>) {
    f.members += 1;
    let Some(met) = met else {
        return;
    };
    f.answered += 1;
    match met {
        Met::Yes => f.met_yes += 1,
        Met::NotYet => f.met_not_yet += 1,
        Met::No => f.met_no += 1,
    }
    if let Some(score) = challenged {
        f.challenged_sum += count(score.into());
        f.challenged_answers += 1;
    }
}
