//! Who was in which group: a round's members, and the rounds one person was in.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::followups::Answer;
use crate::db::participants::{Participant, Status};
use crate::db::schema::{followup_answers, group_members, participants, rounds, shared_links};
use crate::db::Conn;
use crate::domain::{Met, NoReason};

/// For one round: participant id → their group_members id.
pub fn member_ids(conn: &mut Conn, round_id: i64) -> anyhow::Result<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = group_members::table
        .filter(group_members::round_id.eq(round_id))
        .select((group_members::participant_id, group_members::id))
        .load(conn)
        .context("could not read a round's members")?;
    Ok(rows.into_iter().collect())
}

/// The membership of `participant_id` in group `group_number` of a round,
/// if they are still in that group.
pub fn member_in_group(
    conn: &mut Conn,
    round_id: i64,
    participant_id: i64,
    group_number: i32,
) -> anyhow::Result<Option<i64>> {
    group_members::table
        .filter(group_members::round_id.eq(round_id))
        .filter(group_members::participant_id.eq(participant_id))
        .filter(group_members::group_number.eq(group_number))
        .select(group_members::id)
        .first(conn)
        .optional()
        .context("could not read a group member")
}

/// A round's groups: (group number, participant), in order.
pub fn members(conn: &mut Conn, round_id: i64) -> anyhow::Result<Vec<(i32, Participant)>> {
    group_members::table
        .inner_join(participants::table)
        .filter(group_members::round_id.eq(round_id))
        .order((group_members::group_number, group_members::id))
        .select((group_members::group_number, Participant::as_select()))
        .load(conn)
        .context("could not load a round's groups")
}

/// One member of one group of a round, with their answer if they gave one.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub member_id: i64,
    pub group_number: i32,
    /// Empty once the person has left.
    pub name: String,
    pub organisation: String,
    pub answer: Option<Answer>,
    pub links: i64,
}

/// How many links each of these group members shared (none for those who
/// shared none), read in chunks that stay under SQLite's limit on bound values.
fn link_counts(conn: &mut Conn, member_ids: &[i64]) -> anyhow::Result<HashMap<i64, i64>> {
    let mut links = HashMap::new();
    for chunk in member_ids.chunks(5000) {
        let counts: Vec<(i64, i64)> = shared_links::table
            .filter(shared_links::group_member_id.eq_any(chunk))
            .group_by(shared_links::group_member_id)
            .select((shared_links::group_member_id, count_star()))
            .load(conn)
            .context("could not count shared links")?;
        links.extend(counts);
    }
    Ok(links)
}

/// A round's members in group order, with their follow-up answers and how
/// many links each shared.
pub fn round_members(conn: &mut Conn, round_id: i64) -> anyhow::Result<Vec<MemberRow>> {
    type Row = (i64, i32, String, String, Option<Answer>);
    let rows: Vec<Row> = group_members::table
        .inner_join(participants::table)
        .left_join(followup_answers::table)
        .filter(group_members::round_id.eq(round_id))
        .order((group_members::group_number, group_members::id))
        .select((
            group_members::id,
            group_members::group_number,
            participants::name,
            participants::organisation,
            Option::<Answer>::as_select(),
        ))
        .load(conn)
        .context("could not read a round's members and answers")?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let links = link_counts(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(
            |(member_id, group_number, name, organisation, answer)| MemberRow {
                member_id,
                group_number,
                name,
                organisation,
                answer,
                links: links.get(&member_id).copied().unwrap_or(0),
            },
        )
        .collect())
}

/// Someone a person was grouped with.
#[derive(Debug, Clone)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub left: bool,
}

/// One round a person was in, with their own follow-up answer.
#[derive(Debug, Clone)]
pub struct RoundEntry {
    pub round_id: i64,
    pub started_at: NaiveDateTime,
    pub partners: Vec<Partner>,
    pub met: Option<Met>,
    pub no_reason: Option<NoReason>,
    pub note: Option<String>,
    pub links: i64,
}

/// Everyone one person was grouped with, by the person's group_members id.
fn partners_of(conn: &mut Conn, participant_id: i64) -> anyhow::Result<HashMap<i64, Vec<Partner>>> {
    let mine: HashMap<(i64, i32), i64> = group_members::table
        .filter(group_members::participant_id.eq(participant_id))
        .select((
            group_members::round_id,
            group_members::group_number,
            group_members::id,
        ))
        .load::<(i64, i32, i64)>(conn)
        .context("could not read a participant's groups")?
        .into_iter()
        .map(|(round, group, member)| ((round, group), member))
        .collect();
    let round_ids: Vec<i64> = mine.keys().map(|(round, _)| *round).collect();
    let others: Vec<(i64, i32, i64, String, Status)> = group_members::table
        .inner_join(participants::table)
        .filter(group_members::round_id.eq_any(round_ids))
        .filter(group_members::participant_id.ne(participant_id))
        .order(group_members::id)
        .select((
            group_members::round_id,
            group_members::group_number,
            participants::id,
            participants::name,
            participants::status,
        ))
        .load(conn)
        .context("could not read a participant's partners")?;
    let mut partners: HashMap<i64, Vec<Partner>> = HashMap::new();
    for (round, group, id, name, status) in others {
        if let Some(member) = mine.get(&(round, group)) {
            partners.entry(*member).or_default().push(Partner {
                id,
                left: status == Status::Left,
                name,
            });
        }
    }
    Ok(partners)
}

/// The rounds a person was in, newest first.
pub fn rounds_of(conn: &mut Conn, participant_id: i64) -> anyhow::Result<Vec<RoundEntry>> {
    type Row = (
        i64,
        i64,
        NaiveDateTime,
        Option<Met>,
        Option<NoReason>,
        Option<String>,
    );
    let mine: Vec<Row> = group_members::table
        .inner_join(rounds::table)
        .left_join(followup_answers::table)
        .filter(group_members::participant_id.eq(participant_id))
        .order((rounds::started_at.desc(), rounds::id.desc()))
        .select((
            group_members::id,
            group_members::round_id,
            rounds::started_at,
            followup_answers::met.nullable(),
            followup_answers::no_reason.nullable(),
            followup_answers::note.nullable(),
        ))
        .load(conn)
        .context("could not read a participant's rounds")?;
    let mut partners = partners_of(conn, participant_id)?;
    let ids: Vec<i64> = mine.iter().map(|m| m.0).collect();
    let links = link_counts(conn, &ids)?;
    Ok(mine
        .into_iter()
        .map(
            |(member_id, round_id, started_at, met, no_reason, note)| RoundEntry {
                round_id,
                started_at,
                partners: partners.remove(&member_id).unwrap_or_default(),
                met,
                no_reason,
                note,
                links: links.get(&member_id).copied().unwrap_or(0),
            },
        )
        .collect())
}
