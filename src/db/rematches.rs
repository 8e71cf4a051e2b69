//! Leaving a group, and the round's rematch pool (`rematch_requests`).
//!
//! A member who leaves keeps their `group_members` row, marked with why
//! (`left_at`, `left_reason`): the figures and the ghost rule count only
//! members still in their group. A rematched member's row moves to the new
//! group, so each person is counted in their final group only.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::participants::{Participant, Status};
use super::rounds::Round;
use super::schema::{followup_answers, group_members, participants, rematch_requests};
use super::Conn;
use crate::domain::{LeftReason, RematchReason};

/// One person's place in the pool.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rematch_requests)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RematchRequest {
    pub id: i64,
    pub round_id: i64,
    pub member_id: i64,
    pub participant_id: i64,
    pub reason: RematchReason,
    pub from_group_number: i32,
    pub requested_at: NaiveDateTime,
    pub matched_at: Option<NaiveDateTime>,
    pub to_group_number: Option<i32>,
    pub gave_up_at: Option<NaiveDateTime>,
}

/// Marks a member as no longer in their group. Returns false if they had
/// left already (a second press of a button), so the caller does nothing twice.
pub fn leave_group(
    conn: &mut Conn,
    member_id: i64,
    reason: LeftReason,
    now: NaiveDateTime,
) -> anyhow::Result<bool> {
    let changed = diesel::update(
        group_members::table
            .find(member_id)
            .filter(group_members::left_at.is_null()),
    )
    .set((
        group_members::left_at.eq(now),
        group_members::left_reason.eq(reason),
    ))
    .execute(conn)
    .context("could not record that a member left their group")?;
    Ok(changed == 1)
}

/// Puts a member still in their group into the round's rematch pool: they
/// leave the group (`rematching`) and wait for a new partner. Returns false
/// if they were not in their group any more.
pub fn enter_pool(
    conn: &mut Conn,
    member_id: i64,
    reason: RematchReason,
    now: NaiveDateTime,
) -> anyhow::Result<bool> {
    let (round_id, group_number, participant_id): (i64, i32, i64) = group_members::table
        .find(member_id)
        .select((
            group_members::round_id,
            group_members::group_number,
            group_members::participant_id,
        ))
        .first(conn)
        .context("could not read a group member")?;
    if !leave_group(conn, member_id, LeftReason::Rematching, now)? {
        return Ok(false);
    }
    diesel::insert_into(rematch_requests::table)
        .values((
            rematch_requests::round_id.eq(round_id),
            rematch_requests::member_id.eq(member_id),
            rematch_requests::participant_id.eq(participant_id),
            rematch_requests::reason.eq(reason),
            rematch_requests::from_group_number.eq(group_number),
            rematch_requests::requested_at.eq(now),
        ))
        .execute(conn)
        .context("could not add someone to the rematch pool")?;
    Ok(true)
}

/// Everyone waiting in any round's pool, oldest first.
pub fn waiting(conn: &mut Conn) -> anyhow::Result<Vec<RematchRequest>> {
    rematch_requests::table
        .filter(rematch_requests::matched_at.is_null())
        .filter(rematch_requests::gave_up_at.is_null())
        .order(rematch_requests::id)
        .select(RematchRequest::as_select())
        .load(conn)
        .context("could not read the rematch pool")
}

/// Every change to a round's groups, oldest first, for the console.
pub fn of_round(conn: &mut Conn, round_id: i64) -> anyhow::Result<Vec<RematchRequest>> {
    rematch_requests::table
        .filter(rematch_requests::round_id.eq(round_id))
        .order(rematch_requests::id)
        .select(RematchRequest::as_select())
        .load(conn)
        .context("could not read a round's rematches")
}

