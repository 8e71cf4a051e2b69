//! A fixture for the figures "from introduction to conversation", built with
//! the `db::` functions the app uses (and direct updates for the steps whose
//! code lives elsewhere: arranging, nudging, the rematch itself), with every
//! figure worked out by hand below. Shared by the report's and the
//! dashboard's tests.
//!
//! Round 1 starts 2026-10-05 09:00 (introductions then); stored
//! same-organisation pairs 0. Organisations: p1 A, p2 B, p3 A, p4 C, p5 D,
//! p6 X, p7 X, p8 E, p9 F, p10 G, p11 H.
//!   group 1: p1 yes 10-09 09:00 (challenged 4, 1 link), p2 yes 10-08 09:00;
//!            arranged 10-06 21:00 (1.5 days); first "met" 3.0 days.
//!   group 2: p3 yes 10-11 09:00, p4 no; arranged 10-07 21:00 (2.5 days);
//!            nudged; first "met" 6.0 days.
//!   group 3: p5 answers no (challenged 1, 1 link), then declines 10-06 09:00;
//!            p6 goes to the pool.
//!   group 4: p7, p8; nudged; p8 bounces 10-06 12:00; p7 goes to the pool.
//!   group 5: p9 yes 10-06 21:00 (1.5 days), p10 not yet, p11 no answer.
//!   group 6, made by the rematch at 10-07 09:00: p6 yes 10-09 09:00
//!            (challenged 5; 2.0 days), p7 yes 10-12 09:00; arranged
//!            10-08 09:00 (1.0 day after its own introduction).
//!   Groups 3 and 4 have nobody left in them: groups 4 (1, 2, 5, 6), members
//!   9, answered 8 (88.9%); yes 6 (75.0%), not yet 1 (12.5%), no 1 (12.5%);
//!   conversations 4 (100.0%); outputs 1 (p5's link is not counted);
//!   challenged (4+5)/2 = 4.5; pairs 1+1+3+1 = 6, same-organisation 1 (p6
//!   and p7, worked out again as the round changed), cross-org 5/6 = 83.3%;
//!   arranged 3 (75.0%), declined 1, rematched 2, bounced 1, nudged 2;
//!   days to arranged [1.0, 1.5, 2.5] → 1.5; to met [1.5, 2.0, 3.0, 6.0] →
//!   (2.0 + 3.0) / 2 = 2.5.
//! Round 2 starts 2026-11-02 09:00: one group, p1 and p3 (both A), stored
//!   same-organisation pairs 1, nothing happened: answered 0 (0.0%), no
//!   percentages of answers, conversations 0 (0.0%), arranged 0 (0.0%),
//!   medians none, cross-org 0/1 = 0.0%.
//! Total: groups 5, members 11, answered 8 (72.7%), yes 6 (75.0%), not yet
//!   1 (12.5%), no 1 (12.5%), conversations 4 (80.0%), outputs 1, challenged
//!   4.5, pairs 7, same 2, cross-org 5/7 = 71.4%, arranged 3 (60.0%),
//!   declined 1, rematched 2, bounced 1, nudged 2, medians 1.5 and 2.5.

#![allow(dead_code)]

use chrono::NaiveDateTime;
use diesel::prelude::*;
use unmentoring::db::participants::{self, Source};
use unmentoring::db::rounds::{self, NewRound};
use unmentoring::db::schema::{group_members, meetings, rematch_requests};
use unmentoring::db::{followups, meetings as db_meetings, rematches, Conn};
use unmentoring::domain::pairing::{OddOneOut, PairingStats};
use unmentoring::domain::{
    Cadence, FollowUpUrl, LeftReason, Met, ParticipantEmail, RematchReason, Trigger, ValidFollowup,
    ValidProfile,
};

/// A UTC time written as `2026-10-05 09:00`.
pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

/// The two rounds' ids.
pub struct Built {
    pub round_1: i64,
    pub round_2: i64,
}

