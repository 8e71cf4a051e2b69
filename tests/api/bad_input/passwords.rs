//! Passwords are used exactly as typed: spaces at either end included.

use crate::helpers::spawn_app;

#[tokio::test]
async fn a_password_with_spaces_at_the_ends_signs_in_exactly_as_typed() {
    let app = spawn_app().await;
    app.add_organiser("organiser@example.org", "  spaced password  ");
    let trimmed = app
        .post_login("organiser@example.org", "spaced password")
        .await;
    assert_eq!(
        trimmed.status, 200,
        "without its spaces it is another password"
    );
    assert!(trimmed
        .body
        .contains("Enter a correct email address and password"));
    let exact = app
        .post_login("organiser@example.org", "  spaced password  ")
        .await;
    assert_eq!(exact.status, 303, "{}", exact.body);
    assert_eq!(exact.location(), "/admin");
    assert_eq!(app.count("admin_sessions"), 1);
}
