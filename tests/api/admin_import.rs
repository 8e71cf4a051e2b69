//! `/admin/import` and `/admin/export`: CSV in (checked row by row, with
//! confirmation emails) and CSV out (safe to open in a spreadsheet).

use reqwest::multipart::{Form, Part};

use crate::helpers::{spawn_app, Organiser, Page, TestApp};

const HEADER: &str = "name,email,phone,organisation,google_id,skype,topics";
/// A name that is a spreadsheet formula, and how it must come out.
const EVIL: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";
const EVIL_CELL: &str = "'=HYPERLINK(\"http://evil.example\",\"x\")";

fn csv_file(data: impl Into<Vec<u8>>) -> Part {
    Part::bytes(data.into())
        .file_name("people.csv")
        .mime_str("text/csv")
        .unwrap()
}

/// The upload form with a file, and perhaps the "already confirmed" box ticked.
fn upload(data: impl Into<Vec<u8>>, already_confirmed: bool) -> Form {
    let form = Form::new().part("file", csv_file(data));
    if already_confirmed {
        form.text("already_confirmed", "yes")
    } else {
        form
    }
}

/// Posts exactly this multipart form (no token added).
async fn post_without_token(organiser: &Organiser<'_>, form: Form) -> u16 {
    organiser
        .app
        .client
        .post(format!("{}/admin/import", organiser.app.address))
        .header("cookie", &organiser.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The cells of the table row whose first cell is `line`, as HTML.
fn row_for_line(body: &str, line: u64) -> &str {
    let start = format!("<td>{line}</td>");
    body.split("<tr")
        .find(|row| row.trim_start_matches(['>', ' ', '\n']).starts_with(&start))
        .unwrap_or_else(|| panic!("no row for line {line} in:\n{body}"))
}

/// (line, reason that must be given)
const REJECTED: &[(u64, &str)] = &[
    (3, "email: Enter an email address in the correct format"),
    (4, "name: Enter your full name"),
    (5, "phone: Enter a phone number"),
    (7, "email: this address is also on line 2 of the file"),
    (8, "email: this address has already signed up"),
    (
        9,
        "topics: What you would like to talk about must be 500 characters or fewer",
    ),
];

fn mixed_file() -> String {
    let long_topics = "x".repeat(501);
    [
        HEADER.to_owned(),
        "Ann Example,ann@leeds.gov.uk,0113 496 0000,Leeds City Council,,ann.skype,Open data".into(),
        "Not An Email,not-an-email,0113 496 0001,Leeds City Council,,,".into(),
        ",noname@leeds.gov.uk,0113 496 0002,Leeds City Council,,,".into(),
        "Bad Phone,phone@leeds.gov.uk,12345,Leeds City Council,,,".into(),
        "Bo <script>alert(1)</script>,bo@york.gov.uk,01904 551 550,York Council,bo@gmail.com,,"
            .into(),
        "Ann Again,ANN@leeds.gov.uk,0113 496 0003,Leeds City Council,,,".into(),
        "Known Person,known@hull.gov.uk,01482 300 300,Hull City Council,,,".into(),
        format!("Long Topics,long@leeds.gov.uk,0113 496 0004,Leeds City Council,,,{long_topics}"),
    ]
    .join("\r\n")
}

fn assert_result_lists_rows(page: &Page) {
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(page.body.contains("2 people added, 6 rows not added"));
    assert!(page.body.contains(">People added (2)</caption>"));
    assert!(page.body.contains(">Rows not added (6)</caption>"));
    assert!(row_for_line(&page.body, 2).contains("ann@leeds.gov.uk"));
    let bo = row_for_line(&page.body, 6);
    assert!(bo.contains("bo@york.gov.uk"));
    assert!(
        bo.contains("Bo &#60;script&#62;alert(1)&#60;/script&#62;")
            || bo.contains("Bo &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{bo}"
    );
    assert!(!page.body.contains("<script>"), "the name is escaped");
    for (line, reason) in REJECTED {
        let row = row_for_line(&page.body, *line);
        assert!(row.contains(reason), "line {line}: {row}");
    }
}

#[tokio::test]
async fn an_import_adds_the_good_rows_with_confirmation_emails_and_says_why_others_were_not() {
    let app = spawn_app().await;
    app.add_participant("Known Person", "known@hull.gov.uk", "Hull City Council");
    let organiser = app.organiser().await;

    let page = organiser
        .post_multipart("/admin/import", upload(mixed_file(), false))
        .await;
    assert_result_lists_rows(&page);
    assert!(page
        .body
        .contains("has been sent an email asking them to confirm"));

    assert_eq!(app.count("participants"), 3);
    assert_eq!(
        app.count(
            "participants WHERE status = 'pending' AND source = 'import' AND confirmed_at IS NULL"
        ),
        2
    );
    assert_eq!(
        app.count("participants WHERE email = 'known@hull.gov.uk' AND source = 'signup' AND status = 'active'"),
        1,
        "the known person is left as they were"
    );
    assert_eq!(
        app.count("participants WHERE name = 'Ann Example' AND skype = 'ann.skype' AND cadence = 'monthly'"),
        1
    );

    app.wait_for_emails(2).await;
    app.assert_all_email_sent().await;
    let received = app.smtp.received();
    assert_eq!(
        received.len(),
        2,
        "one email for each person added, no more"
    );
    for address in ["ann@leeds.gov.uk", "bo@york.gov.uk"] {
        let theirs: Vec<_> = received.iter().filter(|e| e.is_for(address)).collect();
        assert_eq!(theirs.len(), 1, "{address}");
        assert_eq!(theirs[0].kind, "confirm");
    }

    // They join the pool only once they confirm.
    let link = app
        .email_for("ann@leeds.gov.uk", 2)
        .await
        .link_to(app.link_base(), "/confirm/");
    assert_eq!(app.post_form(&link, &[("", "")]).await.status, 200);
    assert_eq!(
        app.count("participants WHERE email = 'ann@leeds.gov.uk' AND status = 'active' AND source = 'import'"),
        1
    );
    app.wait_for_emails(3).await;
    app.assert_all_email_sent().await;
}

#[tokio::test]
async fn people_who_already_agreed_elsewhere_join_the_pool_without_an_email() {
    let app = spawn_app().await;
    app.add_participant("Known Person", "known@hull.gov.uk", "Hull City Council");
    let organiser = app.organiser().await;

    let page = organiser
        .post_multipart("/admin/import", upload(mixed_file(), true))
        .await;
    assert_result_lists_rows(&page);
    assert!(page.body.contains("without a confirmation email"));
    assert_eq!(
        app.count("participants WHERE status = 'active' AND source = 'import_confirmed' AND confirmed_at IS NOT NULL"),
        2
    );
    assert_eq!(app.count("participants WHERE status = 'pending'"), 0);
    assert_eq!(app.count("outbox"), 0);
    assert_eq!(app.count("tokens"), 0);
    app.assert_all_email_sent().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(app.smtp.received().is_empty(), "no email was sent");
}

#[tokio::test]
async fn an_import_without_the_form_token_is_refused_and_adds_nobody() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let good =
        format!("{HEADER}\nAnn Example,ann@leeds.gov.uk,0113 496 0000,Leeds City Council,,,");

    assert_eq!(
        post_without_token(&organiser, upload(good.clone(), false)).await,
        403
    );
    let wrong = upload(good.clone(), false).text("csrf_token", "not-the-token");
    assert_eq!(post_without_token(&organiser, wrong).await, 403);
    assert_eq!(app.count("participants"), 0);
    assert_eq!(app.count("outbox"), 0);

    // Signed out, the form is not even shown.
    let signed_out = app.get("/admin/import").await;
    assert_eq!(signed_out.status, 303);
    assert_eq!(signed_out.location(), "/admin/login");
}

#[tokio::test]
async fn the_import_form_uploads_a_file_with_a_token_and_explains_the_columns() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let page = organiser.get("/admin/import").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), "no-store");
    assert!(!page.title().starts_with("Error"));
    for needed in [
        "enctype=\"multipart/form-data\"",
        "method=\"post\"",
        "<label class=\"label\" for=\"file\">CSV file</label>",
        "name=\"file\" type=\"file\"",
        "name=\"already_confirmed\" type=\"checkbox\" value=\"yes\"",
        "add them without a confirmation email",
        "You are vouching for them",
        HEADER,
        "64 KB",
        &format!("name=\"csrf_token\" value=\"{}\"", organiser.csrf_token),
    ] {
        assert!(page.body.contains(needed), "{needed}");
    }
}

