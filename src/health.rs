//! Whether the background tasks inside `serve` are alive, for `/healthz`.
//!
//! Each watched task holds a [`Heartbeat`] and beats it as it makes progress:
//! the delivery worker at each pass and after each email, the scheduler each
//! time it wakes. A task that has not beaten for longer than it is allowed,
//! or that has ended, is a problem. This is about the process being stuck, so
//! it reads the machine's monotonic time, never the application's clock.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::configuration::Settings;

/// How often the scheduler wakes to show it is alive, however far off the
/// next round is.
pub const SCHEDULER_TICK: Duration = Duration::from_secs(60);

/// The shortest silence that counts against the delivery worker, on top of
/// one SMTP attempt: a pass under load may well take a few seconds.
const DELIVERY_MIN_SILENCE: Duration = Duration::from_secs(5);

/// The heartbeats of the tasks `/healthz` watches.
#[derive(Clone, Debug)]
pub struct Health {
    pub delivery: Heartbeat,
    pub scheduler: Heartbeat,
}

impl Health {
    pub fn new(settings: &Settings) -> Self {
        Self {
            delivery: Heartbeat::new("the email delivery worker", delivery_silence(settings)),
            scheduler: Heartbeat::new("the round scheduler", SCHEDULER_TICK * 5),
        }
    }

    /// What is wrong with the background tasks at `now`; empty when nothing is.
    pub fn problems(&self, now: Instant) -> Vec<String> {
        [&self.delivery, &self.scheduler]
            .into_iter()
            .filter_map(|beat| beat.problem(now))
            .collect()
    }
}

/// The delivery worker sleeps for up to a poll interval between passes, and
/// one SMTP attempt may take up to the SMTP timeout: a few poll intervals
/// more than that without progress means it is stuck.
fn delivery_silence(settings: &Settings) -> Duration {
    let poll = Duration::from_millis(settings.email.poll_interval_ms);
    let smtp = Duration::from_secs(settings.email.smtp_timeout_seconds);
    (poll * 3).max(DELIVERY_MIN_SILENCE) + smtp
}

/// The last sign of life of one task. Clones share it.
#[derive(Clone, Debug)]
pub struct Heartbeat(Arc<Beat>);

#[derive(Debug)]
struct Beat {
    task: &'static str,
    allowed_silence: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Not running in the background: not started (tests drive the worker
    /// themselves), or off on purpose (`schedule.enabled = false`).
    NotWatched,
    Alive {
        last_beat: Instant,
    },
    /// Ended while it should have been running: it returned or panicked.
    Ended,
}

impl Heartbeat {
    pub fn new(task: &'static str, allowed_silence: Duration) -> Self {
        Self(Arc::new(Beat {
            task,
            allowed_silence,
            state: Mutex::new(State::NotWatched),
        }))
    }

    /// The task starts running in the background. It is watched until it
    /// stands down, and counts as ended once the guard is dropped (also when
    /// it panics or is aborted).
    #[must_use = "the task counts as ended when the guard is dropped"]
    pub fn start(&self) -> Running {
        self.set(State::Alive {
            last_beat: Instant::now(),
        });
        Running(self.clone())
    }

    /// A sign of progress. Does nothing for a task not watched.
    pub fn beat(&self) {
        let mut state = self.lock();
        if let State::Alive { .. } = *state {
            *state = State::Alive {
                last_beat: Instant::now(),
            };
        }
    }

    /// The task stops on purpose (it is switched off): no longer watched.
    pub fn stand_down(&self) {
        self.set(State::NotWatched);
    }

    /// What is wrong with the task at `now`, if anything.
    pub fn problem(&self, now: Instant) -> Option<String> {
        let task = self.0.task;
        match *self.lock() {
            State::NotWatched => None,
            State::Ended => Some(format!("{task} has stopped")),
            State::Alive { last_beat } => {
                let silent = now.saturating_duration_since(last_beat);
                (silent > self.0.allowed_silence)
                    .then(|| format!("{task} has made no progress for {} s", silent.as_secs()))
            }
        }
    }

    fn set(&self, state: State) {
        *self.lock() = state;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Held by a running task; dropping it marks the task ended.
#[derive(Debug)]
pub struct Running(Heartbeat);

impl Drop for Running {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        if let State::Alive { .. } = *state {
            *state = State::Ended;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn worker() -> Heartbeat {
        Heartbeat::new("the email delivery worker", Duration::from_secs(45))
    }

    #[test]
    fn a_task_not_started_is_not_a_problem() {
        let beat = worker();
        beat.beat();
        let in_an_hour = Instant::now() + Duration::from_secs(3600);
        assert_eq!(beat.problem(in_an_hour), None);
    }

    #[test]
    fn a_running_task_that_stops_beating_is_reported_with_its_silence() {
        let beat = worker();
        let _running = beat.start();
        let now = Instant::now();
        assert_eq!(beat.problem(now + Duration::from_secs(44)), None);
        assert_eq!(
            beat.problem(now + Duration::from_secs(50)).as_deref(),
            Some("the email delivery worker has made no progress for 50 s")
        );
        beat.beat();
        assert_eq!(beat.problem(Instant::now() + Duration::from_secs(44)), None);
    }

    #[test]
    fn a_task_that_ends_is_reported_and_one_that_stands_down_is_not() {
        let beat = worker();
        drop(beat.start());
        assert_eq!(
            beat.problem(Instant::now()).as_deref(),
            Some("the email delivery worker has stopped")
        );
        let running = beat.start();
        beat.stand_down();
        drop(running);
        assert_eq!(beat.problem(Instant::now()), None);
    }

    #[test]
    fn a_task_that_panics_counts_as_ended() {
        let beat = worker();
        let clone = beat.clone();
        let panicked = std::thread::spawn(move || {
            let _running = clone.start();
            panic!("the task failed");
        })
        .join();
        assert!(panicked.is_err());
        assert!(beat.problem(Instant::now()).is_some());
    }

    #[test]
    fn health_lists_every_problem() {
        let settings =
            crate::configuration::load(std::path::Path::new("/nonexistent"), None).unwrap();
        let health = Health::new(&settings);
        assert!(health.problems(Instant::now()).is_empty());
        let _worker = health.delivery.start();
        let _scheduler = health.scheduler.start();
        // The defaults: 3 poll intervals of 5 s, plus a 30 s SMTP attempt.
        let later = Instant::now() + Duration::from_secs(46);
        assert_eq!(health.problems(later).len(), 1, "only the worker is late");
        let much_later = Instant::now() + Duration::from_secs(301);
        assert_eq!(health.problems(much_later).len(), 2);
    }
}
