//! Reading an import file record by record: its shape (UTF-8, CSV, a header
//! naming the columns) and each data row as a form, with the line it starts on.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::lines::LineCounter;
use super::{FileProblem, OPTIONAL_COLUMNS, REQUIRED_COLUMNS};
use crate::domain::ProfileForm;

/// One data row, its cells by column.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub line: u64,
    pub form: ProfileForm,
    /// Set when the row cannot be checked at all (a wrong number of cells).
    pub broken: Option<String>,
}

type Source<R> = LineCounter<std::io::Chain<Cursor<Vec<u8>>, R>>;

/// The data rows of a file, read one at a time. Blank rows are skipped.
pub(super) struct Rows<R: Read> {
    reader: csv::Reader<Source<R>>,
    /// Column name → its index in a row.
    columns: HashMap<String, usize>,
    width: usize,
    record: csv::ByteRecord,
}

/// Column name as written in a header cell: `Google ID` is `google_id`.
fn column_key(cell: &str) -> String {
    cell.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

fn malformed(e: &csv::Error) -> FileProblem {
    FileProblem::Malformed {
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    }
}

/// The cells of a record as text; a NUL means a binary file, not CSV.
fn cells(record: &csv::ByteRecord) -> Result<Vec<&str>, FileProblem> {
    record
        .iter()
        .map(|cell| {
            let text = std::str::from_utf8(cell).map_err(|_| FileProblem::NotUtf8)?;
            if text.contains('\0') {
                return Err(FileProblem::NotCsv);
            }
            Ok(text)
        })
        .collect()
}

fn is_blank(cells: &[&str]) -> bool {
    cells.iter().all(|cell| cell.trim().is_empty())
}

/// The first bytes of the file, after a UTF-8 byte order mark if there is
/// one. A spreadsheet (zip or the old binary format) is refused here.
fn start<R: Read>(mut source: R) -> Result<std::io::Chain<Cursor<Vec<u8>>, R>, FileProblem> {
    let mut first = Vec::with_capacity(4);
    (&mut source)
        .take(4)
        .read_to_end(&mut first)
        .map_err(|e| FileProblem::Malformed {
            line: 1,
            message: e.to_string(),
        })?;
    if first.starts_with(b"PK\x03\x04") || first.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(FileProblem::NotCsv);
    }
    if first.starts_with(b"\xEF\xBB\xBF") {
        first.drain(..3);
    }
    Ok(Cursor::new(first).chain(source))
}

impl<R: Read> Rows<R> {
    /// Reads the header row and finds the columns.
    pub(super) fn open(source: R) -> Result<Self, FileProblem> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(LineCounter::new(start(source)?));
        let mut header = csv::ByteRecord::new();
        if !reader
            .read_byte_record(&mut header)
            .map_err(|e| malformed(&e))?
        {
            return Err(FileProblem::Empty);
        }
        let mut rows = Self {
            reader,
            columns: HashMap::new(),
            width: header.len(),
            record: csv::ByteRecord::new(),
        };
        let names = cells(&header)?;
        if is_blank(&names) {
            // No header: an empty file, or one whose first row is blank.
            return Err(match rows.next() {
                None => FileProblem::Empty,
                Some(Err(problem)) => problem,
                Some(Ok(_)) => FileProblem::MissingColumns(
                    REQUIRED_COLUMNS.iter().map(|c| (*c).to_owned()).collect(),
                ),
            });
        }
        for (index, cell) in names.iter().enumerate() {
            let key = column_key(cell);
            let known = REQUIRED_COLUMNS.contains(&key.as_str())
                || OPTIONAL_COLUMNS.contains(&key.as_str());
            if known && rows.columns.insert(key.clone(), index).is_some() {
                return Err(FileProblem::DuplicateColumn(key));
            }
        }
        let missing: Vec<String> = REQUIRED_COLUMNS
            .iter()
            .filter(|c| !rows.columns.contains_key(**c))
            .map(|c| (*c).to_owned())
            .collect();
        if !missing.is_empty() {
            return Err(FileProblem::MissingColumns(missing));
        }
        Ok(rows)
    }

    /// The next record that is not blank, as a row.
    fn next_row(&mut self) -> Result<Option<Row>, FileProblem> {
        loop {
            if !self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| malformed(&e))?
            {
                return Ok(None);
            }
            let byte = self.record.position().map_or(0, csv::Position::byte);
            // Counted for blank rows too, so the uncounted bytes stay few.
            let line = self.reader.get_mut().line_at(byte);
            let cells = cells(&self.record)?;
            if is_blank(&cells) {
                continue;
            }
            return Ok(Some(self.row(line, &cells)));
        }
    }

    fn row(&self, line: u64, cells: &[&str]) -> Row {
        let cell = |name: &str| {
            self.columns
                .get(name)
                .and_then(|&i| cells.get(i))
                .copied()
                .unwrap_or_default()
                .to_owned()
        };
        let broken = (cells.len() != self.width).then(|| {
            format!(
                "the row has {} cells but the first row has {}: check for a comma in a cell without quotes around it",
                cells.len(),
                self.width
            )
        });
        Row {
            line,
            form: ProfileForm {
                name: cell("name"),
                email: cell("email"),
                phone: cell("phone"),
                organisation: cell("organisation"),
                google_id: cell("google_id"),
                skype: cell("skype"),
                topics: cell("topics"),
                cadence: cell("cadence"),
                consent: String::new(),
                share_phone: cell("share_phone"),
                availability: Vec::new(),
            },
            broken,
        }
    }
}

