//! List-Unsubscribe links (RFC 8058), stored as hashes: one per email sent
//! to a person, so that any of their emails can stop all the others. Kept
//! apart from `tokens`: these links are many, last long, and open only the
//! unsubscribe page.

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::unsubscribe_links;
use super::tokens::Lookup;
use super::Conn;
use crate::domain::Token;

/// How long an unsubscribe link works: mail programs offer the button on
/// old emails too.
pub const LIFETIME_DAYS: i64 = 365;

/// Makes a new link for a person; the token is returned once, for the email.
pub fn issue(conn: &mut Conn, participant_id: i64, now: NaiveDateTime) -> anyhow::Result<Token> {
    let token = Token::generate();
    diesel::insert_into(unsubscribe_links::table)
        .values((
            unsubscribe_links::token_hash.eq(token.hash()),
            unsubscribe_links::participant_id.eq(participant_id),
            unsubscribe_links::created_at.eq(now),
            unsubscribe_links::expires_at.eq(now + Duration::days(LIFETIME_DAYS)),
        ))
        .execute(conn)
        .context("could not store an unsubscribe link")?;
    Ok(token)
}

/// Whose unsubscribe link `raw` is.
pub fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
    let Some(token) = Token::parse(raw) else {
        return Ok(Lookup::Unknown);
    };
    let found: Option<(i64, NaiveDateTime)> = unsubscribe_links::table
        .find(token.hash())
        .select((
            unsubscribe_links::participant_id,
            unsubscribe_links::expires_at,
        ))
        .first(conn)
        .optional()
        .context("could not look up an unsubscribe link")?;
    Ok(match found {
        Some((participant_id, expires_at)) if expires_at > now => Lookup::Valid {
            participant_id,
            group_member_id: None,
        },
        Some(_) => Lookup::Expired,
        None => Lookup::Unknown,
    })
}

/// Deletes a person's links (they are erased).
pub fn delete_for(conn: &mut Conn, participant_id: i64) -> anyhow::Result<()> {
    diesel::delete(
        unsubscribe_links::table.filter(unsubscribe_links::participant_id.eq(participant_id)),
    )
    .execute(conn)
    .context("could not delete unsubscribe links")?;
    Ok(())
}

/// Deletes links that expired before `before`; returns how many.
pub fn delete_expired_before(conn: &mut Conn, before: NaiveDateTime) -> anyhow::Result<usize> {
    diesel::delete(unsubscribe_links::table.filter(unsubscribe_links::expires_at.lt(before)))
        .execute(conn)
        .context("could not delete expired unsubscribe links")
}
