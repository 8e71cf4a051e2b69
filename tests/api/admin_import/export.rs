//! CSV exports: formulas neutralised, downloads only for organisers.

use unmentoring::db::participants;
use unmentoring::domain::{Met, ValidFollowup, ValidProfile};

use super::*;
use crate::fixtures::{at, followup, link, profile};

fn add_formula_people(app: &TestApp) {
    let evil = app.add_person(&ValidProfile {
        topics: Some("-2+3".into()),
        ..profile(EVIL, "evil@example.org", "+cmd")
    });
    let partner = app.add_participant("Pat Partner", "pat@example.org", "York Council");
    let round = app.add_round(at("2026-11-02 09:00:00"), &[&[evil, partner]]);
    let evils = ValidFollowup {
        note: Some(Some("@SUM(A1)".into())),
        publish: Some(true),
        challenged: Some(Some(4)),
        urls: vec![
            link("https://blog.example/one"),
            link("https://blog.example/two"),
        ],
        ..followup(Met::Yes)
    };
    app.answer(
        app.member_of(round, evil),
        &evils,
        at("2026-11-20 10:00:00"),
    );
    let partners = followup(Met::NotYet);
    app.answer(
        app.member_of(round, partner),
        &partners,
        at("2026-11-21 10:00:00"),
    );
}

/// Parses a CSV download: (header, rows).
fn parse_csv(body: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header.iter().position(|h| h == column).unwrap();
    &row[i]
}

async fn download(organiser: &Organiser<'_>, what: &str) -> Page {
    let page = organiser.get(&format!("/admin/export/{what}.csv")).await;
    assert_eq!(page.status, 200, "{what}");
    assert_eq!(page.header("content-type"), "text/csv; charset=utf-8");
    assert_eq!(page.header("cache-control"), "no-store");
    let today = organiser.app.clock.today().format("%Y-%m-%d");
    assert_eq!(
        page.header("content-disposition"),
        format!("attachment; filename=\"unmentoring-{what}-{today}.csv\"")
    );
    page
}

#[tokio::test]
async fn exports_neutralise_formulas_and_download_as_attachments() {
    let app = spawn_app().await;
    add_formula_people(&app);
    let organiser = app.organiser().await;

    let people = download(&organiser, "participants").await;
    let (header, rows) = parse_csv(&people.body);
    assert_eq!(
        header.join(","),
        "id,name,email,phone,organisation,google_id,skype,topics,cadence,status,paused_until,source,joined,confirmed,last_round,left"
    );
    assert_eq!(rows.len(), 2);
    let evil = &rows[0];
    assert_eq!(cell(&header, evil, "name"), EVIL_CELL);
    assert_eq!(cell(&header, evil, "organisation"), "'+cmd");
    assert_eq!(cell(&header, evil, "topics"), "'-2+3");
    assert_eq!(cell(&header, evil, "email"), "evil@example.org");
    assert_eq!(cell(&header, evil, "status"), "active");
    assert_eq!(cell(&header, evil, "source"), "signup");
    assert_eq!(cell(&header, &rows[1], "name"), "Pat Partner");

    let outputs = download(&organiser, "outputs").await;
    let (header, rows) = parse_csv(&outputs.body);
    assert_eq!(
        header.join(","),
        "round,round_date,name,organisation,met,url,note,published,challenged,would_repeat,new_connection,shared_at"
    );
    assert_eq!(
        rows.len(),
        3,
        "one row per link, one for the answer without links"
    );
    for row in &rows[..2] {
        assert_eq!(cell(&header, row, "note"), "'@SUM(A1)");
        assert_eq!(cell(&header, row, "name"), EVIL_CELL);
        assert_eq!(cell(&header, row, "organisation"), "'+cmd");
        assert_eq!(cell(&header, row, "round_date"), "2026-11-02");
        assert_eq!(cell(&header, row, "published"), "yes");
        assert_eq!(cell(&header, row, "challenged"), "4");
    }
    assert_eq!(cell(&header, &rows[0], "url"), "https://blog.example/one");
    assert_eq!(cell(&header, &rows[1], "url"), "https://blog.example/two");
    assert_eq!(cell(&header, &rows[2], "name"), "Pat Partner");
    assert_eq!(cell(&header, &rows[2], "met"), "not_yet");
    assert_eq!(cell(&header, &rows[2], "url"), "");

    let rounds = download(&organiser, "rounds").await;
    let (header, rows) = parse_csv(&rounds.body);
    assert_eq!(
        header.join(","),
        "id,started_at,trigger,include_all,people_due,groups,trios,sat_out,forced_repeats,same_organisation_pairs"
    );
    assert_eq!(
        rows,
        [[
            "1",
            "2026-11-02 09:00:00",
            "manual",
            "no",
            "2",
            "1",
            "0",
            "0",
            "0",
            "0"
        ]]
    );

    // People who left are only their number, state and the date they left.
    let pat = app.id_of("pat@example.org");
    app.db(|c| participants::erase(c, pat, at("2026-11-22 12:00:00")));
    let (header, rows) = parse_csv(&download(&organiser, "participants").await.body);
    let left = &rows[1];
    assert_eq!(cell(&header, left, "status"), "left");
    assert_eq!(cell(&header, left, "left"), "2026-11-22");
    assert_eq!(
        cell(&header, left, "cadence"),
        "",
        "nothing else about them"
    );
    assert_eq!(cell(&header, left, "joined"), "");
}

#[tokio::test]
async fn exports_need_an_organiser_to_be_signed_in() {
    let app = spawn_app().await;
    add_formula_people(&app);
    for path in [
        "/admin/export",
        "/admin/export/participants.csv",
        "/admin/export/rounds.csv",
        "/admin/export/outputs.csv",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, 303, "{path}");
        assert_eq!(page.location(), "/admin/login", "{path}");
        assert!(!page.body.contains("evil@example.org"));
    }
    let organiser = app.organiser().await;
    let page = organiser.get("/admin/export").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    for what in ["participants", "rounds", "outputs"] {
        assert!(
            page.body
                .contains(&format!("href=\"/admin/export/{what}.csv\"")),
            "{what}"
        );
    }
    assert_eq!(organiser.get("/admin/export/secrets.csv").await.status, 404);
}
