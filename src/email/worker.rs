//! The delivery worker: sends what is in the outbox, retries temporary
//! failures with exponential backoff, and records permanent ones.
//!
//! A message is marked sent only after the server accepted it. A crash between
//! the two means one more try later, with the same Message-ID, so the worst
//! case is one duplicate, never a lost email.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use lettre::message::Mailbox;
use tokio::sync::Notify;

use lettre::Address;

use super::{envelope, message, Composer, Mailer, SendError};
use crate::clock::Clock;
use crate::configuration::Settings;
use crate::db::{self, outbox, Pool};
use crate::domain::BounceSource;
use crate::health::Heartbeat;
use crate::services::bounces::{self, Failure, Outcome};
use crate::telemetry::redact;

/// How many emails one pass takes from the outbox.
const BATCH: i64 = 50;

#[derive(Clone)]
pub struct DeliveryWorker {
    pool: Pool,
    mailer: Mailer,
    from: Mailbox,
    retry_initial: Duration,
    retry_max: Duration,
    poll_interval: Duration,
    /// How long a worker holds a message it is sending; longer than any send.
    hold: Duration,
    wake: Arc<Notify>,
    clock: Clock,
    /// Beaten at each pass and after each email, for `/healthz`.
    heartbeat: Heartbeat,
    /// Writes the alert to organisers when a participant's email bounces.
    composer: Composer,
    /// A message still failing temporarily this long after it was queued is given up.
    give_up_after: chrono::Duration,
    /// `email.bounce_address`: makes each message's envelope sender.
    bounce_address: Option<Address>,
    /// For rematching the partner of someone whose introduction bounced.
    settings: Settings,
}

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PassReport {
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
}

impl DeliveryWorker {
    pub fn new(
        pool: Pool,
        mailer: Mailer,
        all_settings: &Settings,
        wake: Arc<Notify>,
        clock: Clock,
        heartbeat: Heartbeat,
    ) -> Self {
        let settings = &all_settings.email;
        Self {
            pool,
            mailer,
            from: settings.from.clone(),
            retry_initial: Duration::from_millis(settings.retry_initial_ms),
            retry_max: Duration::from_millis(settings.retry_max_ms),
            poll_interval: Duration::from_millis(settings.poll_interval_ms),
            hold: Duration::from_secs(settings.smtp_timeout_seconds.saturating_mul(4).max(60)),
            wake,
            clock,
            heartbeat,
            composer: Composer::new(all_settings),
            give_up_after: chrono::Duration::hours(i64::from(settings.give_up_after_hours)),
            bounce_address: settings.bounce_address.clone(),
            settings: all_settings.clone(),
        }
    }

