//! A round large enough that its rows are stored in several batches. However
//! the batches fall, each person must end up with their own membership and
//! exactly one introduction naming their own group, queued as a draft and
//! written with their own links when it is sent.

use std::collections::{BTreeSet, HashMap, HashSet};

use unmentoring::configuration::TransportKind;
use unmentoring::db::outbox::{self, OutboxStatus, QueuedEmail};
use unmentoring::db::participants::{self, Participant, Source};
use unmentoring::db::tokens::{self, Lookup};
use unmentoring::db::{self, meetings, rounds};
use unmentoring::domain::TokenPurpose;

use crate::common::mail::{links_in, ReceivedEmail};
use crate::common::smtp::TestSmtp;
use crate::fixtures::profile;
use crate::helpers::{spawn_app_in, TestApp};

/// Odd, so that one group is a trio; over two statements' worth of
/// introductions (1,000 a statement).
const PEOPLE: usize = 2_101;
const VIDEO_LINK: &str = "https://meet.example/r-{room}";

/// Everyone taking part, added in one transaction (one at a time would take
/// a commit each).
fn add_people(app: &TestApp, count: usize) -> HashMap<i64, Participant> {
    let now = app.clock.now();
    let added = app.db(|c| {
        db::transaction(c, |c| {
            (0..count)
                .map(|i| {
                    let person = profile(
                        &format!("Person {i}"),
                        &format!("person{i}@example.org"),
                        &format!("Council {}", i % 7),
                    );
                    participants::insert_confirmed(c, &person, Source::Signup, now)
                })
                .collect::<anyhow::Result<Vec<_>>>()
        })
    });
    added.into_iter().map(|p| (p.id, p)).collect()
}

/// The token at the end of the first `path` link (like "/me/") in `text`.
fn token_in(text: &str, path: &str) -> String {
    let base = crate::helpers::LINK_BASE;
    let link = links_in(text, base)
        .into_iter()
        .find(|l| l.starts_with(&format!("{base}{path}")))
        .unwrap_or_else(|| panic!("no {path} link in:\n{text}"));
    link.rsplit('/').next().unwrap().to_owned()
}

/// The emails the file transport wrote to `dir`, each with its To address
/// as its envelope.
fn emails_in(dir: &std::path::Path) -> Vec<ReceivedEmail> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "eml"))
        .map(|path| {
            let raw = std::fs::read(path).unwrap();
            let to = ReceivedEmail::parse(&raw, Vec::new()).to;
            let address = to
                .rsplit_once('<')
                .and_then(|(_, rest)| rest.strip_suffix('>'))
                .unwrap_or(&to)
                .to_owned();
            ReceivedEmail::parse(&raw, vec![address])
        })
        .collect()
}

