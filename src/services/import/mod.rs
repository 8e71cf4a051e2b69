//! Importing people from an organiser's CSV file (a steering group, or a
//! spreadsheet from before UnMentoring), shared by `/admin/import` and
//! `unmentoring participants import`.
//!
//! Every row is checked like a signup. People who are added get the same
//! confirmation email as a signup, so nobody joins the pool without opting
//! in, unless the organiser vouches that they already opted in elsewhere.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use crate::db::{outbox, participants, tokens, transfer, Conn};
use crate::domain::{FormKind, ParticipantEmail, ProfileForm, TokenPurpose};
use crate::email::Composer;

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 5_000;

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

/// A row that was not added, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub line: u64,
    pub reasons: Vec<String>,
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
    #[error("The selected file has more than 5,000 rows: split it into smaller files")]
    TooManyRows,
    #[error("The selected file could not be read as CSV (line {line}): {message}")]
    Malformed { line: u64, message: String },
}

/// One data row, its cells by column.
#[derive(Debug, Clone)]
struct Row {
    line: u64,
    form: ProfileForm,
    /// Set when the row cannot be checked at all (a wrong number of cells).
    broken: Option<String>,
}

/// Column name as written in a header cell: `Google ID` is `google_id`.
fn column_key(cell: &str) -> String {
    cell.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// Finds the line a record starts on from its byte offset, counting line
/// breaks (`\n`, `\r\n` or a lone `\r`) as it goes. (The csv crate's own
/// line numbers drift after blank lines and CRLF.)
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a line break.
    fn of(&mut self, byte: u64) -> u64 {
        let target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let mut end = target.max(self.at);
        while end < self.text.len() && matches!(self.text[end], b'\r' | b'\n') {
            end += 1;
        }
        while self.at < end {
            match self.text[self.at] {
                b'\n' => self.line += 1,
                b'\r' if self.text.get(self.at + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.at += 1;
        }
        self.line
    }
}

/// Reads and checks the file's shape: UTF-8 (a byte order mark is allowed),
/// CSV, a header row naming the columns, at most [`MAX_ROWS`] rows.
fn parse(bytes: &[u8]) -> Result<Vec<Row>, FileProblem> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(FileProblem::NotCsv);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return Err(FileProblem::NotCsv);
    }
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let malformed = |e: csv::Error| FileProblem::Malformed {
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let header = reader.headers().map_err(malformed)?.clone();
    let mut columns: HashMap<String, usize> = HashMap::new();
    for (index, cell) in header.iter().enumerate() {
        let key = column_key(cell);
        let known =
            REQUIRED_COLUMNS.contains(&key.as_str()) || OPTIONAL_COLUMNS.contains(&key.as_str());
        if known && columns.insert(key.clone(), index).is_some() {
            return Err(FileProblem::DuplicateColumn(key));
        }
    }
    let missing: Vec<String> = REQUIRED_COLUMNS
        .iter()
        .filter(|c| !columns.contains_key(**c))
        .map(|c| (*c).to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(FileProblem::MissingColumns(missing));
    }
    let mut rows = Vec::new();
    let mut lines = Lines::new(text);
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err(FileProblem::TooManyRows);
        }
        let cell = |name: &str| {
            columns
                .get(name)
                .and_then(|&i| record.get(i))
                .unwrap_or_default()
                .to_owned()
        };
        let broken = (record.len() != header.len()).then(|| {
            format!(
                "This row has {} cells but the first row has {}: check for a comma in a cell without quotes around it",
                record.len(),
                header.len()
            )
        });
        rows.push(Row {
            line: lines.of(record.position().map_or(0, |p| p.byte())),
            form: ProfileForm {
                name: cell("name"),
                email: cell("email"),
                phone: cell("phone"),
                organisation: cell("organisation"),
                google_id: cell("google_id"),
                skype: cell("skype"),
                topics: cell("topics"),
                cadence: cell("cadence"),
                // The organiser vouches for the list; people still confirm by email.
                consent: "yes".to_owned(),
            },
            broken,
        });
    }
    Ok(rows)
}

/// A field's message as the organiser reads it, naming the column.
fn reason(field: &str, message: &str) -> String {
    match field {
        "cadence" => {
            "cadence: must be monthly, every_two_months or quarterly (or empty for monthly)"
                .to_owned()
        }
        _ => format!("{field}: {message}"),
    }
}

