//! `unmentoring report --experiment` against a hand-built fixture whose
//! figures are worked out by hand below.
//!
//! Round 1 (2026-10-05 09:00):
//!   group 1 random:  p1 yes, challenge 4, would repeat, new connection, a link
//!                    p2 yes, challenge 2, would not repeat
//!   group 2 random:  p3 no | p4 no answer
//!   group 3 matched: p5 yes, challenge 5, would repeat, a link
//!                    p6 yes, challenge 4, no new connection
//! Round 2 (2026-11-02 09:00):
//!   group 1 matched: p1 yes, challenge 3 | p3 not yet
//!   group 2 random:  p2 yes, challenge 5 | p4 yes, challenge 3, a link
//!
//! Random: 3 groups, 6 people, answered 5/6 = 83.3%, met 4/5 = 80.0%,
//!   shared 2/4 = 50.0%, would repeat 1/2 = 50.0%, new connection 1/1 =
//!   100.0%, challenge (4+2+5+3)/4 = 3.50 from 4 answers.
//! Matched: 2 groups, 4 people, answered 4/4 = 100.0%, met 3/4 = 75.0%,
//!   shared 1/3 = 33.3%, would repeat 1/1 = 100.0%, new connection 0/1 =
//!   0.0%, challenge (5+4+3)/3 = 4.00 from 3 answers.
//! All: 5 groups, 10 people, answered 9/10 = 90.0%, met 7/9 = 77.8%, shared
//!   3/7 = 42.9%, would repeat 2/3 = 66.7%, new connection 1/2 = 50.0%,
//!   challenge 26/7 = 3.71 from 7 answers.
//! Comparison: challenge 3.50 − 4.00 = −0.50; met 80.0 − 75.0 = 5.0 points.
//! Round 1: random 2 groups, 4 people, met 2/3 = 66.7%, challenge 3.00;
//!   matched 1, 2, 2/2 = 100.0%, 4.50; all 3, 6, 4/5 = 80.0%, 3.75.
//! Round 2: random 1, 2, 2/2 = 100.0%, 4.00; matched 1, 2, 1/2 = 50.0%, 3.00;
//!   all 2, 4, 3/4 = 75.0%, 3.67.

mod common;

use common::csv_output::parse_csv;
use common::process::{poll, Guard, Site};
use diesel::connection::SimpleConnection;
use serde_json::{json, Value};
use unmentoring::domain::statistics;

const PERSON: &str = "INSERT INTO participants (id, status, name, organisation, cadence, consent_at, created_at, updated_at) VALUES";
const WHEN: &str = "'monthly', '2026-09-01', '2026-09-01', '2026-09-01'";
const ROUND: &str = "INSERT INTO rounds (id, round_key, trigger, seed, include_all, odd_one_out, started_at, people_due,
    groups_count, trios, sat_out, forced_repeats, same_organisation_pairs) VALUES";

fn people_and_rounds() -> String {
    let people: Vec<String> = (1..=6)
        .map(|id| format!("({id}, 'active', 'P{id}', 'A', {WHEN})"))
        .collect();
    format!(
        "{PERSON} {};
         {ROUND} (1, 'manual:1', 'manual', 7, FALSE, 'trio', '2026-10-05 09:00:00', 6, 3, 0, 0, 0, 0),
                 (2, 'manual:2', 'manual', 7, FALSE, 'trio', '2026-11-02 09:00:00', 4, 2, 0, 0, 0, 0);
         INSERT INTO group_members (id, round_id, group_number, participant_id) VALUES
           (1, 1, 1, 1), (2, 1, 1, 2), (3, 1, 2, 3), (4, 1, 2, 4), (5, 1, 3, 5), (6, 1, 3, 6),
           (11, 2, 1, 1), (12, 2, 1, 3), (13, 2, 2, 2), (14, 2, 2, 4);",
        people.join(", ")
    )
}

