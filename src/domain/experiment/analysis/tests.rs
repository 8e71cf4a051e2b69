use chrono::{Duration, NaiveDate};
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use super::*;

fn day(n: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2027, 1, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap()
        + Duration::days(n)
}

fn outcome(round: i64, group: i32, arm: Arm, answer: Option<Answer>) -> Outcome {
    Outcome {
        round_id: round,
        round_started_at: day(round),
        group_number: group,
        arm,
        answer,
        shared_link: false,
    }
}

fn met(challenged: u8) -> Option<Answer> {
    Some(Answer {
        met: Met::Yes,
        challenged: Some(challenged),
        would_repeat: None,
        new_connection: None,
    })
}

#[test]
fn figures_count_people_groups_and_answers_as_documented() {
    let mut shared = outcome(1, 1, Arm::Random, met(4));
    shared.shared_link = true;
    let mut unmet = outcome(1, 2, Arm::Random, met(2));
    unmet.answer = Some(Answer {
        met: Met::No,
        challenged: None,
        would_repeat: Some(false),
        new_connection: Some(true),
    });
    // A link shared without meeting does not count as "shared".
    unmet.shared_link = true;
    let mut repeat = outcome(1, 1, Arm::Random, met(5));
    repeat.answer.as_mut().unwrap().would_repeat = Some(true);
    let outcomes = [shared, repeat, unmet, outcome(1, 2, Arm::Random, None)];
    let results = analyse(&outcomes, false);
    let f = &results.all;
    assert_eq!(
        (f.groups, f.people, f.answered, f.met, f.shared),
        (2, 4, 3, 2, 1)
    );
    assert_eq!(f.answered_pct(), Some(75.0));
    assert_eq!(f.met_pct(), Some(66.7), "of those who answered");
    assert_eq!(f.shared_pct(), Some(50.0), "of those who met");
    assert_eq!(f.would_repeat_pct(), Some(50.0), "of those who answered it");
    assert_eq!(f.new_connection_pct(), Some(100.0));
    assert_eq!(f.challenge_answers(), 2);
    assert_eq!(f.challenge_mean(), Some(4.5));
    // scipy.stats.t.interval(0.95, df=1, loc=4.5, scale=0.5) -> (-1.853, 10.853)
    let ci = f.challenge().unwrap();
    assert!((ci.low + 1.853102).abs() < 1e-3 && (ci.high - 10.853102).abs() < 1e-3);
    assert!(!results.comparing, "no share set and no matched group");
    assert_eq!(results.comparison, None);
    assert_eq!(results.rounds.len(), 1);
    assert_eq!(results.rounds[0].all, results.all);
}

#[test]
fn a_matched_group_or_a_share_means_a_comparison_is_running() {
    let only_random = [outcome(1, 1, Arm::Random, met(3))];
    assert!(analyse(&only_random, true).comparing);
    let both = [
        outcome(1, 1, Arm::Random, met(3)),
        outcome(1, 2, Arm::Matched, met(4)),
    ];
    let results = analyse(&both, false);
    assert!(results.comparing);
    assert_eq!((results.random.people, results.matched.people), (1, 1));
    let comparison = results.comparison.unwrap();
    assert!(comparison.verdict.starts_with("Not enough answers yet"));
}

#[test]
fn rounds_come_oldest_first_with_their_arms() {
    let outcomes = [
        outcome(2, 1, Arm::Matched, met(3)),
        outcome(1, 1, Arm::Random, met(3)),
        outcome(2, 2, Arm::Random, None),
    ];
    let results = analyse(&outcomes, true);
    let ids: Vec<i64> = results.rounds.iter().map(|r| r.round_id).collect();
    assert_eq!(ids, [1, 2]);
    let second = &results.rounds[1];
    assert_eq!(
        (
            second.all.groups,
            second.random.people,
            second.matched.people
        ),
        (2, 1, 1)
    );
}

#[test]
fn only_rounds_of_five_groups_or_more_are_publishable() {
    let mut outcomes: Vec<Outcome> = (1..=4)
        .flat_map(|g| {
            [
                outcome(1, g, Arm::Random, None),
                outcome(1, g, Arm::Random, None),
            ]
        })
        .collect();
    outcomes.extend((1..=5).map(|g| outcome(2, g, Arm::Random, None)));
    let public = publishable(&outcomes);
    assert!(public.iter().all(|o| o.round_id == 2));
    assert_eq!(public.len(), 5);
}

/// A 1–5 answer, skewed towards the middle as survey answers are.
fn score(rng: &mut ChaCha8Rng) -> u8 {
    const SCALE: [u8; 10] = [1, 2, 2, 3, 3, 3, 4, 4, 4, 5];
    SCALE[rng.random_range(0..SCALE.len())]
}

/// 40 rounds of 60 people, each round split at random into two arms of
/// pairs; matched people answer `lift` points higher (capped at 5). About
/// 70 % answer, and most of those met.
fn simulate(rng: &mut ChaCha8Rng, lift: u8) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for round in 1..=40 {
        let mut people: Vec<usize> = (0..60).collect();
        people.shuffle(rng);
        for (i, _) in people.iter().enumerate() {
            let arm = if i < 30 { Arm::Random } else { Arm::Matched };
            let answered = rng.random_range(0..10) < 7;
            let answer = answered.then(|| {
                let bump = if arm == Arm::Matched { lift } else { 0 };
                Answer {
                    met: if rng.random_range(0..10) < 8 {
                        Met::Yes
                    } else {
                        Met::No
                    },
                    challenged: Some((score(rng) + bump).min(5)),
                    would_repeat: Some(rng.random_range(0..2) == 0),
                    new_connection: Some(rng.random_range(0..2) == 0),
                }
            });
            outcomes.push(outcome(round, (i / 2 + 1) as i32, arm, answer));
        }
    }
    outcomes
}

fn claims_a_difference(results: &Results) -> bool {
    let verdict = &results.comparison.as_ref().unwrap().verdict;
    verdict.contains("reported more challenge")
}

#[test]
fn a_simulated_trial_where_matched_pairs_answer_higher_finds_it() {
    for seed in 0..5 {
        let results = analyse(&simulate(&mut ChaCha8Rng::seed_from_u64(seed), 1), true);
        let comparison = results.comparison.unwrap();
        assert!(
            comparison
                .verdict
                .starts_with("Matched pairs reported more challenge"),
            "seed {seed}: {}",
            comparison.verdict
        );
        assert!(comparison.challenge_p.unwrap() < 0.001);
        assert_eq!(results.rounds.len(), 40);
    }
}

#[test]
fn simulated_trials_where_both_arms_answer_alike_rarely_claim_a_difference() {
    // At a 5 % level about 5 false claims in 100 are expected.
    let mut rng = ChaCha8Rng::seed_from_u64(150);
    let mut claims = 0;
    for _ in 0..100 {
        let results = analyse(&simulate(&mut rng, 0), true);
        if claims_a_difference(&results) {
            claims += 1;
        } else {
            // Over 800 answers per arm: enough to say so, not "not enough yet".
            let verdict = &results.comparison.unwrap().verdict;
            assert_eq!(verdict, "No clear difference so far");
        }
    }
    assert!(claims <= 10, "{claims} of 100 claimed a difference");
}
