//! "A participant's email bounced": the one place that says what follows.
//! The delivery worker calls it for a refusal (5xx) or a message it gave up
//! on; `unmentoring bounces ingest` for a delivery-status notification.
//!
//! In the caller's transaction: the message is marked failed; if it was to a
//! participant who is taking part or paused, a bounce is recorded, they
//! become `bouncing` (out of rounds until they give an address that works),
//! an introduction's group loses them (a partner left alone goes into the
//! rematch pool), and organisers are alerted unless they were in the last
//! [`ALERT_WINDOW_HOURS`] (then the job gathers the rest into one alert).

use chrono::{Duration, NaiveDateTime};

use crate::configuration::Settings;
use crate::db::bounces::{self, NewBounce};
use crate::db::outbox::{self, QueuedEmail};
use crate::db::{organisers, participants, rematches, Conn};
use crate::domain::{BounceSource, EmailKind, LeftReason, RematchReason};
use crate::email::Composer;
use crate::services::rematch;
use crate::telemetry::redact;

/// Organisers get at most one alert about bounces in this many hours.
pub const ALERT_WINDOW_HOURS: i64 = 24;

/// Why a message failed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub source: BounceSource,
    /// The server's words, as stored with the message (may hold addresses).
    pub error: String,
}

/// What a failure did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The message was failed already: nothing changed.
    AlreadyFailed,
    /// The message failed; it was not to anyone who takes part (a test
    /// email, an alert, a signup not confirmed) or they were bouncing already.
    MessageFailed,
    /// A new bounce: the participant is bouncing now.
    Bounced { participant_id: i64 },
}

/// The delivery worker's last attempt at `email` failed for good (refused,
/// or given up). Call it inside a transaction.
pub fn attempt_failed(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    email: &QueuedEmail,
    failure: &Failure,
    now: NaiveDateTime,
) -> anyhow::Result<Outcome> {
    outbox::mark_failed(conn, email.id, &failure.error)?;
    participant_bounced(conn, composer, settings, email, failure, now)
}

/// A report came back after `email` left: it was not delivered. Call it
/// inside a transaction.
pub fn reported_failed(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    email: &QueuedEmail,
    failure: &Failure,
    now: NaiveDateTime,
) -> anyhow::Result<Outcome> {
    if !outbox::mark_reported_failed(conn, email.id, &failure.error)? {
        return Ok(Outcome::AlreadyFailed);
    }
    participant_bounced(conn, composer, settings, email, failure, now)
}

fn participant_bounced(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    email: &QueuedEmail,
    failure: &Failure,
    now: NaiveDateTime,
) -> anyhow::Result<Outcome> {
    let Some(participant_id) = email.content.participant_id else {
        return Ok(Outcome::MessageFailed);
    };
    if !participants::mark_bouncing(conn, participant_id, now)? {
        return Ok(Outcome::MessageFailed);
    }
    let detail = redact(&failure.error);
    bounces::insert(
        conn,
        &NewBounce {
            participant_id,
            outbox_id: Some(email.id),
            source: failure.source,
            detail: detail.trim(),
            bounced_at: now,
        },
    )?;
    let introduction = matches!(email.content.kind, EmailKind::Intro | EmailKind::Rematch);
    if let (true, Some(round_id)) = (introduction, email.content.round_id) {
        leave_group(
            conn,
            composer,
            settings,
            (round_id, participant_id),
            (LeftReason::Bounced, RematchReason::PartnerBounced),
            now,
        )?;
    }
    alert_if_due(conn, composer, now)?;
    Ok(Outcome::Bounced { participant_id })
}

/// Takes the person out of their group in the round (for `why`); a partner
/// left on their own goes into the rematch pool and is rematched at once if
/// someone is free (a trio keeps a pair, so nobody does).
pub(crate) fn leave_group(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    (round_id, participant_id): (i64, i64),
    why: (LeftReason, RematchReason),
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let Some((member_id, group_number)) = bounces::place_in_round(conn, round_id, participant_id)?
    else {
        return Ok(());
    };
    if !rematches::leave_group(conn, member_id, why.0, now)? {
        return Ok(());
    }
    if let [partner] = rematches::still_in_group(conn, round_id, group_number)?[..] {
        if rematches::enter_pool(conn, partner, why.1, now)? {
            rematch::match_waiting(conn, composer, settings, now)?;
        }
    }
    Ok(())
}

/// Sends organisers one alert listing every bounce they have not heard of,
/// unless an alert went in the last [`ALERT_WINDOW_HOURS`]. Returns how many
/// alerts were queued. Call it inside a transaction.
pub fn alert_if_due(
    conn: &mut Conn,
    composer: &Composer,
    now: NaiveDateTime,
) -> anyhow::Result<usize> {
    let window_start = now - Duration::hours(ALERT_WINDOW_HOURS);
    if bounces::last_alerted_at(conn)?.is_some_and(|at| at > window_start) {
        return Ok(0);
    }
    let pending = bounces::unalerted(conn)?;
    // With nobody to tell yet, the bounces wait for the first organiser.
    let to = organisers::list(conn)?;
    if pending.is_empty() || to.is_empty() {
        return Ok(0);
    }
    let emails = to
        .iter()
        .map(|organiser| composer.bounce_alert(organiser, &pending))
        .collect::<anyhow::Result<Vec<_>>>()?;
    outbox::enqueue_all(conn, &emails, now)?;
    let ids: Vec<i64> = pending.iter().map(|r| r.bounce.id).collect();
    bounces::mark_alerted(conn, &ids, now)?;
    Ok(emails.len())
}
