//! `unmentoring db copy`: every table of one database into another, empty
//! one, on either engine and in either direction.
//!
//! - The source is read in one snapshot, so a copy taken while `serve` is
//!   writing to it is still consistent: every row that refers to another
//!   finds it.
//! - The target is written in one transaction: it ends up holding everything
//!   or nothing. Ids are kept as they are, so every reference stays true.
//! - Rows go across in batches, so a large table never sits in memory.
//!
//! [`TABLES`] is the one list of tables, in foreign-key order: a table comes
//! after every table it refers to. `tests/cli_db.rs` checks it against the
//! migrated database, so a new table cannot be forgotten. Each table's
//! columns are listed here too, and checked against `schema.rs` when this
//! builds, so a new column cannot be forgotten either.

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::sql_types;

use crate::db::{self, AnyConnection, Conn};

/// The most values one INSERT binds: below SQLite's limit (32,766) and
/// PostgreSQL's (65,535).
const MOST_VALUES_PER_INSERT: usize = 30_000;

/// The most rows of a table held in memory at once. An outbox row holds a
/// whole email, so this keeps a batch to a few megabytes.
const MOST_ROWS_PER_BATCH: usize = 500;

/// Rows per batch for a table with this many columns.
const fn rows_per_batch(columns: usize) -> i64 {
    let by_values = MOST_VALUES_PER_INSERT / columns;
    let rows = if by_values < MOST_ROWS_PER_BATCH {
        by_values
    } else {
        MOST_ROWS_PER_BATCH
    };
    rows as i64
}

/// The Rust type each SQL type of `schema.rs` is read into, so that a
/// table's row type follows from its columns.
trait Native {
    type Rust;
}

macro_rules! native {
    ($($sql:ident => $rust:ty),+ $(,)?) => {$(
        impl Native for sql_types::$sql {
            type Rust = $rust;
        }
    )+};
}

native! {
    BigInt => i64,
    Integer => i32,
    Text => String,
    Bool => bool,
    Timestamp => NaiveDateTime,
    Date => NaiveDate,
}

impl<T: Native + sql_types::SqlType> Native for sql_types::Nullable<T> {
    type Rust = Option<T::Rust>;
}

/// One table's part of a copy.
struct Table {
    name: &'static str,
    /// Its primary key: rows are read in its order, a batch at a time.
    key: &'static str,
    /// Copies every row; returns how many.
    copy: fn(&mut Conn, &mut Conn) -> anyhow::Result<i64>,
    count: fn(&mut Conn) -> anyhow::Result<i64>,
}

