//! Properties of `arrange_pool`, the pairing of a round's rematch pool, on
//! random inputs: everyone waiting placed exactly once, nobody twice, at most
//! one newcomer and only when needed, no avoidable repeat (checked against an
//! exhaustive search), the same result for the same seed, and a uniform
//! choice among equally good partners.

use std::collections::{HashMap, HashSet};

use proptest::prelude::*;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use unmentoring::domain::pairing::{
    arrange_pool, organisation_key, Candidate, History, PersonId, PoolArrangement, PoolRequest,
};

fn people(first_id: PersonId, n: usize, orgs: usize, rng: &mut ChaCha8Rng) -> Vec<Candidate> {
    (0..n)
        .map(|i| Candidate {
            id: first_id + i as PersonId,
            organisation: format!("Org {}", rng.random_range(0..orgs.max(1))),
        })
        .collect()
}

fn random_history(everyone: &[Candidate], density: f64, rng: &mut ChaCha8Rng) -> History {
    let mut history = History::new();
    for (i, a) in everyone.iter().enumerate() {
        for b in &everyone[i + 1..] {
            if rng.random_bool(density) {
                history.record_meeting(a.id, b.id, rng.random_range(0..5));
            }
        }
    }
    history
}

/// A round's cost of some pairs: (repeats, sum of the rounds they last met
/// in, same-organisation pairs), compared in that order.
type Cost = (u32, u32, u32);

fn cost(pairs: &[[PersonId; 2]], orgs: &HashMap<PersonId, String>, history: &History) -> Cost {
    pairs.iter().fold((0, 0, 0), |(r, when, s), [a, b]| {
        let met = history.last_met(*a, *b);
        (
            r + u32::from(met.is_some()),
            when + met.unwrap_or(0),
            s + u32::from(organisation_key(&orgs[a]) == organisation_key(&orgs[b])),
        )
    })
}

/// The best cost over every perfect matching of `ids` (even).
fn best_matching(ids: &[PersonId], orgs: &HashMap<PersonId, String>, h: &History) -> Cost {
    if ids.is_empty() {
        return (0, 0, 0);
    }
    let (first, rest) = (ids[0], &ids[1..]);
    (0..rest.len())
        .map(|i| {
            let others: Vec<PersonId> = rest
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, &id)| id)
                .collect();
            let (r, w, s) = best_matching(&others, orgs, h);
            let (r0, w0, s0) = cost(&[[first, rest[i]]], orgs, h);
            (r + r0, w + w0, s + s0)
        })
        .min()
        .unwrap()
}

/// The best cost any valid outcome could have: all waiting paired, one of
/// them with a newcomer when their number is odd and there is a newcomer,
/// else one of them left over.
fn best_possible(request: &PoolRequest<'_>, orgs: &HashMap<PersonId, String>) -> Cost {
    let waiting: Vec<PersonId> = request.waiting.iter().map(|c| c.id).collect();
    let h = request.history;
    if waiting.len().is_multiple_of(2) {
        return best_matching(&waiting, orgs, h);
    }
    if request.newcomers.is_empty() {
        return (0..waiting.len())
            .map(|skip| {
                let rest: Vec<PersonId> = waiting
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != skip)
                    .map(|(_, &id)| id)
                    .collect();
                best_matching(&rest, orgs, h)
            })
            .min()
            .unwrap();
    }
    request
        .newcomers
        .iter()
        .map(|n| {
            let mut all = waiting.clone();
            all.push(n.id);
            best_matching(&all, orgs, h)
        })
        .min()
        .unwrap()
}

