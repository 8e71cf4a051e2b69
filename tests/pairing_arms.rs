//! The experiment's two arms (`experiment.matched_share`): the split of a
//! round's people is uniformly random and replays from the seed, the matched
//! arm is paired by similar topics under the same hard rules, and a share of
//! 0 draws exactly what the engine drew before the experiment existed.

use std::collections::{BTreeSet, HashMap};

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use statrs::distribution::{ChiSquared, ContinuousCDF};
use unmentoring::domain::experiment::topics::{tf_idf, TermNumbers};
use unmentoring::domain::experiment::Arm;
use unmentoring::domain::pairing::{
    arrange_groups, Candidate, GroupRequest, History, OddOneOut, PersonId,
};
use unmentoring::domain::{DrawInputs, Drawn};

const SUBJECTS: [&str; 8] = [
    "housing policy",
    "open data",
    "climate adaptation",
    "digital inclusion",
    "procurement reform",
    "public health",
    "transport planning",
    "youth services",
];

fn people(n: usize) -> Vec<Candidate> {
    (0..n)
        .map(|i| Candidate {
            id: 100 + i as PersonId,
            organisation: format!("Council {}", i % 5),
        })
        .collect()
}

/// Two random subjects each, written differently; every ninth person gave none.
fn topics(n: usize, rng: &mut ChaCha8Rng) -> Vec<Option<String>> {
    (0..n)
        .map(|i| {
            (i % 9 != 0).then(|| {
                let a = SUBJECTS[rng.random_range(0..SUBJECTS.len())];
                let b = SUBJECTS[rng.random_range(0..SUBJECTS.len())];
                format!("I'd like to talk about {a} and the {}", b.to_uppercase())
            })
        })
        .collect()
}

fn inputs(
    due: &[Candidate],
    history: &History,
    topics: &[Option<String>],
    share: f64,
    size: usize,
    odd: OddOneOut,
) -> DrawInputs {
    let texts: Vec<Option<&str>> = topics.iter().map(Option::as_deref).collect();
    DrawInputs::new(due, history, &BTreeSet::new(), odd, size).with_experiment(share, &texts)
}

/// Sum over every pair inside each group of the cosine of their topics.
fn total_similarity(groups: &[Vec<PersonId>], due: &[Candidate], topics: &[Option<String>]) -> f64 {
    let mut terms = TermNumbers::default();
    let docs: Vec<_> = topics.iter().map(|t| terms.counts(t.as_deref())).collect();
    let vectors = tf_idf(&docs);
    let at: HashMap<PersonId, usize> = due.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    let mut total = 0.0;
    for group in groups {
        for (i, a) in group.iter().enumerate() {
            for b in &group[i + 1..] {
                total += vectors[at[a]].cosine(&vectors[at[b]]);
            }
        }
    }
    total
}

fn matched_people(drawn: &Drawn) -> Vec<PersonId> {
    let groups = drawn.groups.iter().enumerate();
    groups
        .filter(|(i, _)| drawn.arm(*i) == Arm::Matched)
        .flat_map(|(_, g)| g.iter().copied())
        .collect()
}

#[test]
fn each_person_lands_in_the_matched_arm_with_the_share_as_chance() {
    let (n, seeds) = (60, 2000);
    let due = people(n);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let topics = topics(n, &mut rng);
    for share in [0.5, 0.3] {
        let inputs = inputs(&due, &History::new(), &topics, share, 2, OddOneOut::SitOut);
        let mut matched: HashMap<PersonId, u32> = HashMap::new();
        for seed in 0..seeds {
            let (drawn, _) = inputs.draw(seed);
            let people = matched_people(&drawn);
            assert_eq!(people.len(), (n as f64 * share) as usize, "seed {seed}");
            for id in people {
                *matched.entry(id).or_default() += 1;
            }
        }
        // Each person is matched with chance p in each of `seeds` rounds:
        // Σ (O − E)² / (S p (1 − p)) over the 2 × 60 cells (matched or not)
        // is chi-square with 59 degrees of freedom (the total is fixed).
        let expected = seeds as f64 * share;
        let statistic: f64 = due
            .iter()
            .map(|c| {
                let observed = f64::from(matched.get(&c.id).copied().unwrap_or(0));
                (observed - expected).powi(2) / (expected * (1.0 - share))
            })
            .sum();
        let critical = ChiSquared::new((n - 1) as f64).unwrap().inverse_cdf(0.999);
        assert!(
            statistic < critical,
            "share {share}: chi-square {statistic:.1} above {critical:.1}"
        );
    }
}