/// Lists the tables, in the order they are copied, each with its primary key
/// and every column in `schema.rs`'s order; makes a module per table that
/// copies and counts its rows.
macro_rules! copied_tables {
    ($($table:ident by $key:ident { $($column:ident),+ $(,)? })+) => {
        /// Every table, in the order a copy fills them: a table comes after
        /// every table it refers to.
        pub const TABLES: &[&str] = &[$(stringify!($table)),+];

        const STEPS: &[Table] = &[$(Table {
            name: stringify!($table),
            key: stringify!($key),
            copy: $table::copy,
            count: $table::count,
        }),+];

        $(mod $table {
            use super::*;
            use crate::db::schema::$table as t;

            type Key = <<t::$key as Expression>::SqlType as Native>::Rust;
            type Row = ($(<<t::$column as Expression>::SqlType as Native>::Rust,)+);

            const COLUMNS: usize = [$(stringify!($column)),+].len();

            /// Builds only if the columns listed are exactly schema.rs's, in
            /// its order: a column added there must be added here.
            const _: fn() = || {
                let _: <t::table as diesel::Table>::AllColumns = ($(t::$column,)+);
            };

            pub(super) fn copy(source: &mut Conn, target: &mut Conn) -> anyhow::Result<i64> {
                let per_batch = rows_per_batch(COLUMNS);
                let mut after: Option<Key> = None;
                let mut copied = 0;
                loop {
                    let batch = read_after(source, after.take(), per_batch)?;
                    let Some((last, _)) = batch.last() else {
                        return Ok(copied);
                    };
                    after = Some(last.clone());
                    let rows = batch.len() as i64;
                    write(target, batch)?;
                    copied += rows;
                    if rows < per_batch {
                        return Ok(copied);
                    }
                }
            }

            /// The next rows in key order, after the key `after` if given.
            fn read_after(
                source: &mut Conn,
                after: Option<Key>,
                limit: i64,
            ) -> anyhow::Result<Vec<(Key, Row)>> {
                let query = t::table
                    .select((t::$key, ($(t::$column,)+)))
                    .order(t::$key)
                    .limit(limit);
                match after {
                    None => query.load(source),
                    Some(after) => query.filter(t::$key.gt(after)).load(source),
                }
                .context(concat!("could not read ", stringify!($table)))
            }

            fn write(target: &mut Conn, batch: Vec<(Key, Row)>) -> anyhow::Result<()> {
                let rows: Vec<_> = batch
                    .into_iter()
                    .map(|(_, ($($column,)+))| ($(t::$column.eq($column),)+))
                    .collect();
                let insert = diesel::insert_into(t::table).values(rows);
                // A batch insert: diesel builds it for one engine at a time.
                db::per_engine!(target, c => insert.execute(c))
                    .context(concat!("could not write ", stringify!($table)))?;
                Ok(())
            }

            pub(super) fn count(conn: &mut Conn) -> anyhow::Result<i64> {
                t::table
                    .count()
                    .get_result(conn)
                    .context(concat!("could not count the rows of ", stringify!($table)))
            }
        })+
    };
}

copied_tables! {
    participants by id {
        id, status, name, email, email_key, phone, organisation, google_id,
        skype, topics, cadence, paused_until, consent_at, created_at,
        updated_at, confirmed_at, left_at, last_round_at, source,
        signup_email_at, resumed_at, availability, first_in_line, share_phone,
        unsubscribed_at, last_seen_at, still_interested_at,
    }
    organisers by id { id, email, email_key, password_hash, created_at }
    rounds by id {
        id, round_key, trigger, seed, include_all, odd_one_out, started_at,
        people_due, groups_count, trios, sat_out, forced_repeats,
        same_organisation_pairs, sat_out_participant_id,
    }
    outbox by id {
        id, kind, participant_id, to_name, to_address, reply_to, subject,
        body_text, body_html, message_id, status, attempts, next_attempt_at,
        locked_until, last_error, created_at, sent_at, round_id, envelope_id,
        calendar, draft, unsubscribe_token,
    }
    group_members by id {
        id, round_id, group_number, participant_id, reminded_at, left_at,
        left_reason,
    }
    tokens by token_hash {
        token_hash, participant_id, purpose, created_at, expires_at,
        group_member_id,
    }
    pending_signups by token_hash {
        token_hash, participant_id, name, phone, organisation, google_id,
        skype, topics, cadence, created_at, availability, share_phone,
    }
    email_changes by token_hash { token_hash, participant_id, email, created_at }
    followup_answers by group_member_id {
        group_member_id, met, no_reason, note, publish, challenged,
        answered_at, updated_at, met_at, would_repeat, new_connection,
    }
    shared_links by id { id, group_member_id, url, created_at }
    meetings by id {
        id, round_id, group_number, room, arranged_at, arranged_by, starts_at,
        sequence, nudged_at, created_at, arm,
    }
    rematch_requests by id {
        id, round_id, member_id, participant_id, reason, from_group_number,
        requested_at, matched_at, to_group_number, gave_up_at,
    }
    bounces by id {
        id, participant_id, outbox_id, source, detail, bounced_at, alerted_at,
    }
    admin_sessions by id_hash {
        id_hash, organiser_id, csrf_token, created_at, last_seen_at,
    }
    login_failures by id { id, email_key, ip, failed_at }
    unsubscribe_links by token_hash {
        token_hash, participant_id, created_at, expires_at,
    }
    never_pairs by id { id, low_id, high_id, source, created_at }
    concerns by id {
        id, reporter_id, about_id, round_id, concern, created_at,
        dealt_with_at, dealt_with_by,
    }
    round_inputs by round_id { round_id, inputs, drawn, edits }
    round_drafts by id {
        id, seed, include_all, inputs, drawn, edits, created_by, created_at,
        expires_at, round_id,
    }
    organiser_invites by token_hash {
        token_hash, email, email_key, invited_by, created_at, expires_at, used_at,
    }
    organisation_names by key { key, shown, chosen_by, chosen_at }
}

