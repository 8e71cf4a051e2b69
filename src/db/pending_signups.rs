//! What each signup of a not yet confirmed address submitted, kept with the
//! confirmation link it was sent, until that link is confirmed. So a later
//! signup of the same address, by anyone, cannot change what an earlier link
//! confirms: each link confirms its own details.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{pending_signups, tokens};
use super::Conn;
use crate::domain::{Availability, Cadence, Token, ValidProfile};

/// One signup's details, as submitted.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pending_signups)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Submission {
    pub name: String,
    pub phone: String,
    pub organisation: String,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
    pub cadence: Cadence,
    /// When they are usually free, as stored codes.
    pub availability: Option<String>,
    pub share_phone: bool,
}

impl Submission {
    /// The details as a checked profile (without the email address, which a
    /// confirmation never changes).
    pub fn profile(&self) -> ValidProfile {
        ValidProfile {
            name: self.name.clone(),
            email: None,
            phone: self.phone.clone(),
            organisation: self.organisation.clone(),
            google_id: self.google_id.clone(),
            skype: self.skype.clone(),
            topics: self.topics.clone(),
            cadence: self.cadence,
            share_phone: self.share_phone,
        }
    }
}

/// Keeps what a signup submitted, with the confirmation link sent for it.
pub fn store(
    conn: &mut Conn,
    token: &Token,
    participant_id: i64,
    profile: &ValidProfile,
    availability: Availability,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::insert_into(pending_signups::table)
        .values((
            pending_signups::token_hash.eq(token.hash()),
            pending_signups::participant_id.eq(participant_id),
            pending_signups::name.eq(&profile.name),
            pending_signups::phone.eq(&profile.phone),
            pending_signups::organisation.eq(&profile.organisation),
            pending_signups::google_id.eq(&profile.google_id),
            pending_signups::skype.eq(&profile.skype),
            pending_signups::topics.eq(&profile.topics),
            pending_signups::cadence.eq(profile.cadence),
            pending_signups::availability.eq(availability.to_stored()),
            pending_signups::share_phone.eq(profile.share_phone),
            pending_signups::created_at.eq(now),
        ))
        .execute(conn)
        .context("could not store a signup's details")?;
    Ok(())
}

/// The details submitted with the confirmation link `raw`, if any. Links made
/// otherwise (an organiser's import) have none: the person's row holds them.
pub fn for_link(conn: &mut Conn, raw: &str) -> anyhow::Result<Option<Submission>> {
    let Some(token) = Token::parse(raw) else {
        return Ok(None);
    };
    pending_signups::table
        .find(token.hash())
        .select(Submission::as_select())
        .first(conn)
        .optional()
        .context("could not read a signup's details")
}

/// Forgets every submission for a person: they confirmed, or they are erased.
pub fn delete_for(conn: &mut Conn, participant_id: i64) -> anyhow::Result<usize> {
    diesel::delete(
        pending_signups::table.filter(pending_signups::participant_id.eq(participant_id)),
    )
    .execute(conn)
    .context("could not delete a person's signup details")
}

/// Forgets submissions that can no longer be confirmed: their link expired
/// (or is gone). Returns how many.
pub fn delete_unconfirmable(conn: &mut Conn, now: NaiveDateTime) -> anyhow::Result<usize> {
    let live = tokens::table
        .filter(tokens::expires_at.gt(now))
        .select(tokens::token_hash);
    diesel::delete(pending_signups::table.filter(pending_signups::token_hash.ne_all(live)))
        .execute(conn)
        .context("could not delete expired signups' details")
}
