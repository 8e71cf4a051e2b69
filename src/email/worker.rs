//! The delivery worker: sends what is in the outbox, retries temporary
//! failures with exponential backoff, and records permanent ones.
//!
//! A message is marked sent only after the server accepted it. A crash between
//! the two means one more try later, with the same Message-ID, so the worst
//! case is one duplicate, never a lost email.
//!
//! Several workers (one per `serve` process) may share one database. Each
//! claims a batch with a hold (`outbox::claim_due`), sends a message only
//! while its hold leaves time for a whole attempt, and records the result
//! only while the hold is still its own (`outbox::Hold`): a message is never
//! sent by two workers at once, and one worker's late result never
//! overwrites another's.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use lettre::message::Mailbox;
use tokio::sync::Notify;

use lettre::Address;

use super::{envelope, message, Composer, Mailer, SendError};
use crate::clock::Clock;
use crate::configuration::Settings;
use crate::db::{self, outbox, Engine, Pool};
use crate::domain::BounceSource;
use crate::health::Heartbeat;
use crate::services::bounces::{self, Failure, Outcome};
use crate::services::{intro_drafts, unsubscribe};
use crate::telemetry::redact;

/// How many emails one pass takes from the outbox.
const BATCH: i64 = 50;

/// Time allowed, beyond `email.smtp_timeout_seconds`, to record an
/// attempt's result before the message's hold runs out.
const RECORDING_TIME: Duration = Duration::from_secs(10);

