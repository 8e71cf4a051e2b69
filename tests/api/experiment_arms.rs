//! A round with `experiment.matched_share` above 0: each group's arm is
//! stored on its meeting, the matched arm puts people with the same topics
//! together, the round replays from its seed, and the console shows arms.

use std::collections::HashMap;

use unmentoring::db::{meetings, rounds};
use unmentoring::domain::experiment::Arm;
use unmentoring::services::round_drafts::{self, Replay};

use crate::common::smtp::TestSmtp;
use crate::fixtures::profile;
use crate::helpers::spawn_app_in;

const TOPICS: [&str; 3] = [
    "Beekeeping on council roofs",
    "Amateur astronomy and dark skies",
    "Sourdough baking",
];

#[tokio::test]
async fn a_round_with_a_matched_share_stores_both_arms_and_matches_by_topics() {
    let app = spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), |s| {
        s.experiment.matched_share = 0.5;
    })
    .await;
    // Twelve people, four to a topic: six are matched, so by pigeonhole at
    // least two of them share a topic.
    let mut topic_of = HashMap::new();
    for i in 0..12 {
        let id = app.add_person(&unmentoring::domain::ValidProfile {
            topics: Some(TOPICS[i % 3].to_owned()),
            ..profile(
                &format!("Person {i}"),
                &format!("p{i}@example.org"),
                &format!("Council {}", i % 4),
            )
        });
        topic_of.insert(id, i % 3);
    }
    let round = app.run_round_for_everyone().await;

    let arms = app.db(|c| meetings::arms_of_round(c, round));
    let count = |arm| arms.iter().filter(|(_, a)| *a == arm).count();
    assert_eq!(
        (count(Arm::Random), count(Arm::Matched)),
        (3, 3),
        "{arms:?}"
    );

    let members = app.db(|c| rounds::members(c, round));
    let mut groups: HashMap<i32, Vec<i64>> = HashMap::new();
    for (number, person) in &members {
        groups.entry(*number).or_default().push(person.id);
    }
    let matched: Vec<&Vec<i64>> = arms
        .iter()
        .filter(|(_, arm)| *arm == Arm::Matched)
        .map(|(number, _)| &groups[number])
        .collect();
    // The most same-topic pairs six people allow: ⌊c/2⌋ summed over topics.
    let mut per_topic = [0; 3];
    for id in matched.iter().flat_map(|g| g.iter()) {
        per_topic[topic_of[id]] += 1;
    }
    let most: usize = per_topic.iter().map(|c| c / 2).sum();
    let same = matched
        .iter()
        .filter(|g| topic_of[&g[0]] == topic_of[&g[1]])
        .count();
    assert!(most >= 1);
    assert_eq!(
        same, most,
        "matched groups {matched:?}, topics {topic_of:?}"
    );

    let replay = app.db(|c| round_drafts::replay(c, round));
    assert_eq!(replay, Replay::Identical { edits: vec![] });
    let stored = app.db(|c| rounds::inputs::find(c, round)).expect("stored");
    let json = serde_json::to_string(&stored.inputs)
        .unwrap()
        .to_lowercase();
    for word in ["beekeeping", "astronomy", "sourdough"] {
        assert!(!json.contains(word), "the stored draw holds no topic words");
    }

    let organiser = app.organiser().await;
    let page = organiser.get(&format!("/admin/rounds/{round}")).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<th scope=\"col\">Arm</th>"),
        "{}",
        page.body
    );
    assert_eq!(
        page.body.matches("<td>Matched by interests</td>").count(),
        3
    );
    assert_eq!(page.body.matches("<td>Random</td>").count(), 3);

    // A draft shows the arms it drew too.
    let drawn = organiser
        .post("/admin/rounds/drafts", &[("all", "yes")])
        .await;
    assert_eq!(drawn.status, 303, "{}", drawn.body);
    let draft = organiser.get(&drawn.location()).await;
    assert_eq!(
        draft.body.matches("<td>Matched by interests</td>").count(),
        3
    );
    assert_eq!(draft.body.matches("<td>Random</td>").count(), 3);
}

#[tokio::test]
async fn without_the_experiment_every_group_is_random_and_no_arm_is_shown() {
    let app = spawn_app_in(tempfile::tempdir().unwrap(), TestSmtp::start(), |_| {}).await;
    for i in 0..6 {
        app.add_person(&unmentoring::domain::ValidProfile {
            topics: Some("Beekeeping".to_owned()),
            ..profile(
                &format!("Person {i}"),
                &format!("p{i}@example.org"),
                "Leeds",
            )
        });
    }
    let round = app.run_round_for_everyone().await;
    let arms = app.db(|c| meetings::arms_of_round(c, round));
    assert!(arms.iter().all(|(_, arm)| *arm == Arm::Random), "{arms:?}");
    let stored = app.db(|c| rounds::inputs::find(c, round)).expect("stored");
    assert!(stored.inputs.topics.is_empty() && stored.drawn.arms.is_empty());
    let page = app
        .organiser()
        .await
        .get(&format!("/admin/rounds/{round}"))
        .await;
    assert!(!page.body.contains("Arm</th>"));
}
