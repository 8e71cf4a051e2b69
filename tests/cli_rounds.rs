//! `unmentoring round run | list | show`, as an organiser runs them.

mod common;

use common::process::Site;
use diesel::prelude::*;
use unmentoring::clock::Clock;
use unmentoring::db;
use unmentoring::db::participants::{self, Source};
use unmentoring::domain::{Cadence, ParticipantEmail, ValidProfile};

/// Six confirmed people from three organisations, stored as the app stores them.
fn add_people(site: &mut Site) {
    let ran = site.run(&["migrate"]);
    assert!(ran.ok, "{}", ran.all());
    let pool = db::connect(site.database_url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    for i in 0..6 {
        let person = ValidProfile {
            name: format!("Person {i}"),
            email: Some(ParticipantEmail::parse(&format!("p{i}@example.org")).unwrap()),
            phone: format!("01632 960 00{i}"),
            organisation: format!("Council {}", i % 3),
            google_id: None,
            skype: None,
            topics: None,
            cadence: Cadence::Monthly,
            share_phone: true,
        };
        let now = Clock::system().now();
        participants::insert_confirmed(&mut conn, &person, Source::Signup, now).unwrap();
    }
}

fn count(site: &Site, table: &str) -> i64 {
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!("SELECT COUNT(*) FROM {table}"))
        .get_result(&mut conn)
        .unwrap()
}

/// The draft number `round run --dry-run` printed.
fn draft_id(stdout: &str) -> String {
    let rest = stdout.strip_prefix("Draft ").expect("a draft number");
    rest.split(':').next().unwrap().to_owned()
}

#[test]
fn a_dry_run_shows_the_groups_and_keeps_them_as_a_draft_that_sends_exactly_them() {
    let mut site = Site::new();
    add_people(&mut site);
    let ran = site.run(&["round", "run", "--dry-run"]);
    assert!(ran.ok, "{}", ran.all());
    let draft = draft_id(&ran.stdout);
    assert!(ran
        .stdout
        .contains(&format!("unmentoring round send {draft}")));
    assert_eq!(ran.stdout.matches("Group ").count(), 3, "{}", ran.stdout);
    for i in 0..6 {
        assert!(ran
            .stdout
            .contains(&format!("Person {i} (Council {})", i % 3)));
    }
    assert!(ran.stdout.contains("People due:              6"));
    assert!(ran.stdout.contains("Same-organisation pairs: 0"));
    assert_eq!(count(&site, "rounds"), 0);
    assert_eq!(count(&site, "outbox"), 0);
    assert_eq!(
        count(&site, "participants WHERE last_round_at IS NOT NULL"),
        0
    );
    let groups_shown: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| l.starts_with("Group "))
        .collect();

    let sent = site.run(&["round", "send", &draft]);
    assert!(sent.ok, "{}", sent.all());
    assert!(
        sent.stdout
            .contains(&format!("Draft {draft} sent as round 1")),
        "{}",
        sent.stdout
    );
    assert_eq!(count(&site, "outbox WHERE kind = 'intro'"), 6);
    // `round show` lists each group's people one per line, in the same order.
    let shown = site.run(&["round", "show", "1"]);
    for group in groups_shown {
        let (heading, people) = group.split_once(": ").unwrap();
        let listed: String = people.split(" + ").map(|p| format!("\n  {p}")).collect();
        assert!(
            shown.stdout.contains(&format!("{heading}{listed}")),
            "{group} in:\n{}",
            shown.stdout
        );
    }
    let again = site.run(&["round", "send", &draft]);
    assert_eq!(again.code, Some(3), "{}", again.all());
    assert!(again.stderr.contains("was sent already, as round 1"));

    let replay = site.run(&["round", "replay", "1"]);
    assert!(replay.ok, "{}", replay.all());
    assert!(
        replay.stdout.contains("identical to what was sent"),
        "{}",
        replay.stdout
    );
}

