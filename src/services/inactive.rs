//! Inactive people (privacy): someone taking part or paused who has had no
//! round and has not opened any of their links for `privacy.inactive_months`
//! is asked once, by an email of kind `still_interested`, whether they want
//! to stay. Opening any of their links or pressing "stay" answers it (see
//! `pages::secret_link` and `routes::stay`); without an answer within
//! [`ANSWER_DAYS`] they are erased as if they had left, so that nobody's
//! details are kept for years after they stopped taking part.
//!
//! Someone who used a List-Unsubscribe link is not sent the question (the
//! outbox drops what they did not ask for) but is erased all the same: they
//! asked for no more email, and the privacy notice tells them the rule.

use anyhow::Context;
use chrono::{Duration, Months, NaiveDateTime};

use crate::configuration::Settings;
use crate::db::{outbox, participants, tokens, Conn};
use crate::domain::TokenPurpose;
use crate::email::Composer;
use crate::services::leaving;

/// How long an asked person has to answer before they are erased.
pub const ANSWER_DAYS: i64 = 30;

/// Asks everyone inactive for `privacy.inactive_months` before `now`, once:
/// queues the email with a fresh manage link and records the question.
/// Returns how many were asked.
pub fn ask(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    now: NaiveDateTime,
) -> anyhow::Result<usize> {
    let months = settings.privacy.inactive_months;
    let before = now
        .checked_sub_months(Months::new(months))
        .context("privacy.inactive_months reaches before the calendar starts")?;
    let people = participants::inactive_since(conn, before)?;
    if people.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let manage_tokens = tokens::issue_many(conn, &ids, TokenPurpose::Manage, now)?;
    let delete_at = now + Duration::days(ANSWER_DAYS);
    let emails = people
        .iter()
        .zip(&manage_tokens)
        .map(|(person, token)| composer.still_interested(person, token, months, delete_at))
        .collect::<anyhow::Result<Vec<_>>>()?;
    outbox::enqueue_all(conn, &emails, now)?;
    participants::mark_asked(conn, &ids, now)?;
    Ok(ids.len())
}

/// Erases everyone asked more than [`ANSWER_DAYS`] before `now` who has not
/// answered, as leaving does (a partner in a round under way is freed).
/// Returns how many were erased.
pub fn erase_unanswered(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    now: NaiveDateTime,
) -> anyhow::Result<usize> {
    let silent = participants::unanswered_since(conn, now - Duration::days(ANSWER_DAYS))?;
    for &id in &silent {
        leaving::leave(conn, composer, settings, id, now)?;
        tracing::info!(participant_id = id, "no answer to still_interested; erased");
    }
    Ok(silent.len())
}
