//! One-click unsubscribe (RFC 8058). Every email to a person carries a
//! List-Unsubscribe link of its own, issued by the delivery worker just
//! before the first attempt. Using it stops every email to that person that
//! they did not ask for: they are paused with no end date (not erased), a
//! partner in a round under way is freed, and what is queued for them is
//! withdrawn. Resuming, or confirming a signup, starts emails again.

use chrono::NaiveDateTime;

use crate::configuration::Settings;
use crate::db::outbox::{self, Hold, QueuedEmail};
use crate::db::participants::{self, Status};
use crate::db::{unsubscribe_links, Conn};
use crate::email::Composer;
use crate::services::leaving;

/// Gives the held email `email` its unsubscribe link, in the caller's
/// transaction. Returns it with the token; unchanged if it is not to a
/// person or has one already; `None`, changing nothing, if the hold ran out.
pub fn attach_held(
    conn: &mut Conn,
    email: &QueuedEmail,
    hold: &Hold,
    now: NaiveDateTime,
) -> anyhow::Result<Option<QueuedEmail>> {
    if !outbox::is_held(conn, hold)? {
        return Ok(None);
    }
    let Some(participant_id) = email.content.participant_id else {
        return Ok(Some(email.clone()));
    };
    if email.unsubscribe_token.is_some() {
        return Ok(Some(email.clone()));
    }
    let token = unsubscribe_links::issue(conn, participant_id, now)?;
    if !outbox::store_unsubscribe_token(conn, hold, token.as_str())? {
        anyhow::bail!("a held email's unsubscribe link could not be stored");
    }
    let mut with_link = email.clone();
    with_link.unsubscribe_token = Some(token.as_str().to_owned());
    Ok(Some(with_link))
}

/// What one use of an unsubscribe link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unsubscribed {
    /// Just now.
    Now,
    /// Before: nothing changed.
    Already,
    /// The person has left; there is nobody to unsubscribe.
    Gone,
}

/// Stops every email to the person that they did not ask for. Using a link
/// again changes nothing. Call it inside a transaction.
pub fn one_click(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    participant_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<Unsubscribed> {
    let Some(person) = participants::find(conn, participant_id)? else {
        return Ok(Unsubscribed::Gone);
    };
    if person.status == Status::Left {
        return Ok(Unsubscribed::Gone);
    }
    if person.unsubscribed_at.is_some() {
        return Ok(Unsubscribed::Already);
    }
    leaving::free_partner(conn, composer, settings, participant_id, now)?;
    participants::unsubscribe(conn, participant_id, now)?;
    let withdrawn = outbox::withdraw_queued_to(conn, participant_id)?;
    tracing::info!(participant_id, withdrawn, "unsubscribed from all emails");
    Ok(Unsubscribed::Now)
}
