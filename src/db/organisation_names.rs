//! The spelling organisers chose for an organisation's name, by the
//! organisation's key. Nothing personal: a name of an organisation.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::participants::organisation_spellings;
use super::schema::organisation_names;
use super::Conn;
use crate::domain::OrganisationNames;

/// Every chosen spelling, as (key, spelling).
pub fn chosen(conn: &mut Conn) -> anyhow::Result<Vec<(String, String)>> {
    organisation_names::table
        .select((organisation_names::key, organisation_names::shown))
        .load(conn)
        .context("could not read the chosen organisation names")
}

/// Chooses `shown` for the organisation `key`, replacing an earlier choice.
pub fn choose(
    conn: &mut Conn,
    key: &str,
    shown: &str,
    organiser_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::delete(organisation_names::table.find(key))
        .execute(conn)
        .context("could not replace an organisation's chosen name")?;
    diesel::insert_into(organisation_names::table)
        .values((
            organisation_names::key.eq(key),
            organisation_names::shown.eq(shown),
            organisation_names::chosen_by.eq(organiser_id),
            organisation_names::chosen_at.eq(now),
        ))
        .execute(conn)
        .context("could not store an organisation's chosen name")?;
    Ok(())
}

/// How organisations are shown to others: the spelling an organiser chose,
/// else the one most of its people typed.
pub fn names(conn: &mut Conn) -> anyhow::Result<OrganisationNames> {
    Ok(OrganisationNames::new(organisation_spellings(conn)?).choosing(chosen(conn)?))
}
