//! Secret links, stored as hashes.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::schema::tokens;
use super::Conn;
use crate::domain::{Token, TokenPurpose};

/// What a link turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// `group_member_id` is set for follow-up links.
    Valid {
        participant_id: i64,
        group_member_id: Option<i64>,
    },
    Expired,
    Unknown,
}

/// Makes a new link for a person; the token itself is returned once, for the
/// email. Older links of the same purpose beyond the purpose's limit go.
pub fn issue(
    conn: &mut Conn,
    participant_id: i64,
    purpose: TokenPurpose,
    now: NaiveDateTime,
) -> anyhow::Result<Token> {
    make_room(conn, participant_id, purpose)?;
    let token = Token::generate();
    diesel::insert_into(tokens::table)
        .values((
            tokens::token_hash.eq(token.hash()),
            tokens::participant_id.eq(participant_id),
            tokens::purpose.eq(purpose),
            tokens::created_at.eq(now),
            tokens::expires_at.eq(Token::expiry(purpose, now)),
        ))
        .execute(conn)
        .context("could not store a link")?;
    Ok(token)
}

/// Finds whose link `raw` is, for the given purpose.
pub fn lookup(
    conn: &mut Conn,
    raw: &str,
    purpose: TokenPurpose,
    now: NaiveDateTime,
) -> anyhow::Result<Lookup> {
    let Some(token) = Token::parse(raw) else {
        return Ok(Lookup::Unknown);
    };
    let found: Option<(i64, Option<i64>, NaiveDateTime)> = tokens::table
        .find(token.hash())
        .filter(tokens::purpose.eq(purpose))
        .select((
            tokens::participant_id,
            tokens::group_member_id,
            tokens::expires_at,
        ))
        .first(conn)
        .optional()
        .context("could not look up a link")?;
    Ok(match found {
        Some((participant_id, group_member_id, expires_at)) if expires_at > now => Lookup::Valid {
            participant_id,
            group_member_id,
        },
        Some(_) => Lookup::Expired,
        None => Lookup::Unknown,
    })
}

/// Removes every link of one purpose for a person (e.g. once they have confirmed).
pub fn revoke(conn: &mut Conn, participant_id: i64, purpose: TokenPurpose) -> anyhow::Result<()> {
    diesel::delete(
        tokens::table
            .filter(tokens::participant_id.eq(participant_id))
            .filter(tokens::purpose.eq(purpose)),
    )
    .execute(conn)
    .context("could not remove links")?;
    Ok(())
}

/// Removes the follow-up links of one group membership (a rematched member's
/// old links must not open once they are in a new group).
pub fn revoke_member_links(conn: &mut Conn, group_member_id: i64) -> anyhow::Result<()> {
    diesel::delete(tokens::table.filter(tokens::group_member_id.eq(group_member_id)))
        .execute(conn)
        .context("could not remove a member's links")?;
    Ok(())
}

/// Forgets links that expired before `before`. Expired links are kept for a
/// while so that people who click them get "expired" rather than "not found".
pub fn delete_expired_before(conn: &mut Conn, before: NaiveDateTime) -> anyhow::Result<usize> {
    diesel::delete(tokens::table.filter(tokens::expires_at.lt(before)))
        .execute(conn)
        .context("could not delete expired links")
}

/// Makes one new link for each person, in one statement per thousand; the
/// tokens come back in the order of `participant_ids`. A person listed twice
/// (two reminders in one pass) gets one link, used twice, so that the limit
/// of links per person holds.
pub fn issue_many(
    conn: &mut Conn,
    participant_ids: &[i64],
    purpose: TokenPurpose,
    now: NaiveDateTime,
) -> anyhow::Result<Vec<Token>> {
    let mut seen = HashSet::with_capacity(participant_ids.len());
    let people: Vec<i64> = participant_ids
        .iter()
        .copied()
        .filter(|id| seen.insert(*id))
        .collect();
    make_room_for_many(conn, &people, purpose)?;
    let holders: Vec<(i64, Option<i64>)> = people.iter().map(|&id| (id, None)).collect();
    let made: HashMap<i64, Token> = people
        .into_iter()
        .zip(insert_many(conn, &holders, purpose, now)?)
        .collect();
    participant_ids
        .iter()
        .map(|id| made.get(id).cloned().context("a link was not made"))
        .collect()
}