#[test]
fn the_matched_arm_is_a_multiple_of_the_group_size_and_one_person_at_most_sits_out() {
    let due = people(31);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let topics = topics(31, &mut rng);
    for (size, odd) in [
        (2, OddOneOut::SitOut),
        (2, OddOneOut::Trio),
        (3, OddOneOut::Trio),
    ] {
        let inputs = inputs(&due, &History::new(), &topics, 0.5, size, odd);
        for seed in 0..50 {
            let (drawn, stats) = inputs.draw(seed);
            let matched = matched_people(&drawn);
            assert_eq!(matched.len() % size, 0);
            assert!(!matched.is_empty());
            for (i, group) in drawn.groups.iter().enumerate() {
                if drawn.arm(i) == Arm::Matched {
                    assert_eq!(group.len(), size, "matched groups are full: {group:?}");
                }
            }
            let placed: usize = drawn.groups.iter().map(Vec::len).sum();
            assert_eq!(placed + usize::from(drawn.sat_out.is_some()), 31);
            assert_eq!(drawn.sat_out.is_some(), odd == OddOneOut::SitOut);
            assert_eq!(inputs.stats(&drawn), stats);
            assert_eq!(inputs.draw(seed).0, drawn, "the seed replays the draw");
        }
    }
}

#[test]
fn the_matched_arm_groups_more_similar_people_than_random_pairing_does() {
    let due = people(40);
    let history = History::new();
    for seed in 0..40 {
        let mut rng = ChaCha8Rng::seed_from_u64(100 + seed);
        let topics = topics(40, &mut rng);
        let matched = inputs(&due, &history, &topics, 1.0, 2, OddOneOut::Trio).draw(seed);
        assert!(matched.0.arms.iter().all(|&a| a == Arm::Matched));
        let request = GroupRequest {
            candidates: &due,
            history: &history,
            size: 2,
            odd_one_out: OddOneOut::Trio,
            must_not_sit_out: BTreeSet::new(),
        };
        let random = arrange_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        let (m, r) = (
            total_similarity(&matched.0.groups, &due, &topics),
            total_similarity(&random.groups, &due, &topics),
        );
        assert!(m > r + 3.0, "seed {seed}: matched {m:.2}, random {r:.2}");
    }
}

#[test]
fn the_matched_arm_keeps_never_pair_rules_and_avoids_avoidable_repeats() {
    let due = people(24);
    // Everyone shares one of two subjects, so the most similar partners are
    // exactly those under a rule or met before.
    let topics: Vec<Option<String>> = (0..24).map(|i| Some(SUBJECTS[i % 2].to_owned())).collect();
    let mut history = History::new();
    for i in (0..24).step_by(4) {
        history.never_pair(due[i].id, due[i + 2].id);
        history.record_meeting(due[i + 1].id, due[i + 3].id, 7);
    }
    for size in [2, 3] {
        let inputs = inputs(&due, &history, &topics, 1.0, size, OddOneOut::Trio);
        for seed in 0..60 {
            let (drawn, stats) = inputs.draw(seed);
            assert!(drawn.left_out.is_empty());
            assert_eq!(stats.forced_repeats, 0, "seed {seed}: an avoidable repeat");
            for group in &drawn.groups {
                for (i, &a) in group.iter().enumerate() {
                    for &b in &group[i + 1..] {
                        assert!(!inputs.is_never_pair(a, b), "seed {seed}: {a} with {b}");
                    }
                }
                let subjects: BTreeSet<usize> =
                    group.iter().map(|id| (id - 100) as usize % 2).collect();
                assert_eq!(subjects.len(), 1, "seed {seed}: {group:?} mixes subjects");
            }
        }
    }
}

