//! `/admin/import` and `/admin/export`: CSV in (checked row by row, with
//! confirmation emails) and CSV out (safe to open in a spreadsheet).

use reqwest::multipart::{Form, Part};

use crate::helpers::{spawn_app, Organiser, Page, TestApp};

pub(super) const HEADER: &str = "name,email,phone,organisation,google_id,skype,topics";
/// A name that is a spreadsheet formula, and how it must come out.
pub(super) const EVIL: &str = "=HYPERLINK(\"http://evil.example\",\"x\")";
pub(super) const EVIL_CELL: &str = "'=HYPERLINK(\"http://evil.example\",\"x\")";

pub(super) fn csv_file(data: impl Into<Vec<u8>>) -> Part {
    Part::bytes(data.into())
        .file_name("people.csv")
        .mime_str("text/csv")
        .unwrap()
}

/// The upload form with a file, and perhaps the "already confirmed" box ticked.
pub(super) fn upload(data: impl Into<Vec<u8>>, already_confirmed: bool) -> Form {
    let form = Form::new().part("file", csv_file(data));
    if already_confirmed {
        form.text("already_confirmed", "yes")
    } else {
        form
    }
}

/// Posts exactly this multipart form (no token added).
pub(super) async fn post_without_token(organiser: &Organiser<'_>, form: Form) -> u16 {
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
pub(super) fn row_for_line(body: &str, line: u64) -> &str {
    let start = format!("<td>{line}</td>");
    body.split("<tr")
        .find(|row| row.trim_start_matches(['>', ' ', '\n']).starts_with(&start))
        .unwrap_or_else(|| panic!("no row for line {line} in:\n{body}"))
}

/// (line, reason that must be given): addressed to the organiser, about the
/// row, never to the person ("Enter your ...").
pub(super) const REJECTED: &[(u64, &str)] = &[
    (
        3,
        "The email address is not in a correct format, like name@example.gov.uk",
    ),
    (4, "The name is missing"),
    (
        5,
        "The phone number is not in a correct format, like 01632 960 001",
    ),
    (7, "The email address is also on line 2 of the file"),
    (
        8,
        "Someone with this email address has already signed up to UnMentoring",
    ),
    (9, "The list of topics is longer than 500 characters"),
];

pub(super) fn mixed_file() -> String {
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

pub(super) fn assert_result_lists_rows(page: &Page) {
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
    assert!(!page.body.contains("Enter your"), "{}", page.body);
}

#[tokio::test]
pub(super) async fn an_import_adds_the_good_rows_with_confirmation_emails_and_says_why_others_were_not(
) {
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
    assert_eq!(app.post_form(&link, &[("", "")]).await.status, 303);
    assert_eq!(
        app.count("participants WHERE email = 'ann@leeds.gov.uk' AND status = 'active' AND source = 'import'"),
        1
    );
    app.wait_for_emails(3).await;
    app.assert_all_email_sent().await;
}

#[tokio::test]
pub(super) async fn people_who_already_agreed_elsewhere_join_the_pool_without_an_email() {
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
    assert!(app.smtp.received().is_empty(), "no email was sent");
}

#[tokio::test]
pub(super) async fn an_import_without_the_form_token_is_refused_and_adds_nobody() {
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
pub(super) async fn the_import_form_uploads_a_file_with_a_token_and_explains_the_columns() {
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
        "up to 5,000 rows and be up to 4 MB",
        "Larger files: use the command <code>unmentoring participants import FILE.csv</code> on the server",
        &format!("name=\"csrf_token\" value=\"{}\"", organiser.csrf_token),
    ] {
        assert!(page.body.contains(needed), "{needed}");
    }
}

#[tokio::test]
pub(super) async fn a_missing_or_unusable_file_shows_the_form_with_an_error_summary() {
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
    assert_eq!(app.count("participants"), 0);
}

/// Someone whose details are spreadsheet formulas, in a round, who answered
/// the follow-up with a formula note and two links; their partner shared nothing.
mod export;
