//! The one clock that every time-dependent rule reads: token and session
//! expiry, sign-in throttling, ghost rules, reminders, retries and schedules.
//!
//! `serve` and the command line use the system clock. Tests use a manual
//! clock that only moves when they move it, so that no test depends on how
//! fast the machine is.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use tokio::sync::watch;

/// A source of the current time, cheap to clone and share.
#[derive(Clone, Debug)]
pub struct Clock(Arc<Source>);

#[derive(Debug)]
enum Source {
    System,
    /// A time set by hand; the channel wakes anything sleeping on this clock
    /// when the time moves.
    Manual {
        now: Mutex<DateTime<Utc>>,
        moved: watch::Sender<DateTime<Utc>>,
    },
}

impl Clock {
    /// The machine's clock.
    pub fn system() -> Self {
        Self(Arc::new(Source::System))
    }

    /// A clock that stands at `start` until it is set or advanced.
    pub fn manual(start: DateTime<Utc>) -> Self {
        let (moved, _) = watch::channel(start);
        Self(Arc::new(Source::Manual {
            now: Mutex::new(start),
            moved,
        }))
    }

    /// The current time.
    pub fn now_utc(&self) -> DateTime<Utc> {
        match &*self.0 {
            Source::System => Utc::now(),
            Source::Manual { now, .. } => *now.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// The current time in UTC, as the database stores it.
    pub fn now(&self) -> NaiveDateTime {
        self.now_utc().naive_utc()
    }

    /// Today's date in UTC.
    pub fn today(&self) -> NaiveDate {
        self.now_utc().date_naive()
    }

    /// Moves a manual clock to `to`, waking anything sleeping on it.
    ///
    /// # Panics
    /// On the system clock, which cannot be set.
    pub fn set(&self, to: DateTime<Utc>) {
        let Source::Manual { now, moved } = &*self.0 else {
            panic!("the system clock cannot be set");
        };
        *now.lock().unwrap_or_else(|e| e.into_inner()) = to;
        moved.send_replace(to);
    }

    /// Moves a manual clock forward by `by`.
    ///
    /// # Panics
    /// On the system clock, which cannot be set.
    pub fn advance(&self, by: chrono::Duration) {
        self.set(self.now_utc() + by);
    }

    /// Waits until this clock reaches `until`: a real sleep on the system
    /// clock; on a manual clock, until someone moves it that far.
    pub async fn sleep_until(&self, until: DateTime<Utc>) {
        match &*self.0 {
            Source::System => {
                let wait = (until - Utc::now()).to_std().unwrap_or_default();
                tokio::time::sleep(wait).await;
            }
            Source::Manual { moved, .. } => {
                let mut moves = moved.subscribe();
                // The sender lives as long as the clock, so this only ends
                // when the time has come.
                let _ = moves.wait_for(|now| *now >= until).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
    }

    #[test]
    fn a_manual_clock_stands_still_until_moved() {
        let clock = Clock::manual(start());
        assert_eq!(clock.now_utc(), start());
        clock.advance(chrono::Duration::minutes(90));
        assert_eq!(
            clock.now(),
            (start() + chrono::Duration::minutes(90)).naive_utc()
        );
        assert_eq!(clock.today(), start().date_naive());
    }

    #[test]
    fn clones_share_one_time() {
        let clock = Clock::manual(start());
        let other = clock.clone();
        other.advance(chrono::Duration::days(2));
        assert_eq!(clock.now_utc(), start() + chrono::Duration::days(2));
    }

    #[tokio::test]
    async fn a_sleeper_wakes_when_the_clock_reaches_its_time() {
        let clock = Clock::manual(start());
        let until = start() + chrono::Duration::hours(1);
        let sleeper = tokio::spawn({
            let clock = clock.clone();
            async move { clock.sleep_until(until).await }
        });
        clock.advance(chrono::Duration::minutes(30));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished(), "half-way there is not there");
        clock.advance(chrono::Duration::minutes(30));
        sleeper.await.expect("the sleeper wakes");
    }

    #[test]
    fn the_system_clock_follows_the_machine() {
        let before = Utc::now();
        let read = Clock::system().now_utc();
        assert!(read >= before && read <= Utc::now());
    }
}