/// The fixture described at the top of this file.
fn fixture_sql(with_arms: bool) -> String {
    let arms = if with_arms {
        "INSERT INTO meetings (round_id, group_number, created_at, arm) VALUES
           (1, 1, '2026-10-05', 'random'), (1, 2, '2026-10-05', 'random'),
           (1, 3, '2026-10-05', 'matched'), (2, 1, '2026-11-02', 'matched'),
           (2, 2, '2026-11-02', 'random');"
    } else {
        ""
    };
    format!(
        "{} {arms}
         INSERT INTO followup_answers (group_member_id, met, challenged, would_repeat, new_connection, answered_at, updated_at)
           SELECT column1, column2, column3, column4, column5, '2026-10-20', '2026-10-20' FROM (VALUES
           (1, 'yes', 4, TRUE, TRUE), (2, 'yes', 2, FALSE, NULL), (3, 'no', NULL, NULL, NULL),
           (5, 'yes', 5, TRUE, NULL), (6, 'yes', 4, NULL, FALSE),
           (11, 'yes', 3, NULL, NULL), (12, 'not_yet', NULL, NULL, NULL),
           (13, 'yes', 5, NULL, NULL), (14, 'yes', 3, NULL, NULL)) AS v;
         INSERT INTO shared_links (group_member_id, url, created_at) VALUES
           (1, 'https://example.org/a', '2026-10-20'), (5, 'https://example.org/b', '2026-10-20'),
           (14, 'https://example.org/c', '2026-10-20');",
        people_and_rounds()
    )
}

fn fixture(with_arms: bool) -> Site {
    let mut site = Site::new();
    let ran = site.run(&["migrate"]);
    assert!(ran.ok, "{}", ran.all());
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    conn.batch_execute(&fixture_sql(with_arms)).unwrap();
    if with_arms {
        site.set("EXPERIMENT__MATCHED_SHARE", "0.5");
    }
    site
}

fn report(site: &mut Site, format: &str) -> String {
    let args = ["report", "--experiment", "--format", format];
    let ran = site.run(&args);
    assert!(ran.ok, "{args:?}: {}", ran.all());
    ran.stdout
}

const RANDOM: [f64; 4] = [4.0, 2.0, 5.0, 3.0];
const MATCHED: [f64; 3] = [5.0, 4.0, 3.0];

fn round_to(v: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (v * scale).round() / scale
}

/// The interval of `scores`' mean, as the report rounds it.
fn ci(scores: &[f64]) -> (f64, f64) {
    let ci = statistics::mean_ci(scores, 0.95).unwrap();
    (round_to(ci.low, 2), round_to(ci.high, 2))
}

