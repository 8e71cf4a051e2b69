//! `unmentoring db copy --to URL` and `unmentoring db backup FILE`, as an
//! operator runs them.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDateTime;
use common::process::{Ran, Site, DB};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use unmentoring::clock::Clock;
use unmentoring::db::{
    self, bounces, concerns, email_changes, followups, meetings, never_pairs, organisation_names,
    organiser_invites, organisers, outbox, pending_signups, rematches, rounds, tokens,
    unsubscribe_links,
};
use unmentoring::domain::{
    Availability, BounceSource, Cadence, FollowUpUrl, Met, NeverPairSource, RematchReason,
    TokenPurpose, ValidFollowup, ValidProfile,
};
use unmentoring::services::copy::TABLES;

const SCHEMA_RS: &str = include_str!("../src/db/schema.rs");

/// Eight people who already agreed to take part: text that must survive a
/// copy exactly (accents, quotes, commas, a cell a spreadsheet would run).
const TAKING_PART: &str = "name,email,phone,organisation,google_id,skype,topics,cadence\n\
Ann Example,ann@leeds.gov.uk,0113 496 0000,Leeds City Council,ann.g,ann.s,Open data,monthly\n\
Zoë O'Brien,zoe@york.gov.uk,01904 551 550,\"York Council, Digital\",,,\"=SUM(A1), \"\"quotes\"\"\",quarterly\n\
Bo Example,bo@bath.gov.uk,01225 000 001,Bath Council,,,,every_two_months\n\
Cy Example,cy@leeds.gov.uk,0113 496 0002,Leeds City Council,,,Maps,\n\
Di Example,di@hull.gov.uk,01482 000 003,Hull Council,,,,\n\
Ed Example,ed@york.gov.uk,01904 551 551,York Council,,,Forms,\n\
Fi Example,fi@bath.gov.uk,01225 000 004,Bath Council,,,,\n\
Gu Example,gu@hull.gov.uk,01482 000 005,Hull Council,,,,\n";

/// Two people imported who have not confirmed yet.
const NOT_CONFIRMED: &str = "name,email,phone,organisation\n\
Ha Example,ha@leeds.gov.uk,0113 496 0009,Leeds City Council\n\
Io Example,io@york.gov.uk,01904 551 559,York Council\n";

/// A site whose database is a SQLite file, whichever engine the suite runs on.
fn sqlite_site() -> Site {
    let mut site = Site::new();
    site.set("DATABASE__URL", DB);
    site
}

/// The `database.url` the site's commands use, as a test opens it.
fn database_of(site: &Site) -> String {
    let (_, url) = site
        .vars
        .iter()
        .find(|(key, _)| key == "DATABASE__URL")
        .expect("a database is set");
    if url.starts_with("postgres") || Path::new(url).is_absolute() {
        url.clone()
    } else {
        site.path(url).to_string_lossy().into_owned()
    }
}

/// Runs a command on the database at `url` instead of the site's own.
fn run_on(site: &mut Site, url: &str, args: &[&str]) -> Ran {
    let own = database_of(site);
    site.set("DATABASE__URL", url);
    let ran = site.run(args);
    site.set("DATABASE__URL", &own);
    ran
}

fn ok(ran: Ran) -> Ran {
    assert!(ran.ok, "{}", ran.all());
    ran
}

/// The three CSV exports of the database at `url`.
fn exports(site: &mut Site, url: &str) -> Vec<String> {
    ["participants", "rounds", "outputs"]
        .iter()
        .map(|what| {
            ok(run_on(
                site,
                url,
                &["participants", "export", "--what", what],
            ))
            .stdout
        })
        .collect()
}

fn count(url: &str, table: &str) -> i64 {
    let mut conn = db::connection(url).unwrap();
    diesel::dsl::sql::<BigInt>(&format!("SELECT COUNT(*) FROM {table}"))
        .get_result(&mut conn)
        .unwrap()
}