fn person(conn: &mut Conn, n: usize, organisation: &str) -> i64 {
    let profile = ValidProfile {
        name: format!("Person {n}"),
        email: Some(ParticipantEmail::parse(&format!("p{n}@people.test")).unwrap()),
        phone: "01632 960 001".to_owned(),
        organisation: organisation.to_owned(),
        google_id: None,
        skype: None,
        topics: None,
        cadence: Cadence::Monthly,
        share_phone: true,
    };
    participants::insert_confirmed(conn, &profile, Source::Signup, at("2026-09-01 09:00"))
        .unwrap()
        .id
}

fn round(conn: &mut Conn, started_at: &str, same_org: usize, groups: &[Vec<i64>]) -> i64 {
    let stats = PairingStats {
        people_due: groups.iter().map(Vec::len).sum(),
        groups: groups.len(),
        trios: groups.iter().filter(|g| g.len() == 3).count(),
        same_organisation_pairs: same_org,
        ..PairingStats::default()
    };
    let key = format!("manual:{started_at}");
    let new = NewRound {
        round_key: &key,
        trigger: Trigger::Manual,
        seed: 1,
        include_all: false,
        odd_one_out: OddOneOut::Trio,
        started_at: at(started_at),
        stats: &stats,
        sat_out: None,
    };
    rounds::insert(conn, &new, groups).unwrap()
}

fn answer(
    conn: &mut Conn,
    member: i64,
    met: Met,
    challenged: Option<u8>,
    link: Option<&str>,
    when: &str,
) {
    let answer = ValidFollowup {
        met,
        no_reason: None,
        urls: link
            .map(|l| FollowUpUrl::parse(l).unwrap())
            .into_iter()
            .collect(),
        note: None,
        publish: None,
        challenged: Some(challenged),
        would_repeat: None,
        new_connection: None,
        remove: Vec::new(),
    };
    followups::save(conn, member, &answer, at(when)).unwrap();
}

fn set_meeting(
    conn: &mut Conn,
    round_id: i64,
    group: i32,
    arranged: Option<&str>,
    nudged: Option<&str>,
) {
    let target = meetings::table
        .filter(meetings::round_id.eq(round_id))
        .filter(meetings::group_number.eq(group));
    if let Some(when) = arranged {
        diesel::update(target)
            .set(meetings::arranged_at.eq(at(when)))
            .execute(conn)
            .unwrap();
    }
    if let Some(when) = nudged {
        diesel::update(target)
            .set(meetings::nudged_at.eq(at(when)))
            .execute(conn)
            .unwrap();
    }
}

/// What the rematch service does for two people of the pool: a new group
/// with its meeting, their rows moved into it, their requests matched.
fn rematch(conn: &mut Conn, round_id: i64, members: [i64; 2], when: &str) -> i32 {
    let number = db_meetings::next_group_number(conn, round_id).unwrap();
    db_meetings::create(conn, round_id, &[number], at(when)).unwrap();
    diesel::update(group_members::table.filter(group_members::id.eq_any(members)))
        .set((
            group_members::group_number.eq(number),
            group_members::left_at.eq(None::<NaiveDateTime>),
            group_members::left_reason.eq(None::<LeftReason>),
        ))
        .execute(conn)
        .unwrap();
    diesel::update(rematch_requests::table.filter(rematch_requests::member_id.eq_any(members)))
        .set((
            rematch_requests::matched_at.eq(at(when)),
            rematch_requests::to_group_number.eq(number),
        ))
        .execute(conn)
        .unwrap();
    number
}