#[test]
fn the_matched_arm_leaves_people_out_rather_than_break_a_rule() {
    // Three people who share every word, each pair under a rule: no group
    // keeps the rules, so the matched arm (all of them) leaves them out.
    let due = people(4);
    let topics = vec![Some("open data".to_owned()); 4];
    let mut history = History::new();
    for (a, b) in [(100, 101), (100, 102), (101, 102)] {
        history.never_pair(a, b);
    }
    let inputs = inputs(&due, &history, &topics, 1.0, 2, OddOneOut::Trio);
    for seed in 0..30 {
        let (drawn, _) = inputs.draw(seed);
        for group in &drawn.groups {
            assert!(!(group.contains(&100) && group.contains(&101)));
            assert!(!(group.contains(&100) && group.contains(&102)));
            assert!(!(group.contains(&101) && group.contains(&102)));
        }
        let placed: usize = drawn.groups.iter().map(Vec::len).sum();
        assert_eq!(placed + drawn.left_out.len(), 4, "seed {seed}: {drawn:?}");
        assert_eq!(drawn.left_out.len(), 2, "seed {seed}: {drawn:?}");
    }
}

#[test]
fn a_share_of_0_draws_exactly_what_the_engine_draws() {
    let due = people(23);
    let mut history = History::new();
    history.record_meeting(100, 101, 3);
    history.never_pair(102, 103);
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let topics = topics(23, &mut rng);
    for size in [2, 3] {
        let inputs = inputs(&due, &history, &topics, 0.0, size, OddOneOut::SitOut);
        assert!(
            inputs.topics.is_empty(),
            "no topics kept without the experiment"
        );
        for seed in 0..100 {
            let request = GroupRequest {
                candidates: &due,
                history: &history,
                size,
                odd_one_out: OddOneOut::SitOut,
                must_not_sit_out: BTreeSet::new(),
            };
            let direct = arrange_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
            let (drawn, stats) = inputs.draw(seed);
            assert_eq!(drawn.groups, direct.groups);
            assert_eq!(drawn.sat_out, direct.sat_out);
            assert_eq!(drawn.left_out, direct.left_out);
            assert!(drawn.arms.is_empty());
            assert_eq!(stats, direct.stats);
        }
    }
}

#[test]
fn a_stored_draw_holds_term_numbers_not_words_and_old_draws_still_read() {
    let due = people(4);
    let topics = vec![
        Some("Housing, housing and Open Data".to_owned()),
        None,
        Some("open source".to_owned()),
        Some("the".to_owned()),
    ];
    let inputs = inputs(&due, &History::new(), &topics, 0.25, 2, OddOneOut::Trio);
    assert_eq!(inputs.matched_share_ppm, 250_000);
    assert_eq!(
        inputs.topics,
        vec![
            vec![(0, 2), (1, 1), (2, 1)],
            vec![],
            vec![(1, 1), (3, 1)],
            vec![]
        ]
    );
    let json = serde_json::to_string(&inputs).unwrap();
    for word in ["housing", "open", "data", "source"] {
        assert!(!json.to_lowercase().contains(word), "{json}");
    }
    let old = r#"{"candidates":[[1,0],[2,1]],"met":[],"never":[],"must_not_sit_out":[],"odd_one_out":"trio","group_size":2}"#;
    let read: DrawInputs = serde_json::from_str(old).unwrap();
    assert_eq!(read.matched_share_ppm, 0);
    assert_eq!(
        serde_json::to_string(&read).unwrap(),
        old,
        "written back the same"
    );
    let drawn: Drawn =
        serde_json::from_str(r#"{"groups":[[1,2]],"sat_out":null,"left_out":[]}"#).unwrap();
    assert_eq!(drawn.arm(0), Arm::Random);
}
