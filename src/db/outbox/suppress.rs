//! Emails that are not queued at all: a person who used a List-Unsubscribe
//! link gets nothing until they resume, except what they ask for themselves
//! (see `EmailKind::asked_for`).

use std::collections::HashSet;

use anyhow::Context;
use diesel::prelude::*;

use super::NewEmail;
use crate::db::schema::participants;
use crate::db::Conn;

/// Of `emails`, the people who unsubscribed and would get an email they did
/// not ask for.
pub(super) fn unsubscribed_among(
    conn: &mut Conn,
    emails: &[NewEmail],
) -> anyhow::Result<HashSet<i64>> {
    let ids: Vec<i64> = emails
        .iter()
        .filter(|e| !e.kind.asked_for())
        .filter_map(|e| e.participant_id)
        .collect();
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let found: Vec<i64> = participants::table
        .filter(participants::id.eq_any(&ids))
        .filter(participants::unsubscribed_at.is_not_null())
        .select(participants::id)
        .load(conn)
        .context("could not check who unsubscribed")?;
    Ok(found.into_iter().collect())
}

/// Whether `email` goes: not to someone who unsubscribed, unless they asked for it.
pub(super) fn keeps(email: &NewEmail, unsubscribed: &HashSet<i64>) -> bool {
    email.kind.asked_for()
        || email
            .participant_id
            .is_none_or(|id| !unsubscribed.contains(&id))
}
