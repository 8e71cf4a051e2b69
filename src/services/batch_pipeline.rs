//! Making many rows on one thread while another writes them, batch by batch:
//! a round's introductions are composed (CPU work) while the batch before is
//! written (mostly the database's work), and only a couple of batches are
//! ever in memory.

use std::sync::mpsc::sync_channel;

/// Makes items `0..count` with `make`, in batches of `batch_size`, on a
/// second thread, and hands each batch to `write` on this one, in order. The
/// first error, from either side, stops both and is returned; nothing is
/// written after it.
pub fn make_while_writing<T: Send>(
    count: usize,
    batch_size: usize,
    make: impl Fn(usize) -> anyhow::Result<T> + Sync,
    mut write: impl FnMut(Vec<T>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let batch_size = batch_size.max(1);
    std::thread::scope(|scope| {
        // One made batch waits while another is written.
        let (send, batches) = sync_channel(1);
        let make = &make;
        scope.spawn(move || {
            for start in (0..count).step_by(batch_size) {
                let end = (start + batch_size).min(count);
                let batch = (start..end).map(make).collect::<anyhow::Result<Vec<_>>>();
                let failed = batch.is_err();
                // A failed send means the writer stopped, with its own error.
                if send.send(batch).is_err() || failed {
                    break;
                }
            }
        });
        // Returning early drops `batches`, which stops the making thread.
        for batch in batches {
            write(batch?)?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn every_item_is_written_once_in_order_in_batches() {
        let mut written = Vec::new();
        let mut sizes = Vec::new();
        make_while_writing(
            1001,
            100,
            |i| Ok(i * 2),
            |batch| {
                sizes.push(batch.len());
                written.extend(batch);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(written, (0..1001).map(|i| i * 2).collect::<Vec<_>>());
        assert_eq!(sizes.len(), 11);
        assert_eq!(sizes.last(), Some(&1));
    }

    #[test]
    fn a_failure_to_make_an_item_writes_nothing_of_its_batch_and_is_returned() {
        let mut written = Vec::new();
        let outcome = make_while_writing(
            1000,
            100,
            |i| {
                anyhow::ensure!(i != 250, "item {i} could not be made");
                Ok(i)
            },
            |batch| {
                written.extend(batch);
                Ok(())
            },
        );
        assert_eq!(
            outcome.unwrap_err().to_string(),
            "item 250 could not be made"
        );
        assert_eq!(written, (0..200).collect::<Vec<_>>());
    }

    #[test]
    fn a_failure_to_write_stops_the_making() {
        let made = AtomicUsize::new(0);
        let outcome = make_while_writing(
            100_000,
            10,
            |i| {
                made.fetch_add(1, Ordering::Relaxed);
                Ok(i)
            },
            |_| anyhow::bail!("the database is full"),
        );
        assert_eq!(outcome.unwrap_err().to_string(), "the database is full");
        // The first batch, and at most the two made while it was refused.
        assert!(made.load(Ordering::Relaxed) <= 30);
    }

    #[test]
    fn nothing_to_make_writes_nothing() {
        let mut calls = 0;
        make_while_writing(0, 10, Ok, |_: Vec<usize>| {
            calls += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(calls, 0);
    }
}
