//! `unmentoring bounces ingest`, fed a delivery-status notification on
//! standard input as Postfix's pipe transport feeds it.

mod common;

use common::process::Site;
use diesel::prelude::*;
use unmentoring::clock::Clock;
use unmentoring::db::participants::{self, Source};
use unmentoring::db::{self, organisers, outbox};
use unmentoring::domain::{Cadence, ParticipantEmail, ValidProfile};

const POSTFIX: &str = include_str!("data/dsn/postfix_failed.eml");

fn person(name: &str, email: &str) -> ValidProfile {
    ValidProfile {
        name: name.to_owned(),
        email: Some(ParticipantEmail::parse(email).unwrap()),
        phone: "01632 960 001".to_owned(),
        organisation: format!("{name}'s council"),
        google_id: None,
        skype: None,
        topics: None,
        cadence: Cadence::Monthly,
        share_phone: true,
    }
}

fn conn(site: &Site) -> unmentoring::db::Conn {
    unmentoring::db::connection(&site.database()).unwrap()
}

/// Ann and Bob were introduced in a round, and both introductions went out.
/// Returns Bob's introduction.
fn introduced(site: &mut Site) -> outbox::QueuedEmail {
    let ran = site.run(&["migrate"]);
    assert!(ran.ok, "{}", ran.all());
    let pool = db::connect(site.database_url(), 1).unwrap();
    let mut c = pool.get().unwrap();
    let now = Clock::system().now();
    for (name, email) in [
        ("Ann Able", "ann@example.org"),
        ("Bob Baker", "bob@example.org"),
    ] {
        participants::insert_confirmed(&mut c, &person(name, email), Source::Signup, now).unwrap();
    }
    organisers::add(&mut c, "org@example.org", "org@example.org", "x", now).unwrap();
    drop(c);
    let ran = site.run(&["round", "run", "--all"]);
    assert!(ran.ok, "{}", ran.all());
    let mut c = pool.get().unwrap();
    let queued = outbox::list(&mut c, &[outbox::OutboxStatus::Queued]).unwrap();
    assert_eq!(queued.len(), 2);
    for email in &queued {
        outbox::mark_sent(&mut c, email.id, now).unwrap();
    }
    queued
        .into_iter()
        .find(|e| e.content.to_address == "bob@example.org")
        .unwrap()
}

fn dsn(email: &outbox::QueuedEmail, action: &str) -> String {
    POSTFIX
        .replace("{ID}", email.envelope_id.as_deref().unwrap())
        .replace("{TO}", &email.content.to_address)
        .replace("{MESSAGE_ID}", &email.content.message_id)
        .replace("{ACTION}", action)
        .replace(
            "{STATUS}",
            if action == "failed" { "5.1.1" } else { "4.4.1" },
        )
        .replace(
            "{CODE}",
            if action == "failed" {
                "550 5.1.1"
            } else {
                "450 4.4.1"
            },
        )
}

/// Every row that ingesting could change, as text, to compare before and after.
fn state(site: &Site) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        row: String,
    }
    let queries = [
        "SELECT id || ' ' || status AS row FROM participants",
        "SELECT id || ' ' || status || ' ' || kind || ' ' || COALESCE(last_error, '') AS row FROM outbox",
        "SELECT id || ' ' || COALESCE(left_reason, '') AS row FROM group_members",
        "SELECT 'bounce ' || id AS row FROM bounces",
        "SELECT 'rematch ' || id AS row FROM rematch_requests",
    ];
    let mut c = conn(site);
    queries
        .iter()
        .flat_map(|q| diesel::sql_query(*q).load::<Row>(&mut c).unwrap())
        .map(|r| r.row)
        .collect()
}

fn count(site: &Site, table: &str) -> i64 {
    diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT COUNT(*) FROM {table}"))
        .get_result(&mut conn(site))
        .unwrap()
}

