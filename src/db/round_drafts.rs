//! Drafts of a round: a draw an organiser previewed, to be sent exactly as
//! it is (with any swaps they made), or to expire.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::round_drafts;
use super::Conn;
use crate::domain::{DrawInputs, Drawn, Swap};

/// How long a draft can be sent: after a day, who is due has likely changed.
pub const LIFETIME_HOURS: i64 = 24;

/// A draft as stored.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: i64,
    pub seed: u64,
    pub include_all: bool,
    pub inputs: DrawInputs,
    pub drawn: Drawn,
    pub edits: Vec<Swap>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// The round it became, once sent.
    pub round_id: Option<i64>,
}

impl Draft {
    /// The groups to send: as drawn, with the swaps made since.
    pub fn groups(&self) -> Drawn {
        self.drawn.with_swaps(&self.edits)
    }
}

type Row = (
    i64,
    i64,
    bool,
    String,
    String,
    String,
    (NaiveDateTime, NaiveDateTime, Option<i64>),
);

/// The seed as stored: the same 64 bits, read as a signed number.
fn stored_seed(seed: u64) -> i64 {
    i64::from_ne_bytes(seed.to_ne_bytes())
}

fn from_row(row: Row) -> anyhow::Result<Draft> {
    let (id, seed, include_all, inputs, drawn, edits, (created_at, expires_at, round_id)) = row;
    Ok(Draft {
        id,
        seed: u64::from_ne_bytes(seed.to_ne_bytes()),
        include_all,
        inputs: serde_json::from_str(&inputs).context("a draft's inputs")?,
        drawn: serde_json::from_str(&drawn).context("a draft's groups")?,
        edits: serde_json::from_str(&edits).context("a draft's swaps")?,
        created_at,
        expires_at,
        round_id,
    })
}

/// Stores a new draft; returns its id.
pub fn insert(
    conn: &mut Conn,
    seed: u64,
    include_all: bool,
    inputs: &DrawInputs,
    drawn: &Drawn,
    created_by: Option<i64>,
    now: NaiveDateTime,
) -> anyhow::Result<i64> {
    diesel::insert_into(round_drafts::table)
        .values((
            round_drafts::seed.eq(stored_seed(seed)),
            round_drafts::include_all.eq(include_all),
            round_drafts::inputs.eq(serde_json::to_string(inputs)?),
            round_drafts::drawn.eq(serde_json::to_string(drawn)?),
            round_drafts::edits.eq("[]"),
            round_drafts::created_by.eq(created_by),
            round_drafts::created_at.eq(now),
            round_drafts::expires_at.eq(now + chrono::Duration::hours(LIFETIME_HOURS)),
        ))
        .returning(round_drafts::id)
        .get_result(conn)
        .context("could not store a draft round")
}

pub fn find(conn: &mut Conn, id: i64) -> anyhow::Result<Option<Draft>> {
    let row: Option<Row> = round_drafts::table
        .find(id)
        .select((
            round_drafts::id,
            round_drafts::seed,
            round_drafts::include_all,
            round_drafts::inputs,
            round_drafts::drawn,
            round_drafts::edits,
            (
                round_drafts::created_at,
                round_drafts::expires_at,
                round_drafts::round_id,
            ),
        ))
        .first(conn)
        .optional()
        .context("could not read a draft round")?;
    row.map(from_row).transpose()
}

/// Records the swaps made so far.
pub fn set_edits(conn: &mut Conn, id: i64, edits: &[Swap]) -> anyhow::Result<()> {
    diesel::update(round_drafts::table.find(id))
        .set(round_drafts::edits.eq(serde_json::to_string(edits)?))
        .execute(conn)
        .context("could not record a swap")?;
    Ok(())
}

/// Records the round a draft became.
pub fn mark_sent(conn: &mut Conn, id: i64, round_id: i64) -> anyhow::Result<()> {
    diesel::update(round_drafts::table.find(id))
        .set(round_drafts::round_id.eq(round_id))
        .execute(conn)
        .context("could not mark a draft sent")?;
    Ok(())
}

/// Deletes drafts that expired unsent before `before`; returns how many.
pub fn delete_expired_before(conn: &mut Conn, before: NaiveDateTime) -> anyhow::Result<usize> {
    diesel::delete(
        round_drafts::table
            .filter(round_drafts::round_id.is_null())
            .filter(round_drafts::expires_at.lt(before)),
    )
    .execute(conn)
    .context("could not delete expired drafts")
}
