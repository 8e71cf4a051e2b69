//! How a person's state changes after they joined: pause, resume, leaving
//! (erasure), the organisers' versions of those, and the removal of signups
//! never confirmed.

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{find, Status};
use crate::db::schema::{outbox, participants, pending_signups, tokens};
use crate::db::Conn;

/// Pauses an active or paused person, until `until` or (None) until they resume.
pub fn pause(
    conn: &mut Conn,
    id: i64,
    until: Option<NaiveDate>,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    set_status(conn, id, Status::Paused, until, now)
}

pub fn resume(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<()> {
    set_status(conn, id, Status::Active, None, now)?;
    // The ghost rule starts counting again from here; resuming after a
    // List-Unsubscribe link is asking for emails again.
    diesel::update(participants::table.find(id))
        .set((
            participants::resumed_at.eq(now),
            participants::unsubscribed_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .context("could not record a resume")?;
    Ok(())
}

fn set_status(
    conn: &mut Conn,
    id: i64,
    status: Status,
    until: Option<NaiveDate>,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(
        participants::table
            .find(id)
            .filter(participants::status.eq_any([Status::Active, Status::Paused])),
    )
    .set((
        participants::status.eq(status),
        participants::paused_until.eq(until),
        participants::updated_at.eq(now),
    ))
    .execute(conn)
    .context("could not change a participant's status")?;
    Ok(())
}

/// Records that the person used a List-Unsubscribe link (the first time
/// counts) and pauses them, with no end date, if they take part. Returns
/// whether this is the first time.
pub fn unsubscribe(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<bool> {
    let first = diesel::update(
        participants::table
            .find(id)
            .filter(participants::unsubscribed_at.is_null())
            .filter(participants::status.ne(Status::Left)),
    )
    .set((
        participants::unsubscribed_at.eq(now),
        participants::updated_at.eq(now),
    ))
    .execute(conn)
    .context("could not record an unsubscribe")?;
    set_status(conn, id, Status::Paused, None, now)?;
    Ok(first == 1)
}

/// Erases a person's personal data (they left). The row stays, anonymised, so
/// the rounds they were in still add up; their links and emails are deleted.
pub fn erase(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<()> {
    use crate::db::outbox::forget::{forget, Traces};
    if let Some(person) = super::find(conn, id)? {
        let who = Traces {
            name: &person.name,
            address: person.email.as_deref().unwrap_or_default(),
            others: person.phone.as_deref().into_iter().collect(),
        };
        let (withdrawn, changed) = forget(conn, &who)?;
        let notes = crate::db::followups::forget_in_others_notes(conn, id, &who)?;
        tracing::info!(
            participant_id = id,
            withdrawn,
            changed,
            notes,
            "took someone who left out of other people's emails and notes"
        );
    }
    crate::db::email_changes::delete_for(conn, id)?;
    crate::db::followups::erase_for(conn, id)?;
    crate::db::pending_signups::delete_for(conn, id)?;
    crate::db::unsubscribe_links::delete_for(conn, id)?;
    crate::db::never_pairs::delete_for(conn, id)?;
    crate::db::concerns::delete_for(conn, id)?;
    diesel::delete(tokens::table.filter(tokens::participant_id.eq(id))).execute(conn)?;
    diesel::delete(outbox::table.filter(outbox::participant_id.eq(id))).execute(conn)?;
    diesel::update(participants::table.find(id))
        .set((
            participants::status.eq(Status::Left),
            participants::name.eq(""),
            participants::email.eq(None::<String>),
            participants::email_key.eq(None::<String>),
            participants::phone.eq(None::<String>),
            participants::organisation.eq(""),
            participants::google_id.eq(None::<String>),
            participants::skype.eq(None::<String>),
            participants::topics.eq(None::<String>),
            participants::paused_until.eq(None::<NaiveDate>),
            participants::signup_email_at.eq(None::<NaiveDateTime>),
            participants::unsubscribed_at.eq(None::<NaiveDateTime>),
            participants::last_seen_at.eq(None::<NaiveDateTime>),
            participants::still_interested_at.eq(None::<NaiveDateTime>),
            participants::updated_at.eq(now),
            participants::left_at.eq(now),
        ))
        .execute(conn)
        .context("could not erase a participant")?;
    Ok(())
}

/// Deletes signups never confirmed since `before`; returns how many.
/// Their emails and submitted details go too: they hold the same personal
/// details (links go with the row).
pub fn delete_unconfirmed_before(conn: &mut Conn, before: NaiveDateTime) -> anyhow::Result<usize> {
    let stale: Vec<i64> = participants::table
        .filter(participants::status.eq(Status::Pending))
        .filter(participants::created_at.lt(before))
        .select(participants::id)
        .load(conn)
        .context("could not find old unconfirmed signups")?;
    diesel::delete(
        outbox::table.filter(outbox::participant_id.eq_any(stale.iter().map(|id| Some(*id)))),
    )
    .execute(conn)
    .context("could not delete old unconfirmed signups' emails")?;
    diesel::delete(pending_signups::table.filter(pending_signups::participant_id.eq_any(&stale)))
        .execute(conn)
        .context("could not delete old unconfirmed signups' details")?;
    diesel::delete(participants::table.filter(participants::id.eq_any(&stale)))
        .execute(conn)
        .context("could not delete old unconfirmed signups")
}

/// What an organiser's change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Changed,
    /// The person is not in a state the change applies to.
    Unchanged,
    Missing,
}

/// What an organiser can do to a person from the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganiserChange {
    /// Until they (or an organiser) resume.
    Pause,
    Resume,
    /// Erases their details, as leaving does; unconfirmed signups too.
    Remove,
}

impl OrganiserChange {
    fn applies_to(self, status: Status) -> bool {
        match self {
            Self::Pause => matches!(status, Status::Active | Status::Paused),
            Self::Resume => status == Status::Paused,
            Self::Remove => status != Status::Left,
        }
    }
}

/// Makes an organiser's change, if it applies to the person as they are.
pub fn change_by_organiser(
    conn: &mut Conn,
    id: i64,
    change: OrganiserChange,
    now: NaiveDateTime,
) -> anyhow::Result<Outcome> {
    let Some(person) = find(conn, id)? else {
        return Ok(Outcome::Missing);
    };
    if !change.applies_to(person.status) {
        return Ok(Outcome::Unchanged);
    }
    match change {
        OrganiserChange::Pause => pause(conn, id, None, now)?,
        OrganiserChange::Resume => resume(conn, id, now)?,
        OrganiserChange::Remove => erase(conn, id, now)?,
    }
    Ok(Outcome::Changed)
}

/// Marks an active or paused person as bouncing: their email does not arrive,
/// so they are out of rounds until they give an address that works. Returns
/// false for anyone else (waiting to confirm, left, bouncing already).
pub fn mark_bouncing(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<bool> {
    let changed = diesel::update(
        participants::table
            .find(id)
            .filter(participants::status.eq_any([Status::Active, Status::Paused])),
    )
    .set((
        participants::status.eq(Status::Bouncing),
        participants::paused_until.eq(None::<NaiveDate>),
        participants::updated_at.eq(now),
    ))
    .execute(conn)
    .context("could not mark a participant as bouncing")?;
    Ok(changed == 1)
}

/// A bouncing person gave an address that works: they take part again, and
/// the ghost rule counts only rounds from now.
pub fn end_bouncing(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<bool> {
    let changed = diesel::update(
        participants::table
            .find(id)
            .filter(participants::status.eq(Status::Bouncing)),
    )
    .set((
        participants::status.eq(Status::Active),
        participants::resumed_at.eq(now),
        participants::updated_at.eq(now),
    ))
    .execute(conn)
    .context("could not end a participant's bouncing")?;
    Ok(changed == 1)
}