fn check(request: &PoolRequest<'_>, result: &PoolArrangement) -> Result<(), TestCaseError> {
    let waiting: HashSet<PersonId> = request.waiting.iter().map(|c| c.id).collect();
    let newcomers: HashSet<PersonId> = request.newcomers.iter().map(|c| c.id).collect();
    let mut seen = HashSet::new();
    for id in result.pairs.iter().flatten().chain(&result.still_waiting) {
        prop_assert!(seen.insert(*id), "{id} placed twice");
    }
    let used: Vec<PersonId> = seen.difference(&waiting).copied().collect();
    prop_assert!(used.len() <= 1, "more than one newcomer: {used:?}");
    prop_assert_eq!(used.first().copied(), result.newcomer);
    if let Some(n) = result.newcomer {
        prop_assert!(newcomers.contains(&n), "{n} is not a newcomer");
    }
    prop_assert!(waiting.is_subset(&seen), "someone waiting was dropped");
    let odd = !waiting.len().is_multiple_of(2);
    prop_assert_eq!(result.still_waiting.is_some(), odd && newcomers.is_empty());
    prop_assert_eq!(result.newcomer.is_some(), odd && !newcomers.is_empty());
    let orgs: HashMap<PersonId, String> = request
        .waiting
        .iter()
        .chain(request.newcomers)
        .map(|c| (c.id, c.organisation.clone()))
        .collect();
    let got = cost(&result.pairs, &orgs, request.history);
    prop_assert_eq!(got, best_possible(request, &orgs), "not the best pairing");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn everyone_waiting_is_placed_once_with_no_avoidable_repeat(
        seed in any::<u64>(),
        waiting in 0usize..8,
        newcomers in 0usize..4,
        orgs in 1usize..4,
        density in 0.0f64..0.9,
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let waiting = people(1, waiting, orgs, &mut rng);
        let newcomers = people(100, newcomers, orgs, &mut rng);
        let everyone: Vec<Candidate> = waiting.iter().chain(&newcomers).cloned().collect();
        let history = random_history(&everyone, density, &mut rng);
        let request = PoolRequest { waiting: &waiting, newcomers: &newcomers, history: &history };
        let result = arrange_pool(&request, &mut rng);
        check(&request, &result)?;
    }

    #[test]
    fn the_same_seed_gives_the_same_pairing(seed in any::<u64>(), waiting in 0usize..10) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let waiting = people(1, waiting, 3, &mut rng);
        let newcomers = people(100, 3, 3, &mut rng);
        let history = random_history(&waiting, 0.3, &mut rng);
        let request = PoolRequest { waiting: &waiting, newcomers: &newcomers, history: &history };
        let first = arrange_pool(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        let again = arrange_pool(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        prop_assert_eq!(first, again);
    }
}

#[test]
fn a_newcomer_listed_as_waiting_is_not_used_twice() {
    let one = Candidate {
        id: 1,
        organisation: "A".into(),
    };
    let history = History::new();
    let waiting = [one.clone()];
    let request = PoolRequest {
        waiting: &waiting,
        newcomers: &waiting,
        history: &history,
    };
    let result = arrange_pool(&request, &mut ChaCha8Rng::seed_from_u64(1));
    assert_eq!(result.still_waiting, Some(1));
    assert!(result.pairs.is_empty());
}

/// One person waiting, four newcomers of whom one met them before and one is
/// from their organisation: the other two are equally good, and each is
/// chosen about half the time.
#[test]
fn equally_good_newcomers_are_chosen_at_random() {
    let person = |id, org: &str| Candidate {
        id,
        organisation: org.into(),
    };
    let waiting = [person(1, "Leeds")];
    let newcomers = [
        person(2, "Leeds"),
        person(3, "York"),
        person(4, "Hull"),
        person(5, "Bath"),
    ];
    let mut history = History::new();
    history.record_meeting(1, 3, 1);
    let request = PoolRequest {
        waiting: &waiting,
        newcomers: &newcomers,
        history: &history,
    };
    let trials = 2000;
    let mut chosen: HashMap<PersonId, u32> = HashMap::new();
    for seed in 0..trials {
        let result = arrange_pool(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        *chosen.entry(result.newcomer.unwrap()).or_default() += 1;
    }
    assert_eq!(chosen.get(&2), None, "same organisation chosen: {chosen:?}");
    assert_eq!(chosen.get(&3), None, "a repeat chosen: {chosen:?}");
    // Binomial(2000, 1/2): 5 standard deviations is about ±112.
    for id in [4, 5] {
        let n = chosen[&id];
        assert!(
            (888..=1112).contains(&n),
            "{id} chosen {n} times: {chosen:?}"
        );
    }
}

/// Three waiting people, none of whom met: who is left over (no newcomers)
/// is uniform.
#[test]
fn the_one_left_waiting_is_chosen_at_random() {
    let waiting: Vec<Candidate> = (1..=3)
        .map(|id| Candidate {
            id,
            organisation: format!("Org {id}"),
        })
        .collect();
    let history = History::new();
    let request = PoolRequest {
        waiting: &waiting,
        newcomers: &[],
        history: &history,
    };
    let mut left: HashMap<PersonId, u32> = HashMap::new();
    for seed in 0..3000 {
        let result = arrange_pool(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        *left.entry(result.still_waiting.unwrap()).or_default() += 1;
    }
    // Binomial(3000, 1/3): 5 standard deviations is about ±129.
    for id in 1..=3 {
        let n = left.get(&id).copied().unwrap_or(0);
        assert!((871..=1129).contains(&n), "{id} left {n} times: {left:?}");
    }
}

/// The rules with never-pair rules in play: no pair under a rule, everyone
/// waiting exactly once in `pairs`, `still_waiting` or `unplaced`, and a
/// newcomer only in `pairs` and only when named.
fn check_with_rules(
    request: &PoolRequest<'_>,
    result: &PoolArrangement,
) -> Result<(), TestCaseError> {
    let waiting: HashSet<PersonId> = request.waiting.iter().map(|c| c.id).collect();
    let newcomers: HashSet<PersonId> = request.newcomers.iter().map(|c| c.id).collect();
    for [a, b] in &result.pairs {
        prop_assert!(!request.history.is_never_pair(*a, *b), "{a} and {b} paired");
    }
    let mut seen = HashSet::new();
    let everyone = result
        .pairs
        .iter()
        .flatten()
        .chain(&result.still_waiting)
        .chain(&result.unplaced);
    for id in everyone {
        prop_assert!(seen.insert(*id), "{id} placed twice");
    }
    let used: Vec<PersonId> = seen.difference(&waiting).copied().collect();
    prop_assert!(used.len() <= 1, "more than one newcomer: {used:?}");
    prop_assert_eq!(used.first().copied(), result.newcomer);
    if let Some(n) = result.newcomer {
        prop_assert!(newcomers.contains(&n), "{n} is not a newcomer");
        prop_assert!(result.pairs.iter().flatten().any(|&id| id == n));
    }
    prop_assert!(waiting.is_subset(&seen), "someone waiting was dropped");
    for id in &result.unplaced {
        prop_assert!(waiting.contains(id), "{id} unplaced but not waiting");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn nobody_is_paired_against_a_never_pair_rule(
        seed in any::<u64>(),
        waiting in 0usize..9,
        newcomers in 0usize..4,
        orgs in 1usize..4,
        density in 0.0f64..0.9,
        rule_density in 0.0f64..0.8,
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let waiting = people(1, waiting, orgs, &mut rng);
        let newcomers = people(100, newcomers, orgs, &mut rng);
        let everyone: Vec<Candidate> = waiting.iter().chain(&newcomers).cloned().collect();
        let mut history = random_history(&everyone, density, &mut rng);
        for (i, a) in everyone.iter().enumerate() {
            for b in &everyone[i + 1..] {
                if rng.random_bool(rule_density) {
                    history.never_pair(a.id, b.id);
                }
            }
        }
        let request = PoolRequest { waiting: &waiting, newcomers: &newcomers, history: &history };
        let result = arrange_pool(&request, &mut rng);
        check_with_rules(&request, &result)?;
    }
}

#[test]
fn two_waiting_under_a_rule_keep_waiting_and_the_newcomer_is_not_used() {
    let person = |id| Candidate {
        id,
        organisation: format!("Org {id}"),
    };
    let mut history = History::new();
    history.never_pair(1, 9);
    let waiting = [person(1)];
    let newcomers = [person(9)];
    let request = PoolRequest {
        waiting: &waiting,
        newcomers: &newcomers,
        history: &history,
    };
    let result = arrange_pool(&request, &mut ChaCha8Rng::seed_from_u64(1));
    assert!(result.pairs.is_empty());
    assert_eq!(result.newcomer, None);
    assert_eq!(result.unplaced, vec![1]);
    history.never_pair(1, 2);
    let waiting = [person(1), person(2)];
    let request = PoolRequest {
        waiting: &waiting,
        newcomers: &[],
        history: &history,
    };
    let result = arrange_pool(&request, &mut ChaCha8Rng::seed_from_u64(1));
    assert!(result.pairs.is_empty());
    let mut unplaced = result.unplaced.clone();
    unplaced.sort_unstable();
    assert_eq!(unplaced, vec![1, 2]);
}
