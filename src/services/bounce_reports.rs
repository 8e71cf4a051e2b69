//! `unmentoring bounces ingest`: a delivery-status notification that came
//! back to `bounces+{id}@…` after the message left. A `failed` action for one
//! of our messages is a bounce, handled as one the worker saw
//! ([`super::bounces`]); anything else is ignored, with the reason.

use chrono::NaiveDateTime;

use super::bounces::{self, Failure, Outcome};
use crate::db::outbox::{self, QueuedEmail};
use crate::db::Conn;
use crate::domain::BounceSource;
use crate::email::dsn::Report;
use crate::email::Composer;

/// What a notification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    /// A new bounce: the participant is bouncing now.
    Bounced { participant_id: i64, outbox_id: i64 },
    /// The message is marked failed; it was to nobody taking part, or to
    /// someone bouncing already, so no new bounce.
    MessageFailed { outbox_id: i64 },
    /// Nothing changed, and why.
    Ignored(String),
}

/// Acts on `report`. Call it inside a transaction.
pub fn ingest(
    conn: &mut Conn,
    composer: &Composer,
    settings: &crate::configuration::Settings,
    report: &Report,
    now: NaiveDateTime,
) -> anyhow::Result<Ingested> {
    let Some(email) = our_message(conn, report)? else {
        return Ok(Ingested::Ignored(
            "the report is not about a message we sent".into(),
        ));
    };
    let Some(failed) = report.recipients.iter().find(|r| r.failed()) else {
        let actions: Vec<&str> = report
            .recipients
            .iter()
            .map(|r| r.action.as_str())
            .collect();
        return Ok(Ingested::Ignored(format!(
            "the report says {} for email {}, not failed",
            actions.join(", "),
            email.id
        )));
    };
    let failure = Failure {
        source: BounceSource::Report,
        error: format!("reported undeliverable: {}", failed.detail()),
    };
    let outbox_id = email.id;
    Ok(
        match bounces::reported_failed(conn, composer, settings, &email, &failure, now)? {
            Outcome::AlreadyFailed => {
                Ingested::Ignored(format!("email {outbox_id} was marked failed already"))
            }
            Outcome::MessageFailed => Ingested::MessageFailed { outbox_id },
            Outcome::Bounced { participant_id } => Ingested::Bounced {
                participant_id,
                outbox_id,
            },
        },
    )
}

/// The message the report is about: by the envelope id, else by Message-ID.
fn our_message(conn: &mut Conn, report: &Report) -> anyhow::Result<Option<QueuedEmail>> {
    for id in &report.envelope_ids {
        if let Some(email) = outbox::find_by_envelope_id(conn, id)? {
            return Ok(Some(email));
        }
    }
    for id in &report.message_ids {
        if let Some(email) = outbox::find_by_message_id(conn, id)? {
            return Ok(Some(email));
        }
    }
    Ok(None)
}