#[test]
fn a_draft_is_not_sent_when_who_is_due_changed() {
    let mut site = Site::new();
    add_people(&mut site);
    let ran = site.run(&["round", "run", "--dry-run"]);
    let draft = draft_id(&ran.stdout);
    let pool = db::connect(site.database_url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let person = participants::find_by_email_key(&mut conn, "p0@example.org")
        .unwrap()
        .unwrap();
    participants::pause(&mut conn, person.id, None, Clock::system().now()).unwrap();
    drop(conn);
    let sent = site.run(&["round", "send", &draft]);
    assert_eq!(sent.code, Some(3), "{}", sent.all());
    assert!(
        sent.stderr.contains("No longer due: Person 0"),
        "{}",
        sent.stderr
    );
    assert_eq!(count(&site, "rounds"), 0);
}

#[test]
fn a_round_runs_once_and_a_second_within_ten_minutes_is_refused() {
    let mut site = Site::new();
    add_people(&mut site);
    let first = site.run(&["round", "run"]);
    assert!(first.ok, "{}", first.all());
    assert!(first.stdout.contains("Round 1 ran at"));
    assert!(first.stdout.contains("Groups:                  3"));
    assert!(first.stdout.contains("6 introduction emails are queued"));
    assert_eq!(
        count(&site, "outbox WHERE kind = 'intro' AND status = 'queued'"),
        6
    );

    let again = site.run(&["round", "run"]);
    assert!(!again.ok);
    assert!(again.stderr.contains("round 1 ran at"), "{}", again.stderr);
    assert!(again.stderr.contains("less than 10 minutes ago"));
    assert!(again.stderr.contains("--force"));
    assert_eq!(count(&site, "rounds"), 1);

    // Forced, nobody is due yet (they were just paired) ...
    let nobody = site.run(&["round", "run", "--force"]);
    assert!(!nobody.ok);
    assert!(
        nobody.stderr.contains("0 people are due"),
        "{}",
        nobody.stderr
    );
    // ... unless everyone active is included.
    let event = site.run(&["round", "run", "--force", "--all"]);
    assert!(event.ok, "{}", event.all());
    assert!(event.stdout.contains("Round 2 ran at"));
    assert!(event.stdout.contains("Forced repeats:          0"));

    let list = site.run(&["round", "list"]);
    assert!(list.ok);
    let rows: Vec<&str> = list.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{}", list.stdout);
    assert!(rows[0].trim_start().starts_with('2') && rows[1].trim_start().starts_with('1'));
    assert!(rows[0].contains("manual"));

    let show = site.run(&["round", "show", "1"]);
    assert!(show.ok, "{}", show.all());
    assert!(show.stdout.contains("Round 1 (manual)"));
    assert_eq!(show.stdout.matches("Group ").count(), 3);
    assert_eq!(show.stdout.matches("Person ").count(), 6);
    assert!(show.stdout.contains("seed "));

    let missing = site.run(&["round", "show", "99"]);
    assert!(!missing.ok);
    assert!(missing.stderr.contains("There is no round 99"));

    let outbox = site.run(&["outbox"]);
    assert!(
        outbox.stdout.contains("12 queued, 0 failed."),
        "{}",
        outbox.stdout
    );
}

#[test]
fn an_empty_list_says_how_to_start() {
    let mut site = Site::new();
    let list = site.run(&["round", "list"]);
    assert!(list.ok);
    assert!(list.stdout.contains("No rounds yet"));
}

/// Stores a past round with one group, as the round runner stores one.
fn past_round(conn: &mut unmentoring::db::Conn, days_ago: i64, group: Vec<i64>) {
    use unmentoring::db::rounds::{self, NewRound};
    use unmentoring::domain::pairing::{OddOneOut, PairingStats};
    use unmentoring::domain::Trigger;
    let stats = PairingStats {
        people_due: group.len(),
        groups: 1,
        ..PairingStats::default()
    };
    let key = format!("manual:{days_ago}");
    let round = NewRound {
        round_key: &key,
        trigger: Trigger::Manual,
        seed: 1,
        include_all: false,
        odd_one_out: OddOneOut::Trio,
        started_at: Clock::system().now() - chrono::Duration::days(days_ago),
        stats: &stats,
        sat_out: None,
    };
    rounds::insert(conn, &round, &[group]).unwrap();
}

#[test]
fn a_dry_run_names_who_the_real_run_would_pause_for_silence() {
    let mut site = Site::new();
    add_people(&mut site);
    let pool = db::connect(site.database_url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let ids: Vec<i64> = (0..2)
        .map(|i| {
            participants::find_by_email_key(&mut conn, &format!("p{i}@example.org"))
                .unwrap()
                .unwrap()
                .id
        })
        .collect();
    // Persons 0 and 1 met in three rounds long past and never answered.
    for days_ago in [90, 60, 30] {
        past_round(&mut conn, days_ago, ids.clone());
    }
    drop(conn);

    let ran = site.run(&["round", "run", "--dry-run"]);
    assert!(ran.ok, "{}", ran.all());
    assert!(
        ran.stdout
            .contains("The real run would pause 2 people for not answering 3 rounds in a row"),
        "{}",
        ran.stdout
    );
    let listed = ran.stdout.split("would pause").nth(1).unwrap();
    assert!(listed.contains("Person 0 (Council 0)") && listed.contains("Person 1 (Council 1)"));
    assert!(!listed.contains("Person 2"), "only the silent ones");
    assert!(
        ran.stdout.contains("People due:              4"),
        "{}",
        ran.stdout
    );
    assert_eq!(
        count(&site, "participants WHERE status = 'paused'"),
        0,
        "nothing stored"
    );
}

#[test]
fn with_all_too_few_people_is_said_as_taking_part_not_due() {
    let mut site = Site::new();
    let ran = site.run(&["migrate"]);
    assert!(ran.ok, "{}", ran.all());
    let refused = site.run(&["round", "run", "--all"]);
    assert!(!refused.ok);
    assert!(
        refused.stderr.contains("only 0 people are taking part"),
        "{}",
        refused.stderr
    );
    assert!(
        !refused.stderr.contains("people are due"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("Use --all"), "it was used");
}

#[test]
fn show_lists_every_change_to_the_groups_and_who_is_in_them_now() {
    use unmentoring::db::rematches;
    use unmentoring::domain::{LeftReason, RematchReason};

    let mut site = Site::new();
    add_people(&mut site);
    assert!(site.run(&["round", "run", "--all"]).ok);
    let pool = db::connect(site.database_url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let places = rematches::places_of_round(&mut conn, 1).unwrap();
    let ((decliner, decliner_name), (partner, _)) = (&places[0], &places[1]);
    let now = Clock::system().now();
    rematches::leave_group(&mut conn, decliner.id, LeftReason::Declined, now).unwrap();
    rematches::enter_pool(&mut conn, partner.id, RematchReason::PartnerDeclined, now).unwrap();

    let show = site.run(&["round", "show", "1"]);
    assert!(show.ok, "{}", show.all());
    assert!(show
        .stdout
        .contains("Changes to the groups since the round ran"));
    assert!(show.stdout.contains(&format!(
        "{decliner_name}: Left group 1: said they can’t take part"
    )));
    assert!(show
        .stdout
        .contains("Waited for a new partner, from group 1"));
    assert_eq!(
        show.stdout.matches(decliner_name.as_str()).count(),
        1,
        "only in the changes, no longer in a group: {}",
        show.stdout
    );
}

#[test]
fn replay_names_the_swaps_made_by_hand_before_sending() {
    let mut site = Site::new();
    add_people(&mut site);
    let ran = site.run(&["round", "run", "--dry-run"]);
    let draft: i64 = draft_id(&ran.stdout).parse().unwrap();
    let pool = db::connect(site.database_url(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let groups = db::round_drafts::find(&mut conn, draft)
        .unwrap()
        .unwrap()
        .groups()
        .groups;
    let (a, b) = (groups[0][0], groups[1][0]);
    let now = Clock::system().now();
    unmentoring::services::round_drafts::swap(&mut conn, draft, a, b, None, now)
        .unwrap()
        .unwrap();
    let mut name = |id: i64| participants::find(&mut conn, id).unwrap().unwrap().name;
    let (name_a, name_b) = (name(a), name(b));
    drop(conn);
    assert!(site.run(&["round", "send", &draft.to_string()]).ok);
    let replay = site.run(&["round", "replay", "1"]);
    assert!(replay.ok, "{}", replay.all());
    assert!(
        replay
            .stdout
            .contains("edited by hand before it was sent (1 swap)"),
        "{}",
        replay.stdout
    );
    assert!(
        replay.stdout.contains(&format!(
            "{name_a} and {name_b} swapped, from the command line"
        )),
        "{}",
        replay.stdout
    );
}

#[test]
fn with_a_matched_share_round_show_names_each_groups_arm_and_replay_is_identical() {
    let mut site = Site::new();
    site.set("EXPERIMENT__MATCHED_SHARE", "0.5");
    add_people(&mut site);
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    diesel::sql_query("UPDATE participants SET topics = 'Open data and housing'")
        .execute(&mut conn)
        .unwrap();
    let ran = site.run(&["round", "run"]);
    assert!(ran.ok, "{}", ran.all());
    // Six people: two matched (the share rounded down to whole pairs), four random.
    assert_eq!(
        ran.stdout.matches("(matched by interests): ").count(),
        1,
        "{}",
        ran.stdout
    );
    assert_eq!(
        ran.stdout.matches("(random): ").count(),
        2,
        "{}",
        ran.stdout
    );
    let arms: Vec<(i32, String)> =
        diesel::sql_query("SELECT group_number AS n, arm AS a FROM meetings ORDER BY group_number")
            .load::<ArmRow>(&mut conn)
            .unwrap()
            .into_iter()
            .map(|r| (r.n, r.a))
            .collect();
    assert_eq!(
        arms.iter().filter(|(_, a)| a == "matched").count(),
        1,
        "{arms:?}"
    );

    let shown = site.run(&["round", "show", "1"]);
    assert!(shown.ok, "{}", shown.all());
    let (matched, _) = arms.iter().find(|(_, a)| a == "matched").unwrap();
    assert!(
        shown
            .stdout
            .contains(&format!("Group {matched} (matched by interests)\n")),
        "{}",
        shown.stdout
    );
    assert_eq!(
        shown.stdout.matches(" (random)\n").count(),
        2,
        "{}",
        shown.stdout
    );

    let replay = site.run(&["round", "replay", "1"]);
    assert!(replay.ok, "{}", replay.all());
    assert!(
        replay.stdout.contains("identical to what was sent"),
        "{}",
        replay.stdout
    );
}

#[derive(QueryableByName)]
struct ArmRow {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    n: i32,
    #[diesel(sql_type = diesel::sql_types::Text)]
    a: String,
}
