//! `unmentoring organiser add | password | remove | list`: the password comes from
//! standard input (or a prompt), never from the command line.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::process::Site;
use diesel::prelude::*;

/// Runs `organiser add EMAIL` with `input` on standard input.
fn add(site: &mut Site, email: &str, input: &str) -> (bool, String) {
    with_input(site, "add", email, input)
}

/// Runs `organiser {command} EMAIL` with `input` on standard input.
fn with_input(site: &mut Site, command: &str, email: &str, input: &str) -> (bool, String) {
    let (mut cmd, out, err) = site.command(&["organiser", command, email], command);
    cmd.stdin(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let status = child.wait().unwrap();
    let text = format!(
        "{}{}",
        std::fs::read_to_string(out).unwrap(),
        std::fs::read_to_string(err).unwrap()
    );
    (status.success(), text)
}

fn stored_hash(site: &Site, email: &str) -> Option<String> {
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    diesel::dsl::sql::<diesel::sql_types::Text>(&format!(
        "SELECT password_hash FROM organisers WHERE email_key = '{email}'"
    ))
    .get_result(&mut conn)
    .optional()
    .unwrap()
}

#[test]
fn organisers_are_added_listed_and_removed() {
    let mut site = Site::new();
    let (ok, text) = add(&mut site, "Boss@Example.org", "a long enough password\n");
    assert!(ok, "{text}");
    assert!(text.contains("Added organiser Boss@example.org"));
    assert!(
        text.contains("They can sign in at http") && text.contains("/admin/login."),
        "the full address of the sign-in page: {text}"
    );
    let hash = stored_hash(&site, "boss@example.org").expect("stored");
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("a long enough password"));

    let (again, text) = add(&mut site, "boss@example.org", "another long password\n");
    assert!(!again);
    assert!(text.contains("already an organiser"));

    let list = site.run(&["organiser", "list"]);
    assert!(list.ok);
    assert!(list.stdout.contains("Boss@example.org"));

    let removed = site.run(&["organiser", "remove", "boss@example.org"]);
    assert!(removed.ok, "{}", removed.all());
    assert!(stored_hash(&site, "boss@example.org").is_none());
    let unknown = site.run(&["organiser", "remove", "boss@example.org"]);
    assert!(!unknown.ok);
    assert!(unknown.stderr.contains("is not an organiser"));
    assert!(site
        .run(&["organiser", "list"])
        .stdout
        .contains("No organisers yet"));
}

#[test]
fn a_short_password_or_a_bad_address_adds_nobody() {
    let mut site = Site::new();
    let (ok, text) = add(&mut site, "boss@example.org", "short\n");
    assert!(!ok);
    assert!(text.contains("at least 12 characters"), "{text}");
    let (ok, text) = add(&mut site, "not an address", "a long enough password\n");
    assert!(!ok);
    assert!(text.contains("email address"), "{text}");
    assert!(site
        .run(&["organiser", "list"])
        .stdout
        .contains("No organisers yet"));
}

#[test]
fn the_password_is_not_an_argument() {
    let mut site = Site::new();
    let ran = site.run(&[
        "organiser",
        "add",
        "boss@example.org",
        "a long enough password",
    ]);
    assert!(!ran.ok, "a password on the command line is refused");
    assert!(ran.stderr.contains("unexpected argument"), "{}", ran.stderr);
}

#[test]
fn the_password_keeps_its_spaces_and_the_address_is_normalised() {
    use unmentoring::admin::password::verify;
    let mut site = Site::new();
    // A fullwidth "ｂ" (U+FF42): stored as the plain address.
    let (ok, text) = add(
        &mut site,
        "\u{ff42}oss@Example.org",
        "  spaced password  \n",
    );
    assert!(ok, "{text}");
    assert!(text.contains("Added organiser boss@example.org"), "{text}");
    let hash = stored_hash(&site, "boss@example.org").expect("stored under the plain key");
    assert!(verify("  spaced password  ", Some(&hash)));
    assert!(!verify("spaced password", Some(&hash)));
}

#[test]
fn a_new_password_is_set_and_the_organiser_is_signed_out_everywhere() {
    use unmentoring::admin::password::verify;
    let mut site = Site::new();
    let (ok, text) = add(&mut site, "boss@example.org", "the first password\n");
    assert!(ok, "{text}");
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    let organiser = unmentoring::db::organisers::find_by_key(&mut conn, "boss@example.org")
        .unwrap()
        .unwrap();
    let now = unmentoring::clock::Clock::system().now();
    for session in ["one", "two"] {
        unmentoring::db::organisers::create_session(&mut conn, session, organiser.id, "c", now)
            .unwrap();
    }
    drop(conn);

    let (ok, text) = with_input(&mut site, "password", "boss@example.org", "short\n");
    assert!(!ok);
    assert!(
        text.contains("at least 12 characters") && text.contains("Nothing was changed"),
        "{text}"
    );
    let (ok, text) = with_input(
        &mut site,
        "password",
        "nobody@example.org",
        "a long new password\n",
    );
    assert!(!ok);
    assert!(text.contains("is not an organiser"), "{text}");

    let (ok, text) = with_input(
        &mut site,
        "password",
        "BOSS@example.org",
        "  a long new password\n",
    );
    assert!(ok, "{text}");
    assert!(text.contains("signed out everywhere"), "{text}");
    let hash = stored_hash(&site, "boss@example.org").unwrap();
    assert!(verify("  a long new password", Some(&hash)), "spaces kept");
    assert!(!verify("the first password", Some(&hash)));
    let mut conn = unmentoring::db::connection(&site.database()).unwrap();
    let sessions: i64 =
        diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT COUNT(*) FROM admin_sessions")
            .get_result(&mut conn)
            .unwrap();
    assert_eq!(sessions, 0, "their sessions have ended");
}
