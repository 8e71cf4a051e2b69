//! Erasure that erases: once someone leaves, nothing in the database names
//! them. Not their own rows, nor other people's: a partner's introduction
//! still waiting to go is withdrawn, sent emails lose their name and
//! address, a partner's unpublished note loses their name, and the freed
//! space in the file is overwritten (`secure_delete`).

use unmentoring::domain::ValidProfile;

use crate::fixtures::profile;
use crate::helpers::{spawn_app, TestApp};

const ANN_NAME: &str = "Annabel Ableworth";
const ANN_EMAIL: &str = "annabel.ableworth@example.org";
const ANN_PHONE: &str = "01632 960 123";

/// Ann and Bob met in one round; Bob wrote a note naming Ann and kept it to
/// himself. A second round has queued (not sent) their next introductions.
/// Returns Ann's manage link.
async fn ann_and_bob_after_two_rounds(app: &TestApp) -> String {
    app.add_person(&ValidProfile {
        phone: ANN_PHONE.into(),
        share_phone: true,
        ..profile(ANN_NAME, ANN_EMAIL, "Leeds")
    });
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.run_round_for_everyone().await;
    let to_bob = app.email_for("bob@example.org", 2).await;
    assert!(to_bob.text.contains(ANN_PHONE) && to_bob.text.contains(ANN_EMAIL));
    let to_ann = app.email_for(ANN_EMAIL, 2).await;
    let followup = to_bob.link_to(app.link_base(), "/followup/");
    let note = format!("{ANN_NAME} showed me her team's backlog");
    let answered = app
        .post_form(&followup, &[("met", "yes"), ("note", note.as_str())])
        .await;
    assert_eq!(answered.status, 303);
    app.clock.advance(chrono::Duration::days(31));
    app.run_round_for_everyone().await;
    assert_eq!(app.count("outbox WHERE status = 'queued'"), 2);
    to_ann.link_to(app.link_base(), "/me/")
}

#[cfg(not(feature = "postgres-tests"))]
#[tokio::test]
async fn after_leaving_nothing_in_the_database_file_or_its_wal_names_the_person() {
    use diesel::connection::SimpleConnection;

    let app = spawn_app().await;
    let manage = ann_and_bob_after_two_rounds(&app).await;

    let left = app.post_form(&format!("{manage}/leave"), &[("", "")]).await;
    assert_eq!(left.status, 200);

    assert_eq!(
        app.count("outbox WHERE status = 'queued'"),
        0,
        "Bob's introduction to Ann is withdrawn, and Ann's own is gone"
    );
    assert_eq!(
        app.count(
            "followup_answers WHERE note = '(someone who has left) showed me her team''s backlog'"
        ),
        1,
        "Bob's note keeps its words"
    );
    let path = app.settings.database.url.sqlite_path().unwrap().to_owned();
    let mut conn = unmentoring::db::connection(&path.to_string_lossy()).unwrap();
    conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    for file in [path.clone(), path.with_extension("db-wal")] {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        for trace in [ANN_NAME, ANN_EMAIL, ANN_PHONE] {
            let found = bytes
                .windows(trace.len())
                .filter(|w| *w == trace.as_bytes())
                .count();
            assert_eq!(found, 0, "{trace:?} is still in {}", file.display());
        }
    }
}

#[tokio::test]
async fn a_note_its_writer_published_keeps_the_name_and_others_are_left_alone() {
    let app = spawn_app().await;
    let manage = ann_and_bob_after_two_rounds(&app).await;
    app.execute("UPDATE followup_answers SET publish = TRUE");
    app.add_participant("Jo Annabel-Smith", "jo@example.org", "York");

    let left = app.post_form(&format!("{manage}/leave"), &[("", "")]).await;

    assert_eq!(left.status, 200);
    assert_eq!(
        app.count(&format!(
            "followup_answers WHERE note = '{ANN_NAME} showed me her team''s backlog'"
        )),
        1,
        "a published note stays as its writer published it"
    );
    assert_eq!(
        app.count("participants WHERE name = 'Jo Annabel-Smith' AND email = 'jo@example.org'"),
        1
    );
    assert_eq!(
        app.count("outbox WHERE subject = 'UnMentoring: meet (someone who has left)'"),
        1,
        "Bob's sent introduction names Ann no more"
    );
    assert_eq!(
        app.count(&format!("outbox WHERE reply_to LIKE '%{ANN_EMAIL}%'")),
        0
    );
}

#[tokio::test]
async fn a_partner_whose_introduction_had_not_gone_is_introduced_to_someone_else() {
    use unmentoring::db::tokens;
    use unmentoring::domain::TokenPurpose;

    let app = spawn_app().await;
    let ann = app.add_participant(ANN_NAME, ANN_EMAIL, "Leeds");
    app.add_participant("Bob Baker", "bob@example.org", "Kent");
    app.run_round_for_everyone().await;
    app.clock.advance(chrono::Duration::hours(1));
    app.add_participant("Cy Cole", "cy@example.org", "York");
    let now = app.clock.now();
    let manage = app.db(|c| tokens::issue(c, ann, TokenPurpose::Manage, now));

    let left = app
        .post_form(&format!("/me/{}/leave", manage.as_str()), &[("", "")])
        .await;
    assert_eq!(left.status, 200);

    app.deliver().await;
    let to_bob: Vec<_> = app
        .smtp
        .received()
        .into_iter()
        .filter(|e| e.is_for("bob@example.org"))
        .collect();
    assert_eq!(to_bob.len(), 1, "one introduction, to his new partner");
    assert_eq!(to_bob[0].kind, "rematch");
    assert!(to_bob[0].text.contains("Cy Cole"));
    assert!(
        to_bob[0].text.contains("Phone: 01632 960 001"),
        "Cy's number is kept, though Ann gave the same one (a switchboard)"
    );
    assert!(!to_bob[0].raw.contains(ANN_NAME) && !to_bob[0].raw.contains(ANN_EMAIL));
}
