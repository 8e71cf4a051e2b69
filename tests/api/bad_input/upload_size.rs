//! The CSV upload takes the 5,000 rows its page promises; every other form
//! keeps the 64 KiB limit.

use reqwest::multipart::{Form, Part};
use unmentoring::admin::{IMPORT_MAX_FILE, IMPORT_MAX_UPLOAD};
use unmentoring::middleware::MAX_BODY;

use crate::admin_import::{upload, HEADER};
use crate::helpers::spawn_app;

/// One row with a long name, address, organisation and topics, as a real
/// council spreadsheet might have: about 650 bytes.
fn long_row(i: usize) -> String {
    let topics = "Accessible forms, open data, user research with residents, \
                  service design for adult social care, and how small councils share code. "
        .repeat(3);
    format!(
        "Alexandra Catherine Montgomery-Fitzwilliam {i:04},\
         alexandra.montgomery-fitzwilliam.{i:04}@royal-borough-of-kensington-and-chelsea.gov.uk,\
         +44 20 7361 {i:04},\
         The Royal Borough of Kensington and Chelsea Digital Services Team,\
         alexandra.montgomery.{i:04},live:.cid.{i:04}abcdef,\
         \"{}\"",
        topics.trim()
    )
}

#[tokio::test]
async fn a_five_thousand_row_file_is_imported() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let page = organiser.get("/admin/import").await;
    assert!(
        page.body.contains("up to 5,000 rows and be up to 4 MB"),
        "{}",
        page.body
    );

    let rows: Vec<String> = (0..5_000).map(long_row).collect();
    let file = format!("{HEADER}\n{}\n", rows.join("\n"));
    assert!(
        file.len() > 3_000_000,
        "a realistic large file: {} bytes",
        file.len()
    );
    assert!(file.len() < IMPORT_MAX_FILE);
    let page = organiser
        .post_multipart("/admin/import", upload(file, false))
        .await;
    assert_eq!(
        page.status,
        200,
        "{}",
        &page.body[..page.body.len().min(2000)]
    );
    assert!(page.body.contains("5000 people added, 0 rows not added"));
    assert_eq!(app.count("participants WHERE status = 'pending'"), 5_000);
    assert_eq!(app.count("outbox WHERE kind = 'confirm'"), 5_000);
}

#[tokio::test]
async fn a_file_of_more_than_5000_rows_is_refused_and_the_command_line_is_named() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let rows: Vec<String> = (0..5_001)
        .map(|i| format!("Person {i},p{i}@leeds.gov.uk,0113 496 0000,Leeds City Council,,,"))
        .collect();
    let page = organiser
        .post_multipart(
            "/admin/import",
            upload(format!("{HEADER}\n{}\n", rows.join("\n")), false),
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.title().starts_with("Error: "));
    assert!(
        page.body.contains("more than 5,000 rows: split it into smaller files, or use the command unmentoring participants import on the server"),
        "{}",
        page.body
    );
    assert_eq!(app.count("participants"), 0, "nobody is added");
}

#[tokio::test]
async fn a_file_over_the_upload_limit_gets_the_too_large_page_and_adds_nobody() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let rows = (IMPORT_MAX_UPLOAD / 64) + 1;
    let big = format!(
        "{HEADER}\n{}",
        "Ann Example,ann@leeds.gov.uk,0113 496 0000,Leeds City Council,,,\n".repeat(rows)
    );
    assert!(big.len() > IMPORT_MAX_UPLOAD);

    let declared = organiser
        .post_multipart("/admin/import", upload(big.clone(), false))
        .await;
    // Without a declared length: the upload's own limits stop it while reading.
    let stream = futures_util::stream::iter(
        big.into_bytes()
            .chunks(64 * 1024)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let chunked_file = Part::stream(reqwest::Body::wrap_stream(stream)).file_name("people.csv");
    let chunked = organiser
        .post_multipart("/admin/import", Form::new().part("file", chunked_file))
        .await;
    for page in [&declared, &chunked] {
        assert_eq!(page.status, 413);
        assert!(page.header("content-type").starts_with("text/html"));
        assert!(
            page.body.contains("The file you chose is too large"),
            "{}",
            page.body
        );
        assert!(page.body.contains("up to 4 MB"));
    }
    assert_eq!(app.count("participants"), 0);
}

#[tokio::test]
async fn other_forms_keep_the_64_kib_limit() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let big = format!("email=a%40b.org&password={}", "x".repeat(MAX_BODY));
    let login = app.post_raw("/admin/login", big.clone()).await;
    let stream = futures_util::stream::iter(
        big.into_bytes()
            .chunks(1024)
            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
            .collect::<Vec<_>>(),
    );
    let chunked = app
        .post_raw("/admin/login", reqwest::Body::wrap_stream(stream))
        .await;
    let padding = "x".repeat(MAX_BODY);
    let round = organiser
        .post(
            "/admin/rounds",
            &[("round_key", "manual:x"), ("padding", &padding)],
        )
        .await;
    for page in [&login, &chunked, &round] {
        assert_eq!(page.status, 413);
        assert!(
            page.body.contains("What you sent is too large"),
            "{}",
            page.body
        );
    }
    assert_eq!(app.count("admin_sessions"), 1, "only the organiser's own");
    assert_eq!(app.count("rounds"), 0);
}
