//! Several `serve` processes on one PostgreSQL database (run with
//! `--features postgres-tests`): every queued email is sent once, each round
//! key (a schedule slot, a press of "Run this round") makes one round, the
//! hourly jobs do their work once, signups at once are each stored once, and
//! sign-in sessions and slow-downs hold whichever process answers.
//!
//! `claims` and `rounds` pit two workers or two round runs against each
//! other inside the test; `three_serves` runs three real processes.

#[path = "../common/mod.rs"]
mod common;

mod claims;
mod gate;
mod jobs;
mod rounds;
mod schedule;
mod signups;
mod three_serves;

use unmentoring::db::{self, Pool};

/// A pool on a new, empty, migrated PostgreSQL database of the test's own.
fn fresh_pool(size: u32) -> Pool {
    let url = common::database::fresh_postgres();
    db::connect(db::DatabaseUrl::parse(&url).unwrap(), size).unwrap()
}
