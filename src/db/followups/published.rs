//! The public learning log: what people chose to publish after their
//! conversations, and counts that carry no personal data.
//!
//! A published output is one shared link whose member said "publish" and who
//! has not left. Nothing here reads an email address or a phone number.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::participants::Status;
use crate::db::schema::{followup_answers, group_members, participants, rounds, shared_links};
use crate::db::Conn;
use crate::domain::Met;

/// One published link, with only what the log shows about the person.
#[derive(Debug, Clone, Queryable)]
pub struct Output {
    pub link_id: i64,
    pub url: String,
    pub shared_at: NaiveDateTime,
    pub name: String,
    pub organisation: String,
    pub note: Option<String>,
    pub round_started_at: NaiveDateTime,
}

/// Counts for the public summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Groups in which at least one member said they met.
    pub conversations: i64,
    /// Every link still on record, published or not.
    pub shared: i64,
}

/// Shared links that may be shown: the member said "publish" and has not left.
macro_rules! published_links {
    () => {
        shared_links::table
            .inner_join(
                group_members::table
                    .inner_join(followup_answers::table)
                    .inner_join(participants::table)
                    .inner_join(rounds::table),
            )
            .filter(followup_answers::publish.eq(true))
            .filter(participants::status.ne(Status::Left))
    };
}

/// Published outputs, newest first.
pub fn list(conn: &mut Conn, limit: i64, offset: i64) -> anyhow::Result<Vec<Output>> {
    published_links!()
        .order((shared_links::created_at.desc(), shared_links::id.desc()))
        .limit(limit)
        .offset(offset)
        .select((
            shared_links::id,
            shared_links::url,
            shared_links::created_at,
            participants::name,
            participants::organisation,
            followup_answers::note,
            rounds::started_at,
        ))
        .load(conn)
        .context("could not read the learning log")
}

/// How many published outputs there are.
pub fn count(conn: &mut Conn) -> anyhow::Result<i64> {
    published_links!()
        .count()
        .get_result(conn)
        .context("could not count the learning log")
}

pub fn summary(conn: &mut Conn) -> anyhow::Result<Summary> {
    // Groups in which someone still in the group said they met.
    let groups: Vec<(i64, i32)> = group_members::table
        .inner_join(followup_answers::table)
        .filter(followup_answers::met.eq(Met::Yes))
        .filter(group_members::left_at.is_null())
        .select((group_members::round_id, group_members::group_number))
        .distinct()
        .load(conn)
        .context("could not count conversations")?;
    let conversations = i64::try_from(groups.len())?;
    let shared = shared_links::table
        .count()
        .get_result(conn)
        .context("could not count shared links")?;
    Ok(Summary {
        conversations,
        shared,
    })
}
