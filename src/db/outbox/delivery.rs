//! What the delivery worker does to the outbox: claim due messages with a
//! hold that keeps other workers (other processes on the same database) off
//! them, and mark each one sent, to retry, or failed, only while the hold is
//! still its own.
//!
//! Delivery is at least once, as SMTP allows: a worker killed between the
//! server's "250 OK" and marking the message sent leaves a hold that runs
//! out, and the message is sent again, with the same Message-ID.

use anyhow::Context;
use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;

use super::{NewEmail, OutboxStatus, QueuedEmail};
use crate::db::schema::outbox;
use crate::db::{AnyConnection, Conn};

/// A worker's hold on one message it claimed: [`claim_due`] set the
/// message's `locked_until` to `until`. The message is this worker's while
/// it is queued with that very `locked_until`. A hold that ran out and was
/// claimed again has a later `locked_until` (the new claim's time plus its
/// hold), so the first worker's marks change nothing any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    pub id: i64,
    pub until: NaiveDateTime,
}

impl QueuedEmail {
    /// The hold a claim put on this message, as [`claim_due`] returned it.
    pub fn hold(&self) -> Option<Hold> {
        self.locked_until.map(|until| Hold { id: self.id, until })
    }
}

/// Takes up to `limit` due emails for sending and holds them until
/// `hold_until`, so that another worker (another process on the same
/// database) leaves them alone; returns them oldest first, each with its
/// [`Hold`].
///
/// - **SQLite**: call it inside a write transaction ([`super::write`]):
///   `BEGIN IMMEDIATE` keeps every other writer out until the holds are set.
/// - **PostgreSQL**: best outside any transaction, so that it runs at READ
///   COMMITTED (PostgreSQL's default): `SELECT … FOR UPDATE SKIP LOCKED`
///   passes over the rows another worker is claiming at this moment, and a
///   row another worker claimed a moment ago is checked again in its new
///   state, so it is not due any more. No two workers get the same message,
///   and none waits for another.
pub fn claim_due(
    conn: &mut Conn,
    now: NaiveDateTime,
    hold_until: NaiveDateTime,
    limit: i64,
) -> anyhow::Result<Vec<QueuedEmail>> {
    // PostgreSQL keeps microseconds: the hold must read back exactly as set.
    let hold_until = hold_until.trunc_subsecs(6);
    let mut claimed = match conn {
        AnyConnection::Postgres(pg) => claim_skipping_locked(pg, now, hold_until, limit)?,
        AnyConnection::Sqlite(_) => claim_under_write_lock(conn, now, hold_until, limit)?,
    };
    claimed.sort_by_key(|e| e.id);
    Ok(claimed)
}

/// Due: queued, its time come, and nobody's hold on it still running;
/// the longest waiting first. (In order of id, a batch of messages that keep
/// failing while the server is down would be due again each time a worker
/// came back for more, and the messages after them would never be tried.)
macro_rules! due_now {
    ($now:expr) => {
        outbox::table
            .filter(outbox::status.eq(OutboxStatus::Queued))
            .filter(outbox::next_attempt_at.le($now))
            .filter(
                outbox::locked_until
                    .is_null()
                    .or(outbox::locked_until.le($now)),
            )
            .order((outbox::next_attempt_at, outbox::id))
    };
}

/// Locks the due rows no other worker is locking, and holds them, in one
/// transaction (a savepoint inside the caller's): at PostgreSQL's default
/// READ COMMITTED when it is the outermost.
fn claim_skipping_locked(
    pg: &mut diesel::PgConnection,
    now: NaiveDateTime,
    hold_until: NaiveDateTime,
    limit: i64,
) -> anyhow::Result<Vec<QueuedEmail>> {
    pg.transaction(|pg| {
        let mut due: Vec<QueuedEmail> = due_now!(now)
            .limit(limit)
            .select(QueuedEmail::as_select())
            .for_update()
            .skip_locked()
            .load(pg)?;
        let ids: Vec<i64> = due.iter().map(|e| e.id).collect();
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set(outbox::locked_until.eq(hold_until))
            .execute(pg)?;
        for email in &mut due {
            email.locked_until = Some(hold_until);
        }
        Ok::<_, diesel::result::Error>(due)
    })
    .context("could not claim queued emails")
}

fn claim_under_write_lock(
    conn: &mut Conn,
    now: NaiveDateTime,
    hold_until: NaiveDateTime,
    limit: i64,
) -> anyhow::Result<Vec<QueuedEmail>> {
    let mut due: Vec<QueuedEmail> = due_now!(now)
        .limit(limit)
        .select(QueuedEmail::as_select())
        .load(conn)
        .context("could not read queued emails")?;
    let ids: Vec<i64> = due.iter().map(|e| e.id).collect();
    diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
        .set(outbox::locked_until.eq(hold_until))
        .execute(conn)
        .context("could not hold queued emails")?;
    for email in &mut due {
        email.locked_until = Some(hold_until);
    }
    Ok(due)
}

