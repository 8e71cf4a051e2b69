//! `unmentoring event groups`: small groups on the day of an event.

mod common;

use std::collections::HashSet;

use common::process::Site;
use diesel::prelude::*;

/// 37 people in 9 organisations (the largest has 9), some without an address.
fn attendees() -> String {
    let mut csv = "name,email,organisation\n".to_owned();
    let sizes = [9, 5, 4, 4, 4, 3, 3, 3, 2];
    let mut n = 0;
    for (org, size) in sizes.iter().enumerate() {
        for _ in 0..*size {
            let email = if n % 5 == 0 {
                String::new()
            } else {
                format!("a{n}@example.org")
            };
            csv.push_str(&format!("Attendee {n},{email},Council {org}\n"));
            n += 1;
        }
    }
    assert_eq!(n, 37);
    csv
}

fn count(site: &Site, table: &str) -> i64 {
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT COUNT(*) FROM {table}"))
        .get_result(&mut conn)
        .unwrap()
}

/// The organisations of each printed group.
fn groups(stdout: &str) -> Vec<Vec<String>> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Group "))
        .map(|l| {
            let people = l.split_once(": ").unwrap().1;
            people
                .split(", ")
                .map(|p| {
                    p.split_once(" (")
                        .unwrap()
                        .1
                        .trim_end_matches(')')
                        .to_owned()
                })
                .collect()
        })
        .collect()
}

#[test]
fn thirty_seven_people_in_fours_make_nine_groups_with_nobody_from_the_same_organisation() {
    let mut site = Site::new();
    assert!(site.run(&["migrate"]).ok);
    std::fs::write(site.path("people.csv"), attendees()).unwrap();
    for seed in ["1", "2", "3"] {
        let ran = site.run(&[
            "event",
            "groups",
            "--size",
            "4",
            "--people",
            "people.csv",
            "--seed",
            seed,
        ]);
        assert!(ran.ok, "{}", ran.all());
        let groups = groups(&ran.stdout);
        assert_eq!(groups.len(), 9, "{}", ran.stdout);
        let sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        assert!(sizes.iter().all(|s| (4..=5).contains(s)), "{sizes:?}");
        assert_eq!(sizes.iter().sum::<usize>(), 37);
        for group in &groups {
            let orgs: HashSet<&String> = group.iter().collect();
            assert_eq!(
                orgs.len(),
                group.len(),
                "one organisation twice in {group:?}"
            );
        }
        assert!(ran.stdout.contains(&format!("Seed {seed}")));
        let again = site.run(&[
            "event",
            "groups",
            "--size",
            "4",
            "--people",
            "people.csv",
            "--seed",
            seed,
        ]);
        assert_eq!(
            again.stdout, ran.stdout,
            "the same seed makes the same groups"
        );
    }
    assert_eq!(
        count(&site, "outbox"),
        0,
        "nobody is emailed without --email"
    );
}

#[test]
fn with_email_each_attendee_with_an_address_is_told_their_group() {
    let mut site = Site::new();
    assert!(site.run(&["migrate"]).ok);
    std::fs::write(site.path("people.csv"), attendees()).unwrap();
    let ran = site.run(&[
        "event",
        "groups",
        "--size",
        "4",
        "--people",
        "people.csv",
        "--email",
    ]);
    assert!(ran.ok, "{}", ran.all());
    // Every fifth attendee (0, 5, … 35) has no address: 8 of 37.
    assert!(
        ran.stdout.contains("29 attendees with an email address"),
        "{}",
        ran.stdout
    );
    assert_eq!(count(&site, "outbox WHERE kind = 'event'"), 29);
    assert_eq!(count(&site, "outbox WHERE subject LIKE '%: group %'"), 29);
}

#[test]
fn a_bad_size_or_list_is_refused_with_what_is_wrong() {
    let mut site = Site::new();
    assert!(site.run(&["migrate"]).ok);
    std::fs::write(site.path("people.csv"), attendees()).unwrap();
    let big = site.run(&["event", "groups", "--size", "9", "--people", "people.csv"]);
    assert_eq!(big.code, Some(2));
    assert!(big.stderr.contains("--size must be from 2 to 8"));
    std::fs::write(
        site.path("bad.csv"),
        "name,email,organisation\nAnn,not an address,Leeds\n",
    )
    .unwrap();
    let bad = site.run(&["event", "groups", "--size", "2", "--people", "bad.csv"]);
    assert_eq!(bad.code, Some(2));
    assert!(
        bad.stderr
            .contains("Line 2: the email address is not valid"),
        "{}",
        bad.stderr
    );
}
