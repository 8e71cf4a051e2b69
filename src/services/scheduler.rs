//! The scheduler inside `serve`: runs a round at each `schedule.cron` slot, in
//! `schedule.timezone`, and once at start-up for a slot missed while down.
//!
//! Every `serve` process on a database runs its own scheduler. Each slot's
//! round has one key ([`slot_key`]), and a round with a key that exists
//! already is not run again (see `round_runner::run`), so a slot makes one
//! round however many processes reach it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::round_runner::{run, RoundOptions, RoundOutcome, Trigger};
use crate::clock::Clock;
use crate::configuration::{OddOneOutSetting, ScheduleSettings};
use crate::db::{self, Pool};
use crate::email::Composer;
use crate::health::{Heartbeat, SCHEDULER_TICK};

/// How many times a slot's round is tried in all before the slot is given up.
const SLOT_TRIES: u32 = 5;

/// The wait before a slot's round is tried again; doubled each time (1 + 2 +
/// 4 + 8 s in all).
const FIRST_RETRY_PAUSE: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct Scheduler {
    pub pool: Pool,
    pub composer: Composer,
    pub settings: ScheduleSettings,
    pub odd_one_out: OddOneOutSetting,
    /// `pairing.group_size`.
    pub group_size: usize,
    /// `experiment.matched_share`.
    pub matched_share: f64,
    pub followup_after_days: u32,
    pub outbox_wake: Arc<Notify>,
    pub clock: Clock,
    /// Beaten each time the scheduler wakes, for `/healthz`.
    pub heartbeat: Heartbeat,
}

/// The next slot strictly after `now`.
pub fn next_slot(settings: &ScheduleSettings, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let local = now.with_timezone(&settings.timezone);
    settings
        .cron
        .after(&local)
        .next()
        .map(|t| t.with_timezone(&Utc))
}

/// The latest slot at or before `now`, if it is recent enough to catch up on.
pub fn missed_slot(settings: &ScheduleSettings, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    // `after(t).next_back()` is the last slot before t; ask from just after
    // now so a slot at exactly `now` counts.
    let local = (now + chrono::Duration::seconds(1)).with_timezone(&settings.timezone);
    let slot = settings.cron.after(&local).next_back()?.with_timezone(&Utc);
    let age = now - slot;
    (age >= chrono::Duration::zero()
        && age < chrono::Duration::hours(i64::from(settings.catch_up_hours)))
    .then_some(slot)
}

/// The key that makes a slot's round unique, whichever process runs it.
pub fn slot_key(slot: DateTime<Utc>) -> String {
    format!(
        "schedule:{}",
        slot.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )
}

impl Scheduler {
    /// Runs rounds at each slot for as long as the process lives. Switched
    /// off, it waits for ever rather than returning: a task that returns is
    /// one its supervisor starts again.
    pub async fn run_until_stopped(self) {
        if !self.settings.enabled {
            tracing::info!("the round scheduler is off (schedule.enabled = false)");
            return std::future::pending().await;
        }
        let _running = self.heartbeat.start();
        if let Some(slot) = missed_slot(&self.settings, self.clock.now_utc()) {
            self.run_slot(slot).await;
        }
        loop {
            let Some(next) = next_slot(&self.settings, self.clock.now_utc()) else {
                tracing::warn!("schedule.cron has no future slots; the scheduler stops");
                self.heartbeat.stand_down();
                return std::future::pending().await;
            };
            tracing::info!(next_round = %next, "next scheduled round");
            self.wait_for(next).await;
            self.run_slot(next).await;
        }
    }

    /// Sleeps until `slot`, waking every tick to show it is alive. The slot
    /// is fixed before the wait, so a tick near it cannot skip it.
    async fn wait_for(&self, slot: DateTime<Utc>) {
        loop {
            self.heartbeat.beat();
            tokio::select! {
                _ = self.clock.sleep_until(slot) => return,
                _ = tokio::time::sleep(SCHEDULER_TICK) => {}
            }
        }
    }

    /// Runs the slot's round. A round that failed (the database gone for a
    /// moment, or a write that clashed with others at every try) is tried
    /// again a few times: the slot would otherwise have no round at all.
    #[tracing::instrument(name = "scheduled_round", skip(self))]
    async fn run_slot(&self, slot: DateTime<Utc>) {
        let mut pause = FIRST_RETRY_PAUSE;
        for attempt in 1..=SLOT_TRIES {
            self.heartbeat.beat();
            let Err(e) = self.try_slot(slot).await else {
                return;
            };
            let error = format!("{e:#}");
            if attempt == SLOT_TRIES {
                tracing::error!(
                    error,
                    attempt,
                    "scheduled round failed; this slot has no round"
                );
                return;
            }
            tracing::warn!(error, attempt, "scheduled round failed; trying again");
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }

    async fn try_slot(&self, slot: DateTime<Utc>) -> anyhow::Result<()> {
        let options = RoundOptions {
            key: slot_key(slot),
            trigger: Trigger::Schedule,
            include_all: false,
            force: false,
            odd_one_out: self.odd_one_out,
            group_size: self.group_size,
            matched_share: self.matched_share,
            followup_after_days: self.followup_after_days,
        };
        let composer = self.composer.clone();
        let now = self.clock.now();
        let outcome = db::run(&self.pool, move |conn| run(conn, &composer, &options, now)).await?;
        match outcome {
            RoundOutcome::Ran { round, .. } => {
                tracing::info!(round_id = round.id, "scheduled round ran");
                self.outbox_wake.notify_one();
            }
            // Another process reached the slot first.
            RoundOutcome::AlreadyRan(round) => {
                tracing::info!(round_id = round.id, "this slot's round had already run")
            }
            RoundOutcome::NotEnoughPeople { due } => {
                tracing::info!(due, "too few people due for a round")
            }
            RoundOutcome::TooSoon { .. } => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn settings(cron: &str, catch_up_hours: u32) -> ScheduleSettings {
        ScheduleSettings {
            enabled: true,
            cron: cron.parse().unwrap(),
            timezone: chrono_tz::Europe::London,
            catch_up_hours,
        }
    }

    #[test]
    fn slots_follow_local_time_across_daylight_saving() {
        let s = settings("0 0 9 * * Mon", 24);
        // Winter: 9am in London is 09:00 UTC.
        let winter = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(
            next_slot(&s, winter),
            Some(Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap())
        );
        // Summer: 9am in London is 08:00 UTC.
        let summer = Utc.with_ymd_and_hms(2027, 6, 1, 12, 0, 0).unwrap();
        assert_eq!(
            next_slot(&s, summer),
            Some(Utc.with_ymd_and_hms(2027, 6, 7, 8, 0, 0).unwrap())
        );
    }

    #[test]
    fn a_recent_missed_slot_is_caught_up_and_an_old_one_is_not() {
        let s = settings("0 0 9 * * Mon", 24);
        let monday_9 = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        assert_eq!(
            missed_slot(&s, monday_9 + chrono::Duration::hours(3)),
            Some(monday_9)
        );
        assert_eq!(missed_slot(&s, monday_9), Some(monday_9));
        assert_eq!(
            missed_slot(&s, monday_9 + chrono::Duration::hours(25)),
            None
        );
        assert_eq!(missed_slot(&s, monday_9 - chrono::Duration::hours(1)), None);
    }

    #[test]
    fn slot_keys_are_stable() {
        let t = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
        assert_eq!(slot_key(t), "schedule:2026-11-23T09:00:00Z");
    }
}
