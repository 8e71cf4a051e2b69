//! The outbox: emails waiting to be sent, sent, or given up on.

use std::collections::HashMap;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::schema::outbox;
use super::Conn;
use crate::domain::EmailKind;

mod delivery;
pub mod forget;
mod suppress;
pub use delivery::{
    claim_due, is_held, mark_failed, mark_retry, mark_sent, mark_sent_held, release,
    store_unsubscribe_token, store_written, Hold,
};

/// Where an email is: stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum OutboxStatus {
    /// Waiting to be sent, or to be tried again.
    Queued,
    Sent,
    /// Refused for good; an organiser may queue it again.
    Failed,
}

impl OutboxStatus {
    pub const ALL: [OutboxStatus; 3] = [Self::Queued, Self::Sent, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

/// An email's content, as queued.
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = outbox)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct NewEmail {
    pub kind: EmailKind,
    pub participant_id: Option<i64>,
    pub to_name: String,
    pub to_address: String,
    /// JSON list of `{"name", "address"}`.
    pub reply_to: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    /// The round an introduction belongs to.
    pub round_id: Option<i64>,
    /// An invitation's calendar (RFC 5545), sent as a `text/calendar;
    /// method=REQUEST` part.
    pub calendar: Option<String>,
    /// An introduction a round queued, not written yet: what it will say,
    /// without the member's links (see `email::intro::IntroDraft`). The
    /// bodies are empty until the worker writes them before the first try.
    pub draft: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct QueuedEmail {
    pub id: i64,
    #[diesel(embed)]
    pub content: NewEmail,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
    /// Names the message in its envelope sender, `bounces+{id}@…`.
    pub envelope_id: Option<String>,
    /// For the List-Unsubscribe header of an email to a person: issued just
    /// before the first attempt, cleared once sent.
    pub unsubscribe_token: Option<String>,
}

/// An unguessable name for one message, for its envelope sender: 128 bits
/// from a CSPRNG seeded by the operating system, in lowercase hex (safe in
/// an address's local part).
fn new_envelope_id() -> String {
    use rand::RngExt;
    format!("{:032x}", rand::rng().random::<u128>())
}

/// Queues an email. Call it inside the transaction that makes the change the email reports.
/// Nothing is queued to someone who unsubscribed, unless they asked for it.
pub fn enqueue(conn: &mut Conn, email: &NewEmail, now: NaiveDateTime) -> anyhow::Result<()> {
    let unsubscribed = suppress::unsubscribed_among(conn, std::slice::from_ref(email))?;
    if !suppress::keeps(email, &unsubscribed) {
        tracing::info!(
            kind = email.kind.as_str(),
            "not queued: the person unsubscribed"
        );
        return Ok(());
    }
    diesel::insert_into(outbox::table)
        .values((
            email,
            outbox::status.eq(OutboxStatus::Queued),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
            outbox::envelope_id.eq(new_envelope_id()),
        ))
        .execute(conn)
        .context("could not queue an email")?;
    Ok(())
}

/// Deletes the emails to a person that are still to be sent (they
/// unsubscribed); returns how many.
pub fn withdraw_queued_to(conn: &mut Conn, participant_id: i64) -> anyhow::Result<usize> {
    diesel::delete(
        outbox::table
            .filter(outbox::participant_id.eq(participant_id))
            .filter(outbox::status.eq(OutboxStatus::Queued)),
    )
    .execute(conn)
    .context("could not withdraw a person's queued emails")
}

/// Puts a failed email back in the queue, to be sent at once.
pub fn retry_now(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<bool> {
    let changed = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(OutboxStatus::Failed)),
    )
    .set((
        outbox::status.eq(OutboxStatus::Queued),
        outbox::next_attempt_at.eq(now),
    ))
    .execute(conn)
    .context("could not requeue an email")?;
    Ok(changed == 1)
}

/// Emails in the given states, oldest first.
pub fn list(conn: &mut Conn, statuses: &[OutboxStatus]) -> anyhow::Result<Vec<QueuedEmail>> {
    outbox::table
        .filter(outbox::status.eq_any(statuses))
        .order(outbox::id)
        .select(QueuedEmail::as_select())
        .load(conn)
        .context("could not read the outbox")
}

/// Queues many emails at once (a round's introductions), in chunks that stay
/// under SQLite's limit on bound values.
pub fn enqueue_all(conn: &mut Conn, emails: &[NewEmail], now: NaiveDateTime) -> anyhow::Result<()> {
    for chunk in emails.chunks(1000) {
        let unsubscribed = suppress::unsubscribed_among(conn, chunk)?;
        let rows: Vec<_> = chunk
            .iter()
            .filter(|email| suppress::keeps(email, &unsubscribed))
            .map(|email| {
                (
                    email,
                    outbox::status.eq(OutboxStatus::Queued),
                    outbox::next_attempt_at.eq(now),
                    outbox::created_at.eq(now),
                    outbox::envelope_id.eq(new_envelope_id()),
                )
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let insert = diesel::insert_into(outbox::table).values(rows);
        crate::db::per_engine!(&mut *conn, c => insert.execute(c))
            .context("could not queue emails")?;
    }
    Ok(())
}

/// An email as the organiser sees it: never its address or its body.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EmailRow {
    pub id: i64,
    pub kind: EmailKind,
    pub to_name: String,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub round_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Every email to one person, oldest first.
pub fn of_participant(conn: &mut Conn, participant_id: i64) -> anyhow::Result<Vec<EmailRow>> {
    outbox::table
        .filter(outbox::participant_id.eq(participant_id))
        .order(outbox::id)
        .select(EmailRow::as_select())
        .load(conn)
        .context("could not read a participant's emails")
}

/// Every email that belongs to a round, oldest first.
pub fn round_emails(conn: &mut Conn, round_id: i64) -> anyhow::Result<Vec<EmailRow>> {
    outbox::table
        .filter(outbox::round_id.eq(round_id))
        .order(outbox::id)
        .select(EmailRow::as_select())
        .load(conn)
        .context("could not read a round's emails")
}

/// The newest `limit` emails in one state, newest first.
pub fn newest(conn: &mut Conn, status: OutboxStatus, limit: i64) -> anyhow::Result<Vec<EmailRow>> {
    outbox::table
        .filter(outbox::status.eq(status))
        .order(outbox::id.desc())
        .limit(limit)
        .select(EmailRow::as_select())
        .load(conn)
        .context("could not read the outbox")
}

/// How many emails are in each state.
pub fn counts(conn: &mut Conn) -> anyhow::Result<HashMap<OutboxStatus, i64>> {
    let rows: Vec<(OutboxStatus, i64)> = outbox::table
        .group_by(outbox::status)
        .select((outbox::status, count_star()))
        .load(conn)
        .context("could not count the outbox")?;
    Ok(rows.into_iter().collect())
}

/// The email whose envelope sender carried `envelope_id` (`bounces+{id}@…`).
pub fn find_by_envelope_id(
    conn: &mut Conn,
    envelope_id: &str,
) -> anyhow::Result<Option<QueuedEmail>> {
    outbox::table
        .filter(outbox::envelope_id.eq(envelope_id))
        .select(QueuedEmail::as_select())
        .first(conn)
        .optional()
        .context("could not find an email by its envelope id")
}

/// The email with this Message-ID (with its angle brackets).
pub fn find_by_message_id(
    conn: &mut Conn,
    message_id: &str,
) -> anyhow::Result<Option<QueuedEmail>> {
    outbox::table
        .filter(outbox::message_id.eq(message_id))
        .select(QueuedEmail::as_select())
        .first(conn)
        .optional()
        .context("could not find an email by its Message-ID")
}

/// A bounce reported after the email left: it failed after all. Returns
/// false if it was marked failed already.
pub fn mark_reported_failed(conn: &mut Conn, id: i64, error: &str) -> anyhow::Result<bool> {
    let changed = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.ne(OutboxStatus::Failed)),
    )
    .set((
        outbox::status.eq(OutboxStatus::Failed),
        outbox::locked_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(error),
    ))
    .execute(conn)
    .context("could not mark an email failed")?;
    Ok(changed == 1)
}