fn counts(url: &str) -> BTreeMap<&'static str, i64> {
    TABLES.iter().map(|t| (*t, count(url, t))).collect()
}

fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// A row in every table, made by the commands and the `db::` functions the
/// app itself uses: people, a round with its groups and meetings, emails,
/// answers with links, a rematch, a bounce, organisers, sessions, sign-in
/// failures, a new address waiting for confirmation, a signup's details.
fn fill(site: &mut Site) {
    std::fs::write(site.path("taking-part.csv"), TAKING_PART).unwrap();
    std::fs::write(site.path("not-confirmed.csv"), NOT_CONFIRMED).unwrap();
    ok(site.run(&[
        "participants",
        "import",
        "taking-part.csv",
        "--already-confirmed",
    ]));
    ok(site.run(&["participants", "import", "not-confirmed.csv"]));
    ok(site.run(&["round", "run"]));

    let mut conn = db::connection(&database_of(site)).unwrap();
    let conn = &mut conn;
    let now = Clock::system().now();
    let round = rounds::latest(conn).unwrap().expect("a round").id;
    let members = rounds::member_ids(conn, round).unwrap();
    let (first, second) = (members[&1], members[&3]);

    let answer = ValidFollowup {
        met: Met::Yes,
        no_reason: None,
        urls: vec![
            FollowUpUrl::parse("https://example.org/notes?a=1&b=2").unwrap(),
            FollowUpUrl::parse("https://blog.example.org/what-we-learned").unwrap(),
        ],
        note: Some(Some(
            "We talked about maps — and \"forms\".\nTwo lines.".into(),
        )),
        publish: Some(true),
        challenged: Some(Some(4)),
        would_repeat: Some(Some(true)),
        new_connection: Some(Some(false)),
        remove: Vec::new(),
    };
    followups::save(conn, first, &answer, at("2026-11-20 10:00:00")).unwrap();
    let meeting = meetings::of_member(conn, first)
        .unwrap()
        .expect("a meeting");
    meetings::arrange(conn, &meeting, first, Some(at("2026-11-25 14:30:00")), now).unwrap();
    rematches::enter_pool(conn, second, RematchReason::PartnerDeclined, now).unwrap();

    let sent = outbox::list(conn, &[outbox::OutboxStatus::Queued]).unwrap();
    outbox::mark_sent(conn, sent[0].id, now).unwrap();
    let bounced = &sent[1];
    bounces::insert(
        conn,
        &bounces::NewBounce {
            participant_id: bounced.content.participant_id.expect("to a participant"),
            outbox_id: Some(bounced.id),
            source: BounceSource::Refused,
            detail: "550 5.1.1 no such mailbox",
            bounced_at: now,
        },
    )
    .unwrap();

    organisers::add(
        conn,
        "Org@Example.org",
        "org@example.org",
        "$argon2id$x",
        now,
    )
    .unwrap();
    let organiser = organisers::find_by_key(conn, "org@example.org")
        .unwrap()
        .unwrap();
    organisers::create_session(conn, "session-hash", organiser.id, "csrf", now).unwrap();
    organisers::record_failure(conn, "org@example.org", "192.0.2.1", now).unwrap();

    let person = bounced.content.participant_id.unwrap();
    let link = tokens::issue(conn, person, TokenPurpose::Confirm, now).unwrap();
    email_changes::store(conn, &link, person, "new@leeds.gov.uk", now).unwrap();
    let link = tokens::issue(conn, person, TokenPurpose::Confirm, now).unwrap();
    let profile = ValidProfile {
        name: "Ann Renamed".into(),
        email: None,
        phone: "0113 496 0000".into(),
        organisation: "Leeds City Council".into(),
        google_id: None,
        skype: Some("ann.s".into()),
        topics: Some("Open data".into()),
        cadence: Cadence::Quarterly,
        share_phone: true,
    };
    pending_signups::store(conn, &link, person, &profile, Availability::default(), now).unwrap();

    unsubscribe_links::issue(conn, person, now).unwrap();
    never_pairs::add(conn, 1, 3, NeverPairSource::Organiser, now).unwrap();
    let concern = concerns::NewConcern {
        reporter_id: 1,
        about_id: 3,
        round_id: round,
        concern: "He said \"no\", twice.\nThen left.",
    };
    concerns::insert(conn, &concern, now).unwrap();
    unmentoring::services::round_drafts::draw(
        conn,
        true,
        unmentoring::services::round_runner::Grouping {
            odd_one_out: unmentoring::configuration::OddOneOutSetting::Trio,
            group_size: 2,
            matched_share: 0.0,
        },
        14,
        None,
        now,
    )
    .unwrap();
    let invite = unmentoring::domain::Token::generate();
    let invitee = ("New@Example.org", "new@example.org");
    organiser_invites::store(conn, &invite, invitee, organiser.id, now, now).unwrap();
    organisation_names::choose(
        conn,
        "leedscitycouncil",
        "Leeds City Council",
        organiser.id,
        now,
    )
    .unwrap();

    let url = database_of(site);
    let empty: Vec<_> = counts(&url).into_iter().filter(|(_, n)| *n == 0).collect();
    assert!(empty.is_empty(), "fill leaves no table empty: {empty:?}");
}

