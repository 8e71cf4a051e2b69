//! Whether a person still takes an interest: visits to their own links
//! (`last_seen_at`), the question asked of people inactive for
//! `privacy.inactive_months` (`still_interested_at`), and who to ask or erase.

use anyhow::Context;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::{Participant, Status};
use crate::db::schema::participants;
use crate::db::Conn;

/// A visit is stored at most once in this many hours per person: every page
/// view writing would make the one SQLite writer busy for nothing, and a day
/// is far finer than the months the rule counts in.
pub const VISIT_EVERY_HOURS: i64 = 24;

/// Whether a visit at `now` needs writing: nothing stored yet, a stored visit
/// a day old or more, or an unanswered question that the visit answers.
pub fn visit_due(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<bool> {
    let stored: Option<(Option<NaiveDateTime>, Option<NaiveDateTime>)> = participants::table
        .find(id)
        .select((
            participants::last_seen_at,
            participants::still_interested_at,
        ))
        .first(conn)
        .optional()
        .context("could not read when a person was last seen")?;
    Ok(match stored {
        None => false,
        Some((_, Some(_asked))) => true,
        Some((None, None)) => true,
        Some((Some(seen), None)) => now - seen >= Duration::hours(VISIT_EVERY_HOURS),
    })
}

/// The person opened one of their links, or pressed "stay": they are seen
/// now, and the question "do you still want introductions?" is answered.
/// Nothing changes for someone who has left.
pub fn record_visit(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<()> {
    diesel::update(
        participants::table
            .find(id)
            .filter(participants::status.ne(Status::Left)),
    )
    .set((
        participants::last_seen_at.eq(now),
        participants::still_interested_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
    .context("could not record a visit")?;
    Ok(())
}

/// When the person was asked whether they want to stay, if the question is open.
pub fn asked_at(conn: &mut Conn, id: i64) -> anyhow::Result<Option<NaiveDateTime>> {
    participants::table
        .find(id)
        .select(participants::still_interested_at)
        .first(conn)
        .optional()
        .map(Option::flatten)
        .context("could not read when a person was asked")
}

/// People taking part or paused, not asked yet, whose every sign of life
/// (joining, confirming, resuming, a round, a visit) is before `before`.
/// Bouncing people are left out: an email would not reach them.
pub fn inactive_since(conn: &mut Conn, before: NaiveDateTime) -> anyhow::Result<Vec<Participant>> {
    // "The latest of these is before `before`" is "each of them is before
    // it, or missing": the same on both engines, with no GREATEST/MAX.
    participants::table
        .filter(participants::status.eq_any([Status::Active, Status::Paused]))
        .filter(participants::still_interested_at.is_null())
        .filter(participants::email.is_not_null())
        .filter(participants::created_at.lt(before))
        .filter(
            participants::confirmed_at
                .is_null()
                .or(participants::confirmed_at.lt(before)),
        )
        .filter(
            participants::resumed_at
                .is_null()
                .or(participants::resumed_at.lt(before)),
        )
        .filter(
            participants::last_round_at
                .is_null()
                .or(participants::last_round_at.lt(before)),
        )
        .filter(
            participants::last_seen_at
                .is_null()
                .or(participants::last_seen_at.lt(before)),
        )
        .order(participants::id)
        .select(Participant::as_select())
        .load(conn)
        .context("could not find inactive people")
}

/// Records that these people were asked at `now`, so they are asked once.
pub fn mark_asked(conn: &mut Conn, ids: &[i64], now: NaiveDateTime) -> anyhow::Result<()> {
    for chunk in ids.chunks(1000) {
        diesel::update(participants::table.filter(participants::id.eq_any(chunk)))
            .set(participants::still_interested_at.eq(now))
            .execute(conn)
            .context("could not record who was asked")?;
    }
    Ok(())
}

/// People asked before `before` who have not answered: neither pressed
/// "stay" nor opened any of their links since. A person who started
/// bouncing since is among them: the question did not reach them either.
pub fn unanswered_since(conn: &mut Conn, before: NaiveDateTime) -> anyhow::Result<Vec<i64>> {
    participants::table
        .filter(participants::status.eq_any([Status::Active, Status::Paused, Status::Bouncing]))
        .filter(participants::still_interested_at.lt(before))
        .order(participants::id)
        .select(participants::id)
        .load(conn)
        .context("could not find people who did not answer")
}
