//! Emails that could not be delivered to a participant (`bounces`), whether
//! organisers were told, and the group places a bounce takes someone out of.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::participants::Status;
use super::schema::{bounces, group_members, outbox, participants};
use super::Conn;
use crate::domain::{BounceSource, EmailKind};

/// A bounce to record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = bounces)]
pub struct NewBounce<'a> {
    pub participant_id: i64,
    pub outbox_id: Option<i64>,
    pub source: BounceSource,
    /// The server's words, without any address.
    pub detail: &'a str,
    pub bounced_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bounces)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Bounce {
    pub id: i64,
    pub participant_id: i64,
    pub outbox_id: Option<i64>,
    pub source: BounceSource,
    pub detail: String,
    pub bounced_at: NaiveDateTime,
    pub alerted_at: Option<NaiveDateTime>,
}

/// A bounce with what an organiser reads about it: who, and which email.
#[derive(Debug, Clone)]
pub struct Reported {
    pub bounce: Bounce,
    pub name: String,
    /// The kind of email that bounced, and its round (for introductions).
    pub kind: Option<EmailKind>,
    pub round_id: Option<i64>,
}

pub fn insert(conn: &mut Conn, bounce: &NewBounce) -> anyhow::Result<()> {
    diesel::insert_into(bounces::table)
        .values(bounce)
        .execute(conn)
        .context("could not record a bounce")?;
    Ok(())
}

/// When organisers were last told of a bounce, if ever.
pub fn last_alerted_at(conn: &mut Conn) -> anyhow::Result<Option<NaiveDateTime>> {
    bounces::table
        .select(diesel::dsl::max(bounces::alerted_at))
        .first(conn)
        .context("could not read when organisers were last alerted")
}

/// Bounces organisers have not been told of yet, oldest first.
pub fn unalerted(conn: &mut Conn) -> anyhow::Result<Vec<Reported>> {
    let rows: Vec<(Bounce, String, Option<EmailKind>, Option<i64>)> = bounces::table
        .inner_join(participants::table)
        .left_join(outbox::table)
        .filter(bounces::alerted_at.is_null())
        .order(bounces::id)
        .select((
            Bounce::as_select(),
            participants::name,
            outbox::kind.nullable(),
            outbox::round_id.nullable(),
        ))
        .load(conn)
        .context("could not read the bounces to report")?;
    Ok(rows
        .into_iter()
        .map(|(bounce, name, kind, round_id)| Reported {
            bounce,
            name,
            kind,
            round_id,
        })
        .collect())
}

pub fn mark_alerted(conn: &mut Conn, ids: &[i64], now: NaiveDateTime) -> anyhow::Result<()> {
    diesel::update(bounces::table.filter(bounces::id.eq_any(ids)))
        .set(bounces::alerted_at.eq(now))
        .execute(conn)
        .context("could not record that organisers were alerted")?;
    Ok(())
}

/// One person's bounces, newest first, with the kind of email that bounced.
pub fn of_participant(
    conn: &mut Conn,
    participant_id: i64,
) -> anyhow::Result<Vec<(Bounce, Option<EmailKind>)>> {
    bounces::table
        .left_join(outbox::table)
        .filter(bounces::participant_id.eq(participant_id))
        .order(bounces::id.desc())
        .select((Bounce::as_select(), outbox::kind.nullable()))
        .load(conn)
        .context("could not read a participant's bounces")
}

/// Everyone whose email bounces now, by name: (id, name, last bounce).
pub fn bouncing_people(
    conn: &mut Conn,
) -> anyhow::Result<Vec<(i64, String, Option<NaiveDateTime>)>> {
    participants::table
        .left_join(bounces::table)
        .filter(participants::status.eq(Status::Bouncing))
        .group_by((participants::id, participants::name))
        .select((
            participants::id,
            participants::name,
            diesel::dsl::max(bounces::bounced_at.nullable()),
        ))
        .order(participants::name)
        .load(conn)
        .context("could not list the participants whose email bounces")
}

/// A person's place in a round: (member id, group number), if they were in it.
pub fn place_in_round(
    conn: &mut Conn,
    round_id: i64,
    participant_id: i64,
) -> anyhow::Result<Option<(i64, i32)>> {
    group_members::table
        .filter(group_members::round_id.eq(round_id))
        .filter(group_members::participant_id.eq(participant_id))
        .select((group_members::id, group_members::group_number))
        .first(conn)
        .optional()
        .context("could not find a person's group in a round")
}