/// Every row of every table of a SQLite file, as SQLite quotes each value,
/// in a stable order. `times` reads each timestamp at millisecond precision
/// (PostgreSQL keeps microseconds, SQLite as many digits as it is given).
fn sqlite_rows(path: &str, times: Precision) -> BTreeMap<&'static str, String> {
    let mut conn = SqliteConnection::establish(path).unwrap();
    #[derive(QueryableByName)]
    struct Column {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Text)]
        kind: String,
    }
    #[derive(QueryableByName)]
    struct Dump {
        #[diesel(sql_type = Text)]
        rows: String,
    }
    let mut all = BTreeMap::new();
    for table in TABLES {
        let columns: Vec<Column> = diesel::sql_query(format!(
            "SELECT name, type AS kind FROM pragma_table_info('{table}') ORDER BY cid"
        ))
        .load(&mut conn)
        .unwrap();
        let values: Vec<String> = columns
            .iter()
            .map(|c| match (times, c.kind.as_str()) {
                (Precision::Millis, "TIMESTAMP") => {
                    format!("quote(strftime('%Y-%m-%d %H:%M:%f', \"{}\"))", c.name)
                }
                _ => format!("quote(\"{}\")", c.name),
            })
            .collect();
        let dump: Dump = diesel::sql_query(format!(
            "SELECT COALESCE(group_concat(line, char(10)), '') AS rows FROM \
             (SELECT {} AS line FROM {table} ORDER BY 1)",
            values.join(" || ',' || ")
        ))
        .get_result(&mut conn)
        .unwrap();
        all.insert(*table, dump.rows);
    }
    all
}

#[derive(Debug, Clone, Copy)]
enum Precision {
    Exact,
    #[cfg_attr(not(feature = "postgres-tests"), allow(dead_code))]
    Millis,
}

/// Every table's row count line, as `db copy` prints it.
fn assert_counts_printed(ran: &Ran, url: &str) {
    for (table, rows) in counts(url) {
        let line = format!("{table:<20} {rows:>12} {rows:>12}");
        assert!(ran.stdout.contains(&line), "{line:?} in:\n{}", ran.stdout);
    }
    assert!(
        ran.stdout
            .contains("All 22 tables have the same number of rows in both databases"),
        "{}",
        ran.stdout
    );
}

