//! What the organiser pages show about a round and about the outbox. Reads only.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{followup_answers, group_members, outbox, participants, shared_links};
use super::Conn;

/// An email as the organiser sees it: never its address or its body.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite))]
pub struct EmailRow {
    pub id: i64,
    pub kind: String,
    pub to_name: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub round_id: Option<i64>,
}

/// A follow-up answer as stored.
#[derive(Debug, Clone)]
pub struct MemberAnswer {
    pub met: String,
    pub note: Option<String>,
    pub publish: bool,
    pub challenged: Option<i32>,
}

/// One member of one group of a round, with their answer if they gave one.
#[derive(Debug, Clone)]
pub struct MemberRow {
    pub member_id: i64,
    pub group_number: i32,
    /// Empty once the person has left.
    pub name: String,
    pub organisation: String,
    pub answer: Option<MemberAnswer>,
    pub links: i64,
}

type AnswerColumns = (String, Option<String>, bool, Option<i32>);

/// A round's members in group order, with their follow-up answers and how
/// many links each shared.
pub fn round_members(conn: &mut Conn, round_id: i64) -> anyhow::Result<Vec<MemberRow>> {
    let rows: Vec<(i64, i32, String, String, Option<AnswerColumns>)> = group_members::table
        .inner_join(participants::table)
        .left_join(followup_answers::table)
        .filter(group_members::round_id.eq(round_id))
        .order((group_members::group_number, group_members::id))
        .select((
            group_members::id,
            group_members::group_number,
            participants::name,
            participants::organisation,
            (
                followup_answers::met,
                followup_answers::note,
                followup_answers::publish,
                followup_answers::challenged,
            )
                .nullable(),
        ))
        .load(conn)
        .context("could not read a round's members and answers")?;
    let links: HashMap<i64, i64> = shared_links::table
        .inner_join(group_members::table)
        .filter(group_members::round_id.eq(round_id))
        .group_by(shared_links::group_member_id)
        .select((shared_links::group_member_id, count_star()))
        .load::<(i64, i64)>(conn)
        .context("could not count a round's shared links")?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(
            |(member_id, group_number, name, organisation, answer)| MemberRow {
                member_id,
                group_number,
                name,
                organisation,
                answer: answer.map(|(met, note, publish, challenged)| MemberAnswer {
                    met,
                    note,
                    publish,
                    challenged,
                }),
                links: links.get(&member_id).copied().unwrap_or(0),
            },
        )
        .collect())
}

/// Every email that belongs to a round, oldest first.
pub fn round_emails(conn: &mut Conn, round_id: i64) -> anyhow::Result<Vec<EmailRow>> {
    outbox::table
        .filter(outbox::round_id.eq(round_id))
        .order(outbox::id)
        .select(EmailRow::as_select())
        .load(conn)
        .context("could not read a round's emails")
}

/// The newest `limit` emails in one state, newest first.
pub fn newest(conn: &mut Conn, status: &str, limit: i64) -> anyhow::Result<Vec<EmailRow>> {
    outbox::table
        .filter(outbox::status.eq(status))
        .order(outbox::id.desc())
        .limit(limit)
        .select(EmailRow::as_select())
        .load(conn)
        .context("could not read the outbox")
}

/// How many emails are in each state.
pub fn counts(conn: &mut Conn) -> anyhow::Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, count_star()))
        .load(conn)
        .context("could not count the outbox")?;
    Ok(rows.into_iter().collect())
}

/// The name of the person who sat a round out (empty if they have left).
pub fn name_of(conn: &mut Conn, participant_id: i64) -> anyhow::Result<Option<(String, String)>> {
    participants::table
        .find(participant_id)
        .select((participants::name, participants::organisation))
        .first(conn)
        .optional()
        .context("could not read a participant's name")
}
