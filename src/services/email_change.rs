//! Changing one's email address on the manage page. The new address gets a
//! confirmation link (kind `confirm`); only when it is followed is the address
//! stored, and a bouncing person takes part again. The old address is sent
//! nothing: it may be someone else's now, and links must not go there.

use chrono::NaiveDateTime;

use crate::db::participants::{self, Participant};
use crate::db::{email_changes, outbox, tokens, Conn};
use crate::domain::{ParticipantEmail, TokenPurpose};
use crate::email::Composer;

/// What asking for a new address did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The confirmation link is on its way to the new address.
    LinkSent,
    /// Someone else uses that address.
    Taken,
}

/// Whether someone other than `participant_id` has the address `key`.
fn taken_by_another(conn: &mut Conn, participant_id: i64, key: &str) -> anyhow::Result<bool> {
    Ok(participants::find_by_email_key(conn, key)?.is_some_and(|p| p.id != participant_id))
}

/// Sends a link to confirm `new` to `new`. Call it inside a transaction.
pub fn request(
    conn: &mut Conn,
    composer: &Composer,
    person: &Participant,
    new: &ParticipantEmail,
    now: NaiveDateTime,
) -> anyhow::Result<Change> {
    if taken_by_another(conn, person.id, &new.key())? {
        return Ok(Change::Taken);
    }
    let token = tokens::issue(conn, person.id, TokenPurpose::Confirm, now)?;
    email_changes::store(conn, &token, person.id, new.as_str(), now)?;
    outbox::enqueue(
        conn,
        &composer.confirm_new_address(person, new.as_str(), &token)?,
        now,
    )?;
    Ok(Change::LinkSent)
}

/// What following the link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    Changed,
    /// Someone else took the address since the link was sent.
    Taken,
}

/// The link for `email` was followed: store it; a bouncing person is active
/// again. Call it inside a transaction.
pub fn confirm(
    conn: &mut Conn,
    participant_id: i64,
    email: &str,
    now: NaiveDateTime,
) -> anyhow::Result<Confirmed> {
    let email = ParticipantEmail::parse(email)
        .map_err(|p| anyhow::anyhow!("a stored new email address does not parse: {p}"))?;
    if taken_by_another(conn, participant_id, &email.key())? {
        return Ok(Confirmed::Taken);
    }
    email_changes::set_email(conn, participant_id, email.as_str(), &email.key(), now)?;
    participants::end_bouncing(conn, participant_id, now)?;
    email_changes::delete_for(conn, participant_id)?;
    tokens::revoke(conn, participant_id, TokenPurpose::Confirm)?;
    Ok(Confirmed::Changed)
}
