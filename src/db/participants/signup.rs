//! Joining: a signup or an organiser's list stores a person, confirming
//! makes them take part, and the manage page changes their details.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Participant, Source, Status};
use crate::db::schema::participants;
use crate::db::Conn;
use crate::domain::{Cadence, ValidProfile};

/// The changeable details, written when a person is stored, when a signup is
/// confirmed, and on the manage page.
#[derive(AsChangeset, Insertable)]
#[diesel(table_name = participants, treat_none_as_null = true)]
struct Details<'a> {
    name: &'a str,
    phone: Option<&'a str>,
    organisation: &'a str,
    google_id: Option<&'a str>,
    skype: Option<&'a str>,
    topics: Option<&'a str>,
    cadence: Cadence,
    share_phone: bool,
    updated_at: NaiveDateTime,
}

fn details(profile: &ValidProfile, now: NaiveDateTime) -> Details<'_> {
    Details {
        name: &profile.name,
        phone: Some(&profile.phone),
        organisation: &profile.organisation,
        google_id: profile.google_id.as_deref(),
        skype: profile.skype.as_deref(),
        topics: profile.topics.as_deref(),
        cadence: profile.cadence,
        share_phone: profile.share_phone,
        updated_at: now,
    }
}

#[derive(Insertable)]
#[diesel(table_name = participants)]
struct NewParticipant<'a> {
    status: Status,
    source: Source,
    email: &'a str,
    email_key: String,
    #[diesel(embed)]
    details: Details<'a>,
    consent_at: NaiveDateTime,
    created_at: NaiveDateTime,
    confirmed_at: Option<NaiveDateTime>,
}

/// Stores a new person. `profile.email` must be set.
fn insert(
    conn: &mut Conn,
    profile: &ValidProfile,
    source: Source,
    confirmed: bool,
    now: NaiveDateTime,
) -> anyhow::Result<Participant> {
    let email = profile
        .email
        .as_ref()
        .context("a new participant needs an email address")?;
    let insert = diesel::insert_into(participants::table).values(NewParticipant {
        status: if confirmed {
            Status::Active
        } else {
            Status::Pending
        },
        source,
        email: email.as_str(),
        email_key: email.key(),
        details: details(profile, now),
        consent_at: now,
        created_at: now,
        confirmed_at: confirmed.then_some(now),
    });
    crate::db::per_engine!(conn, c => insert.returning(Participant::as_returning()).get_result(c))
        .context("could not store a participant")
}

/// Stores a new signup, waiting for confirmation. `profile.email` must be set.
pub fn insert_pending(
    conn: &mut Conn,
    profile: &ValidProfile,
    now: NaiveDateTime,
) -> anyhow::Result<Participant> {
    insert(conn, profile, Source::Signup, false, now)
}

/// Stores a person who takes part at once: confirmed elsewhere (an
/// organiser's list, `Source::ImportConfirmed`). `profile.email` must be set.
pub fn insert_confirmed(
    conn: &mut Conn,
    profile: &ValidProfile,
    source: Source,
    now: NaiveDateTime,
) -> anyhow::Result<Participant> {
    insert(conn, profile, source, true, now)
}

/// Stores a person from an organiser's list: waiting for confirmation like a
/// signup, or (`already_confirmed`) taking part at once. `profile.email` must be set.
pub fn insert_imported(
    conn: &mut Conn,
    profile: &ValidProfile,
    already_confirmed: bool,
    now: NaiveDateTime,
) -> anyhow::Result<Participant> {
    if already_confirmed {
        insert_confirmed(conn, profile, Source::ImportConfirmed, now)
    } else {
        insert(conn, profile, Source::Import, false, now)
    }
}

/// Changes a person's details. The email address is never changed here.
pub fn update_details(
    conn: &mut Conn,
    id: i64,
    profile: &ValidProfile,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(participants::table.find(id))
        .set(details(profile, now))
        .execute(conn)
        .context("could not update a participant")?;
    Ok(())
}

/// When the signup form last caused an email to this person, if ever.
pub fn signup_email_at(conn: &mut Conn, id: i64) -> anyhow::Result<Option<NaiveDateTime>> {
    participants::table
        .find(id)
        .select(participants::signup_email_at)
        .first(conn)
        .context("could not read when a signup last sent an email")
}

/// Notes that the signup form has just caused an email to this person.
pub fn note_signup_email(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<()> {
    diesel::update(participants::table.find(id))
        .set(participants::signup_email_at.eq(now))
        .execute(conn)
        .context("could not note a signup's email")?;
    Ok(())
}

/// A pending signup becomes active; returns false if it was not pending.
pub fn confirm(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<bool> {
    let changed = diesel::update(
        participants::table
            .find(id)
            .filter(participants::status.eq(Status::Pending)),
    )
    .set((
        participants::status.eq(Status::Active),
        participants::confirmed_at.eq(now),
        participants::updated_at.eq(now),
        // Confirming is asking for emails again.
        participants::unsubscribed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .context("could not confirm a participant")?;
    Ok(changed == 1)
}

/// Records when a person is usually free (`None`: they did not say). Kept
/// apart from the other details: an organiser's import never carries it,
/// so it must not clear it.
pub fn set_availability(
    conn: &mut Conn,
    id: i64,
    availability: Option<&str>,
) -> anyhow::Result<()> {
    diesel::update(participants::table.find(id))
        .set(participants::availability.eq(availability))
        .execute(conn)
        .context("could not store when a participant is usually free")?;
    Ok(())
}
