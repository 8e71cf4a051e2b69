//! The outbox: emails waiting to be sent, sent, or given up on.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outbox;
use super::Conn;

/// An email ready to be queued.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewEmail {
    pub kind: String,
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
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite))]
pub struct QueuedEmail {
    pub id: i64,
    pub kind: String,
    pub to_name: String,
    pub to_address: String,
    pub reply_to: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub message_id: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

pub const QUEUED: &str = "queued";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// Queues an email. Call it inside the transaction that makes the change the email reports.
pub fn enqueue(conn: &mut Conn, email: &NewEmail, now: NaiveDateTime) -> anyhow::Result<()> {
    diesel::insert_into(outbox::table)
        .values((
            email,
            outbox::status.eq(QUEUED),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .execute(conn)
        .context("could not queue an email")?;
    Ok(())
}

/// Takes up to `limit` due emails for sending and holds them until `hold_until`,
/// so that another worker (another process on the same database) leaves them alone.
pub fn claim_due(
    conn: &mut Conn,
    now: NaiveDateTime,
    hold_until: NaiveDateTime,
    limit: i64,
) -> anyhow::Result<Vec<QueuedEmail>> {
    conn.immediate_transaction(|conn| {
        let due: Vec<QueuedEmail> = outbox::table
            .filter(outbox::status.eq(QUEUED))
            .filter(outbox::next_attempt_at.le(now))
            .filter(
                outbox::locked_until
                    .is_null()
                    .or(outbox::locked_until.le(now)),
            )
            .order(outbox::id)
            .limit(limit)
            .select(QueuedEmail::as_select())
            .load(conn)?;
        let ids: Vec<i64> = due.iter().map(|e| e.id).collect();
        diesel::update(outbox::table.filter(outbox::id.eq_any(&ids)))
            .set(outbox::locked_until.eq(hold_until))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(due)
    })
    .context("could not take queued emails")
}

/// The email left. Its body is dropped: it holds the recipient's own links,
/// which must not sit in the database once delivered.
pub fn mark_sent(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(SENT),
            outbox::body_text.eq(""),
            outbox::body_html.eq(""),
            outbox::sent_at.eq(now),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .context("could not mark an email sent")?;
    Ok(())
}

/// A temporary failure: try again at `retry_at`.
pub fn mark_retry(
    conn: &mut Conn,
    id: i64,
    error: &str,
    retry_at: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(retry_at),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .context("could not reschedule an email")?;
    Ok(())
}

/// A permanent failure: the server refused the message; no more tries.
pub fn mark_failed(conn: &mut Conn, id: i64, error: &str) -> anyhow::Result<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(FAILED),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::locked_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .context("could not mark an email failed")?;
    Ok(())
}

/// Puts a failed email back in the queue, to be sent at once.
pub fn retry_now(conn: &mut Conn, id: i64, now: NaiveDateTime) -> anyhow::Result<bool> {
    let changed = diesel::update(outbox::table.find(id).filter(outbox::status.eq(FAILED)))
        .set((outbox::status.eq(QUEUED), outbox::next_attempt_at.eq(now)))
        .execute(conn)
        .context("could not requeue an email")?;
    Ok(changed == 1)
}

/// Emails in the given states, oldest first.
pub fn list(conn: &mut Conn, statuses: &[&str]) -> anyhow::Result<Vec<QueuedEmail>> {
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
        let rows: Vec<_> = chunk
            .iter()
            .map(|email| {
                (
                    email,
                    outbox::status.eq(QUEUED),
                    outbox::next_attempt_at.eq(now),
                    outbox::created_at.eq(now),
                )
            })
            .collect();
        diesel::insert_into(outbox::table)
            .values(rows)
            .execute(conn)
            .context("could not queue emails")?;
    }
    Ok(())
}

impl QueuedEmail {
    /// A message that is not in the outbox, sent directly (the test email).
    pub fn from_new(email: NewEmail, now: NaiveDateTime) -> Self {
        Self {
            id: 0,
            kind: email.kind,
            to_name: email.to_name,
            to_address: email.to_address,
            reply_to: email.reply_to,
            subject: email.subject,
            body_text: email.body_text,
            body_html: email.body_html,
            message_id: email.message_id,
            status: QUEUED.into(),
            attempts: 0,
            next_attempt_at: now,
            locked_until: None,
            last_error: None,
            created_at: now,
            sent_at: None,
        }
    }
}
