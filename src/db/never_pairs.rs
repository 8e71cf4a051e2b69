//! Never-pair rules: two people the pairing engine never puts in the same
//! group (see `domain::pairing`). Stored with the smaller id first, once
//! per two people: the first reason given is kept.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{never_pairs, participants};
use super::Conn;
use crate::domain::NeverPairSource;

/// The two ids, smaller first, as stored.
fn ordered(a: i64, b: i64) -> (i64, i64) {
    (a.min(b), a.max(b))
}

/// Adds a rule between `a` and `b`, unless there is one already; returns
/// whether it is new. A person cannot have a rule with themselves.
pub fn add(
    conn: &mut Conn,
    a: i64,
    b: i64,
    source: NeverPairSource,
    now: NaiveDateTime,
) -> anyhow::Result<bool> {
    if a == b {
        return Ok(false);
    }
    let (low, high) = ordered(a, b);
    let insert = diesel::insert_into(never_pairs::table)
        .values((
            never_pairs::low_id.eq(low),
            never_pairs::high_id.eq(high),
            never_pairs::source.eq(source),
            never_pairs::created_at.eq(now),
        ))
        .on_conflict((never_pairs::low_id, never_pairs::high_id))
        .do_nothing();
    // ON CONFLICT is built for one engine at a time.
    let added = super::per_engine!(conn, c => insert.execute(c))
        .context("could not store a never-pair rule")?;
    Ok(added == 1)
}

/// Removes the rule with this id; returns whether there was one.
pub fn remove(conn: &mut Conn, id: i64) -> anyhow::Result<bool> {
    let removed = diesel::delete(never_pairs::table.find(id))
        .execute(conn)
        .context("could not remove a never-pair rule")?;
    Ok(removed == 1)
}

/// Every rule, as two ids, for the pairing engine.
pub fn all(conn: &mut Conn) -> anyhow::Result<Vec<(i64, i64)>> {
    never_pairs::table
        .select((never_pairs::low_id, never_pairs::high_id))
        .load(conn)
        .context("could not read the never-pair rules")
}

/// Whether `a` and `b` have a rule.
pub fn exists(conn: &mut Conn, a: i64, b: i64) -> anyhow::Result<bool> {
    let (low, high) = ordered(a, b);
    diesel::select(diesel::dsl::exists(
        never_pairs::table
            .filter(never_pairs::low_id.eq(low))
            .filter(never_pairs::high_id.eq(high)),
    ))
    .get_result(conn)
    .context("could not read a never-pair rule")
}

/// One rule as the console shows it.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: i64,
    pub first: (i64, String),
    pub second: (i64, String),
    pub source: NeverPairSource,
    pub created_at: NaiveDateTime,
}

/// Every rule with both names, newest first.
pub fn listed(conn: &mut Conn) -> anyhow::Result<Vec<Rule>> {
    let (low, high) = diesel::alias!(participants as low, participants as high);
    let rows: Vec<(
        i64,
        i64,
        String,
        i64,
        String,
        NeverPairSource,
        NaiveDateTime,
    )> = never_pairs::table
        .inner_join(low.on(low.field(participants::id).eq(never_pairs::low_id)))
        .inner_join(high.on(high.field(participants::id).eq(never_pairs::high_id)))
        .select((
            never_pairs::id,
            never_pairs::low_id,
            low.field(participants::name),
            never_pairs::high_id,
            high.field(participants::name),
            never_pairs::source,
            never_pairs::created_at,
        ))
        .order((never_pairs::created_at.desc(), never_pairs::id.desc()))
        .load(conn)
        .context("could not list the never-pair rules")?;
    Ok(rows
        .into_iter()
        .map(|(id, a, a_name, b, b_name, source, created_at)| Rule {
            id,
            first: (a, a_name),
            second: (b, b_name),
            source,
            created_at,
        })
        .collect())
}

/// Deletes every rule naming the person (they are erased).
pub fn delete_for(conn: &mut Conn, participant_id: i64) -> anyhow::Result<()> {
    diesel::delete(
        never_pairs::table.filter(
            never_pairs::low_id
                .eq(participant_id)
                .or(never_pairs::high_id.eq(participant_id)),
        ),
    )
    .execute(conn)
    .context("could not delete never-pair rules")?;
    Ok(())
}