#[test]
fn a_failed_report_records_a_bounce_as_a_refusal_would() {
    let mut site = Site::new();
    let bob = introduced(&mut site);
    let ran = site.run_with_input(&["bounces", "ingest"], Some(dsn(&bob, "failed").as_bytes()));
    assert_eq!(ran.code, Some(0), "{}", ran.all());
    assert!(ran.stdout.contains("Recorded a bounce"), "{}", ran.stdout);
    assert!(!ran.all().contains("bob@example.org"), "no address printed");

    assert_eq!(
        count(
            &site,
            &format!("outbox WHERE id = {} AND status = 'failed'", bob.id)
        ),
        1
    );
    let bounce = "bounces WHERE source = 'report' AND detail LIKE '%5.1.1 smtp; 550 5.1.1 <[redacted]>: Recipient address rejected%' AND detail NOT LIKE '%@%'";
    assert_eq!(count(&site, bounce), 1);
    assert_eq!(
        count(
            &site,
            "participants WHERE status = 'bouncing' AND name = 'Bob Baker'"
        ),
        1
    );
    assert_eq!(
        count(&site, "group_members WHERE left_reason = 'bounced'"),
        1
    );
    assert_eq!(
        count(&site, "rematch_requests WHERE reason = 'partner_bounced'"),
        1
    );
    assert_eq!(
        count(&site, "outbox WHERE kind = 'alert' AND status = 'queued'"),
        1
    );

    // The same report again: the email failed already, nothing new.
    let before = state(&site);
    let again = site.run_with_input(&["bounces", "ingest"], Some(dsn(&bob, "failed").as_bytes()));
    assert_eq!(again.code, Some(0), "{}", again.all());
    assert!(again.stdout.starts_with("Ignored:"), "{}", again.stdout);
    assert_eq!(state(&site), before);
}

#[test]
fn a_report_found_by_its_message_id_counts_too() {
    let mut site = Site::new();
    let bob = introduced(&mut site);
    let envelope = format!(
        "bounces+{}@example.org",
        bob.envelope_id.as_deref().unwrap()
    );
    let forwarded = dsn(&bob, "failed").replace(&envelope, "bounces@example.org");
    let ran = site.run_with_input(&["bounces", "ingest"], Some(forwarded.as_bytes()));
    assert_eq!(ran.code, Some(0), "{}", ran.all());
    assert_eq!(count(&site, "bounces"), 1);
}

#[test]
fn a_delay_and_a_stranger_are_ignored() {
    let mut site = Site::new();
    let bob = introduced(&mut site);
    let before = state(&site);
    let delayed = site.run_with_input(
        &["bounces", "ingest"],
        Some(dsn(&bob, "delayed").as_bytes()),
    );
    assert_eq!(delayed.code, Some(0), "{}", delayed.all());
    assert!(
        delayed.stdout.contains("Ignored: the report says delayed"),
        "{}",
        delayed.stdout
    );
    assert_eq!(state(&site), before);

    let mut stranger = bob.clone();
    stranger.envelope_id = Some("ffffffffffffffffffffffffffffffff".into());
    stranger.content.message_id = "<someone-else@example.net>".into();
    let ran = site.run_with_input(
        &["bounces", "ingest"],
        Some(dsn(&stranger, "failed").as_bytes()),
    );
    assert_eq!(ran.code, Some(0), "{}", ran.all());
    assert!(
        ran.stdout.contains("not about a message we sent"),
        "{}",
        ran.stdout
    );
    assert_eq!(state(&site), before);
}

#[test]
fn input_that_is_no_report_gets_exit_2_and_changes_nothing() {
    let mut site = Site::new();
    let bob = introduced(&mut site);
    let before = state(&site);
    let broken = dsn(&bob, "failed").replace(
        "report-type=delivery-status",
        "report-type=disposition-notification",
    );
    for input in [
        b"this is not an email at all".to_vec(),
        Vec::new(),
        broken.into_bytes(),
        vec![0xff, 0xfe, 0x00, 0x13],
    ] {
        let ran = site.run_with_input(&["bounces", "ingest"], Some(&input));
        assert_eq!(ran.code, Some(2), "{}", ran.all());
        assert!(
            ran.stderr
                .contains("is not a delivery-status notification (RFC 3464)"),
            "{}",
            ran.stderr
        );
        assert_eq!(state(&site), before);
    }
}

#[test]
fn a_database_that_cannot_be_used_asks_the_mta_to_try_again() {
    let mut site = Site::new();
    std::fs::create_dir_all(site.path("a-folder")).unwrap();
    site.set("DATABASE__URL", "a-folder");
    let report = POSTFIX
        .replace("{ID}", "00112233445566778899aabbccddeeff")
        .replace("{TO}", "bob@example.org")
        .replace("{MESSAGE_ID}", "<x@example.org>")
        .replace("{ACTION}", "failed")
        .replace("{STATUS}", "5.1.1")
        .replace("{CODE}", "550 5.1.1");
    let ran = site.run_with_input(&["bounces", "ingest"], Some(report.as_bytes()));
    assert_eq!(ran.code, Some(75), "EX_TEMPFAIL: {}", ran.all());
    assert!(
        ran.stderr.contains("could not open the database"),
        "{}",
        ran.stderr
    );
}