    /// Runs until the process stops: a pass, then a sleep until woken or the
    /// poll interval passes.
    pub async fn run_until_stopped(self) {
        let _running = self.heartbeat.start();
        loop {
            self.heartbeat.beat();
            if let Err(e) = self.deliver_due().await {
                tracing::error!(error = %redact(&format!("{e:#}")), "email delivery pass failed");
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.poll_interval) => {}
            }
        }
    }

    /// Sends everything that is due now; returns what happened.
    #[tracing::instrument(name = "deliver_due", skip(self))]
    pub async fn deliver_due(&self) -> anyhow::Result<PassReport> {
        let mut report = PassReport::default();
        loop {
            let now = self.clock.now();
            let hold_until = now + chrono::Duration::from_std(self.hold)?;
            let batch = db::write(&self.pool, move |c| {
                outbox::claim_due(c, now, hold_until, BATCH)
            })
            .await?;
            if batch.is_empty() {
                return Ok(report);
            }
            for email in batch {
                self.deliver(email, &mut report).await?;
            }
        }
    }

    async fn deliver(
        &self,
        email: outbox::QueuedEmail,
        report: &mut PassReport,
    ) -> anyhow::Result<()> {
        let id = email.id;
        let outcome = match self.envelope_sender(&email) {
            Ok(sender) => match message::build(&email.content, &self.from) {
                Ok(message) => self.mailer.send_from(message, sender).await,
                Err(e) => Err(SendError::Permanent(format!("{e:#}"))),
            },
            Err(e) => Err(SendError::Permanent(format!("{e:#}"))),
        };
        self.heartbeat.beat();
        let now = self.clock.now();
        match outcome {
            Ok(()) => {
                db::run(&self.pool, move |c| outbox::mark_sent(c, id, now)).await?;
                tracing::info!(
                    outbox_id = id,
                    kind = email.content.kind.as_str(),
                    "email sent"
                );
                report.sent += 1;
            }
            Err(SendError::Transient(error)) if now - email.created_at >= self.give_up_after => {
                let error = format!(
                    "still failing {} hours after it was queued (email.give_up_after_hours): {error}",
                    self.give_up_after.num_hours()
                );
                self.fail(email, BounceSource::GaveUp, error).await?;
                report.failed += 1;
            }
            Err(SendError::Transient(error)) => {
                let retry_at = self.retry_time(email.attempts, now);
                let logged = redact(&error);
                db::run(&self.pool, move |c| {
                    outbox::mark_retry(c, id, &error, retry_at)
                })
                .await?;
                tracing::warn!(outbox_id = id, attempts = email.attempts + 1, error = %logged, "email not sent yet; will retry");
                report.retrying += 1;
            }
            Err(SendError::Permanent(error)) => {
                self.fail(email, BounceSource::Refused, error).await?;
                report.failed += 1;
            }
        }
        Ok(())
    }

    /// `bounces+{envelope_id}@…` when `email.bounce_address` is set; else
    /// `None`, for the From address.
    fn envelope_sender(&self, email: &outbox::QueuedEmail) -> anyhow::Result<Option<Address>> {
        match (&self.bounce_address, &email.envelope_id) {
            (Some(bounce), Some(id)) => envelope::sender_for(bounce, id).map(Some),
            _ => Ok(None),
        }
    }

    /// The message failed for good: if it was to a participant, their email
    /// bounces (see `services::bounces`), all in one transaction.
    async fn fail(
        &self,
        email: outbox::QueuedEmail,
        source: BounceSource,
        error: String,
    ) -> anyhow::Result<()> {
        let (id, logged) = (email.id, redact(&error));
        let (composer, settings) = (self.composer.clone(), self.settings.clone());
        let now = self.clock.now();
        let failure = Failure { source, error };
        let outcome = db::write(&self.pool, move |c| {
            bounces::attempt_failed(c, &composer, &settings, &email, &failure, now)
        })
        .await?;
        tracing::error!(outbox_id = id, error = %logged, source = source.as_str(), "email failed for good");
        if let Outcome::Bounced { participant_id } = outcome {
            // Any alert it queued goes in this same pass.
            tracing::warn!(participant_id, "a participant's email bounces");
        }
        Ok(())
    }

    /// When to try again after `attempts` earlier tries: the initial delay,
    /// doubled each time, no longer than the maximum.
    fn retry_time(&self, attempts: i32, now: NaiveDateTime) -> NaiveDateTime {
        let delay = backoff(self.retry_initial, self.retry_max, attempts);
        now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::minutes(15))
    }
}

pub fn backoff(initial: Duration, max: Duration, attempts: i32) -> Duration {
    let doublings = attempts.clamp(0, 30) as u32;
    initial
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(max)
}

#[cfg(test)]
mod tests {
    use super::backoff;
    use std::time::Duration;

    #[test]
    fn backoff_doubles_up_to_the_maximum() {
        let (i, m) = (Duration::from_secs(5), Duration::from_secs(60));
        assert_eq!(backoff(i, m, 0), Duration::from_secs(5));
        assert_eq!(backoff(i, m, 1), Duration::from_secs(10));
        assert_eq!(backoff(i, m, 3), Duration::from_secs(40));
        assert_eq!(backoff(i, m, 4), Duration::from_secs(60));
        assert_eq!(backoff(i, m, 1000), Duration::from_secs(60));
    }
}