#[test]
fn the_copy_lists_every_table_in_foreign_key_order() {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(dir.path().join("tables.db"), 1).unwrap();
    let mut conn = pool.get().unwrap();
    let migrated: Vec<String> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load::<Name>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|n| n.name)
    .collect();
    let mut listed: Vec<&str> = TABLES.to_vec();
    listed.sort_unstable();
    assert_eq!(listed, migrated, "db copy copies every table there is");
    let declared = SCHEMA_RS.matches("diesel::table! {").count();
    assert_eq!(TABLES.len(), declared, "and every table of schema.rs");

    for (at, table) in TABLES.iter().enumerate() {
        let parents: Vec<String> = diesel::sql_query(format!(
            "SELECT \"table\" AS name FROM pragma_foreign_key_list('{table}')"
        ))
        .load::<Name>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|n| n.name)
        .collect();
        for parent in parents {
            let before = TABLES[..at].contains(&parent.as_str());
            assert!(
                before,
                "{parent} must come before {table}, which refers to it"
            );
        }
    }
}

#[test]
fn a_sqlite_copy_holds_every_row_and_gives_the_same_exports() {
    let mut site = sqlite_site();
    fill(&mut site);
    let source = database_of(&site);
    let target = site.path("copies/copy.db").to_string_lossy().into_owned();

    let ran = ok(site.run(&["db", "copy", "--to", &target]));
    assert!(
        ran.stdout.contains(&format!("into {target} (SQLite)")),
        "{}",
        ran.stdout
    );
    assert_counts_printed(&ran, &source);
    assert_eq!(counts(&source), counts(&target));
    assert_eq!(
        sqlite_rows(&source, Precision::Exact),
        sqlite_rows(&target, Precision::Exact),
        "every value of every row is the same"
    );
    assert_eq!(exports(&mut site, &source), exports(&mut site, &target));

    // New rows in the copy get new ids, after the largest copied.
    let (people, emails) = (
        largest_id(&target, "participants"),
        largest_id(&target, "outbox"),
    );
    std::fs::write(site.path("one-more.csv"), ONE_MORE).unwrap();
    ok(run_on(
        &mut site,
        &target,
        &["participants", "import", "one-more.csv"],
    ));
    let new_person = format!(
        "participants WHERE id = {} AND email = 'jo@new.gov.uk'",
        people + 1
    );
    assert_eq!(count(&target, &new_person), 1);
    assert_eq!(largest_id(&target, "outbox"), emails + 1);
}

const ONE_MORE: &str = "name,email,phone,organisation\n\
Jo New,jo@new.gov.uk,0113 496 0100,Leeds City Council\n";

fn largest_id(url: &str, table: &str) -> i64 {
    let mut conn = db::connection(url).unwrap();
    diesel::dsl::sql::<BigInt>(&format!("SELECT MAX(id) FROM {table}"))
        .get_result(&mut conn)
        .unwrap()
}

#[test]
fn large_tables_are_copied_batch_by_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (source, target) = (path("source.db"), path("target.db"));
    let source_pool = db::connect(db::DatabaseUrl::parse(&source).unwrap(), 1).unwrap();
    let mut conn = source_pool.get().unwrap();
    // More rows than one batch holds, in a table keyed by a number and in
    // one keyed by text.
    let now = at("2026-11-01 09:00:00");
    db::transaction(&mut conn, |conn| {
        organisers::add(conn, "a@example.org", "a@example.org", "$argon2id$x", now)?;
        for i in 0..1_234 {
            organisers::record_failure(conn, &format!("k{i}"), "192.0.2.1", now)?;
            organisers::create_session(conn, &format!("s{i:05}"), 1, "csrf", now)?;
        }
        Ok(())
    })
    .unwrap();
    let target_pool = db::connect(db::DatabaseUrl::parse(&target).unwrap(), 1).unwrap();
    let mut copied = Vec::new();
    let counted = unmentoring::services::copy::copy(
        &mut conn,
        &mut target_pool.get().unwrap(),
        |table, rows| copied.push((table.to_owned(), rows)),
    )
    .unwrap();
    assert!(
        copied.contains(&("login_failures".to_owned(), 1_234)),
        "{copied:?}"
    );
    assert!(
        copied.contains(&("admin_sessions".to_owned(), 1_234)),
        "{copied:?}"
    );
    assert!(counted.iter().all(|c| c.matches()), "{counted:?}");
    drop((conn, source_pool, target_pool));
    assert_eq!(
        sqlite_rows(&source, Precision::Exact),
        sqlite_rows(&target, Precision::Exact)
    );
}

