//! Who is still in a group: members who have not left it (`left_at` NULL).
//! A member who declined, bounced or went to the rematch pool keeps their
//! row but is no longer anyone's partner, so nudges and reminders name
//! only the people still in the group.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::participants::Participant;
use crate::db::schema::{followup_answers, group_members, participants};
use crate::db::Conn;
use crate::domain::LeftReason;

/// One member still in their group.
#[derive(Debug, Clone)]
pub struct PresentMember {
    pub member_id: i64,
    pub person: Participant,
    /// Whether they have answered the follow-up.
    pub answered: bool,
}

/// The members still in one group, in the order they were stored.
pub fn members_in_group(
    conn: &mut Conn,
    round_id: i64,
    group_number: i32,
) -> anyhow::Result<Vec<PresentMember>> {
    let rows: Vec<(i64, Participant, Option<i64>)> = group_members::table
        .inner_join(participants::table)
        .left_join(followup_answers::table)
        .filter(group_members::round_id.eq(round_id))
        .filter(group_members::group_number.eq(group_number))
        .filter(group_members::left_at.is_null())
        .order(group_members::id)
        .select((
            group_members::id,
            Participant::as_select(),
            followup_answers::group_member_id.nullable(),
        ))
        .load(conn)
        .context("could not read a group's members")?;
    Ok(rows
        .into_iter()
        .map(|(member_id, person, answer)| PresentMember {
            member_id,
            person,
            answered: answer.is_some(),
        })
        .collect())
}

/// The partners of one member: the others still in their group. When all
/// of them have left (the member's partner reported them silent and went
/// to the rematch pool), the people they were introduced to, so that a
/// reminder still says who.
pub fn partners_of(conn: &mut Conn, member_id: i64) -> anyhow::Result<Vec<Participant>> {
    let (round_id, group_number): (i64, i32) = group_members::table
        .find(member_id)
        .select((group_members::round_id, group_members::group_number))
        .first(conn)
        .context("could not read a group member")?;
    let present: Vec<Participant> = members_in_group(conn, round_id, group_number)?
        .into_iter()
        .filter(|m| m.member_id != member_id)
        .map(|m| m.person)
        .collect();
    if !present.is_empty() {
        return Ok(present);
    }
    group_members::table
        .inner_join(participants::table)
        .filter(group_members::round_id.eq(round_id))
        .filter(group_members::group_number.eq(group_number))
        .filter(group_members::id.ne(member_id))
        .order(group_members::id)
        .select(Participant::as_select())
        .load(conn)
        .context("could not read a group")
}

/// When and why a member left their group: `None` while they are in it.
pub fn departure(
    conn: &mut Conn,
    member_id: i64,
) -> anyhow::Result<Option<(NaiveDateTime, Option<LeftReason>)>> {
    let (left_at, reason): (Option<NaiveDateTime>, Option<LeftReason>) = group_members::table
        .find(member_id)
        .select((group_members::left_at, group_members::left_reason))
        .first(conn)
        .context("could not read a group member")?;
    Ok(left_at.map(|at| (at, reason)))
}