/// Builds the two rounds described at the top of this file.
pub fn build(conn: &mut Conn) -> Built {
    let orgs = ["A", "B", "A", "C", "D", "X", "X", "E", "F", "G", "H"];
    let p: Vec<i64> = orgs
        .iter()
        .enumerate()
        .map(|(i, org)| person(conn, i + 1, org))
        .collect();
    let pair = |a: usize, b: usize| vec![p[a - 1], p[b - 1]];
    let groups = [
        pair(1, 2),
        pair(3, 4),
        pair(5, 6),
        pair(7, 8),
        vec![p[8], p[9], p[10]],
    ];
    let round_1 = round(conn, "2026-10-05 09:00", 0, &groups);
    let ids = rounds::member_ids(conn, round_1).unwrap();
    let m = |n: usize| ids[&p[n - 1]];

    answer(
        conn,
        m(1),
        Met::Yes,
        Some(4),
        Some("https://example.org/p1"),
        "2026-10-09 09:00",
    );
    answer(conn, m(2), Met::Yes, None, None, "2026-10-08 09:00");
    set_meeting(conn, round_1, 1, Some("2026-10-06 21:00"), None);
    answer(conn, m(3), Met::Yes, None, None, "2026-10-11 09:00");
    answer(conn, m(4), Met::No, None, None, "2026-10-10 09:00");
    set_meeting(
        conn,
        round_1,
        2,
        Some("2026-10-07 21:00"),
        Some("2026-10-10 09:00"),
    );
    answer(
        conn,
        m(5),
        Met::No,
        Some(1),
        Some("https://example.org/p5"),
        "2026-10-05 18:00",
    );
    let declined = at("2026-10-06 09:00");
    assert!(rematches::leave_group(conn, m(5), LeftReason::Declined, declined).unwrap());
    assert!(rematches::enter_pool(conn, m(6), RematchReason::PartnerDeclined, declined).unwrap());
    set_meeting(conn, round_1, 4, None, Some("2026-10-06 10:00"));
    let bounced = at("2026-10-06 12:00");
    assert!(rematches::leave_group(conn, m(8), LeftReason::Bounced, bounced).unwrap());
    assert!(rematches::enter_pool(conn, m(7), RematchReason::PartnerBounced, bounced).unwrap());
    answer(conn, m(9), Met::Yes, None, None, "2026-10-06 21:00");
    answer(conn, m(10), Met::NotYet, None, None, "2026-10-10 09:00");
    let new_group = rematch(conn, round_1, [m(6), m(7)], "2026-10-07 09:00");
    assert_eq!(new_group, 6);
    answer(conn, m(6), Met::Yes, Some(5), None, "2026-10-09 09:00");
    answer(conn, m(7), Met::Yes, None, None, "2026-10-12 09:00");
    set_meeting(conn, round_1, 6, Some("2026-10-08 09:00"), None);

    let round_2 = round(conn, "2026-11-02 09:00", 1, &[pair(1, 3)]);
    Built { round_1, round_2 }
}

/// One row of figures as worked out above, in the report's csv order; ""
/// is no value (– in text, empty in csv, null in json).
pub const ROUND_1: [&str; 25] = [
    "4", "9", "8", "88.9", "6", "75.0", "1", "12.5", "1", "12.5", "4", "100.0", "1", "4.5", "6",
    "1", "83.3", "3", "75.0", "1", "2", "1", "2", "1.5", "2.5",
];
pub const ROUND_2: [&str; 25] = [
    "1", "2", "0", "0.0", "0", "", "0", "", "0", "", "0", "0.0", "0", "", "1", "1", "0.0", "0",
    "0.0", "0", "0", "0", "0", "", "",
];
pub const TOTAL: [&str; 25] = [
    "5", "11", "8", "72.7", "6", "75.0", "1", "12.5", "1", "12.5", "4", "80.0", "1", "4.5", "7",
    "2", "71.4", "3", "60.0", "1", "2", "1", "2", "1.5", "2.5",
];

/// The names of those columns: the 17 the report always had, then the new ones.
pub const COLUMNS: [&str; 25] = [
    "groups",
    "members",
    "answered",
    "answered_pct",
    "met_yes",
    "met_yes_pct",
    "met_not_yet",
    "met_not_yet_pct",
    "met_no",
    "met_no_pct",
    "conversations",
    "conversations_pct",
    "outputs_shared",
    "mean_challenged",
    "pairs",
    "same_organisation_pairs",
    "cross_organisation_pct",
    "arranged",
    "arranged_pct",
    "declined",
    "rematched",
    "bounced",
    "nudged",
    "median_days_to_arranged",
    "median_days_to_met",
];
