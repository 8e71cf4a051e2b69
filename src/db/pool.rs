//! The connections to one database: a pool for reads (and for work that
//! manages its own transactions), and on SQLite one writer for
//! [`super::write`] (see `writer`).

use std::time::Duration;

use diesel::r2d2::{Pool as R2d2Pool, PoolError, PooledConnection, State};

use super::engine::Manager;
use super::writer::Writer;

#[derive(Clone)]
pub struct Pool {
    connections: R2d2Pool<Manager>,
    /// SQLite's one writer; none on PostgreSQL, where every process writes
    /// through its pool and the server orders the transactions.
    writer: Option<Writer>,
}

impl Pool {
    pub(super) fn new(connections: R2d2Pool<Manager>, writer: Option<Writer>) -> Self {
        Pool {
            connections,
            writer,
        }
    }

    /// A connection from the pool, waiting up to 30 seconds for one.
    pub fn get(&self) -> Result<PooledConnection<Manager>, PoolError> {
        self.connections.get()
    }

    pub fn get_timeout(&self, wait: Duration) -> Result<PooledConnection<Manager>, PoolError> {
        self.connections.get_timeout(wait)
    }

    /// How many connections the pool holds, and how many are idle.
    pub fn state(&self) -> State {
        self.connections.state()
    }

    pub(super) fn writer(&self) -> Option<&Writer> {
        self.writer.as_ref()
    }
}
