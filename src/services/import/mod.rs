//! Importing people from an organiser's CSV file (a steering group, or a
//! spreadsheet from before UnMentoring), shared by `/admin/import` and
//! `unmentoring participants import`.
//!
//! Every row is checked like a signup. People who are added get the same
//! confirmation email as a signup, so nobody joins the pool without opting
//! in, unless the organiser vouches that they already opted in elsewhere.
//!
//! A file of any size is read twice, record by record, never whole: once to
//! check its shape and count its rows (a problem there adds nobody), then to
//! import it in batches of [`BATCH_ROWS`] rows, each in its own IMMEDIATE
//! transaction, so that other writers (signups, the delivery worker) wait
//! for one batch at most, never for the whole file.

mod lines;
mod rows;

use std::collections::HashMap;
use std::io::Read;

use anyhow::Context;
use chrono::NaiveDateTime;

use crate::db::{outbox, participants, tokens, Conn};
use crate::domain::{sentence_case, FormKind, ParticipantEmail, TokenPurpose};
use crate::email::Composer;
use rows::{Row, Rows};

/// The most rows one file uploaded to the console may hold (the command line
/// takes any number).
pub const MAX_ROWS: usize = 5_000;
/// Rows imported in one transaction.
pub const BATCH_ROWS: usize = 500;

/// Columns every file must have.
pub const REQUIRED_COLUMNS: [&str; 4] = ["name", "email", "phone", "organisation"];
/// Columns a file may have; any others are ignored.
pub const OPTIONAL_COLUMNS: [&str; 4] = ["google_id", "skype", "topics", "cadence"];
/// A header line naming every column read, for hints and examples.
pub const EXAMPLE_HEADER: &str = "name,email,phone,organisation,google_id,skype,topics";

/// A person who was added, by the line their row starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedRow {
    pub line: u64,
    pub name: String,
    pub email: String,
}

/// A row that was not added, and why: each reason addressed to the organiser,
/// completing "Line 7: ...".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: u64,
    pub reasons: Vec<String>,
}

impl RejectedRow {
    /// The reasons as sentences, for a table cell.
    pub fn sentences(&self) -> Vec<String> {
        self.reasons.iter().map(|r| sentence_case(r)).collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: Vec<AddedRow>,
    pub rejected: Vec<RejectedRow>,
}

/// Why a whole file could not be read: nothing was added. Returned inside the
/// `anyhow::Error` of [`import`]; find it with `downcast_ref::<FileProblem>()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("The selected file is empty")]
    Empty,
    #[error("The selected file must be a CSV file, not a spreadsheet: save it as \"CSV UTF-8\" and choose that file")]
    NotCsv,
    #[error(
        "The selected file must be saved as UTF-8 text: save it as \"CSV UTF-8\" and try again"
    )]
    NotUtf8,
    #[error("The first row must name the columns; it has no {}", .0.join(", "))]
    MissingColumns(Vec<String>),
    #[error("The first row names the column \"{0}\" more than once")]
    DuplicateColumn(String),
    #[error("The selected file has more than 5,000 rows: split it into smaller files, or use the command unmentoring participants import on the server, which takes files of any size")]
    TooManyRows,
    #[error("The selected file could not be read as CSV (line {line}): {message}")]
    Malformed { line: u64, message: String },
}

#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// The organiser vouches that everyone in the file opted in elsewhere:
    /// they take part at once, without a confirmation email.
    pub already_confirmed: bool,
    pub now: NaiveDateTime,
    /// Refuse a file with more data rows than this (the console's limit).
    pub max_rows: Option<usize>,
}

/// One committed batch: what happened to its rows, and how far the import is.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub added: Vec<AddedRow>,
    pub rejected: Vec<RejectedRow>,
    /// Data rows done so far, this batch included.
    pub rows_done: u64,
    /// Data rows in the file.
    pub rows_total: u64,
}

