//! One person's own follow-up answers and shared links, by round: for
//! the copy of their data they can download.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Answer;
use crate::db::schema::{followup_answers, group_members, shared_links};
use crate::db::Conn;

/// Each of the person's answers, by round.
pub fn answers_of(conn: &mut Conn, participant_id: i64) -> anyhow::Result<HashMap<i64, Answer>> {
    let rows: Vec<(i64, Answer)> = followup_answers::table
        .inner_join(group_members::table)
        .filter(group_members::participant_id.eq(participant_id))
        .select((group_members::round_id, Answer::as_select()))
        .load(conn)
        .context("could not read a participant's answers")?;
    Ok(rows.into_iter().collect())
}

/// The links the person shared, oldest first: (round, url, when).
pub fn links_of(
    conn: &mut Conn,
    participant_id: i64,
) -> anyhow::Result<Vec<(i64, String, NaiveDateTime)>> {
    shared_links::table
        .inner_join(group_members::table)
        .filter(group_members::participant_id.eq(participant_id))
        .order(shared_links::id)
        .select((
            group_members::round_id,
            shared_links::url,
            shared_links::created_at,
        ))
        .load(conn)
        .context("could not read a participant's shared links")
}