#[tokio::test]
async fn a_missing_or_unusable_file_shows_the_form_with_an_error_summary() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let empty_file = Form::new().part("file", csv_file(Vec::new()).file_name(""));
    let cases: Vec<(Form, &str)> = vec![
        (Form::new(), "Select a CSV file"),
        (empty_file, "Select a CSV file"),
        (
            upload("name,email\nJo,jo@x.org\n", false),
            "it has no phone, organisation",
        ),
        (upload(b"name,email\xff\n".to_vec(), false), "UTF-8"),
        (
            Form::new().part(
                "file",
                Part::bytes(b"PK\x03\x04xlsx".to_vec()).file_name("people.xlsx"),
            ),
            "must be a CSV file",
        ),
    ];
    for (form, message) in cases {
        let page = organiser.post_multipart("/admin/import", form).await;
        assert_eq!(page.status, 200, "{message}");
        assert!(page.title().starts_with("Error: "), "{message}");
        assert!(page.body.contains("class=\"error-summary\""));
        assert!(
            page.body.contains("<li><a href=\"#file\">"),
            "the summary links to the file input"
        );
        assert!(page.body.contains(message), "{message}: {}", page.body);
        assert!(page.body.contains("enctype=\"multipart/form-data\""));
    }
    let too_big = format!(
        "{HEADER}\n{}",
        "Ann Example,ann@leeds.gov.uk,0113 496 0000,Leeds City Council,,,\n".repeat(1200)
    );
    let page = organiser
        .post_multipart("/admin/import", upload(too_big, false))
        .await;
    assert_eq!(page.status, 413);
    assert_eq!(app.count("participants"), 0);
}

