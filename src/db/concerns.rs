//! Concerns: a group member telling the organisers about a problem with an
//! introduction. They stay open until an organiser marks them dealt with.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{concerns, participants, rounds};
use super::Conn;

/// A concern to store.
pub struct NewConcern<'a> {
    pub reporter_id: i64,
    pub about_id: i64,
    pub round_id: i64,
    pub concern: &'a str,
}

pub fn insert(conn: &mut Conn, new: &NewConcern<'_>, now: NaiveDateTime) -> anyhow::Result<()> {
    diesel::insert_into(concerns::table)
        .values((
            concerns::reporter_id.eq(new.reporter_id),
            concerns::about_id.eq(new.about_id),
            concerns::round_id.eq(new.round_id),
            concerns::concern.eq(new.concern),
            concerns::created_at.eq(now),
        ))
        .execute(conn)
        .context("could not store a concern")?;
    Ok(())
}

/// Whether the same concern is stored and still open: a second press of
/// the button, or the form sent again from the browser's history.
pub fn is_open_already(conn: &mut Conn, new: &NewConcern<'_>) -> anyhow::Result<bool> {
    diesel::select(diesel::dsl::exists(
        concerns::table
            .filter(concerns::reporter_id.eq(new.reporter_id))
            .filter(concerns::about_id.eq(new.about_id))
            .filter(concerns::round_id.eq(new.round_id))
            .filter(concerns::concern.eq(new.concern))
            .filter(concerns::dealt_with_at.is_null()),
    ))
    .get_result(conn)
    .context("could not check for the same concern")
}

/// An open concern as the console shows it.
#[derive(Debug, Clone)]
pub struct OpenConcern {
    pub id: i64,
    pub reporter: (i64, String),
    pub about: (i64, String),
    pub round_started_at: NaiveDateTime,
    pub concern: String,
    pub created_at: NaiveDateTime,
}

/// A concern as read: id, reporter, about, round start, (text, when).
type ConcernRow = (
    i64,
    (i64, String),
    (i64, String),
    NaiveDateTime,
    (String, NaiveDateTime),
);

/// Concerns nobody has dealt with yet, oldest first.
pub fn open(conn: &mut Conn) -> anyhow::Result<Vec<OpenConcern>> {
    let (reporter, about) = diesel::alias!(participants as reporter, participants as about);
    let rows: Vec<ConcernRow> = concerns::table
        .inner_join(reporter.on(reporter.field(participants::id).eq(concerns::reporter_id)))
        .inner_join(about.on(about.field(participants::id).eq(concerns::about_id)))
        .inner_join(rounds::table)
        .filter(concerns::dealt_with_at.is_null())
        .select((
            concerns::id,
            (concerns::reporter_id, reporter.field(participants::name)),
            (concerns::about_id, about.field(participants::name)),
            rounds::started_at,
            (concerns::concern, concerns::created_at),
        ))
        .order(concerns::id)
        .load(conn)
        .context("could not list open concerns")?;
    Ok(rows
        .into_iter()
        .map(
            |(id, reporter, about, round_started_at, (concern, created_at))| OpenConcern {
                id,
                reporter,
                about,
                round_started_at,
                concern,
                created_at,
            },
        )
        .collect())
}

/// How many concerns are open.
pub fn open_count(conn: &mut Conn) -> anyhow::Result<i64> {
    concerns::table
        .filter(concerns::dealt_with_at.is_null())
        .count()
        .get_result(conn)
        .context("could not count open concerns")
}

/// Marks an open concern dealt with; returns whether it was open.
pub fn mark_dealt_with(
    conn: &mut Conn,
    id: i64,
    organiser_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<bool> {
    let changed = diesel::update(
        concerns::table
            .find(id)
            .filter(concerns::dealt_with_at.is_null()),
    )
    .set((
        concerns::dealt_with_at.eq(now),
        concerns::dealt_with_by.eq(organiser_id),
    ))
    .execute(conn)
    .context("could not mark a concern dealt with")?;
    Ok(changed == 1)
}

/// Deletes every concern the person reported or was named in (they are
/// erased: a concern's words may identify both).
pub fn delete_for(conn: &mut Conn, participant_id: i64) -> anyhow::Result<()> {
    diesel::delete(
        concerns::table.filter(
            concerns::reporter_id
                .eq(participant_id)
                .or(concerns::about_id.eq(participant_id)),
        ),
    )
    .execute(conn)
    .context("could not delete concerns")?;
    Ok(())
}
