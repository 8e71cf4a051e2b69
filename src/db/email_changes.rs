//! A new email address given on the manage page, kept with the confirmation
//! link sent to it until that link is followed. A row goes with its link
//! (when it expires and is deleted) and with its person.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{email_changes, participants};
use super::Conn;
use crate::domain::Token;

/// Keeps `email` with the confirmation link `token` sent to it.
pub fn store(
    conn: &mut Conn,
    token: &Token,
    participant_id: i64,
    email: &str,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::insert_into(email_changes::table)
        .values((
            email_changes::token_hash.eq(token.hash()),
            email_changes::participant_id.eq(participant_id),
            email_changes::email.eq(email),
            email_changes::created_at.eq(now),
        ))
        .execute(conn)
        .context("could not store a new email address")?;
    Ok(())
}

/// The new address the confirmation link `raw` stands for, if it was sent
/// for a change of address.
pub fn for_link(conn: &mut Conn, raw: &str) -> anyhow::Result<Option<String>> {
    let Some(token) = Token::parse(raw) else {
        return Ok(None);
    };
    email_changes::table
        .find(token.hash())
        .select(email_changes::email)
        .first(conn)
        .optional()
        .context("could not read a new email address")
}

/// Forgets every address a person asked to change to.
pub fn delete_for(conn: &mut Conn, participant_id: i64) -> anyhow::Result<usize> {
    diesel::delete(email_changes::table.filter(email_changes::participant_id.eq(participant_id)))
        .execute(conn)
        .context("could not delete a person's new email addresses")
}

/// Stores a person's new address and its key. The caller checks first that
/// nobody else has it (the key is unique).
pub fn set_email(
    conn: &mut Conn,
    participant_id: i64,
    email: &str,
    key: &str,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(participants::table.find(participant_id))
        .set((
            participants::email.eq(email),
            participants::email_key.eq(key),
            participants::updated_at.eq(now),
        ))
        .execute(conn)
        .context("could not change an email address")?;
    Ok(())
}
