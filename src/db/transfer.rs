//! Bringing people in from an organiser's list, and reading everything out
//! for the CSV exports.

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::participants::{self, Participant, Status};
use super::schema::{
    followup_answers, group_members, participants as people, rounds, shared_links,
};
use super::Conn;
use crate::domain::ValidProfile;

/// `participants.source` for someone from a list who still has to confirm.
pub const SOURCE_IMPORT: &str = "import";
/// `participants.source` for someone from a list whose organiser vouched that
/// they opted in elsewhere.
pub const SOURCE_IMPORT_CONFIRMED: &str = "import_confirmed";

/// Stores a person from an organiser's list: waiting for confirmation like a
/// signup, or (`already_confirmed`) taking part at once. `profile.email` must be set.
pub fn insert_imported(
    conn: &mut Conn,
    profile: &ValidProfile,
    already_confirmed: bool,
    now: NaiveDateTime,
) -> anyhow::Result<Participant> {
    let person = participants::insert_pending(conn, profile, now)?;
    let target = people::table.find(person.id);
    if already_confirmed {
        diesel::update(target)
            .set((
                people::source.eq(SOURCE_IMPORT_CONFIRMED),
                people::status.eq(Status::Active.as_str()),
                people::confirmed_at.eq(now),
            ))
            .execute(conn)
    } else {
        diesel::update(target)
            .set(people::source.eq(SOURCE_IMPORT))
            .execute(conn)
    }
    .context("could not mark an imported participant")?;
    participants::find(conn, person.id)?.context("an imported participant vanished")
}

/// One participant as exported: every column, including how they joined.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = people)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite))]
pub struct ParticipantRecord {
    pub id: i64,
    pub status: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub organisation: String,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
    pub cadence: String,
    pub paused_until: Option<NaiveDate>,
    pub source: String,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_round_at: Option<NaiveDateTime>,
    pub left_at: Option<NaiveDateTime>,
}

/// Everyone, in the order they joined.
pub fn all_participants(conn: &mut Conn) -> anyhow::Result<Vec<ParticipantRecord>> {
    people::table
        .order(people::id)
        .select(ParticipantRecord::as_select())
        .load(conn)
        .context("could not read participants")
}

/// One follow-up answer with one of its links (or none).
#[derive(Debug, Clone, Queryable)]
pub struct OutputRecord {
    pub round_id: i64,
    pub round_started_at: NaiveDateTime,
    pub name: String,
    pub organisation: String,
    pub met: String,
    pub note: Option<String>,
    pub publish: bool,
    pub challenged: Option<i32>,
    pub url: Option<String>,
    pub shared_at: Option<NaiveDateTime>,
}

/// Every follow-up answer joined with its links: one row per link, or one
/// row without a link for answers that shared none. Oldest round first.
pub fn all_outputs(conn: &mut Conn) -> anyhow::Result<Vec<OutputRecord>> {
    followup_answers::table
        .inner_join(
            group_members::table
                .inner_join(people::table)
                .inner_join(rounds::table)
                .left_join(shared_links::table),
        )
        .order((
            group_members::round_id,
            group_members::group_number,
            group_members::id,
            shared_links::id,
        ))
        .select((
            group_members::round_id,
            rounds::started_at,
            people::name,
            people::organisation,
            followup_answers::met,
            followup_answers::note,
            followup_answers::publish,
            followup_answers::challenged,
            shared_links::url.nullable(),
            shared_links::created_at.nullable(),
        ))
        .load(conn)
        .context("could not read follow-up answers")
}
