//! SQLite's one writer: a thread with a connection of its own that runs every
//! [`super::write`], so that writers queue here, in order, instead of in
//! SQLite's busy handler (which sleeps and polls: under load, a writer could
//! wait seconds for a lock that was free most of that time).
//!
//! Writes that arrive while one is running are run together in one
//! transaction, each in a savepoint of its own, and committed together:
//! one disk sync for many requests (group commit). A write that fails is
//! rolled back to its savepoint without touching the others. Every request
//! gets its answer only after the commit, so an answer always means the data
//! is on disk.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::R2D2Connection;
use diesel::Connection;
use tokio::sync::oneshot;

use super::engine::{AnyConnection, BUSY_TIMEOUT_MS};
use super::url::DatabaseUrl;

/// The most writes committed together: enough to share one sync among many
/// requests, few enough that one commit stays short.
const MOST_PER_COMMIT: usize = 64;

/// After this long with nothing to write, the writer checkpoints.
const IDLE_BEFORE_CHECKPOINT: Duration = Duration::from_secs(1);

type TxManager = <AnyConnection as Connection>::TransactionManager;

/// A write's work, its value kept aside (see [`Writer::write`]).
type Work = dyn FnMut(&mut AnyConnection) -> anyhow::Result<()> + Send;

/// Hands writes to the writer thread. When the last clone is dropped (with
/// the pool that holds it), the thread finishes what is queued and closes
/// its connection before the drop returns: once a pool is gone, so is every
/// connection it had to the file.
#[derive(Clone)]
pub struct Writer {
    thread: Arc<Thread>,
}

struct Thread {
    jobs: Option<Sender<Job>>,
    handle: Option<JoinHandle<()>>,
}

impl Drop for Thread {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop.
        drop(self.jobs.take());
        if let Some(handle) = self.handle.take() {
            // A write's closure that held the last pool is dropped on the
            // writer thread itself, which cannot wait for itself.
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
    }
}

/// One write: its work, run in a savepoint (and run again if a write before
/// it in the same commit panicked), and where its outcome goes.
struct Job {
    work: Box<Work>,
    answer: Box<dyn FnOnce(anyhow::Result<()>) + Send>,
    span: tracing::Span,
}

impl Writer {
    /// Opens the writer's connection to the SQLite file at `url` and starts
    /// its thread.
    pub fn start(url: &DatabaseUrl) -> anyhow::Result<Self> {
        let conn = AnyConnection::open(url)
            .with_context(|| format!("could not open the database {url} for writing"))?;
        let (jobs, queue) = mpsc::channel();
        let url = url.clone();
        let handle = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || serve(conn, &url, &queue))
            .context("could not start the database writer")?;
        let thread = Thread {
            jobs: Some(jobs),
            handle: Some(handle),
        };
        Ok(Writer {
            thread: Arc::new(thread),
        })
    }

    /// Runs `work` in a write transaction on the writer's connection; returns
    /// once it is committed (or rolled back, with its error).
    pub async fn write<T, F>(&self, mut work: F) -> anyhow::Result<T>
    where
        F: FnMut(&mut AnyConnection) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        // The value waits here until the commit decides whether it stands.
        let value = Arc::new(Mutex::new(None));
        let (sender, outcome) = oneshot::channel();
        let job = Job {
            work: Box::new({
                let value = value.clone();
                move |conn| {
                    let done = work(conn)?;
                    *value.lock().unwrap_or_else(|e| e.into_inner()) = Some(done);
                    Ok(())
                }
            }),
            answer: Box::new(move |committed: anyhow::Result<()>| {
                let answer = committed.and_then(|()| {
                    let done = value.lock().unwrap_or_else(|e| e.into_inner()).take();
                    done.context("a committed write left no value")
                });
                let _ = sender.send(answer);
            }),
            span: tracing::Span::current(),
        };
        let jobs = self.thread.jobs.as_ref();
        jobs.and_then(|jobs| jobs.send(job).ok())
            .ok_or_else(|| anyhow::anyhow!("the database writer has stopped"))?;
        outcome
            .await
            .map_err(|_| anyhow::anyhow!("the database writer stopped before answering"))?
    }
}

