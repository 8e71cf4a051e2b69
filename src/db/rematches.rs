//! Leaving a group, and the round's rematch pool (`rematch_requests`).
//!
//! A member who leaves keeps their `group_members` row, marked with why
//! (`left_at`, `left_reason`): the figures and the ghost rule count only
//! members still in their group. A rematched member's row moves to the new
//! group, so each person is counted in their final group only.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{group_members, rematch_requests};
use super::Conn;
use crate::domain::{LeftReason, RematchReason};

/// One person's place in the pool.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rematch_requests)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite))]
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