/// The rows of one table in each database, once the copy is committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub table: &'static str,
    /// In the source, in the snapshot that was copied.
    pub source: i64,
    pub target: i64,
}

impl Counted {
    pub fn matches(&self) -> bool {
        self.source == self.target
    }
}

/// The target already held data, so nothing was copied into it.
#[derive(Debug, thiserror::Error)]
#[error("it already holds data (rows in {table})")]
pub struct NotEmpty {
    pub table: &'static str,
    pub rows: i64,
}

/// Copies every table of `source` into `target`, which must be migrated and
/// empty (else [`NotEmpty`], and nothing is written); then counts each
/// table's rows in both. `copied` hears of each table as it is done.
#[tracing::instrument(skip_all)]
pub fn copy(
    source: &mut Conn,
    target: &mut Conn,
    mut copied: impl FnMut(&str, i64),
) -> anyhow::Result<Vec<Counted>> {
    let in_source = in_snapshot(source, |source| {
        db::transaction(target, |target| {
            refuse_if_not_empty(target)?;
            for table in STEPS {
                let rows = (table.copy)(source, target)?;
                copied(table.name, rows);
            }
            continue_identities(target)
        })?;
        count_all(source)
    })?;
    let in_target = count_all(target)?;
    Ok(STEPS
        .iter()
        .zip(in_source.into_iter().zip(in_target))
        .map(|(table, (source, target))| Counted {
            table: table.name,
            source,
            target,
        })
        .collect())
}

fn count_all(conn: &mut Conn) -> anyhow::Result<Vec<i64>> {
    STEPS.iter().map(|table| (table.count)(conn)).collect()
}

fn refuse_if_not_empty(target: &mut Conn) -> anyhow::Result<()> {
    for table in STEPS {
        let rows = (table.count)(target)?;
        if rows > 0 {
            return Err(NotEmpty {
                table: table.name,
                rows,
            }
            .into());
        }
    }
    Ok(())
}

/// Runs `work` inside one read transaction on `conn`, so that everything it
/// reads comes from one snapshot of the database, whatever is written
/// meanwhile. On SQLite (in WAL mode) the snapshot begins at the first read
/// and never blocks a writer. On PostgreSQL it is the snapshot `pg_dump`
/// takes: serializable, read-only and deferrable, which waits (if need be)
/// for a moment when no serializable writer could still make it wrong.
fn in_snapshot<T>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    match conn {
        AnyConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN"),
        AnyConnection::Postgres(c) => AnsiTransactionManager::begin_transaction_sql(
            c,
            "BEGIN ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE",
        ),
    }
    .context("could not start reading the source database")?;
    let outcome = work(conn);
    // Nothing was written, so ending the read by rolling back loses nothing.
    let ended = <AnyConnection as Connection>::TransactionManager::rollback_transaction(conn);
    let value = outcome?;
    ended.context("could not finish reading the source database")?;
    Ok(value)
}

/// On PostgreSQL, moves each table's id sequence past the largest id copied,
/// so that the next row inserted gets a new id. (SQLite's AUTOINCREMENT
/// follows the largest id inserted by itself.)
fn continue_identities(target: &mut Conn) -> anyhow::Result<()> {
    let AnyConnection::Postgres(c) = target else {
        return Ok(());
    };
    // Every table keyed by `id` has an identity column on PostgreSQL.
    for table in STEPS.iter().filter(|table| table.key == "id") {
        let name = table.name;
        c.batch_execute(&format!(
            "SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {name}"
        ))
        .with_context(|| format!("could not move the id sequence of {name}"))?;
    }
    Ok(())
}