/// Imports every good row of `csv_bytes` in one transaction, with their
/// confirmation emails (none when `already_confirmed`). A problem with the
/// whole file is a [`FileProblem`] and adds nobody.
pub fn import(
    conn: &mut Conn,
    composer: &Composer,
    csv_bytes: &[u8],
    already_confirmed: bool,
    now: NaiveDateTime,
) -> anyhow::Result<ImportReport> {
    let rows = parse(csv_bytes)?;
    conn.immediate_transaction(|conn| {
        let mut report = ImportReport::default();
        let mut seen: HashMap<String, u64> = HashMap::new();
        let mut emailed = 0usize;
        for row in rows {
            let mut reject = |reasons: Vec<String>| {
                report.rejected.push(RejectedRow {
                    line: row.line,
                    reasons,
                })
            };
            if let Some(problem) = row.broken {
                reject(vec![problem]);
                continue;
            }
            let profile = match row.form.validate(FormKind::Signup) {
                Ok(profile) => profile,
                Err(errors) => {
                    reject(errors.iter().map(|(f, m)| reason(f, m)).collect());
                    continue;
                }
            };
            let Some(email) = profile.email.as_ref().map(ParticipantEmail::key) else {
                anyhow::bail!("a checked row has no email address");
            };
            if let Some(first) = seen.get(&email) {
                reject(vec![format!(
                    "email: this address is also on line {first} of the file"
                )]);
                continue;
            }
            seen.insert(email.clone(), row.line);
            if participants::find_by_email_key(conn, &email)?.is_some() {
                reject(vec![
                    "email: this address has already signed up to UnMentoring".to_owned(),
                ]);
                continue;
            }
            let person = transfer::insert_imported(conn, &profile, already_confirmed, now)?;
            if !already_confirmed {
                let token = tokens::issue(conn, person.id, TokenPurpose::Confirm, now)?;
                outbox::enqueue(conn, &composer.confirm(&person, &token)?, now)?;
                emailed += 1;
            }
            report.added.push(AddedRow {
                line: row.line,
                name: person.name,
                email: person.email.unwrap_or_default(),
            });
        }
        tracing::info!(
            added = report.added.len(),
            rejected = report.rejected.len(),
            emailed,
            already_confirmed,
            "imported participants"
        );
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(rows: &[Row]) -> Vec<u64> {
        rows.iter().map(|r| r.line).collect()
    }

    #[test]
    fn a_bom_crlf_and_any_column_order_are_read() {
        let csv = "\u{feff}Email,Name,Phone,Organisation,Extra\r\njo@x.org,Jo,01632 960 001,Leeds,ignored\r\n\r\n,,,,\r\n\"a@x.org\",\"Al, B\",01632 960 002,York,\r\n";
        let rows = parse(csv.as_bytes()).unwrap();
        assert_eq!(lines(&rows), [2, 5]);
        let lf = "name,email,phone,organisation\n\"Jo\nBloggs\",a,b,c\n\nd,e,f,g\rh,i,j,k\n";
        assert_eq!(lines(&parse(lf.as_bytes()).unwrap()), [2, 5, 6]);
        assert_eq!(rows[0].form.email, "jo@x.org");
        assert_eq!(rows[1].form.name, "Al, B");
        assert!(rows.iter().all(|r| r.broken.is_none()));
    }

    #[test]
    fn whole_file_problems_are_named() {
        assert_eq!(parse(b"").unwrap_err(), FileProblem::Empty);
        assert_eq!(parse(b"\xff\xfename").unwrap_err(), FileProblem::NotUtf8);
        assert_eq!(parse(b"PK\x03\x04rest").unwrap_err(), FileProblem::NotCsv);
        assert_eq!(
            parse(b"name,email\nJo,jo@x.org\n").unwrap_err(),
            FileProblem::MissingColumns(vec!["phone".into(), "organisation".into()])
        );
        assert_eq!(
            parse(b"name,email,phone,organisation,Email\n").unwrap_err(),
            FileProblem::DuplicateColumn("email".into())
        );
        let big = format!(
            "name,email,phone,organisation\n{}",
            "a,b,c,d\n".repeat(MAX_ROWS + 1)
        );
        assert_eq!(parse(big.as_bytes()).unwrap_err(), FileProblem::TooManyRows);
        let most = format!(
            "name,email,phone,organisation\n{}",
            "a,b,c,d\n".repeat(MAX_ROWS)
        );
        assert_eq!(parse(most.as_bytes()).unwrap().len(), MAX_ROWS);
    }

    #[test]
    fn a_row_with_a_stray_comma_is_broken() {
        let rows = parse(b"name,email,phone,organisation\nJo,jo@x.org,01632 960 001,Leeds, City\n")
            .unwrap();
        assert!(rows[0].broken.as_deref().unwrap().contains("5 cells"));
    }
}
