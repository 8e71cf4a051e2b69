//! Pools too large for the exact solver: local search alone must reach the
//! lower bound (no repeats, only the same-organisation pairs that the size
//! of the largest organisation forces) when the history is sparse, and keep
//! every never-pair rule when the rules leave room to.

use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use unmentoring::domain::pairing::{arrange, Candidate, History, OddOneOut, PairingRequest};

/// Share of the pool in organisation 0; everyone else is spread over 19 others.
fn pool(n: usize, dominant_share: f64, rng: &mut ChaCha8Rng) -> (Vec<Candidate>, History) {
    let people: Vec<Candidate> = (0..n)
        .map(|i| {
            let org = if rng.random_bool(dominant_share) {
                0
            } else {
                rng.random_range(1..20)
            };
            Candidate {
                id: i as i64 * 7 + 3,
                organisation: format!("Org {org}"),
            }
        })
        .collect();
    let mut history = History::new();
    let mut order: Vec<i64> = people.iter().map(|c| c.id).collect();
    for round in 0..5 {
        order.shuffle(rng);
        for pair in order.chunks_exact(2) {
            history.record_meeting(pair[0], pair[1], round);
        }
    }
    (people, history)
}

/// Same-organisation pairs forced by organisation 0 having `k` of `n` people
/// (the other organisations are each far below half).
fn forced_same_org(k: usize, n: usize, odd: OddOneOut) -> usize {
    let paired = |members: usize, people: usize| members.saturating_sub(people / 2);
    match (n % 2, odd) {
        (0, _) => paired(k, n),
        (_, OddOneOut::SitOut) => paired(k.saturating_sub(1), n - 1),
        // A trio with t members of organisation 0 (the rest from two others).
        (_, OddOneOut::Trio) => (0..=3.min(k))
            .map(|t| t * t.saturating_sub(1) / 2 + paired(k - t, n - 3))
            .min()
            .unwrap(),
    }
}

#[test]
fn large_pools_reach_the_lower_bound() {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    for (n, share) in [
        (4000, 0.0),
        (4001, 0.0),
        (3001, 0.6),
        (3000, 0.6),
        (3001, 0.5),
        (3000, 0.45),
    ] {
        let (people, history) = pool(n, share, &mut rng);
        let k = people.iter().filter(|c| c.organisation == "Org 0").count();
        for odd in [OddOneOut::Trio, OddOneOut::SitOut] {
            let request = PairingRequest {
                candidates: &people,
                history: &history,
                odd_one_out: odd,
                must_not_sit_out: [people[0].id].into(),
            };
            let arrangement = arrange(&request, &mut rng);
            let stats = &arrangement.stats;
            assert_eq!(stats.forced_repeats, 0, "n {n} share {share} {odd:?}");
            assert_eq!(
                stats.same_organisation_pairs,
                forced_same_org(k, n, odd),
                "n {n} share {share} {odd:?} (k {k})"
            );
            assert_eq!(stats.groups + stats.sat_out, n / 2 + stats.sat_out);
        }
    }
}

/// Half of a large pool under never-pair rules (a random matching among
/// them, plus rules with people outside the pool): local search alone must
/// keep every rule without giving up anything else, and leave nobody out.
#[test]
fn large_pools_keep_never_pair_rules() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for n in [4000, 4001] {
        let (people, mut history) = pool(n, 0.0, &mut rng);
        let mut ids: Vec<i64> = people.iter().map(|c| c.id).collect();
        ids.shuffle(&mut rng);
        let mut rules = Vec::new();
        for pair in ids.chunks_exact(2).take(n / 4) {
            history.never_pair(pair[0], pair[1]);
            rules.push((pair[0], pair[1]));
        }
        for (i, &id) in ids.iter().enumerate().take(100) {
            history.never_pair(id, -1 - i as i64);
        }
        for odd in [OddOneOut::Trio, OddOneOut::SitOut] {
            let request = PairingRequest {
                candidates: &people,
                history: &history,
                odd_one_out: odd,
                must_not_sit_out: [people[0].id].into(),
            };
            let arrangement = arrange(&request, &mut rng);
            assert!(arrangement.left_out.is_empty(), "n {n} {odd:?}");
            for group in &arrangement.groups {
                for &(a, b) in &rules {
                    assert!(!(group.contains(&a) && group.contains(&b)), "{a} and {b}");
                }
            }
            assert_eq!(arrangement.stats.forced_repeats, 0, "n {n} {odd:?}");
            assert_eq!(
                arrangement.stats.same_organisation_pairs, 0,
                "n {n} {odd:?}"
            );
        }
    }
}
