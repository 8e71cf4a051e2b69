//! Participants: signup, confirmation, changes, pause, and erasure.

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{outbox, participants, pending_signups, tokens};
use super::Conn;
use crate::domain::{Cadence, ValidProfile};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Active,
    Paused,
    Left,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Left => "left",
        }
    }

    fn parse(raw: &str) -> Self {
        match raw {
            "pending" => Self::Pending,
            "active" => Self::Active,
            "paused" => Self::Paused,
            _ => Self::Left,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participants)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite))]
pub struct Participant {
    pub id: i64,
    status: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub organisation: String,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
    cadence: String,
    pub paused_until: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_round_at: Option<NaiveDateTime>,
}

impl Participant {
    pub fn status(&self) -> Status {
        Status::parse(&self.status)
    }

    pub fn cadence(&self) -> Cadence {
        Cadence::parse(&self.cadence).unwrap_or_default()
    }

    /// Paused today: paused with no end date, or with an end date still to come.
    pub fn is_paused_on(&self, today: NaiveDate) -> bool {
        self.status() == Status::Paused && self.paused_until.is_none_or(|until| until > today)
    }

    pub fn email_address(&self) -> anyhow::Result<&str> {
        self.email
            .as_deref()
            .context("this participant has no email address")
    }
}

#[derive(Insertable)]
#[diesel(table_name = participants)]
struct NewParticipant<'a> {
    status: &'a str,
    name: &'a str,
    email: Option<&'a str>,
    email_key: Option<String>,
    phone: Option<&'a str>,
    organisation: &'a str,
    google_id: Option<&'a str>,
    skype: Option<&'a str>,
    topics: Option<&'a str>,
    cadence: &'a str,
    consent_at: NaiveDateTime,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// The changeable details, written when a signup is confirmed and on the manage page.
#[derive(AsChangeset)]
#[diesel(table_name = participants, treat_none_as_null = true)]
struct Details<'a> {
    name: &'a str,
    phone: Option<&'a str>,
    organisation: &'a str,
    google_id: Option<&'a str>,
    skype: Option<&'a str>,
    topics: Option<&'a str>,
    cadence: &'a str,
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
        cadence: profile.cadence.as_str(),
        updated_at: now,
    }
}

pub fn find(conn: &mut Conn, id: i64) -> anyhow::Result<Option<Participant>> {
    participants::table
        .find(id)
        .select(Participant::as_select())
        .first(conn)
        .optional()
        .context("could not read a participant")
}

pub fn find_by_email_key(conn: &mut Conn, key: &str) -> anyhow::Result<Option<Participant>> {
    participants::table
        .filter(participants::email_key.eq(key))
        .select(Participant::as_select())
        .first(conn)
        .optional()
        .context("could not look up a participant by email")
}

/// Stores a new signup, waiting for confirmation. `profile.email` must be set.
pub fn insert_pending(
    conn: &mut Conn,
    profile: &ValidProfile,
    now: NaiveDateTime,
) -> anyhow::Result<Participant> {
    let email = profile
        .email
        .as_ref()
        .context("a signup needs an email address")?;
    diesel::insert_into(participants::table)
        .values(NewParticipant {
            status: Status::Pending.as_str(),
            name: &profile.name,
            email: Some(email.as_str()),
            email_key: Some(email.key()),
            phone: Some(&profile.phone),
            organisation: &profile.organisation,
            google_id: profile.google_id.as_deref(),
            skype: profile.skype.as_deref(),
            topics: profile.topics.as_deref(),
            cadence: profile.cadence.as_str(),
            consent_at: now,
            created_at: now,
            updated_at: now,
        })
        .returning(Participant::as_returning())
        .get_result(conn)
        .context("could not store a signup")
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
            .filter(participants::status.eq(Status::Pending.as_str())),
    )
    .set((
        participants::status.eq(Status::Active.as_str()),
        participants::confirmed_at.eq(now),
        participants::updated_at.eq(now),
    ))
    .execute(conn)
    .context("could not confirm a participant")?;
    Ok(changed == 1)
}

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
    set_status(conn, id, Status::Active, None, now)
}

fn set_status(
    conn: &mut Conn,
    id: i64,
    status: Status,
    until: Option<NaiveDate>,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(
        participants::table.find(id).filter(
            participants::status.eq_any([Status::Active.as_str(), Status::Paused.as_str()]),
        ),
    )
    .set((
        participants::status.eq(status.as_str()),
        participants::paused_until.eq(until),
        participants::updated_at.eq(now),
    ))
    .execute(conn)
    .context("could not change a participant's status")?;
    Ok(())
}

/// Erases a person's personal data (they left). The row stays, anonymised, so
/// the rounds they were in still add up; their links and emails are deleted.
pub fn erase(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<()> {
    super::followups::erase_for(conn, id)?;
    super::pending_signups::delete_for(conn, id)?;
    diesel::delete(tokens::table.filter(tokens::participant_id.eq(id))).execute(conn)?;
    diesel::delete(outbox::table.filter(outbox::participant_id.eq(id))).execute(conn)?;
    diesel::update(participants::table.find(id))
        .set((
            participants::status.eq(Status::Left.as_str()),
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
        .filter(participants::status.eq(Status::Pending.as_str()))
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

/// How many people are in each state: (status, count).
pub fn count_by_status(conn: &mut Conn) -> anyhow::Result<Vec<(String, i64)>> {
    participants::table
        .group_by(participants::status)
        .select((participants::status, diesel::dsl::count_star()))
        .load(conn)
        .context("could not count participants")
}

/// Every spelling of an organisation among people who confirmed and have not
/// left (leaving erases the organisation), for
/// [`crate::domain::OrganisationNames`]: how they are shown to others.
pub fn organisation_spellings(conn: &mut Conn) -> anyhow::Result<Vec<crate::domain::Spelling>> {
    let rows: Vec<(String, i64, Option<i64>)> = participants::table
        .filter(participants::confirmed_at.is_not_null())
        .filter(participants::organisation.ne(""))
        .group_by(participants::organisation)
        .select((
            participants::organisation,
            diesel::dsl::count_star(),
            diesel::dsl::min(participants::id),
        ))
        .load(conn)
        .context("could not read how organisations are spelled")?;
    Ok(rows
        .into_iter()
        .map(|(text, people, first_id)| crate::domain::Spelling {
            text,
            people,
            first_id: first_id.unwrap_or_default(),
        })
        .collect())
}
