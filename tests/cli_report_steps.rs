//! `unmentoring report`: the figures from introduction to conversation, and
//! each person counted once, in their final group, against the fixture in
//! `common/conversation_figures.rs` (every figure worked out by hand there).

mod common;
#[path = "common/conversation_figures.rs"]
mod conversation_figures;

use common::process::Site;
use conversation_figures::{self as fixture, COLUMNS, ROUND_1, ROUND_2, TOTAL};
use serde_json::{json, Value};

fn built() -> Site {
    let mut site = Site::new();
    let ran = site.run(&["migrate"]);
    assert!(ran.ok, "{}", ran.all());
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    let built = fixture::build(&mut conn);
    assert_eq!((built.round_1, built.round_2), (1, 2));
    site
}

fn report(site: &mut Site, args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend(args);
    let ran = site.run(&all);
    assert!(ran.ok, "{all:?}: {}", ran.all());
    ran.stdout
}

fn row(first: &str, second: &str, figures: &[&str; 25]) -> Vec<String> {
    let mut row = vec![first.to_owned(), second.to_owned()];
    row.extend(figures.iter().map(|s| (*s).to_owned()));
    row
}

/// A figure as json gives it: a count, a decimal, or null.
fn value(figure: &str) -> Value {
    if figure.is_empty() {
        Value::Null
    } else if figure.contains('.') {
        json!(figure.parse::<f64>().unwrap())
    } else {
        json!(figure.parse::<u64>().unwrap())
    }
}

/// The report's fields, by name, in the columns' order.
fn json_figures(json: &Value) -> Vec<(String, Value)> {
    COLUMNS
        .iter()
        .map(|name| (name.to_string(), json[*name].clone()))
        .collect()
}

fn expected_json(figures: &[&str; 25]) -> Vec<(String, Value)> {
    COLUMNS
        .iter()
        .zip(figures.iter())
        .map(|(name, figure)| (name.to_string(), value(figure)))
        .collect()
}

/// The text's blocks: the figures table, the conversation table, the footer.
fn blocks(text: &str) -> Vec<Vec<Vec<String>>> {
    text.split("\n\n")
        .map(|block| {
            block
                .lines()
                .map(|l| l.split_whitespace().map(str::to_owned).collect())
                .collect()
        })
        .collect()
}

fn tokens(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_owned).collect()
}

#[test]
fn the_report_counts_every_step_and_each_person_once_in_every_format() {
    let mut site = built();

    let (header, rows) = {
        let out = report(&mut site, &["--format", "csv"]);
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    };
    assert_eq!(header, row("round", "started_at", &COLUMNS));
    assert_eq!(
        rows,
        vec![
            row("1", "2026-10-05T09:00:00Z", &ROUND_1),
            row("2", "2026-11-02T09:00:00Z", &ROUND_2),
            row("total", "", &TOTAL),
        ]
    );

    let json: Value = serde_json::from_str(&report(&mut site, &["--format", "json"])).unwrap();
    assert_eq!(json_figures(&json["rounds"][0]), expected_json(&ROUND_1));
    assert_eq!(json_figures(&json["rounds"][1]), expected_json(&ROUND_2));
    assert_eq!(json_figures(&json["total"]), expected_json(&TOTAL));
    assert_eq!(json["rounds"][1]["median_days_to_met"], Value::Null);

    let text = report(&mut site, &[]);
    let blocks = blocks(&text);
    assert_eq!(
        blocks[0][1..],
        [
            tokens("1 2026-10-05 09:00 4 9 8 (88.9%) 6 (75.0%) 1 (12.5%) 1 (12.5%) 4 (100.0%) 1 4.5 83.3%"),
            tokens("2 2026-11-02 09:00 1 2 0 (0.0%) 0 (–) 0 (–) 0 (–) 0 (0.0%) 0 – 0.0%"),
            tokens("TOTAL 5 11 8 (72.7%) 6 (75.0%) 1 (12.5%) 1 (12.5%) 4 (80.0%) 1 4.5 71.4%"),
        ],
        "{text}"
    );
    assert_eq!(
        blocks[1][0][..3],
        ["ROUND", "ARRANGED", "DECLINED"],
        "{text}"
    );
    assert_eq!(
        blocks[1][1..],
        [
            tokens("1 3 (75.0%) 1 2 1 2 1.5 2.5"),
            tokens("2 0 (0.0%) 0 0 0 0 – –"),
            tokens("TOTAL 3 (60.0%) 1 2 1 2 1.5 2.5"),
        ],
        "{text}"
    );
    assert!(text.contains("mean of the two middle values"), "{text}");
}

#[test]
fn one_round_alone_has_its_own_medians_and_no_total() {
    let mut site = built();
    let json: Value =
        serde_json::from_str(&report(&mut site, &["--format", "json", "--round", "1"])).unwrap();
    assert_eq!(json["total"], Value::Null);
    assert_eq!(json_figures(&json["rounds"][0]), expected_json(&ROUND_1));

    let text = report(&mut site, &["--round", "2"]);
    assert_eq!(
        blocks(&text)[1][1..],
        [tokens("2 0 (0.0%) 0 0 0 0 – –")],
        "{text}"
    );
}
