//! Keeps the background tasks inside `serve` running. The delivery worker,
//! the scheduler and the housekeeping job each loop for as long as the
//! process lives; if one panics or returns, that is a bug, and a silently
//! dead worker would leave email unsent. So it is logged and started again,
//! after a pause that grows while it keeps failing.

use std::future::Future;
use std::time::Duration;

/// The longest pause before a restart.
const MAX_PAUSE: Duration = Duration::from_secs(300);

/// A task that ran at least this long before failing starts again after the
/// shortest pause: it had been working.
const RAN_LONG_ENOUGH: Duration = Duration::from_secs(600);

/// Runs the task `start` makes, and again each time it panics or returns,
/// first after `pause`, then after twice as long each time, up to five
/// minutes. Ends only when it is cancelled (the server is stopping).
pub async fn supervise<F, Fut>(task: &'static str, pause: Duration, mut start: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut next_pause = pause;
    loop {
        let started = tokio::time::Instant::now();
        match tokio::spawn(start()).await {
            Ok(()) => tracing::error!(task, "a background task returned; starting it again"),
            Err(e) if e.is_panic() => {
                let reason = panic_reason(e.into_panic());
                tracing::error!(task, reason = %reason, "a background task panicked; starting it again");
            }
            // Cancelled: the runtime is shutting down.
            Err(_) => return,
        }
        if started.elapsed() >= RAN_LONG_ENOUGH {
            next_pause = pause;
        }
        tokio::time::sleep(next_pause).await;
        next_pause = (next_pause * 2).min(MAX_PAUSE);
    }
}

fn panic_reason(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[tokio::test]
    async fn a_task_that_panics_or_returns_is_started_again() {
        let starts = Arc::new(AtomicUsize::new(0));
        let (done, finished) = tokio::sync::oneshot::channel::<()>();
        let mut done = Some(done);
        let counter = starts.clone();
        let supervisor = tokio::spawn(supervise("a test task", Duration::ZERO, move || {
            let run = counter.fetch_add(1, Ordering::SeqCst);
            let done = if run == 2 { done.take() } else { None };
            async move {
                match run {
                    0 => panic!("the first run fails"),
                    1 => {} // the second returns
                    _ => {
                        if let Some(done) = done {
                            let _ = done.send(());
                        }
                        std::future::pending::<()>().await;
                    }
                }
            }
        }));
        finished.await.expect("the third run started");
        assert_eq!(starts.load(Ordering::SeqCst), 3);
        supervisor.abort();
    }

    #[test]
    fn the_panic_message_is_kept_for_the_log() {
        assert_eq!(panic_reason(Box::new("boom")), "boom");
        assert_eq!(panic_reason(Box::new(String::from("bang"))), "bang");
        assert_eq!(panic_reason(Box::new(7)), "a panic without a message");
    }
}
