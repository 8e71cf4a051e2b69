//! Invitations to become an organiser: one-time links, stored hashed.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::organiser_invites;
use super::Conn;
use crate::domain::Token;

/// An invitation, found by its link.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organiser_invites)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Invite {
    pub token_hash: String,
    pub email: String,
    pub email_key: String,
    pub invited_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// What a link turned out to be.
#[derive(Debug, Clone)]
pub enum Lookup {
    Valid(Invite),
    /// Used already, or too old: the page says which.
    Used,
    Expired,
    Unknown,
}

/// Stores an invitation for `email` (already checked and normalised).
pub fn store(
    conn: &mut Conn,
    token: &Token,
    (email, key): (&str, &str),
    invited_by: i64,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::insert_into(organiser_invites::table)
        .values((
            organiser_invites::token_hash.eq(token.hash()),
            organiser_invites::email.eq(email),
            organiser_invites::email_key.eq(key),
            organiser_invites::invited_by.eq(invited_by),
            organiser_invites::created_at.eq(now),
            organiser_invites::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .context("could not store an invitation")?;
    Ok(())
}

/// Finds the invitation whose link is `raw`.
pub fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
    let Some(token) = Token::parse(raw) else {
        return Ok(Lookup::Unknown);
    };
    let found = organiser_invites::table
        .find(token.hash())
        .select(Invite::as_select())
        .first(conn)
        .optional()
        .context("could not look up an invitation")?;
    Ok(match found {
        None => Lookup::Unknown,
        Some(invite) if invite.used_at.is_some() => Lookup::Used,
        Some(invite) if invite.expires_at <= now => Lookup::Expired,
        Some(invite) => Lookup::Valid(invite),
    })
}

/// Marks the invitation used; false if it was used (or expired) meanwhile,
/// so that two submissions of the same link make one organiser.
pub fn mark_used(conn: &mut Conn, token_hash: &str, now: NaiveDateTime) -> anyhow::Result<bool> {
    let changed = diesel::update(
        organiser_invites::table
            .find(token_hash)
            .filter(organiser_invites::used_at.is_null())
            .filter(organiser_invites::expires_at.gt(now)),
    )
    .set(organiser_invites::used_at.eq(now))
    .execute(conn)
    .context("could not mark an invitation used")?;
    Ok(changed == 1)
}

/// Forgets invitations that expired before `before`. They are kept a while
/// after expiring so that the invitee is told "expired" rather than "not found".
pub fn delete_expired_before(conn: &mut Conn, before: NaiveDateTime) -> anyhow::Result<usize> {
    diesel::delete(organiser_invites::table.filter(organiser_invites::expires_at.lt(before)))
        .execute(conn)
        .context("could not delete old invitations")
}