/// The writer thread: takes what is queued, up to [`MOST_PER_COMMIT`] at a
/// time, and commits it together.
fn serve(mut conn: AnyConnection, url: &DatabaseUrl, queue: &Receiver<Job>) {
    loop {
        let first = match queue.recv_timeout(IDLE_BEFORE_CHECKPOINT) {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                checkpoint(&mut conn);
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut jobs = vec![first];
        while jobs.len() < MOST_PER_COMMIT {
            match queue.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        commit_together(&mut conn, url, jobs);
    }
}

/// Copies what the WAL holds into the main file and empties the WAL file
/// (TRUNCATE), so that old versions of pages (with the details of someone
/// who has since left, say) do not linger in it. Each commit of a connection
/// copies by itself once the WAL passes 1,000 pages, except a big
/// transaction's (see `db::big_transaction`). It does not wait: if a reader
/// still needs the WAL, what can be copied is, and the rest waits for the
/// next idle moment. With nothing in the WAL it costs nothing.
fn checkpoint(conn: &mut AnyConnection) {
    if let AnyConnection::Sqlite(sqlite) = conn {
        let checkpointed = sqlite.batch_execute(&format!(
            "PRAGMA busy_timeout = 0; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"
        ));
        if let Err(e) = checkpointed {
            tracing::warn!(error = %e, "could not checkpoint the database");
            let _ = sqlite.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"));
        }
    }
}

/// How one attempt at a group commit ended.
enum Attempt {
    Committed(Vec<anyhow::Result<()>>),
    /// The job at this index panicked: everything was rolled back.
    Panicked(usize),
    /// BEGIN or COMMIT failed: nothing was written.
    Failed(anyhow::Error),
}

fn commit_together(conn: &mut AnyConnection, url: &DatabaseUrl, mut jobs: Vec<Job>) {
    loop {
        match attempt(conn, &mut jobs) {
            Attempt::Committed(outcomes) => {
                for (job, outcome) in jobs.into_iter().zip(outcomes) {
                    (job.answer)(outcome);
                }
                return;
            }
            Attempt::Panicked(index) => {
                let job = jobs.remove(index);
                (job.answer)(Err(anyhow::anyhow!("database task panicked")));
                // The panic may have left the connection mid-way: a new one.
                reopen(conn, url);
                if jobs.is_empty() {
                    return;
                }
            }
            Attempt::Failed(error) => {
                if conn.is_broken() {
                    reopen(conn, url);
                }
                let message = format!("{error:#}");
                let mut jobs = jobs.into_iter();
                if let Some(first) = jobs.next() {
                    (first.answer)(Err(error));
                }
                for job in jobs {
                    (job.answer)(Err(anyhow::anyhow!("{message}")));
                }
                return;
            }
        }
    }
}

fn attempt(conn: &mut AnyConnection, jobs: &mut [Job]) -> Attempt {
    if let Err(e) = begin_immediate(conn) {
        return Attempt::Failed(anyhow::Error::new(e).context("could not start writing"));
    }
    let mut outcomes = Vec::with_capacity(jobs.len());
    for (index, job) in jobs.iter_mut().enumerate() {
        let _entered = job.span.enter();
        match catch_unwind(AssertUnwindSafe(|| in_savepoint(conn, &mut job.work))) {
            Ok(outcome) => outcomes.push(outcome),
            Err(_) => {
                let _ = TxManager::rollback_transaction(conn);
                return Attempt::Panicked(index);
            }
        }
    }
    match TxManager::commit_transaction(conn) {
        Ok(()) => Attempt::Committed(outcomes),
        Err(e) => {
            if in_transaction(conn) {
                let _ = TxManager::rollback_transaction(conn);
            }
            Attempt::Failed(anyhow::Error::new(e).context("could not save the changes"))
        }
    }
}

fn begin_immediate(conn: &mut AnyConnection) -> diesel::QueryResult<()> {
    match conn {
        AnyConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
        }
        AnyConnection::Postgres(_) => unreachable!("the writer only runs on SQLite"),
    }
}

/// Runs one job in a savepoint: kept if it succeeds, undone if it fails.
fn in_savepoint(conn: &mut AnyConnection, work: &mut Work) -> anyhow::Result<()> {
    TxManager::begin_transaction(conn).context("could not start a savepoint")?;
    match work(conn) {
        Ok(()) => {
            TxManager::commit_transaction(conn).context("could not release a savepoint")?;
            Ok(())
        }
        Err(e) => {
            TxManager::rollback_transaction(conn).context("could not undo a failed write")?;
            Err(e)
        }
    }
}

fn in_transaction(conn: &mut AnyConnection) -> bool {
    let status = TxManager::transaction_manager_status_mut(conn);
    matches!(status.transaction_depth(), Ok(Some(_)))
}

/// Replaces the writer's connection with a new one; keeps the old one if the
/// file cannot be opened now (the next write will fail and say why).
fn reopen(conn: &mut AnyConnection, url: &DatabaseUrl) {
    match AnyConnection::open(url) {
        Ok(fresh) => *conn = fresh,
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "could not reopen the database writer's connection")
        }
    }
}
