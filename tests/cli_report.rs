//! `unmentoring report` against a hand-built fixture whose figures are worked
//! out by hand below.
//!
//! Organisations A, B and C; person 5 has left (organisation erased).
//!
//! Round 1 (2026-10-05 09:00), 3 groups, 7 members, same-organisation pairs 1:
//!   group 1: p1 (A) yes 4, 2 links  | p2 (B) yes 5
//!   group 2: p3 (A) no              | p4 (C) no answer
//!   group 3: p5 (B, left) not yet   | p6 (C) yes 2, 1 link | p7 (B) no answer
//!   answered 5/7 = 71.4%; yes 3/5 = 60.0%, not yet 1/5 = 20.0%, no 1/5 = 20.0%;
//!   conversations 2/3 = 66.7% (groups 1 and 3); outputs 3; challenged
//!   (4+5+2)/3 = 3.7; pairs 1+1+3 = 5, cross-org (5-1)/5 = 80.0%.
//! Round 2 (2026-11-02 09:00), 4 groups, 8 members, same-organisation pairs 1:
//!   group 1: p1 (A) yes 3, 1 link   | p3 (A) yes
//!   group 2: p2 (B) not yet, 1 link | p8 (C) not yet 1, 2 links
//!   group 3: p4 (C) no answer       | p9 (A) no answer
//!   group 4: p5 no answer           | p6 no answer
//!   answered 4/8 = 50.0%; yes 2/4 = 50.0%, not yet 2/4 = 50.0%, no 0/4 = 0.0%;
//!   conversations 1/4 = 25.0% (two yeses, one group); outputs 4; challenged
//!   (3+1)/2 = 2.0; pairs 4, cross-org 3/4 = 75.0%.
//! Total: groups 7, members 15, answered 9/15 = 60.0%; yes 5/9 = 55.6%, not
//!   yet 3/9 = 33.3%, no 1/9 = 11.1%; conversations 3/7 = 42.9%; outputs 7;
//!   challenged 15/5 = 3.0; pairs 9, same 2, cross-org 7/9 = 77.8%.
//!   (Averaging the rounds would give 60.7%, 55.0%, 35.0%, 10.0%, 2.8, 77.5%.)

mod common;

use common::csv_output::parse_csv;
use common::process::{poll, Guard, Site};
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};

fn migrated() -> (Site, unmentoring::db::Conn) {
    let mut site = Site::new();
    let ran = site.run(&["migrate"]);
    assert!(ran.ok, "{}", ran.all());
    let conn = unmentoring::db::connection(&site.database()).unwrap();
    (site, conn)
}

const PERSON: &str = "INSERT INTO participants (id, status, name, organisation, cadence, consent_at, created_at, updated_at) VALUES";
const WHEN: &str = "'monthly', '2026-09-01', '2026-09-01', '2026-09-01'";
const ROUND: &str = "INSERT INTO rounds (id, round_key, trigger, seed, include_all, odd_one_out, started_at, people_due,
    groups_count, trios, sat_out, forced_repeats, same_organisation_pairs) VALUES";
const MEMBER: &str =
    "INSERT INTO group_members (id, round_id, group_number, participant_id) VALUES";

