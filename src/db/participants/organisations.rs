//! How organisations are spelled, for showing each one to others the way
//! most of its people write it.

use anyhow::Context;
use diesel::prelude::*;

use crate::db::schema::participants;
use crate::db::Conn;
use crate::domain::Spelling;

/// Every spelling of an organisation among people who confirmed and have not
/// left (leaving erases the organisation), for
/// [`crate::domain::OrganisationNames`]: how they are shown to others.
pub fn organisation_spellings(conn: &mut Conn) -> anyhow::Result<Vec<Spelling>> {
    let rows: Vec<(String, i64, Option<i64>)> = participants::table
        .filter(participants::confirmed_at.is_not_null())
        .filter(participants::organisation.ne(""))
        .group_by(participants::organisation)
        .select((
            participants::organisation,
            diesel::dsl::count_star(),
            diesel::dsl::min(participants::id),
        ))
        .load(conn)
        .context("could not read how organisations are spelled")?;
    Ok(rows
        .into_iter()
        .map(|(text, people, first_id)| Spelling {
            text,
            people,
            first_id: first_id.unwrap_or_default(),
        })
        .collect())
}
