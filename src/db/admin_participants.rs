//! What the organiser console reads and changes about participants: search,
//! one person's details and history, and pause, resume and removal.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::Sqlite;

use super::participants::{self, Participant, Status};
use super::schema::{
    followup_answers, group_members, participants as people, rounds, shared_links,
};
use super::Conn;

/// People on one page of search results.
pub const PAGE_SIZE: i64 = 50;

/// How a person came to be in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Signup,
    Import,
    ImportConfirmed,
}

impl Source {
    fn parse(raw: &str) -> Self {
        match raw {
            "import" => Self::Import,
            "import_confirmed" => Self::ImportConfirmed,
            _ => Self::Signup,
        }
    }
}

/// A participant with what only the console needs.
#[derive(Debug, Clone)]
pub struct Person {
    pub participant: Participant,
    pub source: Source,
    pub left_at: Option<NaiveDateTime>,
}

type PersonRow = (Participant, String, Option<NaiveDateTime>);

fn person((participant, source, left_at): PersonRow) -> Person {
    Person {
        participant,
        source: Source::parse(&source),
        left_at,
    }
}

/// A search: text to look for in name, email address or organisation
/// (empty for everyone), an optional state, and a page counted from 1.
#[derive(Debug, Clone)]
pub struct Search {
    pub text: String,
    pub status: Option<Status>,
    pub page: i64,
}

pub struct Results {
    pub people: Vec<Person>,
    pub total: i64,
}

/// `%text%` for LIKE, with LIKE's own wildcards (and the escape) escaped.
pub fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn filtered(search: &Search) -> people::BoxedQuery<'static, Sqlite> {
    let mut query = people::table.into_boxed();
    if let Some(status) = search.status {
        query = query.filter(people::status.eq(status.as_str()));
    }
    if !search.text.is_empty() {
        // SQLite's LIKE ignores the case of ASCII letters.
        let pattern = like_pattern(&search.text);
        query = query.filter(
            people::name
                .like(pattern.clone())
                .escape('\\')
                .or(people::organisation.like(pattern.clone()).escape('\\'))
                .or(people::email.like(pattern).escape('\\').assume_not_null()),
        );
    }
    query
}

/// One page of people matching a search: taking part first, then by name.
pub fn search(conn: &mut Conn, search: &Search) -> anyhow::Result<Results> {
    let total: i64 = filtered(search)
        .count()
        .get_result(conn)
        .context("could not count participants")?;
    let offset = (search.page.max(1) - 1).saturating_mul(PAGE_SIZE);
    let rows: Vec<PersonRow> = filtered(search)
        .order((
            people::status.eq(Status::Left.as_str()),
            diesel::dsl::sql::<Text>("lower(participants.name)"),
            people::id,
        ))
        .limit(PAGE_SIZE)
        .offset(offset)
        .select((Participant::as_select(), people::source, people::left_at))
        .load(conn)
        .context("could not search participants")?;
    Ok(Results {
        people: rows.into_iter().map(person).collect(),
        total,
    })
}

pub fn find(conn: &mut Conn, id: i64) -> anyhow::Result<Option<Person>> {
    let row: Option<PersonRow> = people::table
        .find(id)
        .select((Participant::as_select(), people::source, people::left_at))
        .first(conn)
        .optional()
        .context("could not read a participant")?;
    Ok(row.map(person))
}

/// Someone a person was grouped with.
#[derive(Debug, Clone)]
pub struct Partner {
    pub id: i64,
    pub name: String,
    pub left: bool,
}

/// One round a person was in, with their own follow-up answer.
#[derive(Debug, Clone)]
pub struct RoundEntry {
    pub round_id: i64,
    pub started_at: NaiveDateTime,
    pub partners: Vec<Partner>,
    pub met: Option<String>,
    pub no_reason: Option<String>,
    pub note: Option<String>,
    pub links: i64,
}

#[derive(QueryableByName)]
struct PartnerRow {
    #[diesel(sql_type = BigInt)]
    member_id: i64,
    #[diesel(sql_type = BigInt)]
    partner_id: i64,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    status: String,
}