/// The fixture described at the top of this file. Raw SQL on purpose: it
/// fixes every id (round 2 stored before round 1) and each round's stored
/// figures, which the app's functions choose for themselves.
fn fixture_sql() -> String {
    format!(
        "{PERSON} (1, 'active', 'P1', 'A', {WHEN}), (2, 'active', 'P2', 'B', {WHEN}),
           (3, 'active', 'P3', 'A', {WHEN}), (4, 'active', 'P4', 'C', {WHEN}),
           (5, 'left', '', '', {WHEN}), (6, 'active', 'P6', 'C', {WHEN}), (7, 'active', 'P7', 'B', {WHEN}),
           (8, 'active', 'P8', 'C', {WHEN}), (9, 'active', 'P9', 'A', {WHEN});
         -- Round 2 is stored first, so that insertion order is not the report's order.
         {ROUND} (2, 'manual:2', 'manual', 7, FALSE, 'trio', '2026-11-02 09:00:00', 8, 4, 0, 0, 0, 1),
                 (1, 'manual:1', 'manual', 7, FALSE, 'trio', '2026-10-05 09:00:00', 7, 3, 1, 0, 0, 1);
         {MEMBER} (1, 1, 1, 1), (2, 1, 1, 2), (3, 1, 2, 3), (4, 1, 2, 4), (5, 1, 3, 5), (6, 1, 3, 6), (7, 1, 3, 7),
           (11, 2, 1, 1), (12, 2, 1, 3), (13, 2, 2, 2), (14, 2, 2, 8), (15, 2, 3, 4), (16, 2, 3, 9),
           (17, 2, 4, 5), (18, 2, 4, 6);
         INSERT INTO followup_answers (group_member_id, met, challenged, answered_at, updated_at)
           SELECT column1, column2, column3, '2026-10-20 00:00:00', '2026-10-20 00:00:00' FROM (VALUES
           (1, 'yes', 4), (2, 'yes', 5), (3, 'no', NULL), (5, 'not_yet', NULL), (6, 'yes', 2),
           (11, 'yes', 3), (12, 'yes', NULL), (13, 'not_yet', NULL), (14, 'not_yet', 1)) AS v;
         INSERT INTO shared_links (group_member_id, url, created_at)
           SELECT column1, 'https://example.org/' || column2, '2026-10-20' FROM (VALUES
           (1, 'a'), (1, 'b'), (6, 'c'), (11, 'd'), (13, 'e'), (14, 'f'), (14, 'g')) AS v;"
    )
}

fn fixture() -> Site {
    let (site, mut conn) = migrated();
    conn.batch_execute(&fixture_sql()).unwrap();
    site
}