#[test]
fn json_has_each_arm_the_comparison_and_each_round() {
    let mut site = fixture(true);
    let json: Value = serde_json::from_str(&report(&mut site, "json")).unwrap();
    assert_eq!(json["matched_share"], json!(0.5));
    assert_eq!(json["comparing"], json!(true));
    assert!(json["hypothesis"].as_str().unwrap().len() > 10);

    let (low, high) = ci(&RANDOM);
    // By hand: 3.5 ± t(3, 0.975) 3.182 · √(5/3)/2 → 1.45 to 5.55.
    assert_eq!((low, high), (1.45, 5.55));
    let (m_low, m_high) = ci(&MATCHED);
    assert_eq!(
        json["arms"]["random"],
        json!({"groups": 3, "people": 6, "answered": 5, "answered_pct": 83.3, "met": 4,
               "met_pct": 80.0, "shared": 2, "shared_pct": 50.0, "would_repeat_pct": 50.0,
               "new_connection_pct": 100.0, "challenge_mean": 3.5, "challenge_ci_low": low,
               "challenge_ci_high": high, "challenge_answers": 4})
    );
    assert_eq!(
        json["arms"]["matched"],
        json!({"groups": 2, "people": 4, "answered": 4, "answered_pct": 100.0, "met": 3,
               "met_pct": 75.0, "shared": 1, "shared_pct": 33.3, "would_repeat_pct": 100.0,
               "new_connection_pct": 0.0, "challenge_mean": 4.0, "challenge_ci_low": m_low,
               "challenge_ci_high": m_high, "challenge_answers": 3})
    );
    let all = &json["arms"]["all"];
    assert_eq!(
        [
            &all["groups"],
            &all["people"],
            &all["answered_pct"],
            &all["met_pct"]
        ],
        [&json!(5), &json!(10), &json!(90.0), &json!(77.8)]
    );
    assert_eq!(
        [
            &all["shared_pct"],
            &all["would_repeat_pct"],
            &all["new_connection_pct"]
        ],
        [&json!(42.9), &json!(66.7), &json!(50.0)]
    );
    assert_eq!(all["challenge_mean"], json!(3.71));

    let c = &json["comparison"];
    assert_eq!(c["challenge_difference"], json!(-0.5));
    assert_eq!(c["met_pct_difference"], json!(5.0));
    let met = statistics::two_proportions(4, 5, 3, 4).unwrap();
    assert_eq!(c["met_p"], json!(round_to(met.p_two_sided, 4)));
    let diff = statistics::difference_ci(&RANDOM, &MATCHED, 0.95).unwrap();
    assert_eq!(
        c["challenge_difference_ci_low"],
        json!(round_to(diff.low, 2))
    );
    let p = statistics::mann_whitney(&RANDOM, &MATCHED)
        .unwrap()
        .p_two_sided;
    assert_eq!(c["challenge_p"], json!(round_to(p, 4)));
    assert_eq!(c["verdict"], json!(statistics::verdict(&RANDOM, &MATCHED)));
    assert!(c["more_answers_for_power"].is_u64() || c["more_answers_for_power"].is_null());

    let rounds = json["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!(rounds[0]["round"], json!(1));
    assert_eq!(rounds[0]["started_at"], json!("2026-10-05T09:00:00Z"));
    let r2 = &rounds[1]["arms"];
    assert_eq!(r2["matched"]["met_pct"], json!(50.0));
    assert_eq!(r2["matched"]["challenge_mean"], json!(3.0));
    // One score has a mean but no interval.
    assert_eq!(r2["matched"]["challenge_ci_low"], Value::Null);
    assert_eq!(r2["all"]["challenge_mean"], json!(3.67));
}

/// A row's value in `column`.
fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header.iter().position(|h| h == column).unwrap();
    &row[i]
}

#[test]
fn csv_has_a_row_per_scope_and_arm_and_one_for_the_comparison() {
    let mut site = fixture(true);
    let (header, rows) = parse_csv(&report(&mut site, "csv"));
    assert_eq!(header[..4], ["scope", "arm", "started_at", "groups"]);
    assert_eq!(header.len(), 3 + 14 + 8);
    let keys: Vec<(&str, &str)> = rows.iter().map(|r| (&r[0][..], &r[1][..])).collect();
    assert_eq!(
        keys,
        [
            ("round:1", "random"),
            ("round:1", "matched"),
            ("round:1", "all"),
            ("round:2", "random"),
            ("round:2", "matched"),
            ("round:2", "all"),
            ("total", "random"),
            ("total", "matched"),
            ("total", "all"),
            ("total", "comparison"),
        ]
    );
    let column = |row: usize, name: &str| cell(&header, &rows[row], name).to_owned();
    assert_eq!(column(0, "met_pct"), "66.7");
    assert_eq!(column(0, "challenge_mean"), "3.00");
    assert_eq!(column(1, "met_pct"), "100.0");
    assert_eq!(column(6, "met_pct"), "80.0");
    assert_eq!(column(6, "challenge_mean"), "3.50");
    assert_eq!(column(6, "challenge_ci_low"), "1.45");
    assert_eq!(column(7, "challenge_mean"), "4.00");
    assert_eq!(column(8, "people"), "10");
    assert_eq!(column(6, "verdict"), "");
    assert_eq!(column(9, "groups"), "");
    assert_eq!(column(9, "challenge_difference"), "-0.50");
    assert_eq!(column(9, "met_pct_difference"), "5.0");
}