/// The message as long as `hold` is still on it.
type Held = diesel::dsl::Filter<
    diesel::dsl::Find<outbox::table, i64>,
    diesel::dsl::And<
        diesel::dsl::Eq<outbox::status, OutboxStatus>,
        diesel::dsl::Eq<outbox::locked_until, NaiveDateTime>,
    >,
>;

fn held(hold: &Hold) -> Held {
    outbox::table.find(hold.id).filter(
        outbox::status
            .eq(OutboxStatus::Queued)
            .and(outbox::locked_until.eq(hold.until)),
    )
}

/// Whether the message is still under `hold`.
pub fn is_held(conn: &mut Conn, hold: &Hold) -> anyhow::Result<bool> {
    let found: i64 = held(hold)
        .count()
        .get_result(conn)
        .context("could not check the hold on an email")?;
    Ok(found == 1)
}

/// Stores the bodies of a drafted introduction, written, and clears its
/// draft. Returns false, changing nothing, unless it is still under `hold`
/// and still a draft.
pub fn store_written(conn: &mut Conn, hold: &Hold, written: &NewEmail) -> anyhow::Result<bool> {
    let changed = diesel::update(held(hold).filter(outbox::draft.is_not_null()))
        .set((
            outbox::body_text.eq(&written.body_text),
            outbox::body_html.eq(&written.body_html),
            outbox::draft.eq(None::<String>),
        ))
        .execute(conn)
        .context("could not store a written introduction")?;
    Ok(changed == 1)
}

/// Stores the unsubscribe token of the email the worker holds, for every
/// attempt to carry the same link. False, changing nothing, if the hold ran
/// out.
pub fn store_unsubscribe_token(conn: &mut Conn, hold: &Hold, token: &str) -> anyhow::Result<bool> {
    let changed = diesel::update(held(hold).filter(outbox::unsubscribe_token.is_null()))
        .set(outbox::unsubscribe_token.eq(token))
        .execute(conn)
        .context("could not store an unsubscribe link")?;
    Ok(changed == 1)
}

/// Gives back the messages `ids` still held until `until` (one claim's
/// hold), unsent, for any worker to claim at once.
pub fn release(conn: &mut Conn, ids: &[i64], until: NaiveDateTime) -> anyhow::Result<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::status.eq(OutboxStatus::Queued))
            .filter(outbox::locked_until.eq(until)),
    )
    .set(outbox::locked_until.eq(None::<NaiveDateTime>))
    .execute(conn)
    .context("could not give back emails")
}

/// What sending changes. The body is dropped: it holds the recipient's own
/// links, which must not sit in the database once delivered.
macro_rules! sent_at {
    ($now:expr) => {
        (
            outbox::status.eq(OutboxStatus::Sent),
            outbox::body_text.eq(""),
            outbox::body_html.eq(""),
            outbox::calendar.eq(None::<String>),
            outbox::draft.eq(None::<String>),
            outbox::unsubscribe_token.eq(None::<String>),
            outbox::sent_at.eq($now),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        )
    };
}

/// The email left (whoever held it: for tools and tests).
pub fn mark_sent(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<()> {
    diesel::update(outbox::table.find(id))
        .set(sent_at!(now))
        .execute(conn)
        .context("could not mark an email sent")?;
    Ok(())
}

/// The email the worker held left. Returns false, changing nothing, if the
/// hold had run out and another worker claimed the message since.
pub fn mark_sent_held(conn: &mut Conn, hold: &Hold, now: NaiveDateTime) -> anyhow::Result<bool> {
    let changed = diesel::update(held(hold))
        .set(sent_at!(now))
        .execute(conn)
        .context("could not mark an email sent")?;
    Ok(changed == 1)
}

/// A temporary failure of the email the worker held: try again at
/// `retry_at`. Returns false, changing nothing, if the hold had run out
/// and another worker claimed the message since.
pub fn mark_retry(
    conn: &mut Conn,
    hold: &Hold,
    error: &str,
    retry_at: NaiveDateTime,
) -> anyhow::Result<bool> {
    let changed = diesel::update(held(hold))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(retry_at),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .context("could not reschedule an email")?;
    Ok(changed == 1)
}

/// A permanent failure: the server refused the message; no more tries. The
/// worker checks [`is_held`] first, in the same transaction.
pub fn mark_failed(conn: &mut Conn, id: i64, error: &str) -> anyhow::Result<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(OutboxStatus::Failed),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .context("could not mark an email failed")?;
    Ok(())
}
