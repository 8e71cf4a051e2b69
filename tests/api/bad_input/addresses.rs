//! Every address we accept is one we can send to, in one normalised form.

use crate::admin_import::{row_for_line, upload};
use crate::helpers::spawn_app;

/// The Cyrillic "а" (U+0430) in place of the Latin "a" of example.
const CYRILLIC_DOMAIN: &str = "admin@ex\u{0430}mple.org";
const CYRILLIC_STORED: &str = "admin@xn--exmple-4nf.org";

#[tokio::test]
async fn a_signup_with_an_address_no_email_can_be_built_for_is_refused() {
    let app = spawn_app().await;
    for bad in ["lit@[127.0.0.1]", "\"quoted@evil.example\"@example.org"] {
        let page = app.sign_up(bad).await;
        assert_eq!(page.status, 200, "{bad}: {}", page.body);
        assert!(page.title().starts_with("Error: "), "{bad}");
        assert!(page.body.contains("<a href=\"#email\">"), "{bad}");
        assert!(
            page.body
                .contains("Enter an email address in the correct format, like name@example.gov.uk"),
            "{bad}"
        );
    }
    assert_eq!(app.count("participants"), 0);
    assert_eq!(app.count("outbox"), 0);
}

#[tokio::test]
async fn look_alike_addresses_are_one_person_and_an_international_domain_is_stored_sendable() {
    let app = spawn_app().await;
    assert_eq!(app.sign_up("admin@example.org").await.status, 303);
    // Past the window in which a repeat signup sends nothing.
    app.clock.advance(chrono::Duration::minutes(16));
    // Fullwidth "ａ" (U+FF41) and capitals in the domain: the same address.
    assert_eq!(app.sign_up("\u{ff41}dmin@EXAMPLE.org").await.status, 303);
    assert_eq!(
        app.count("participants"),
        1,
        "the second signup is a repeat of the first"
    );
    assert_eq!(
        app.count(
            "participants WHERE email = 'admin@example.org' AND email_key = 'admin@example.org'"
        ),
        1
    );

    // A Cyrillic letter makes another domain: a different person, stored
    // and compared in the form mail servers use.
    assert_eq!(app.sign_up(CYRILLIC_DOMAIN).await.status, 303);
    assert_eq!(app.count("participants"), 2);
    assert_eq!(
        app.count(&format!(
            "participants WHERE email = '{CYRILLIC_STORED}' AND email_key = '{CYRILLIC_STORED}'"
        )),
        1
    );
    let email = app.email_for(CYRILLIC_STORED, 3).await;
    assert_eq!(email.kind, "confirm");
    app.assert_all_email_sent().await;
    let to_admin = app
        .smtp
        .received()
        .iter()
        .filter(|e| e.is_for("admin@example.org"))
        .count();
    assert_eq!(to_admin, 2, "both signups of the same address got a link");
}

#[tokio::test]
async fn the_csv_import_uses_the_same_address_rule() {
    let app = spawn_app().await;
    let organiser = app.organiser().await;
    let rows = [
        "name,email,phone,organisation",
        "Ann Able,admin@example.org,0113 496 0000,Leeds City Council",
        "Ann Again,\u{ff41}dmin@example.org,0113 496 0001,Leeds City Council",
        "Lit Eral,lit@[127.0.0.1],0113 496 0002,Leeds City Council",
        "Quo Ted,\"\"\"quoted@evil.example\"\"@example.org\",0113 496 0003,Leeds City Council",
        &format!("Cy Rillic,{CYRILLIC_DOMAIN},0113 496 0004,Leeds City Council"),
    ];
    let page = organiser
        .post_multipart("/admin/import", upload(rows.join("\n"), true))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("2 people added, 3 rows not added"),
        "{}",
        page.body
    );
    assert!(row_for_line(&page.body, 3).contains("The email address is also on line 2"));
    for line in [4, 5] {
        assert!(
            row_for_line(&page.body, line).contains("The email address is not in a correct format"),
            "line {line}"
        );
    }
    assert!(row_for_line(&page.body, 6).contains(CYRILLIC_STORED));
    assert_eq!(app.count("participants"), 2);
    assert_eq!(
        app.count(&format!(
            "participants WHERE email_key = '{CYRILLIC_STORED}'"
        )),
        1
    );
}
