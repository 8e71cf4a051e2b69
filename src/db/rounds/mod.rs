//! Rounds, their groups (`group_members`, read in `members`), the history
//! the pairing engine learns from, and the experiment's figures (`figures`).

pub mod days;
mod figure_groups;
pub mod figures;
pub mod inputs;
mod members;

pub use members::{
    member_ids, member_in_group, members, round_members, rounds_of, MemberRow, Partner, RoundEntry,
};

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::participants::Status;
use super::schema::{group_members, participants, rounds};
use super::Conn;
use crate::domain::experiment::Arm;
use crate::domain::pairing::{History, OddOneOut, PairingStats};
use crate::domain::Trigger;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rounds)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Round {
    pub id: i64,
    pub round_key: String,
    pub trigger: Trigger,
    pub seed: i64,
    pub include_all: bool,
    pub odd_one_out: OddOneOut,
    pub started_at: NaiveDateTime,
    pub people_due: i32,
    pub groups_count: i32,
    pub trios: i32,
    pub sat_out: i32,
    pub forced_repeats: i32,
    pub same_organisation_pairs: i32,
    pub sat_out_participant_id: Option<i64>,
}

impl Round {
    pub fn stats(&self) -> PairingStats {
        let n = |v: i32| usize::try_from(v).unwrap_or(0);
        PairingStats {
            people_due: n(self.people_due),
            groups: n(self.groups_count),
            trios: n(self.trios),
            sat_out: n(self.sat_out),
            forced_repeats: n(self.forced_repeats),
            same_organisation_pairs: n(self.same_organisation_pairs),
        }
    }
}

/// A round about to be stored.
pub struct NewRound<'a> {
    pub round_key: &'a str,
    pub trigger: Trigger,
    pub seed: u64,
    pub include_all: bool,
    pub odd_one_out: OddOneOut,
    pub started_at: NaiveDateTime,
    pub stats: &'a PairingStats,
    pub sat_out: Option<i64>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Every pair who shared a group, with the most recent round they met in,
/// and every never-pair rule: what the pairing engine must know about pairs.
/// Groups are read in order and paired up here: one pass over the table.
pub fn history(conn: &mut Conn) -> anyhow::Result<History> {
    let rows: Vec<(i64, i32, i64)> = group_members::table
        .order((group_members::round_id, group_members::group_number))
        .select((
            group_members::round_id,
            group_members::group_number,
            group_members::participant_id,
        ))
        .load(conn)
        .context("could not load who met whom")?;
    let mut history = History::new();
    for group in rows.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
        let round_index = u32::try_from(group[0].0).unwrap_or(u32::MAX);
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                history.record_meeting(a.2, b.2, round_index);
            }
        }
    }
    for (a, b) in super::never_pairs::all(conn)? {
        history.never_pair(a, b);
    }
    Ok(history)
}

pub fn latest(conn: &mut Conn) -> anyhow::Result<Option<Round>> {
    rounds::table
        .order(rounds::id.desc())
        .select(Round::as_select())
        .first(conn)
        .optional()
        .context("could not read the last round")
}

pub fn find(conn: &mut Conn, id: i64) -> anyhow::Result<Option<Round>> {
    rounds::table
        .find(id)
        .select(Round::as_select())
        .first(conn)
        .optional()
        .context("could not read a round")
}

pub fn find_by_key(conn: &mut Conn, key: &str) -> anyhow::Result<Option<Round>> {
    rounds::table
        .filter(rounds::round_key.eq(key))
        .select(Round::as_select())
        .first(conn)
        .optional()
        .context("could not read a round")
}

/// Newest first.
pub fn list(conn: &mut Conn, limit: i64) -> anyhow::Result<Vec<Round>> {
    rounds::table
        .order(rounds::id.desc())
        .limit(limit)
        .select(Round::as_select())
        .load(conn)
        .context("could not list rounds")
}

/// Stores a round and its groups, and marks everyone grouped as having had a round.
pub fn insert(conn: &mut Conn, round: &NewRound<'_>, groups: &[Vec<i64>]) -> anyhow::Result<i64> {
    insert_with_arms(conn, round, groups, &[])
}

/// [`insert`], recording the experiment's arm of each group (`arms[i]` for
/// `groups[i]`; random where `arms` is shorter) on its meeting row.
pub fn insert_with_arms(
    conn: &mut Conn,
    round: &NewRound<'_>,
    groups: &[Vec<i64>],
    arms: &[Arm],
) -> anyhow::Result<i64> {
    let s = round.stats;
    let id: i64 = diesel::insert_into(rounds::table)
        .values((
            rounds::round_key.eq(round.round_key),
            rounds::trigger.eq(round.trigger),
            // The seed's bits, stored as SQLite's signed 64-bit integer.
            rounds::seed.eq(round.seed as i64),
            rounds::include_all.eq(round.include_all),
            rounds::odd_one_out.eq(round.odd_one_out),
            rounds::started_at.eq(round.started_at),
            rounds::people_due.eq(count(s.people_due)),
            rounds::groups_count.eq(count(s.groups)),
            rounds::trios.eq(count(s.trios)),
            rounds::sat_out.eq(count(s.sat_out)),
            rounds::forced_repeats.eq(count(s.forced_repeats)),
            rounds::same_organisation_pairs.eq(count(s.same_organisation_pairs)),
            rounds::sat_out_participant_id.eq(round.sat_out),
        ))
        .returning(rounds::id)
        .get_result(conn)
        .context("could not store a round")?;
    let members: Vec<_> = groups
        .iter()
        .enumerate()
        .flat_map(|(number, group)| {
            group.iter().map(move |&participant| {
                (
                    group_members::round_id.eq(id),
                    group_members::group_number.eq(count(number + 1)),
                    group_members::participant_id.eq(participant),
                )
            })
        })
        .collect();
    for chunk in members.chunks(5000) {
        let insert = diesel::insert_into(group_members::table).values(chunk);
        crate::db::per_engine!(&mut *conn, c => insert.execute(c))
            .context("could not store a round's groups")?;
    }
    let numbers: Vec<i32> = (1..=groups.len()).map(count).collect();
    super::meetings::create_with_arms(conn, id, &numbers, arms, round.started_at)?;
    // Everyone grouped had a round now; a pause that has ended is over; and
    // whoever was first in line after a failed rematch has had their turn.
    let grouped = group_members::table
        .filter(group_members::round_id.eq(id))
        .select(group_members::participant_id);
    diesel::update(participants::table.filter(participants::id.eq_any(grouped)))
        .set((
            participants::last_round_at.eq(round.started_at),
            participants::status.eq(Status::Active),
            participants::paused_until.eq(None::<chrono::NaiveDate>),
            participants::first_in_line.eq(false),
        ))
        .execute(conn)
        .context("could not record who had a round")?;
    Ok(id)
}