/// Someone whose details are spreadsheet formulas, in a round, who answered
/// the follow-up with a formula note and two links; their partner shared nothing.
fn add_formula_people(app: &TestApp) {
    let evil = app.add_participant(EVIL, "evil@example.org", "+cmd");
    app.execute(&format!(
        "UPDATE participants SET topics = '-2+3' WHERE id = {evil}"
    ));
    let partner = app.add_participant("Pat Partner", "pat@example.org", "York Council");
    app.execute(
        "INSERT INTO rounds (round_key, trigger, seed, include_all, odd_one_out, started_at, people_due, groups_count, trios, sat_out, forced_repeats, same_organisation_pairs)
         VALUES ('manual:test', 'manual', 7, 0, 'trio', '2026-11-02 09:00:00', 2, 1, 0, 0, 0, 0)",
    );
    app.execute(&format!(
        "INSERT INTO group_members (id, round_id, group_number, participant_id) VALUES (1, 1, 1, {evil}), (2, 1, 1, {partner})"
    ));
    app.execute(
        "INSERT INTO followup_answers (group_member_id, met, note, publish, challenged, answered_at, updated_at)
         VALUES (1, 'yes', '@SUM(A1)', 1, 4, '2026-11-20 10:00:00', '2026-11-20 10:00:00'),
                (2, 'not_yet', NULL, 0, NULL, '2026-11-21 10:00:00', '2026-11-21 10:00:00')",
    );
    app.execute(
        "INSERT INTO shared_links (group_member_id, url, created_at)
         VALUES (1, 'https://blog.example/one', '2026-11-20 10:00:00'),
                (1, 'https://blog.example/two', '2026-11-20 10:00:01')",
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
    let today = chrono::Utc::now().date_naive().format("%Y-%m-%d");
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
        "round,round_date,name,organisation,met,url,note,published,challenged,shared_at"
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
    app.execute("UPDATE participants SET status = 'left', name = '', email = NULL, email_key = NULL, phone = NULL, organisation = '', left_at = '2026-11-22 12:00:00' WHERE email = 'pat@example.org'");
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
