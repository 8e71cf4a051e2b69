//! `unmentoring participants import FILE.csv [--already-confirmed]` and
//! `participants export [--what ...]`, as an organiser runs them.

mod common;

use chrono::NaiveDate;
use common::process::Site;
use diesel::prelude::*;
use unmentoring::db::rounds::{self, NewRound};
use unmentoring::db::{self, followups};
use unmentoring::domain::pairing::{OddOneOut, PairingStats};
use unmentoring::domain::{Met, Trigger, ValidFollowup};

const GOOD_AND_BAD: &str = "\u{feff}Name,Email,Phone,Organisation,Google ID,Skype,Topics\r\n\
Ann Example,ann@leeds.gov.uk,0113 496 0000,Leeds City Council,,,Open data\r\n\
Not An Email,not-an-email,0113 496 0001,Leeds City Council,,,\r\n\
Bo Example,bo@york.gov.uk,01904 551 550,York Council,,,\r\n\
Ann Again,ann@leeds.gov.uk,0113 496 0003,Leeds City Council,,,\r\n";

/// A round on 2026-11-02 that paired the first two people, and the first
/// one's answer, stored as the app stores them.
fn answered_round(site: &Site) {
    let pool = db::connect(site.database_url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let stats = PairingStats {
        people_due: 2,
        groups: 1,
        ..PairingStats::default()
    };
    let round = NewRound {
        round_key: "manual:test",
        trigger: Trigger::Manual,
        seed: 7,
        include_all: true,
        odd_one_out: OddOneOut::Trio,
        started_at: day(2).and_hms_opt(9, 0, 0).unwrap(),
        stats: &stats,
        sat_out: None,
    };
    let round_id = rounds::insert(&mut conn, &round, &[vec![1, 2]]).unwrap();
    let member = rounds::member_ids(&mut conn, round_id).unwrap()[&1];
    let answer = ValidFollowup {
        met: Met::Yes,
        no_reason: None,
        urls: Vec::new(),
        note: Some(Some("@SUM(A1)".into())),
        publish: Some(false),
        challenged: Some(None),
        would_repeat: None,
        new_connection: None,
        remove: Vec::new(),
    };
    let answered_at = day(20).and_hms_opt(10, 0, 0).unwrap();
    followups::save(&mut conn, member, &answer, answered_at).unwrap();
}

fn count(site: &Site, table: &str) -> i64 {
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT COUNT(*) FROM {table}"))
        .get_result(&mut conn)
        .unwrap()
}

fn write(site: &Site, name: &str, contents: &[u8]) {
    std::fs::write(site.path(name), contents).unwrap();
}

/// Runs a command and returns its exit code, stdout and stderr.
fn run_code(site: &mut Site, args: &[&str]) -> (i32, String, String) {
    let (mut cmd, out, err) = site.command(args, "code");
    let status = cmd.status().unwrap();
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap();
    (status.code().unwrap(), read(&out), read(&err))
}

#[test]
fn an_import_adds_good_rows_lists_the_others_and_queues_confirmations() {
    let mut site = Site::new();
    write(&site, "people.csv", GOOD_AND_BAD.as_bytes());
    let (code, out, err) = run_code(&mut site, &["participants", "import", "people.csv"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Added    line     2  Ann Example <ann@leeds.gov.uk>"),
        "{out}"
    );
    assert!(out.contains("Added    line     4  Bo Example <bo@york.gov.uk>"));
    assert!(
        out.contains("Rejected line     3  the email address is not in a correct format, like name@example.gov.uk"),
        "{out}"
    );
    assert!(out.contains("Rejected line     5  the email address is also on line 2 of the file"));
    assert!(!out.contains("Enter "), "worded for the organiser: {out}");
    assert!(out.contains("2 added, 2 not added."));
    assert!(out.contains("Confirmation emails are queued"));
    assert_eq!(
        count(
            &site,
            "participants WHERE status = 'pending' AND source = 'import'"
        ),
        2
    );
    assert_eq!(count(&site, "participants"), 2);
    assert_eq!(
        count(&site, "outbox WHERE kind = 'confirm' AND status = 'queued'"),
        2
    );
    assert_eq!(
        count(
            &site,
            "outbox WHERE to_address IN ('ann@leeds.gov.uk', 'bo@york.gov.uk')"
        ),
        2
    );

    // The same file again: everyone in it has already signed up.
    let (code, again, _) = run_code(&mut site, &["participants", "import", "people.csv"]);
    assert_eq!(code, 0);
    assert!(again.contains(
        "Rejected line     2  someone with this email address has already signed up to UnMentoring"
    ));
    assert!(again.contains("0 added, 4 not added."), "{again}");
    assert_eq!(count(&site, "outbox"), 2);
}

/// Twelve thousand rows, the line each starts on moved by a cell with a
/// line break and by a blank line: (data row index, line it starts on).
fn big_file(special: &[(usize, &str)]) -> String {
    let mut file = String::from("name,email,phone,organisation,topics\r\n");
    for i in 0..12_000 {
        let row = special.iter().find(|(at, _)| *at == i).map_or_else(
            || {
                format!(
                    "Person {i},p{i}@example.gov.uk,0113 496 0000,Council {},",
                    i % 20
                )
            },
            |(_, row)| (*row).to_owned(),
        );
        file.push_str(&row);
        file.push_str("\r\n");
        if i == 200 {
            file.push_str("\r\n");
        }
    }
    file
}

/// The line data row `i` of [`big_file`] starts on.
fn line_of(i: usize) -> usize {
    match i {
        0..=100 => i + 2,
        101..=200 => i + 3,
        _ => i + 4,
    }
}

#[test]
fn a_file_of_any_size_is_imported_in_batches_with_progress_and_right_line_numbers() {
    let mut site = Site::new();
    write(
        &site,
        "known.csv",
        b"name,email,phone,organisation\nKnown Person,known@hull.gov.uk,01482 300 300,Hull City Council\n",
    );
    let (code, _, err) = run_code(&mut site, &["participants", "import", "known.csv"]);
    assert_eq!(code, 0, "{err}");

    let file = big_file(&[
        (
            100,
            "Topical Person,topical@example.gov.uk,0113 496 0000,Leeds,\"Open data\nand maps\"",
        ),
        (6_000, ",noname@example.gov.uk,0113 496 0000,Leeds,"),
        (9_000, "Again,P3@example.gov.uk,0113 496 0000,Leeds,"),
        (
            11_000,
            "Known Again,known@hull.gov.uk,01482 300 300,Hull City Council,",
        ),
    ]);
    write(&site, "big.csv", file.as_bytes());
    let (code, out, err) = run_code(
        &mut site,
        &["participants", "import", "big.csv", "--already-confirmed"],
    );
    assert_eq!(code, 0, "{err}");

    // Everyone else is in, in batches, each reported on standard error.
    assert!(
        out.contains("11,997 added, 3 not added."),
        "{}",
        &out[out.len() - 500..]
    );
    assert_eq!(count(&site, "participants"), 1 + 11_997);
    let progress: Vec<&str> = err.lines().filter(|l| l.contains("rows done")).collect();
    assert_eq!(progress.len(), 24, "one line per 500 rows: {err}");
    assert!(
        progress[0].starts_with("500 of 12,000 rows done (500 added, 0 not added)"),
        "{err}"
    );
    assert!(
        progress[12].starts_with("6,500 of 12,000 rows done (6,499 added, 1 not added)"),
        "{err}"
    );
    assert!(progress[23].starts_with("12,000 of 12,000 rows done (11,997 added, 3 not added)"));

    // The rows not added, with the lines they are on in the file.
    let rejected: Vec<&str> = out.lines().filter(|l| l.starts_with("Rejected")).collect();
    assert_eq!(
        rejected,
        [
            format!("Rejected line {:>5}  the name is missing", line_of(6_000)),
            format!(
                "Rejected line {:>5}  the email address is also on line {} of the file",
                line_of(9_000),
                line_of(3)
            ),
            format!(
                "Rejected line {:>5}  someone with this email address has already signed up to UnMentoring",
                line_of(11_000)
            ),
        ]
    );
    assert_eq!(line_of(6_000), 6_004);
    assert!(out.contains(&format!(
        "Added    line {:>5}  Person 101 <p101@example.gov.uk>",
        line_of(101)
    )));
    assert!(out.contains(&format!(
        "Added    line {:>5}  Person 11999 <p11999@example.gov.uk>",
        line_of(11_999)
    )));
    assert_eq!(
        count(&site, "participants WHERE topics = 'Open data\nand maps'"),
        1
    );
}

#[test]
fn a_big_file_that_is_not_utf8_near_its_end_adds_nobody() {
    let mut site = Site::new();
    let mut file = big_file(&[]).into_bytes();
    let at = file.len() - 100;
    file[at] = 0xe9;
    write(&site, "latin1.csv", &file);
    let (code, out, err) = run_code(&mut site, &["participants", "import", "latin1.csv"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("UTF-8") && err.contains("Nobody was added"),
        "{err}"
    );
    assert_eq!(count(&site, "participants"), 0);
}

#[test]
fn already_confirmed_people_are_added_to_the_pool_without_email() {
    let mut site = Site::new();
    write(&site, "steering.csv", GOOD_AND_BAD.as_bytes());
    let (code, out, err) = run_code(
        &mut site,
        &[
            "participants",
            "import",
            "steering.csv",
            "--already-confirmed",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2 added, 2 not added."));
    assert!(out.contains("no confirmation email was sent"), "{out}");
    assert_eq!(
        count(
            &site,
            "participants WHERE status = 'active' AND source = 'import_confirmed' AND confirmed_at IS NOT NULL"
        ),
        2
    );
    assert_eq!(count(&site, "outbox"), 0);
    assert_eq!(count(&site, "tokens"), 0);
}

#[test]
fn an_unreadable_file_exits_2_and_adds_nobody() {
    let mut site = Site::new();
    let (code, _, err) = run_code(&mut site, &["participants", "import", "missing.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("Could not read missing.csv"), "{err}");

    write(
        &site,
        "latin1.csv",
        b"name,email,phone,organisation\nJos\xe9,j@x.org,0113 496 0000,Leeds\n",
    );
    let (code, _, err) = run_code(&mut site, &["participants", "import", "latin1.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("UTF-8"), "{err}");
    assert!(err.contains("Nobody was added"));

    write(&site, "columns.csv", b"full name,email\nJo,jo@x.org\n");
    let (code, _, err) = run_code(&mut site, &["participants", "import", "columns.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("it has no name, phone, organisation"), "{err}");
    assert!(err.contains("name,email,phone,organisation,google_id,skype,topics"));
    assert_eq!(count(&site, "participants"), 0);
}

#[test]
fn an_export_is_csv_with_formulas_neutralised() {
    let mut site = Site::new();
    write(
        &site,
        "people.csv",
        b"name,email,phone,organisation,topics\n\
\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",evil@example.org,0113 496 0000,+cmd,-2+3\n\
Pat Partner,pat@example.org,0113 496 0001,York Council,\n",
    );
    let (code, out, err) = run_code(
        &mut site,
        &[
            "participants",
            "import",
            "people.csv",
            "--already-confirmed",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    answered_round(&site);

    let (code, out, err) = run_code(&mut site, &["participants", "export"]);
    assert_eq!(code, 0, "{err}");
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        &header[..5],
        ["id", "name", "email", "phone", "organisation"]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][1], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assert_eq!(&rows[0][4], "'+cmd");
    assert_eq!(&rows[0][7], "'-2+3");
    assert_eq!(&rows[0][11], "import_confirmed");
    assert_eq!(&rows[1][1], "Pat Partner");

    let (code, out, _) = run_code(&mut site, &["participants", "export", "--what", "outputs"]);
    assert_eq!(code, 0);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(out.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 1, "{out}");
    assert_eq!(&rows[0][6], "'@SUM(A1)");
    assert_eq!(&rows[0][7], "no");

    let (code, out, _) = run_code(&mut site, &["participants", "export", "--what", "rounds"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "id,started_at,trigger,include_all,people_due,groups,trios,sat_out,forced_repeats,same_organisation_pairs\n\
         1,2026-11-02 09:00:00,manual,yes,2,1,0,0,0,0\n"
    );
}
