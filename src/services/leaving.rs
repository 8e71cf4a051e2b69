//! Someone leaves, or an organiser removes them. A partner in a round that
//! is still under way is not left waiting for someone who has gone: they are
//! rematched (or wait in the pool, and hear if nobody is found), as when
//! someone declines. Then everything about the person is erased (see
//! `db::participants::erase`), which also withdraws the partner's
//! introduction if it has not gone yet.

use chrono::NaiveDateTime;

use crate::configuration::Settings;
use crate::db::participants::{self, Status};
use crate::db::{rounds, Conn};
use crate::domain::{LeftReason, RematchReason};
use crate::email::Composer;
use crate::services::bounces;

/// Takes the person out of their latest round while it is under way (for
/// `followup.after_days` after it started), freeing their partner. Changes
/// nothing for someone who has left already. Call it inside a transaction.
pub fn free_partner(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    participant_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    match participants::find(conn, participant_id)? {
        Some(person) if person.status != Status::Left => {}
        _ => return Ok(()),
    }
    let Some(latest) = rounds::rounds_of(conn, participant_id)?.into_iter().next() else {
        return Ok(());
    };
    let under_way = chrono::Duration::days(i64::from(settings.followup.after_days));
    if now - latest.started_at >= under_way {
        return Ok(());
    }
    bounces::leave_group(
        conn,
        composer,
        settings,
        (latest.round_id, participant_id),
        (LeftReason::Declined, RematchReason::PartnerDeclined),
        now,
    )
}

/// The person leaves: their partner is freed, then they are erased.
pub fn leave(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    participant_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    free_partner(conn, composer, settings, participant_id, now)?;
    participants::erase(conn, participant_id, now)
}
