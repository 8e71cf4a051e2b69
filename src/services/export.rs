//! CSV exports of participants, rounds and outputs, shared by `/admin/export`
//! and `unmentoring participants export`.
//!
//! Every cell is made safe to open in a spreadsheet: a cell that starts with
//! `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula,
//! so it gets a leading `'` (the OWASP advice on CSV injection).

use std::borrow::Cow;

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};

use crate::db::participants::Status;
use crate::db::{followups, participants, rounds, Conn};

/// What can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Participants,
    Rounds,
    Outputs,
}

impl Export {
    pub const ALL: [Export; 3] = [Export::Participants, Export::Rounds, Export::Outputs];

    /// Its name in file names, paths and the command line.
    pub fn name(self) -> &'static str {
        match self {
            Self::Participants => "participants",
            Self::Rounds => "rounds",
            Self::Outputs => "outputs",
        }
    }

    /// The CSV file's contents.
    pub fn csv(self, conn: &mut Conn) -> anyhow::Result<Vec<u8>> {
        match self {
            Self::Participants => participants_csv(conn),
            Self::Rounds => rounds_csv(conn),
            Self::Outputs => outputs_csv(conn),
        }
    }

    /// The file name a download gets, like `unmentoring-participants-2026-11-22.csv`.
    pub fn file_name(self, today: NaiveDate) -> String {
        format!(
            "unmentoring-{}-{}.csv",
            self.name(),
            today.format("%Y-%m-%d")
        )
    }
}

/// The cell with a leading `'` if a spreadsheet would read it as a formula.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Writes a header and rows, every cell neutralised.
fn write<R, I>(header: &[&str], rows: R) -> anyhow::Result<Vec<u8>>
where
    R: IntoIterator<Item = I>,
    I: IntoIterator<Item = String>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header.iter().map(|h| neutralise(h).into_owned()))?;
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| neutralise(&c).into_owned())
            .collect();
        writer.write_record(&cells)?;
    }
    writer.into_inner().context("could not write CSV")
}

fn text(value: Option<&str>) -> String {
    value.unwrap_or_default().to_owned()
}

fn time(value: Option<NaiveDateTime>) -> String {
    value.map_or_else(String::new, |t| t.format("%Y-%m-%d %H:%M:%S").to_string())
}

fn date(value: Option<NaiveDate>) -> String {
    value.map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string())
}

fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

pub const PARTICIPANT_COLUMNS: [&str; 16] = [
    "id",
    "name",
    "email",
    "phone",
    "organisation",
    "google_id",
    "skype",
    "topics",
    "cadence",
    "status",
    "paused_until",
    "source",
    "joined",
    "confirmed",
    "last_round",
    "left",
];

/// Everyone, oldest first. People who left are only an id, their state and
/// the date they left: their personal details were erased.
pub fn participants_csv(conn: &mut Conn) -> anyhow::Result<Vec<u8>> {
    let people = participants::everyone(conn)?;
    let rows = people.into_iter().map(|person| {
        let p = person.participant;
        if p.status == Status::Left {
            let mut row = vec![String::new(); PARTICIPANT_COLUMNS.len()];
            row[0] = p.id.to_string();
            row[9] = p.status.as_str().to_owned();
            row[15] = date(person.left_at.map(|t| t.date()));
            return row;
        }
        vec![
            p.id.to_string(),
            p.name,
            text(p.email.as_deref()),
            text(p.phone.as_deref()),
            p.organisation,
            text(p.google_id.as_deref()),
            text(p.skype.as_deref()),
            text(p.topics.as_deref()),
            p.cadence.as_str().to_owned(),
            p.status.as_str().to_owned(),
            date(p.paused_until),
            person.source.as_str().to_owned(),
            time(Some(p.created_at)),
            time(p.confirmed_at),
            time(p.last_round_at),
            String::new(),
        ]
    });
    write(&PARTICIPANT_COLUMNS, rows)
}

pub const ROUND_COLUMNS: [&str; 10] = [
    "id",
    "started_at",
    "trigger",
    "include_all",
    "people_due",
    "groups",
    "trios",
    "sat_out",
    "forced_repeats",
    "same_organisation_pairs",
];

/// Every round, oldest first, with its pairing statistics.
pub fn rounds_csv(conn: &mut Conn) -> anyhow::Result<Vec<u8>> {
    let mut all = rounds::list(conn, i64::MAX)?;
    all.sort_by_key(|r| r.id);
    let rows = all.into_iter().map(|r| {
        vec![
            r.id.to_string(),
            time(Some(r.started_at)),
            r.trigger.as_str().to_owned(),
            yes_no(r.include_all),
            r.people_due.to_string(),
            r.groups_count.to_string(),
            r.trios.to_string(),
            r.sat_out.to_string(),
            r.forced_repeats.to_string(),
            r.same_organisation_pairs.to_string(),
        ]
    });
    write(&ROUND_COLUMNS, rows)
}

pub const OUTPUT_COLUMNS: [&str; 12] = [
    "round",
    "round_date",
    "name",
    "organisation",
    "met",
    "url",
    "note",
    "published",
    "challenged",
    "would_repeat",
    "new_connection",
    "shared_at",
];

/// Every follow-up answer: one row per shared link, or one row with an empty
/// url for an answer that shared none.
pub fn outputs_csv(conn: &mut Conn) -> anyhow::Result<Vec<u8>> {
    let answers = followups::all_outputs(conn)?;
    let rows = answers.into_iter().map(|o| {
        vec![
            o.round_id.to_string(),
            date(Some(o.round_started_at.date())),
            o.name,
            o.organisation,
            o.met.as_str().to_owned(),
            text(o.url.as_deref()),
            text(o.note.as_deref()),
            yes_no(o.publish),
            o.challenged.map_or_else(String::new, |c| c.to_string()),
            o.would_repeat.map_or_else(String::new, yes_no),
            o.new_connection.map_or_else(String::new, yes_no),
            time(o.shared_at),
        ]
    });
    write(&OUTPUT_COLUMNS, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_other_cells_kept() {
        for risky in ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(risky), format!("'{risky}"));
        }
        for safe in ["", "Jo", "a=b", "2026-11-22", "'quoted", " =1"] {
            assert!(matches!(neutralise(safe), Cow::Borrowed(s) if s == safe));
        }
    }

    #[test]
    fn written_cells_are_quoted_and_neutralised() {
        let out = write(&["a", "b"], [vec!["=x,y".to_owned(), "\"q\"".to_owned()]]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b\n\"'=x,y\",\"\"\"q\"\"\"\n"
        );
    }

    #[test]
    fn file_names_carry_the_date() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        assert_eq!(
            Export::Outputs.file_name(day),
            "unmentoring-outputs-2026-11-22.csv"
        );
    }
}