/// The addresses an email's Reply-To names (stored as a JSON list).
fn reply_to(email: &QueuedEmail) -> BTreeSet<String> {
    let list: Vec<serde_json::Value> = serde_json::from_str(&email.content.reply_to).unwrap();
    list.iter()
        .map(|m| m["address"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_round_stored_in_batches_gives_each_person_one_intro_written_with_their_own_links() {
    let dir = tempfile::tempdir().unwrap();
    let mail_dir = dir.path().join("mail");
    let files = mail_dir.clone();
    // Emails as files: thousands of SMTP conversations would make the test slow.
    let app = spawn_app_in(dir, TestSmtp::start(), move |s| {
        s.meetings.video_link = Some(VIDEO_LINK.into());
        s.email.transport = TransportKind::File;
        s.email.file_dir = files;
    })
    .await;
    let people = add_people(&app, PEOPLE);

    let round_id = app.run_round_for_everyone().await;

    let round = app.db(|c| rounds::find(c, round_id)).unwrap();
    let expected_groups = i32::try_from(PEOPLE / 2).unwrap();
    assert_eq!(
        (round.people_due, round.groups_count, round.trios),
        (i32::try_from(PEOPLE).unwrap(), expected_groups, 1)
    );
    // Everyone is in exactly one group, of two or three.
    let grouped = app.db(|c| rounds::members(c, round_id));
    let mut groups: HashMap<i32, Vec<i64>> = HashMap::new();
    for (number, person) in &grouped {
        groups.entry(*number).or_default().push(person.id);
    }
    let ids: HashSet<i64> = grouped.iter().map(|(_, p)| p.id).collect();
    assert_eq!((grouped.len(), ids.len()), (PEOPLE, PEOPLE));
    assert_eq!(groups.len(), PEOPLE / 2);
    assert!(groups.values().all(|g| g.len() == 2 || g.len() == 3));
    let group_of: HashMap<i64, i32> = grouped.iter().map(|(n, p)| (p.id, *n)).collect();
    let partners_of = |id: i64| -> BTreeSet<String> {
        groups[&group_of[&id]]
            .iter()
            .filter(|&&other| other != id)
            .map(|other| people[other].email.clone().unwrap())
            .collect()
    };
    let member_of = app.db(|c| rounds::member_ids(c, round_id));
    let rooms = app.db(|c| meetings::rooms_of_round(c, round_id));
    assert_eq!(rooms.len(), PEOPLE / 2, "one meeting per group");

    let intros: Vec<QueuedEmail> = app
        .db(|c| outbox::list(c, &[OutboxStatus::Queued]))
        .into_iter()
        .filter(|e| e.content.kind.as_str() == "intro" && e.content.round_id == Some(round_id))
        .collect();
    assert_eq!(intros.len(), PEOPLE, "one introduction each");
    let mut seen = HashSet::new();
    for email in &intros {
        let id = email
            .content
            .participant_id
            .expect("an intro names its participant");
        assert!(seen.insert(id), "participant {id} got two introductions");
        let person = &people[&id];
        assert_eq!(Some(&email.content.to_address), person.email.as_ref());
        assert_eq!(
            reply_to(email),
            partners_of(id),
            "{id}'s intro names their group"
        );
        assert!(email.content.draft.is_some(), "queued as a draft");
        assert!(email.content.body_text.is_empty() && email.content.body_html.is_empty());
    }
    let message_ids: HashSet<&str> = intros
        .iter()
        .map(|e| e.content.message_id.as_str())
        .collect();
    let envelopes: HashSet<Option<&str>> =
        intros.iter().map(|e| e.envelope_id.as_deref()).collect();
    assert_eq!((message_ids.len(), envelopes.len()), (PEOPLE, PEOPLE));
    assert!(!envelopes.contains(&None));
    assert_eq!(
        app.count("tokens"),
        0,
        "no link exists before its introduction is written"
    );

    let report = app.deliver().await;
    assert_eq!((report.sent, report.failed), (PEOPLE, 0));
    let now = app.clock.now();
    let received = emails_in(&mail_dir);
    assert_eq!(received.len(), PEOPLE);
    let by_address: HashMap<String, i64> = people
        .iter()
        .map(|(id, p)| (p.email.clone().unwrap(), *id))
        .collect();
    for email in &received {
        let id = &by_address[&email.envelope_to[0]];
        let room = rooms[&group_of[id]].clone().expect("each group has a room");
        assert!(email.text.contains(&VIDEO_LINK.replace("{room}", &room)));
        assert!(partners_of(*id)
            .iter()
            .all(|partner| email.text.contains(partner.as_str())));
        let followup = token_in(&email.text, "/followup/");
        let manage = token_in(&email.text, "/me/");
        let (followup, manage) = app.db(|c| {
            Ok((
                tokens::lookup(c, &followup, TokenPurpose::Followup, now)?,
                tokens::lookup(c, &manage, TokenPurpose::Manage, now)?,
            ))
        });
        assert_eq!(
            followup,
            Lookup::Valid {
                participant_id: *id,
                group_member_id: Some(member_of[id]),
            },
            "{id}'s follow-up link is for their own membership"
        );
        assert_eq!(
            manage,
            Lookup::Valid {
                participant_id: *id,
                group_member_id: None,
            },
            "{id}'s manage link is their own"
        );
    }
    assert_eq!(
        app.count("tokens WHERE purpose = 'followup'"),
        i64::try_from(PEOPLE).unwrap(),
        "one follow-up link each, and no more"
    );
    assert_eq!(app.count("outbox WHERE draft IS NOT NULL"), 0);
}