#[derive(Clone)]
pub struct DeliveryWorker {
    pool: Pool,
    mailer: Mailer,
    from: Mailbox,
    retry_initial: Duration,
    retry_max: Duration,
    poll_interval: Duration,
    /// How long a claim holds the messages it took; longer than several sends.
    hold: Duration,
    /// The longest one attempt takes, with recording its result: a message
    /// is sent only if its hold runs at least this much longer.
    attempt_time: Duration,
    /// How messages are claimed depends on the engine (see `outbox::claim_due`).
    engine: Engine,
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
            attempt_time: Duration::from_secs(settings.smtp_timeout_seconds) + RECORDING_TIME,
            engine: all_settings.database.url.engine(),
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
            let batch = self.claim().await?;
            if batch.is_empty() {
                return Ok(report);
            }
            self.deliver_batch(batch, &mut report).await?;
        }
    }

    /// Takes a batch of due messages, held for this worker.
    async fn claim(&self) -> anyhow::Result<Vec<outbox::QueuedEmail>> {
        let now = self.clock.now();
        let hold_until = now + chrono::Duration::from_std(self.hold)?;
        self.on_held_rows(move |c| outbox::claim_due(c, now, hold_until, BATCH))
            .await
    }

    /// Runs one statement on the outbox rows this worker claims or holds. On
    /// PostgreSQL it runs by itself, at READ COMMITTED: each statement names
    /// its rows by id and hold, and PostgreSQL checks a row another worker
    /// changed meanwhile again in its new state, so workers never wait for
    /// each other's rows (SKIP LOCKED) nor make each other retry, as
    /// SERIALIZABLE transactions over neighbouring rows would. On SQLite it
    /// is a write like any other.
    async fn on_held_rows<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        F: FnMut(&mut db::Conn) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        match self.engine {
            Engine::Postgres => db::run(&self.pool, work).await,
            Engine::Sqlite => db::write(&self.pool, work).await,
        }
    }

    /// Sends a claimed batch in order. Once the hold no longer leaves time
    /// for a whole attempt (earlier ones took long), the rest is given back
    /// and claimed again with a new hold: sending a message whose hold runs
    /// out mid-way would let another worker send it too.
    async fn deliver_batch(
        &self,
        batch: Vec<outbox::QueuedEmail>,
        report: &mut PassReport,
    ) -> anyhow::Result<()> {
        let mut batch = batch.into_iter();
        while let Some(email) = batch.next() {
            let hold = email
                .hold()
                .ok_or_else(|| anyhow::anyhow!("a claimed email has no hold"))?;
            if !self.time_to_send(&hold) {
                let ids: Vec<i64> = std::iter::once(email.id)
                    .chain(batch.map(|e| e.id))
                    .collect();
                self.on_held_rows(move |c| outbox::release(c, &ids, hold.until))
                    .await?;
                return Ok(());
            }
            self.deliver(email, hold, report).await?;
        }
        Ok(())
    }

    /// Whether `hold` lasts long enough for one more attempt and its record.
    fn time_to_send(&self, hold: &outbox::Hold) -> bool {
        let needed = chrono::Duration::from_std(self.attempt_time).unwrap_or(chrono::Duration::MAX);
        self.clock
            .now()
            .checked_add_signed(needed)
            .is_some_and(|end| end < hold.until)
    }

    async fn deliver(
        &self,
        email: outbox::QueuedEmail,
        hold: outbox::Hold,
        report: &mut PassReport,
    ) -> anyhow::Result<()> {
        let id = email.id;
        let email = if email.content.draft.is_some() {
            match self.write_draft(email, hold).await? {
                Drafted::Written(email) => *email,
                Drafted::LostHold => {
                    lost_hold(id);
                    return Ok(());
                }
                Drafted::Failed => {
                    report.failed += 1;
                    return Ok(());
                }
            }
        } else {
            email
        };
        let Some(email) = self.attach_unsubscribe(email, hold).await? else {
            lost_hold(id);
            return Ok(());
        };
        let outcome = match self.envelope_sender(&email) {
            Ok(sender) => {
                match message::build(&email.content, &self.from, self.list_unsubscribe(&email)) {
                    Ok(message) => self.mailer.send_from(message, sender).await,
                    Err(e) => Err(SendError::Permanent(format!("{e:#}"))),
                }
            }
            Err(e) => Err(SendError::Permanent(format!("{e:#}"))),
        };
        self.heartbeat.beat();
        let now = self.clock.now();
        match outcome {
            Ok(()) => {
                let held = self
                    .on_held_rows(move |c| outbox::mark_sent_held(c, &hold, now))
                    .await?;
                if !held {
                    tracing::warn!(outbox_id = id, "an email was sent after its hold ran out; another worker may send it again");
                }
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
                if self.fail(email, hold, BounceSource::GaveUp, error).await? {
                    report.failed += 1;
                }
            }
            Err(SendError::Transient(error)) => {
                let retry_at = self.retry_time(email.attempts, now);
                let logged = redact(&error);
                let held = self
                    .on_held_rows(move |c| outbox::mark_retry(c, &hold, &error, retry_at))
                    .await?;
                if held {
                    tracing::warn!(outbox_id = id, attempts = email.attempts + 1, error = %logged, "email not sent yet; will retry");
                    report.retrying += 1;
                } else {
                    lost_hold(id);
                }
            }
            Err(SendError::Permanent(error)) => {
                if self.fail(email, hold, BounceSource::Refused, error).await? {
                    report.failed += 1;
                }
            }
        }
        Ok(())
    }

    /// Gives an email to a person its unsubscribe link, once: every attempt
    /// then carries the same one. `None` if the hold ran out.
    async fn attach_unsubscribe(
        &self,
        email: outbox::QueuedEmail,
        hold: outbox::Hold,
    ) -> anyhow::Result<Option<outbox::QueuedEmail>> {
        if email.content.participant_id.is_none() || email.unsubscribe_token.is_some() {
            return Ok(Some(email));
        }
        let now = self.clock.now();
        db::write(&self.pool, move |c| {
            unsubscribe::attach_held(c, &email, &hold, now)
        })
        .await
    }

    /// The List-Unsubscribe header of an email to a person.
    fn list_unsubscribe(&self, email: &outbox::QueuedEmail) -> Option<message::ListUnsubscribe> {
        let token = email.unsubscribe_token.as_deref()?;
        let url = self
            .settings
            .server
            .base_url
            .join(&format!("/unsubscribe/{token}"));
        let mailto = self.settings.organisation.contact_email.as_ref();
        Some(message::ListUnsubscribe::new(
            &url,
            mailto.map(ToString::to_string).as_deref(),
        ))
    }

    /// Writes a round's drafted introduction with the member's links (see
    /// `services::intro_drafts`). A draft that cannot be written is marked
    /// failed, not retried on every pass: an organiser can queue it again.
    async fn write_draft(
        &self,
        email: outbox::QueuedEmail,
        hold: outbox::Hold,
    ) -> anyhow::Result<Drafted> {
        let (id, composer, now) = (email.id, self.composer.clone(), self.clock.now());
        let written = db::write(&self.pool, move |c| {
            intro_drafts::write_held(c, &composer, &email, &hold, now)
        })
        .await;
        match written {
            Ok(Some(email)) => Ok(Drafted::Written(Box::new(email))),
            Ok(None) => Ok(Drafted::LostHold),
            Err(e) => {
                let error = format!("the introduction could not be written: {e:#}");
                tracing::error!(outbox_id = id, error = %redact(&error), "email failed for good");
                let marked = db::write(&self.pool, move |c| {
                    Ok(outbox::is_held(c, &hold)? && {
                        outbox::mark_failed(c, id, &error)?;
                        true
                    })
                })
                .await?;
                Ok(if marked {
                    Drafted::Failed
                } else {
                    Drafted::LostHold
                })
            }
        }
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
    /// bounces (see `services::bounces`), all in one transaction. Returns
    /// false, changing nothing, if the hold had run out and another worker
    /// has the message now.
    async fn fail(
        &self,
        email: outbox::QueuedEmail,
        hold: outbox::Hold,
        source: BounceSource,
        error: String,
    ) -> anyhow::Result<bool> {
        let (id, logged) = (email.id, redact(&error));
        let (composer, settings) = (self.composer.clone(), self.settings.clone());
        let now = self.clock.now();
        let failure = Failure { source, error };
        let outcome = db::write(&self.pool, move |c| {
            if !outbox::is_held(c, &hold)? {
                return Ok(None);
            }
            bounces::attempt_failed(c, &composer, &settings, &email, &failure, now).map(Some)
        })
        .await?;
        let Some(outcome) = outcome else {
            lost_hold(id);
            return Ok(false);
        };
        tracing::error!(outbox_id = id, error = %logged, source = source.as_str(), "email failed for good");
        if let Outcome::Bounced { participant_id } = outcome {
            // Any alert it queued goes in this same pass.
            tracing::warn!(participant_id, "a participant's email bounces");
        }
        Ok(true)
    }

    /// When to try again after `attempts` earlier tries: the initial delay,
    /// doubled each time, no longer than the maximum.
    fn retry_time(&self, attempts: i32, now: NaiveDateTime) -> NaiveDateTime {
        let delay = backoff(self.retry_initial, self.retry_max, attempts);
        now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::minutes(15))
    }
}

/// What became of a drafted introduction before its first attempt.
enum Drafted {
    Written(Box<outbox::QueuedEmail>),
    /// The hold ran out: another worker has it now.
    LostHold,
    /// It could not be written, and is marked failed.
    Failed,
}

/// An attempt's result is not recorded: the hold ran out first and another
/// worker claimed the message, so its attempt is the one that counts.
fn lost_hold(id: i64) {
    tracing::warn!(
        outbox_id = id,
        "an attempt ended after its hold ran out; another worker has the email now"
    );
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