/// Moves a waiting member into a new group of the same round: they are in a
/// group again (`left_at`, `left_reason` cleared) and, since this is a new
/// introduction, their follow-up reminder is due afresh.
pub fn move_member(conn: &mut Conn, member_id: i64, group_number: i32) -> anyhow::Result<()> {
    // An answer given in the old group ("we did not meet: no reply") is about
    // a conversation that never happened; the new group starts unanswered.
    diesel::delete(followup_answers::table.find(member_id))
        .execute(conn)
        .context("could not clear an answer from the old group")?;
    diesel::update(group_members::table.find(member_id))
        .set((
            group_members::group_number.eq(group_number),
            group_members::left_at.eq(None::<NaiveDateTime>),
            group_members::left_reason.eq(None::<LeftReason>),
            group_members::reminded_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .context("could not move a member to their new group")?;
    Ok(())
}

/// Puts someone new to a round (confirmed since it ran, or sat it out) into
/// one of its groups, and records that they had a round (the round's start,
/// like everyone else in it); returns their group_members id.
pub fn add_member(
    conn: &mut Conn,
    round_id: i64,
    group_number: i32,
    participant_id: i64,
    round_started_at: NaiveDateTime,
) -> anyhow::Result<i64> {
    let member_id = diesel::insert_into(group_members::table)
        .values((
            group_members::round_id.eq(round_id),
            group_members::group_number.eq(group_number),
            group_members::participant_id.eq(participant_id),
        ))
        .returning(group_members::id)
        .get_result(conn)
        .context("could not add someone to a round")?;
    diesel::update(participants::table.find(participant_id))
        .set((
            participants::last_round_at.eq(round_started_at),
            participants::first_in_line.eq(false),
        ))
        .execute(conn)
        .context("could not record that someone had a round")?;
    Ok(member_id)
}

/// Records that a request was met with a place in group `group_number`.
pub fn mark_matched(
    conn: &mut Conn,
    request_id: i64,
    group_number: i32,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(rematch_requests::table.find(request_id))
        .set((
            rematch_requests::matched_at.eq(now),
            rematch_requests::to_group_number.eq(group_number),
        ))
        .execute(conn)
        .context("could not record a rematch")?;
    Ok(())
}

/// Takes a request out of the pool unmet. With `unmatched`, nobody was found
/// in time: the member is marked `unmatched` and the person goes first in
/// line next round. Without, they stopped taking part (left, bouncing,
/// paused): the request just ends.
pub fn give_up(
    conn: &mut Conn,
    request: &RematchRequest,
    unmatched: bool,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(rematch_requests::table.find(request.id))
        .set(rematch_requests::gave_up_at.eq(now))
        .execute(conn)
        .context("could not end a rematch request")?;
    if unmatched {
        diesel::update(group_members::table.find(request.member_id))
            .set(group_members::left_reason.eq(LeftReason::Unmatched))
            .execute(conn)
            .context("could not record that nobody was found")?;
        diesel::update(participants::table.find(request.participant_id))
            .set(participants::first_in_line.eq(true))
            .execute(conn)
            .context("could not put someone first in line")?;
    }
    Ok(())
}

/// People who may join a round to partner someone left over in its pool:
/// active, not in the round, and either confirmed since it ran or the one
/// who sat it out.
pub fn newcomers(conn: &mut Conn, round: &Round) -> anyhow::Result<Vec<Participant>> {
    let in_round = group_members::table
        .filter(group_members::round_id.eq(round.id))
        .select(group_members::participant_id);
    let since = participants::confirmed_at.gt(round.started_at);
    // No participant has id 0: ids start at 1.
    let sat_out = participants::id.eq(round.sat_out_participant_id.unwrap_or(0));
    participants::table
        .filter(participants::status.eq(Status::Active))
        .filter(participants::id.ne_all(in_round))
        .filter(since.or(sat_out))
        .order(participants::id)
        .select(Participant::as_select())
        .load(conn)
        .context("could not find newcomers for a rematch")
}

/// Where a group member is now.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = group_members)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Place {
    pub id: i64,
    pub round_id: i64,
    pub group_number: i32,
    pub participant_id: i64,
    pub left_at: Option<NaiveDateTime>,
    pub left_reason: Option<LeftReason>,
}

pub fn place(conn: &mut Conn, member_id: i64) -> anyhow::Result<Option<Place>> {
    group_members::table
        .find(member_id)
        .select(Place::as_select())
        .first(conn)
        .optional()
        .context("could not read a group member")
}

/// The members still in a group (not left), by group_members id.
pub fn still_in_group(
    conn: &mut Conn,
    round_id: i64,
    group_number: i32,
) -> anyhow::Result<Vec<i64>> {
    group_members::table
        .filter(group_members::round_id.eq(round_id))
        .filter(group_members::group_number.eq(group_number))
        .filter(group_members::left_at.is_null())
        .order(group_members::id)
        .select(group_members::id)
        .load(conn)
        .context("could not read who is still in a group")
}

/// Every member of a round, where they are now, and their name (empty once
/// they left UnMentoring), in group order.
pub fn places_of_round(conn: &mut Conn, round_id: i64) -> anyhow::Result<Vec<(Place, String)>> {
    group_members::table
        .inner_join(participants::table)
        .filter(group_members::round_id.eq(round_id))
        .order((group_members::group_number, group_members::id))
        .select((Place::as_select(), participants::name))
        .load(conn)
        .context("could not read a round's members")
}