#[test]
fn a_target_holding_data_is_refused_and_left_as_it_was() {
    let mut site = Site::new();
    fill(&mut site);
    // A database of the suite's engine holding one row, in the last table copied.
    let target = common::database::url_for(site.dir.path(), "target.db");
    {
        let pool = db::connect(db::DatabaseUrl::parse(&target).unwrap(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        organisers::record_failure(
            &mut conn,
            "x@example.org",
            "192.0.2.9",
            at("2026-11-01 09:00:00"),
        )
        .unwrap();
    }
    let before = counts(&target);

    let ran = site.run(&["db", "copy", "--to", &target]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(
        ran.stderr.contains("Nothing was copied")
            && ran
                .stderr
                .contains("already holds data (1 row in login_failures)")
            && ran
                .stderr
                .contains("db copy only copies into an empty database"),
        "{}",
        ran.all()
    );
    assert_eq!(counts(&target), before, "nothing was written");
    assert_eq!(count(&target, "participants"), 0);
}

#[test]
fn a_postgres_password_never_appears_in_any_output() {
    let mut site = sqlite_site();
    ok(site.run(&["migrate"]));
    // Nothing listens on port 1: the copy fails to connect, and says where.
    let ran = site.run(&[
        "db",
        "copy",
        "--to",
        "postgres://app:s3cret-pw@127.0.0.1:1/copy",
    ]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(
        ran.all().contains("postgres://app:***@127.0.0.1:1/copy"),
        "{}",
        ran.all()
    );
    assert!(!ran.all().contains("s3cret-pw"), "{}", ran.all());

    site.set(
        "DATABASE__URL",
        "postgres://app:s3cret-pw@db.example.org:5432/unmentoring",
    );
    let ran = site.run(&["db", "backup", "unmentoring.dump"]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(!ran.all().contains("s3cret-pw"), "{}", ran.all());
    assert!(
        ran.stderr.contains(
            "pg_dump --format=custom --file=unmentoring.dump 'postgres://app@db.example.org:5432/unmentoring'"
        ),
        "{}",
        ran.stderr
    );
    assert!(!site.path("unmentoring.dump").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_opens_and_holds_one_moment() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    let mut site = sqlite_site();
    let server = Arc::new(site.serve().await);
    let client = server.client();
    for i in 0..5 {
        server
            .sign_up(&client, &format!("before{i}@example.gov.uk"))
            .await;
    }
    // Signups go on while the backup is taken.
    let stop = Arc::new(AtomicBool::new(false));
    let signing_up = tokio::spawn({
        let (server, stop) = (server.clone(), stop.clone());
        async move {
            let client = server.client();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                server
                    .sign_up(&client, &format!("during{i}@example.gov.uk"))
                    .await;
                i += 1;
            }
        }
    });
    let ran = tokio::task::block_in_place(|| site.run(&["db", "backup", "backups/monday.db"]));
    stop.store(true, Ordering::Relaxed);
    signing_up.await.unwrap();
    assert!(ran.ok, "{}", ran.all());
    assert!(
        ran.stdout
            .contains("Wrote a copy of the database db/unmentoring.sqlite to backups/monday.db ("),
        "{}",
        ran.stdout
    );

    let backup = site
        .path("backups/monday.db")
        .to_string_lossy()
        .into_owned();
    let mut conn = SqliteConnection::establish(&backup).unwrap();
    #[derive(QueryableByName)]
    struct Check {
        #[diesel(sql_type = Text)]
        integrity_check: String,
    }
    let check: Check = diesel::sql_query("PRAGMA integrity_check")
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(check.integrity_check, "ok");
    drop(conn);
    // Each signup writes these four rows in one transaction: a backup of one
    // moment has all four of every signup in it, or none.
    let people = count(&backup, "participants");
    assert!(people >= 5, "{people}");
    for table in ["pending_signups", "tokens", "outbox"] {
        assert_eq!(count(&backup, table), people, "{table}");
    }
    let exported = ok(run_on(&mut site, &backup, &["participants", "export"])).stdout;
    for i in 0..5 {
        assert!(
            exported.contains(&format!("before{i}@example.gov.uk")),
            "{exported}"
        );
    }
}

#[test]
fn a_backup_never_overwrites_a_file() {
    let mut site = sqlite_site();
    ok(site.run(&["migrate"]));
    std::fs::write(site.path("precious.db"), "keep me").unwrap();
    let ran = site.run(&["db", "backup", "precious.db"]);
    assert_eq!(ran.code, Some(1), "{}", ran.all());
    assert!(
        ran.stderr
            .contains("No backup was written: precious.db already exists"),
        "{}",
        ran.stderr
    );
    assert_eq!(
        std::fs::read_to_string(site.path("precious.db")).unwrap(),
        "keep me"
    );
}

/// The tests that need a PostgreSQL server (`--features postgres-tests`).
#[cfg(feature = "postgres-tests")]
mod on_postgres {
    use super::*;
    use common::database::fresh_postgres;

    #[test]
    fn sqlite_to_postgres_and_back_gives_identical_exports_and_rows() {
        let mut site = sqlite_site();
        fill(&mut site);
        let original = database_of(&site);
        let postgres = fresh_postgres();
        let back = site.path("back.db").to_string_lossy().into_owned();

        let ran = ok(site.run(&["db", "copy", "--to", &postgres]));
        assert_counts_printed(&ran, &original);
        let ran = ok(run_on(&mut site, &postgres, &["db", "copy", "--to", &back]));
        assert!(ran.stdout.contains("(PostgreSQL) into"), "{}", ran.stdout);
        assert_counts_printed(&ran, &postgres);

        let exported = exports(&mut site, &original);
        assert_eq!(exports(&mut site, &postgres), exported);
        assert_eq!(exports(&mut site, &back), exported);
        assert_eq!(
            sqlite_rows(&original, Precision::Millis),
            sqlite_rows(&back, Precision::Millis),
            "every value of every row came back"
        );
    }

    #[tokio::test]
    async fn ids_continue_after_a_copy_into_postgres() {
        let mut site = sqlite_site();
        fill(&mut site);
        let postgres = fresh_postgres();
        ok(site.run(&["db", "copy", "--to", &postgres]));

        #[derive(QueryableByName)]
        struct Name {
            #[diesel(sql_type = Text)]
            table_name: String,
        }
        let mut conn = db::connection(&postgres).unwrap();
        let with_identity: Vec<Name> = diesel::sql_query(
            "SELECT table_name::text AS table_name FROM information_schema.columns \
             WHERE table_schema = 'public' AND is_identity = 'YES'",
        )
        .load(&mut conn)
        .unwrap();
        assert_eq!(with_identity.len(), 13, "the tables keyed by an id");
        for Name { table_name: table } in with_identity {
            let largest = largest_id(&postgres, &table);
            let next: i64 = diesel::dsl::sql::<BigInt>(&format!(
                "SELECT nextval(pg_get_serial_sequence('{table}', 'id'))"
            ))
            .get_result(&mut conn)
            .unwrap();
            assert_eq!(next, largest + 1, "{table}");
        }
        drop(conn);

        let people = count(&postgres, "participants");
        site.set("DATABASE__URL", &postgres);
        let server = site.serve().await;
        server
            .sign_up(&server.client(), "after.copy@example.gov.uk")
            .await;
        assert_eq!(count(&postgres, "participants"), people + 1);
    }
}