/// One row of the report as worked out by hand; "" is no value (– / empty / null).
struct Expected {
    round: &'static str,
    started: &'static str,
    groups: u64,
    members: u64,
    answered: (u64, &'static str),
    yes: (u64, &'static str),
    not_yet: (u64, &'static str),
    no: (u64, &'static str),
    conversations: (u64, &'static str),
    outputs: u64,
    challenged: &'static str,
    pairs: u64,
    same_org: u64,
    cross_org: &'static str,
}

const ROUND_1: Expected = Expected {
    round: "1",
    started: "2026-10-05T09:00:00Z",
    groups: 3,
    members: 7,
    answered: (5, "71.4"),
    yes: (3, "60.0"),
    not_yet: (1, "20.0"),
    no: (1, "20.0"),
    conversations: (2, "66.7"),
    outputs: 3,
    challenged: "3.7",
    pairs: 5,
    same_org: 1,
    cross_org: "80.0",
};

const ROUND_2: Expected = Expected {
    round: "2",
    started: "2026-11-02T09:00:00Z",
    groups: 4,
    members: 8,
    answered: (4, "50.0"),
    yes: (2, "50.0"),
    not_yet: (2, "50.0"),
    no: (0, "0.0"),
    conversations: (1, "25.0"),
    outputs: 4,
    challenged: "2.0",
    pairs: 4,
    same_org: 1,
    cross_org: "75.0",
};

const TOTAL: Expected = Expected {
    round: "total",
    started: "",
    groups: 7,
    members: 15,
    answered: (9, "60.0"),
    yes: (5, "55.6"),
    not_yet: (3, "33.3"),
    no: (1, "11.1"),
    conversations: (3, "42.9"),
    outputs: 7,
    challenged: "3.0",
    pairs: 9,
    same_org: 2,
    cross_org: "77.8",
};

fn csv_row(e: &Expected) -> Vec<String> {
    let mut row = vec![
        e.round.to_owned(),
        e.started.to_owned(),
        e.groups.to_string(),
        e.members.to_string(),
    ];
    for (count, pct) in [e.answered, e.yes, e.not_yet, e.no, e.conversations] {
        row.extend([count.to_string(), pct.to_owned()]);
    }
    row.extend([
        e.outputs.to_string(),
        e.challenged.to_owned(),
        e.pairs.to_string(),
        e.same_org.to_string(),
    ]);
    row.push(e.cross_org.to_owned());
    // This fixture has no meetings rows and nobody left a group: the
    // figures from introduction to conversation (tests/cli_report_steps.rs) are empty.
    row.extend(NOTHING_HAPPENED.map(str::to_owned));
    row
}

/// arranged, arranged_pct, declined, rematched, bounced, nudged, and the two medians.
const NOTHING_HAPPENED: [&str; 8] = ["0", "0.0", "0", "0", "0", "0", "", ""];

fn num(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        json!(s.parse::<f64>().unwrap())
    }
}

fn json_figures(e: &Expected) -> Value {
    json!({
        "groups": e.groups, "members": e.members,
        "answered": e.answered.0, "answered_pct": num(e.answered.1),
        "met_yes": e.yes.0, "met_yes_pct": num(e.yes.1),
        "met_not_yet": e.not_yet.0, "met_not_yet_pct": num(e.not_yet.1),
        "met_no": e.no.0, "met_no_pct": num(e.no.1),
        "conversations": e.conversations.0, "conversations_pct": num(e.conversations.1),
        "outputs_shared": e.outputs, "mean_challenged": num(e.challenged),
        "pairs": e.pairs, "same_organisation_pairs": e.same_org,
        "cross_organisation_pct": num(e.cross_org),
        "arranged": 0, "arranged_pct": 0.0, "declined": 0, "rematched": 0, "bounced": 0,
        "nudged": 0, "median_days_to_arranged": null, "median_days_to_met": null,
    })
}

fn json_round(e: &Expected) -> Value {
    let mut v = json_figures(e);
    v["round"] = json!(e.round.parse::<i64>().unwrap());
    v["started_at"] = json!(e.started);
    v
}

/// The text table's cells, split on spaces: "5 (71.4%)" is two of them.
fn text_tokens(e: &Expected) -> Vec<String> {
    let or_dash = |s: &str, suffix: &str| {
        if s.is_empty() {
            "–".to_owned()
        } else {
            format!("{s}{suffix}")
        }
    };
    let mut t = vec![if e.round == "total" {
        "TOTAL".to_owned()
    } else {
        e.round.to_owned()
    }];
    if !e.started.is_empty() {
        // 2026-10-05T09:00:00Z is shown as 2026-10-05 09:00.
        t.extend(
            e.started
                .trim_end_matches(":00Z")
                .split('T')
                .map(str::to_owned),
        );
    }
    t.extend([e.groups.to_string(), e.members.to_string()]);
    for (count, pct) in [e.answered, e.yes, e.not_yet, e.no, e.conversations] {
        t.extend([count.to_string(), format!("({})", or_dash(pct, "%"))]);
    }
    t.extend([
        e.outputs.to_string(),
        or_dash(e.challenged, ""),
        or_dash(e.cross_org, "%"),
    ]);
    t
}

fn report(site: &mut Site, args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend(args);
    let ran = site.run(&all);
    assert!(ran.ok, "{all:?}: {}", ran.all());
    ran.stdout
}

fn table(out: &str) -> Vec<Vec<String>> {
    let lines: Vec<&str> = out.lines().take_while(|l| !l.trim().is_empty()).collect();
    assert!(lines[0].trim_start().starts_with("ROUND"), "{out}");
    lines[1..]
        .iter()
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .collect()
}

#[test]
fn the_report_matches_the_hand_built_fixture_in_every_format() {
    let mut site = fixture();

    let text = report(&mut site, &[]);
    assert_eq!(
        table(&text),
        vec![
            text_tokens(&ROUND_1),
            text_tokens(&ROUND_2),
            text_tokens(&TOTAL)
        ],
        "{text}"
    );
    assert!(
        text.contains("as a % of the members who answered"),
        "{text}"
    );
    assert!(text.contains("a trio is 3 pairs"), "{text}");

    let (header, rows) = parse_csv(&report(&mut site, &["--format", "csv"]));
    assert_eq!(&header[..3], ["round", "started_at", "groups"]);
    assert_eq!(header.len(), 27);
    assert_eq!(
        rows,
        vec![csv_row(&ROUND_1), csv_row(&ROUND_2), csv_row(&TOTAL)]
    );

    let json: Value = serde_json::from_str(&report(&mut site, &["--format", "json"])).unwrap();
    let mut total = json_figures(&TOTAL);
    total["rounds"] = json!(2);
    assert_eq!(
        json,
        json!({ "rounds": [json_round(&ROUND_1), json_round(&ROUND_2)], "total": total })
    );
}

#[test]
fn one_round_alone_has_no_total_and_an_unknown_round_exits_2() {
    let mut site = fixture();
    let text = report(&mut site, &["--round", "2"]);
    assert_eq!(table(&text), vec![text_tokens(&ROUND_2)], "{text}");

    let (_, rows) = parse_csv(&report(&mut site, &["--round", "2", "--format", "csv"]));
    assert_eq!(rows, vec![csv_row(&ROUND_2)]);

    let json: Value =
        serde_json::from_str(&report(&mut site, &["--format=json", "--round=2"])).unwrap();
    assert_eq!(
        json,
        json!({ "rounds": [json_round(&ROUND_2)], "total": null })
    );

    let (mut cmd, out, err) = site.command(&["report", "--round", "99"], "missing");
    let mut child = Guard(cmd.spawn().unwrap());
    let status = poll(60, "report --round 99", || child.0.try_wait().unwrap());
    assert_eq!(status.code(), Some(2));
    assert!(std::fs::read_to_string(out).unwrap().is_empty());
    let err = std::fs::read_to_string(err).unwrap();
    assert!(err.contains("There is no round 99"), "{err}");
}

#[test]
fn a_round_nobody_answered_has_no_percentages_of_answers() {
    let (mut site, mut conn) = migrated();
    conn.batch_execute(&format!(
        "{PERSON} (1, 'active', 'P1', 'A', {WHEN}), (2, 'active', 'P2', 'A', {WHEN});
         {ROUND} (1, 'manual:1', 'manual', 7, FALSE, 'trio', '2026-10-05 09:00:00', 2, 1, 0, 0, 0, 1);
         {MEMBER} (1, 1, 1, 1), (2, 1, 1, 2);"
    ))
    .unwrap();
    let silent = Expected {
        round: "1",
        started: "2026-10-05T09:00:00Z",
        groups: 1,
        members: 2,
        answered: (0, "0.0"),
        yes: (0, ""),
        not_yet: (0, ""),
        no: (0, ""),
        conversations: (0, "0.0"),
        outputs: 0,
        challenged: "",
        pairs: 1,
        same_org: 1,
        cross_org: "0.0",
    };
    let total = Expected {
        round: "total",
        started: "",
        ..silent
    };

    let text = report(&mut site, &[]);
    assert_eq!(
        table(&text),
        vec![text_tokens(&silent), text_tokens(&total)],
        "{text}"
    );
    assert!(!text.contains("NaN"));
    let (_, rows) = parse_csv(&report(&mut site, &["--format", "csv"]));
    assert_eq!(rows, vec![csv_row(&silent), csv_row(&total)]);
    let json: Value = serde_json::from_str(&report(&mut site, &["--format", "json"])).unwrap();
    assert_eq!(json["rounds"], json!([json_round(&silent)]));
    assert_eq!(json["total"]["met_yes_pct"], Value::Null);
    assert_eq!(json["total"]["mean_challenged"], Value::Null);
}

#[test]
fn an_empty_database_has_no_rounds_to_report() {
    let mut site = Site::new();
    let text = report(&mut site, &[]);
    assert!(text.contains("No rounds yet"), "{text}");

    let json: Value = serde_json::from_str(&report(&mut site, &["--format", "json"])).unwrap();
    assert_eq!(json["rounds"], json!([]));
    assert_eq!(json["total"]["members"], json!(0));
    assert_eq!(json["total"]["answered_pct"], Value::Null);

    let ran = site.run(&["report", "--format", "csv"]);
    assert!(
        ran.ok && ran.stderr.contains("No rounds yet"),
        "{}",
        ran.all()
    );
    let (header, rows) = parse_csv(&ran.stdout);
    assert_eq!(header[0], "round");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][..4], ["total", "", "0", "0"]);
}

#[test]
fn an_unknown_format_is_refused() {
    let mut site = Site::new();
    let ran = site.run(&["report", "--format", "xml"]);
    assert!(!ran.ok);
    assert!(ran.stderr.contains("invalid value 'xml'"), "{}", ran.stderr);
    assert!(ran.stderr.contains("text, csv, json"), "{}", ran.stderr);
}
