//! What the engine was given for each round and what it drew, with any
//! swaps made by hand: what `round replay` checks a round against.

use anyhow::Context;
use diesel::prelude::*;

use crate::db::schema::round_inputs;
use crate::db::Conn;
use crate::domain::{DrawInputs, Drawn, Swap};

/// A round's draw as stored.
#[derive(Debug, Clone)]
pub struct StoredDraw {
    pub inputs: DrawInputs,
    pub drawn: Drawn,
    pub edits: Vec<Swap>,
}

pub fn store(conn: &mut Conn, round_id: i64, draw: &StoredDraw) -> anyhow::Result<()> {
    diesel::insert_into(round_inputs::table)
        .values((
            round_inputs::round_id.eq(round_id),
            round_inputs::inputs.eq(serde_json::to_string(&draw.inputs)?),
            round_inputs::drawn.eq(serde_json::to_string(&draw.drawn)?),
            round_inputs::edits.eq(serde_json::to_string(&draw.edits)?),
        ))
        .execute(conn)
        .context("could not store a round's draw")?;
    Ok(())
}

/// The stored draw of a round; `None` for rounds from before draws were kept.
pub fn find(conn: &mut Conn, round_id: i64) -> anyhow::Result<Option<StoredDraw>> {
    let row: Option<(String, String, String)> = round_inputs::table
        .find(round_id)
        .select((
            round_inputs::inputs,
            round_inputs::drawn,
            round_inputs::edits,
        ))
        .first(conn)
        .optional()
        .context("could not read a round's draw")?;
    row.map(|(inputs, drawn, edits)| {
        Ok(StoredDraw {
            inputs: serde_json::from_str(&inputs).context("a round's inputs")?,
            drawn: serde_json::from_str(&drawn).context("a round's draw")?,
            edits: serde_json::from_str(&edits).context("a round's swaps")?,
        })
    })
    .transpose()
}