/// Imports every good row of the file that `open` opens (it is called twice:
/// see the module's comment), with their confirmation emails (none when
/// `already_confirmed`). `on_batch` hears of each batch once it is committed.
///
/// A problem with the file's shape is a [`FileProblem`], found before
/// anything is added. (Only a file that changes between the two readings can
/// give one after some batches were committed.)
pub fn import<R: Read>(
    conn: &mut Conn,
    composer: &Composer,
    mut open: impl FnMut() -> std::io::Result<R>,
    options: ImportOptions,
    mut on_batch: impl FnMut(&Batch),
) -> anyhow::Result<()> {
    let rows_total = rows::count(open().context("could not open the file")?, options.max_rows)?;
    let mut rows = Rows::open(open().context("could not open the file again")?)?;
    let mut seen = Seen::default();
    let (mut rows_done, mut added, mut rejected) = (0u64, 0usize, 0usize);
    loop {
        // Read outside the transaction: it holds the database for the writes only.
        let chunk = rows
            .by_ref()
            .take(BATCH_ROWS)
            .collect::<Result<Vec<Row>, FileProblem>>()?;
        if chunk.is_empty() {
            break;
        }
        rows_done += chunk.len() as u64;
        // A batch that is tried again starts from the addresses seen before it.
        let (mut batch, seen_after) = crate::db::transaction(conn, |conn| {
            let mut seen_here = seen.clone();
            let batch = import_batch(conn, composer, chunk.clone(), options, &mut seen_here)?;
            Ok((batch, seen_here))
        })?;
        seen = seen_after;
        added += batch.added.len();
        rejected += batch.rejected.len();
        batch.rows_done = rows_done;
        batch.rows_total = rows_total;
        on_batch(&batch);
    }
    tracing::info!(
        rows = rows_done,
        added,
        rejected,
        already_confirmed = options.already_confirmed,
        "imported participants"
    );
    Ok(())
}

/// Imports a file held in memory (an upload), collecting every row's result.
pub fn import_bytes(
    conn: &mut Conn,
    composer: &Composer,
    csv_bytes: &[u8],
    options: ImportOptions,
) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    import(
        conn,
        composer,
        || Ok(csv_bytes),
        options,
        |batch| {
            report.added.extend_from_slice(&batch.added);
            report.rejected.extend_from_slice(&batch.rejected);
        },
    )?;
    Ok(report)
}

/// The email addresses met so far in the file, by key, with the line each
/// was first on: a repeat is caught in any later batch.
#[derive(Default, Clone)]
struct Seen(HashMap<String, u64>);

/// Checks and stores one batch of rows, inside its transaction.
fn import_batch(
    conn: &mut Conn,
    composer: &Composer,
    rows: Vec<Row>,
    options: ImportOptions,
    seen: &mut Seen,
) -> anyhow::Result<Batch> {
    let mut batch = Batch::default();
    for row in rows {
        let line = row.line;
        match import_row(conn, composer, row, options, seen)? {
            Ok(added) => batch.added.push(added),
            Err(reasons) => batch.rejected.push(RejectedRow { line, reasons }),
        }
    }
    Ok(batch)
}

/// Adds the person on one row, or says why not (the organiser's wording).
fn import_row(
    conn: &mut Conn,
    composer: &Composer,
    row: Row,
    options: ImportOptions,
    seen: &mut Seen,
) -> anyhow::Result<Result<AddedRow, Vec<String>>> {
    if let Some(problem) = row.broken {
        return Ok(Err(vec![problem]));
    }
    let profile = match row.form.validate(FormKind::Import) {
        Ok(profile) => profile,
        Err(errors) => return Ok(Err(errors.iter().map(|(_, m)| m.to_owned()).collect())),
    };
    let email = profile
        .email
        .as_ref()
        .map(ParticipantEmail::key)
        .context("a checked row has no email address")?;
    if let Some(first) = seen.0.get(&email) {
        return Ok(Err(vec![format!(
            "the email address is also on line {first} of the file"
        )]));
    }
    seen.0.insert(email.clone(), row.line);
    if participants::find_by_email_key(conn, &email)?.is_some() {
        return Ok(Err(vec![
            "someone with this email address has already signed up to UnMentoring".to_owned(),
        ]));
    }
    let now = options.now;
    let person = participants::insert_imported(conn, &profile, options.already_confirmed, now)?;
    if !options.already_confirmed {
        let token = tokens::issue(conn, person.id, TokenPurpose::Confirm, now)?;
        outbox::enqueue(conn, &composer.confirm(&person, &token)?, now)?;
    }
    Ok(Ok(AddedRow {
        line: row.line,
        name: person.name,
        email: person.email.unwrap_or_default(),
    }))
}