type MemberRow = (
    i64,
    i64,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The rounds a person was in, newest first.
pub fn history(conn: &mut Conn, participant_id: i64) -> anyhow::Result<Vec<RoundEntry>> {
    let mine: Vec<MemberRow> = group_members::table
        .inner_join(rounds::table)
        .left_join(followup_answers::table)
        .filter(group_members::participant_id.eq(participant_id))
        .order((rounds::started_at.desc(), rounds::id.desc()))
        .select((
            group_members::id,
            group_members::round_id,
            rounds::started_at,
            followup_answers::met.nullable(),
            followup_answers::no_reason.nullable(),
            followup_answers::note.nullable(),
        ))
        .load(conn)
        .context("could not read a participant's rounds")?;
    let partner_rows: Vec<PartnerRow> = diesel::sql_query(
        "SELECT me.id AS member_id, p.id AS partner_id, p.name AS name, p.status AS status
         FROM group_members me
         JOIN group_members other ON other.round_id = me.round_id
              AND other.group_number = me.group_number AND other.id != me.id
         JOIN participants p ON p.id = other.participant_id
         WHERE me.participant_id = ?
         ORDER BY other.id",
    )
    .bind::<BigInt, _>(participant_id)
    .load(conn)
    .context("could not read a participant's partners")?;
    let mut partners: HashMap<i64, Vec<Partner>> = HashMap::new();
    for row in partner_rows {
        partners.entry(row.member_id).or_default().push(Partner {
            id: row.partner_id,
            left: row.status == Status::Left.as_str(),
            name: row.name,
        });
    }
    let member_ids: Vec<i64> = mine.iter().map(|m| m.0).collect();
    let mut links: HashMap<i64, i64> = HashMap::new();
    for chunk in member_ids.chunks(5000) {
        let counts: Vec<(i64, i64)> = shared_links::table
            .filter(shared_links::group_member_id.eq_any(chunk))
            .group_by(shared_links::group_member_id)
            .select((shared_links::group_member_id, diesel::dsl::count_star()))
            .load(conn)
            .context("could not count shared links")?;
        links.extend(counts);
    }
    Ok(mine
        .into_iter()
        .map(
            |(member_id, round_id, started_at, met, no_reason, note)| RoundEntry {
                round_id,
                started_at,
                partners: partners.remove(&member_id).unwrap_or_default(),
                met,
                no_reason,
                note,
                links: links.get(&member_id).copied().unwrap_or(0),
            },
        )
        .collect())
}

/// What an organiser's change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Changed,
    /// The person is not in a state the change applies to.
    Unchanged,
    Missing,
}

fn status_of(conn: &mut Conn, id: i64) -> anyhow::Result<Option<Status>> {
    Ok(participants::find(conn, id)?.map(|p| p.status()))
}

/// Pauses a person taking part until they (or an organiser) resume them.
pub fn pause(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<Outcome> {
    Ok(match status_of(conn, id)? {
        None => Outcome::Missing,
        Some(Status::Active | Status::Paused) => {
            participants::pause(conn, id, None, now)?;
            Outcome::Changed
        }
        Some(_) => Outcome::Unchanged,
    })
}

pub fn resume(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<Outcome> {
    Ok(match status_of(conn, id)? {
        None => Outcome::Missing,
        Some(Status::Paused) => {
            participants::resume(conn, id, now)?;
            Outcome::Changed
        }
        Some(_) => Outcome::Unchanged,
    })
}

/// Erases a person's details, as leaving does; works for unconfirmed signups too.
pub fn remove(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<Outcome> {
    Ok(match status_of(conn, id)? {
        None => Outcome::Missing,
        Some(Status::Left) => Outcome::Unchanged,
        Some(_) => {
            participants::erase(conn, id, now)?;
            Outcome::Changed
        }
    })
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_pattern("Leeds"), "%Leeds%");
        assert_eq!(like_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