/// Drops a person's oldest links of `purpose` so that one more fits within
/// the purpose's limit. Expired links count too: they are kept only to say
/// "expired", and a newer link makes that unnecessary.
fn make_room(conn: &mut Conn, participant_id: i64, purpose: TokenPurpose) -> anyhow::Result<()> {
    let Some(most) = purpose.most_per_person() else {
        return Ok(());
    };
    let held = tokens::table
        .filter(tokens::participant_id.eq(participant_id))
        .filter(tokens::purpose.eq(purpose));
    // Newest first. Links made at the same moment are told apart by the
    // order they were stored in: SQLite's rowid; on PostgreSQL, the id of
    // the transaction that stored them.
    let newest_first = held
        .order(tokens::created_at.desc())
        .select(tokens::token_hash)
        .limit(i64::try_from(most.saturating_sub(1))?);
    let keep: Vec<String> = match conn {
        Conn::Sqlite(c) => newest_first
            .then_order_by(sql::<BigInt>("rowid").desc())
            .load(c),
        Conn::Postgres(c) => newest_first
            .then_order_by(sql::<BigInt>("xmin::text::bigint").desc())
            .load(c),
    }
    .context("could not read a person's links")?;
    diesel::delete(held.filter(tokens::token_hash.ne_all(keep)))
        .execute(conn)
        .context("could not drop older links")?;
    Ok(())
}

/// [`make_room`] for many people; for one-per-person links, in one statement
/// per thousand people.
fn make_room_for_many(
    conn: &mut Conn,
    participant_ids: &[i64],
    purpose: TokenPurpose,
) -> anyhow::Result<()> {
    match purpose.most_per_person() {
        None => Ok(()),
        Some(1) => {
            for chunk in participant_ids.chunks(1000) {
                diesel::delete(
                    tokens::table
                        .filter(tokens::participant_id.eq_any(chunk))
                        .filter(tokens::purpose.eq(purpose)),
                )
                .execute(conn)
                .context("could not drop older links")?;
            }
            Ok(())
        }
        Some(_) => participant_ids
            .iter()
            .try_for_each(|id| make_room(conn, *id, purpose)),
    }
}

/// Makes a follow-up link for each (participant, group member).
pub fn issue_followups(
    conn: &mut Conn,
    members: &[(i64, i64)],
    now: NaiveDateTime,
) -> anyhow::Result<Vec<Token>> {
    let holders: Vec<(i64, Option<i64>)> = members.iter().map(|&(p, m)| (p, Some(m))).collect();
    insert_many(conn, &holders, TokenPurpose::Followup, now)
}

fn insert_many(
    conn: &mut Conn,
    holders: &[(i64, Option<i64>)],
    purpose: TokenPurpose,
    now: NaiveDateTime,
) -> anyhow::Result<Vec<Token>> {
    let tokens: Vec<Token> = holders.iter().map(|_| Token::generate()).collect();
    let expires = Token::expiry(purpose, now);
    let rows: Vec<_> = tokens
        .iter()
        .zip(holders)
        .map(|(token, (participant, member))| {
            (
                tokens::token_hash.eq(token.hash()),
                tokens::participant_id.eq(*participant),
                tokens::purpose.eq(purpose),
                tokens::created_at.eq(now),
                tokens::expires_at.eq(expires),
                tokens::group_member_id.eq(*member),
            )
        })
        .collect();
    for chunk in rows.chunks(1000) {
        let insert = diesel::insert_into(tokens::table).values(chunk);
        crate::db::per_engine!(&mut *conn, c => insert.execute(c))
            .context("could not store links")?;
    }
    Ok(tokens)
}