#[test]
fn text_has_the_arms_the_comparison_rounds_and_what_they_mean() {
    let mut site = fixture(true);
    let text = report(&mut site, "text");
    let line = |start: &str| {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line {start}: {text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("ALL ROUNDS"), "ALL ROUNDS RANDOM MATCHED ALL");
    assert_eq!(line("Met "), "Met 4 (80.0%) 3 (75.0%) 7 (77.8%)");
    assert!(line("Challenge  ").starts_with("Challenge 3.50 (1.45 to 5.55) 4.00"));
    assert_eq!(line("Challenge answers "), "Challenge answers 4 3 7");
    assert!(line("Challenge difference").contains("-0.50 (95% CI"));
    assert_eq!(
        line("Met difference"),
        format!(
            "Met difference (random − matched) 5.0 percentage points, p = {:.4}",
            statistics::two_proportions(4, 5, 3, 4).unwrap().p_two_sided
        )
    );
    let verdict = statistics::verdict(&RANDOM, &MATCHED);
    assert!(text.contains(&format!("Verdict: {verdict}")), "{text}");
    assert_eq!(
        line("    2  2026-11-02 09:00  matched"),
        "2 2026-11-02 09:00 matched 1 2 1 (50.0%) 3.00"
    );
    assert!(text.contains("t-based"), "{text}");
    assert!(text.contains("as a % of those who answered"), "{text}");
    assert!(!text.contains("No comparison is running"));
}

#[test]
fn without_a_matched_share_or_matched_groups_only_everyone_is_shown() {
    let mut site = fixture(false);
    let text = report(&mut site, "text");
    assert!(
        text.contains("No comparison is running: experiment.matched_share is 0."),
        "{text}"
    );
    assert!(
        !text.contains("MATCHED") && !text.contains("Verdict"),
        "{text}"
    );

    let json: Value = serde_json::from_str(&report(&mut site, "json")).unwrap();
    assert_eq!(json["comparing"], json!(false));
    assert_eq!(json["comparison"], Value::Null);
    assert_eq!(json["matched_share"], json!(0.0));
    assert_eq!(json["arms"]["all"]["people"], json!(10));
    assert_eq!(json["arms"]["all"]["met_pct"], json!(77.8));

    let (header, rows) = parse_csv(&report(&mut site, "csv"));
    let arms: Vec<&str> = rows.iter().map(|r| &r[1][..]).collect();
    assert_eq!(arms, ["all", "all", "all"]);
    assert_eq!(rows[2][0], "total");
    assert_eq!(cell(&header, &rows[2], "challenge_mean"), "3.71");
}

#[test]
fn experiment_with_one_round_is_refused_with_exit_code_2() {
    let mut site = fixture(false);
    let args = ["report", "--experiment", "--round", "1"];
    let (mut cmd, out, err) = site.command(&args, "refused");
    let mut child = Guard(cmd.spawn().unwrap());
    let status = poll(60, "report --experiment --round", || {
        child.0.try_wait().unwrap()
    });
    assert_eq!(status.code(), Some(2));
    assert!(std::fs::read_to_string(out).unwrap().is_empty());
    let err = std::fs::read_to_string(err).unwrap();
    assert!(err.contains("leave out --round"), "{err}");
}

#[test]
fn an_empty_database_has_no_rounds_and_no_figures() {
    let mut site = Site::new();
    let text = report(&mut site, "text");
    assert!(text.contains("No rounds yet."), "{text}");
    assert!(text.contains("No comparison is running"), "{text}");
    assert!(!text.contains("NaN"), "{text}");
    let json: Value = serde_json::from_str(&report(&mut site, "json")).unwrap();
    assert_eq!(json["rounds"], json!([]));
    assert_eq!(json["arms"]["all"]["people"], json!(0));
    assert_eq!(json["arms"]["all"]["met_pct"], Value::Null);
    assert_eq!(json["arms"]["all"]["challenge_mean"], Value::Null);
    let (_, rows) = parse_csv(&report(&mut site, "csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][..4], ["total", "all", "", "0"]);
}