impl<R: Read> Iterator for Rows<R> {
    type Item = Result<Row, FileProblem>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row().transpose()
    }
}

/// Reads a whole file to check its shape, and counts its data rows. With
/// `max_rows`, a file with more is refused.
pub(super) fn count<R: Read>(source: R, max_rows: Option<usize>) -> Result<u64, FileProblem> {
    let mut rows = 0u64;
    for row in Rows::open(source)? {
        row?;
        rows += 1;
        if max_rows.is_some_and(|max| rows > max as u64) {
            return Err(FileProblem::TooManyRows);
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<Vec<Row>, FileProblem> {
        Rows::open(bytes)?.collect()
    }

    fn lines(rows: &[Row]) -> Vec<u64> {
        rows.iter().map(|r| r.line).collect()
    }

    #[test]
    fn a_bom_crlf_and_any_column_order_are_read() {
        let csv = "\u{feff}Email,Name,Phone,Organisation,Extra\r\njo@x.org,Jo,01632 960 001,Leeds,ignored\r\n\r\n,,,,\r\n\"a@x.org\",\"Al, B\",01632 960 002,York,\r\n";
        let rows = read(csv.as_bytes()).unwrap();
        assert_eq!(lines(&rows), [2, 5]);
        let lf = "name,email,phone,organisation\n\"Jo\nBloggs\",a,b,c\n\nd,e,f,g\rh,i,j,k\n";
        assert_eq!(lines(&read(lf.as_bytes()).unwrap()), [2, 5, 6]);
        assert_eq!(rows[0].form.email, "jo@x.org");
        assert_eq!(rows[1].form.name, "Al, B");
        assert!(rows.iter().all(|r| r.broken.is_none()));
    }

    #[test]
    fn whole_file_problems_are_named() {
        assert_eq!(read(b"").unwrap_err(), FileProblem::Empty);
        assert_eq!(read(b" \n\n,,\n").unwrap_err(), FileProblem::Empty);
        assert_eq!(read(b"\xff\xfename").unwrap_err(), FileProblem::NotUtf8);
        assert_eq!(read(b"PK\x03\x04rest").unwrap_err(), FileProblem::NotCsv);
        // Only the zip signature itself marks a spreadsheet.
        assert!(matches!(
            read(b"PK").unwrap_err(),
            FileProblem::MissingColumns(_)
        ));
        assert_eq!(
            read(b"name,email\nJo,jo@x.org\n").unwrap_err(),
            FileProblem::MissingColumns(vec!["phone".into(), "organisation".into()])
        );
        assert_eq!(
            read(b"name,email,phone,organisation,Email\n").unwrap_err(),
            FileProblem::DuplicateColumn("email".into())
        );
        assert_eq!(
            read(b"name,email,phone,organisation\na,b,c,\x00\n").unwrap_err(),
            FileProblem::NotCsv
        );
        assert_eq!(
            read(b"name,email,phone,organisation\nJos\xe9,b,c,d\n").unwrap_err(),
            FileProblem::NotUtf8
        );
    }

    #[test]
    fn a_limit_counts_data_rows_only() {
        let file = |rows: usize| {
            format!(
                "name,email,phone,organisation\n{}\n\n",
                "a,b,c,d\n".repeat(rows)
            )
        };
        assert_eq!(count(file(10).as_bytes(), Some(10)), Ok(10));
        assert_eq!(
            count(file(11).as_bytes(), Some(10)),
            Err(FileProblem::TooManyRows)
        );
        assert_eq!(count(file(11).as_bytes(), None), Ok(11));
    }

    #[test]
    fn a_row_with_a_stray_comma_is_broken() {
        let rows = read(b"name,email,phone,organisation\nJo,jo@x.org,01632 960 001,Leeds, City\n")
            .unwrap();
        assert!(rows[0].broken.as_deref().unwrap().contains("5 cells"));
    }
}
