//! Rounds with groups larger than pairs (`pairing.group_size`): every
//! candidate in exactly one group of the size (or one more), never-pair
//! rules kept, zero cost whenever that is easy, size 2 exactly the pair
//! engine, and a uniform choice among equally good arrangements.

use std::collections::{BTreeSet, HashMap};

use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use unmentoring::domain::pairing::{
    arrange, arrange_groups, Arrangement, Candidate, GroupRequest, History, OddOneOut,
    PairingRequest, PersonId,
};

fn people(n: usize, orgs: usize, rng: &mut ChaCha8Rng) -> Vec<Candidate> {
    (0..n)
        .map(|i| Candidate {
            id: 100 + i as PersonId,
            organisation: format!("Org {}", rng.random_range(0..orgs)),
        })
        .collect()
}

fn request<'a>(due: &'a [Candidate], history: &'a History, size: usize) -> GroupRequest<'a> {
    GroupRequest {
        candidates: due,
        history,
        size,
        odd_one_out: OddOneOut::Trio,
        must_not_sit_out: BTreeSet::new(),
    }
}

/// `rounds` rounds of random groups of `size` as history.
fn grouped_history(due: &[Candidate], size: usize, rounds: u32, rng: &mut ChaCha8Rng) -> History {
    let mut history = History::new();
    let mut ids: Vec<PersonId> = due.iter().map(|c| c.id).collect();
    for round in 0..rounds {
        ids.shuffle(rng);
        for group in ids.chunks(size) {
            for (i, &a) in group.iter().enumerate() {
                for &b in &group[i + 1..] {
                    history.record_meeting(a, b, round);
                }
            }
        }
    }
    history
}

/// Checks the shape and the statistics of an arrangement of groups.
fn check(request: &GroupRequest<'_>, arrangement: &Arrangement, label: &str) {
    let n = request.candidates.len();
    let size = request.size;
    let mut seen: Vec<PersonId> = arrangement.groups.iter().flatten().copied().collect();
    seen.extend(&arrangement.left_out);
    seen.extend(arrangement.sat_out);
    seen.sort_unstable();
    let mut ids: Vec<PersonId> = request.candidates.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    assert_eq!(seen, ids, "{label}: everyone exactly once");
    let org: HashMap<PersonId, &str> = request
        .candidates
        .iter()
        .map(|c| (c.id, c.organisation.as_str()))
        .collect();
    let (mut repeats, mut same_org) = (0, 0);
    for group in &arrangement.groups {
        for (i, &a) in group.iter().enumerate() {
            for &b in &group[i + 1..] {
                assert!(!request.history.is_never_pair(a, b), "{label}: rule broken");
                repeats += usize::from(request.history.last_met(a, b).is_some());
                same_org += usize::from(org[&a] == org[&b]);
            }
        }
    }
    let stats = &arrangement.stats;
    assert_eq!(stats.people_due, n, "{label}");
    assert_eq!(stats.groups, arrangement.groups.len(), "{label}");
    let trios = arrangement.groups.iter().filter(|g| g.len() == 3).count();
    assert_eq!(stats.trios, trios, "{label}");
    assert_eq!(stats.forced_repeats, repeats, "{label}");
    assert_eq!(stats.same_organisation_pairs, same_org, "{label}");
    if !arrangement.left_out.is_empty() {
        return;
    }
    let lens: Vec<usize> = arrangement.groups.iter().map(Vec::len).collect();
    match n {
        0 => assert!(lens.is_empty(), "{label}"),
        1 => assert_eq!(arrangement.sat_out, Some(ids[0]), "{label}"),
        _ if n < size => assert_eq!(lens, vec![n], "{label}"),
        _ => {
            assert_eq!(arrangement.sat_out, None, "{label}");
            assert_eq!(lens.len(), n / size, "{label}: {lens:?}");
            let (low, high) = (lens.iter().min().unwrap(), lens.iter().max().unwrap());
            assert!(*low >= size && high - low <= 1, "{label}: {lens:?}");
            if n % size <= n / size {
                assert!(*high <= size + 1, "{label}: {lens:?}");
            }
        }
    }
}

#[test]
fn everyone_once_in_groups_of_the_size_with_rules_kept() {
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    for size in 3..=6 {
        for trial in 0..40u64 {
            let n = match trial {
                0..5 => trial as usize,
                5..10 => size + trial as usize - 5,
                _ => rng.random_range(size..=70),
            };
            let due = people(n, rng.random_range(1..8), &mut rng);
            let mut history = grouped_history(&due, size, rng.random_range(0..6), &mut rng);
            for _ in 0..rng.random_range(0..=n / 3) {
                let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
                history.never_pair(due[a].id, due[b].id);
            }
            let request = request(&due, &history, size);
            let arrangement = arrange_groups(&request, &mut ChaCha8Rng::seed_from_u64(trial));
            check(
                &request,
                &arrangement,
                &format!("size {size} trial {trial} n {n}"),
            );
        }
    }
}

/// Organisations no larger than the number of groups, and a short history
/// of random groups: an arrangement without repeats or shared organisations
/// is easy to find, and must be found.
#[test]
fn zero_cost_whenever_that_is_easy() {
    for size in 3..=6 {
        for seed in 0..12u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = 12 * size + seed as usize % size;
            let due: Vec<Candidate> = (0..n)
                .map(|i| Candidate {
                    id: 100 + i as PersonId,
                    organisation: format!("Org {}", i % 12),
                })
                .collect();
            let history = grouped_history(&due, size, 2, &mut rng);
            let request = request(&due, &history, size);
            let arrangement = arrange_groups(&request, &mut rng);
            let label = format!("size {size} seed {seed}");
            check(&request, &arrangement, &label);
            assert_eq!(arrangement.stats.forced_repeats, 0, "{label}");
            assert_eq!(arrangement.stats.same_organisation_pairs, 0, "{label}");
        }
    }
}

#[test]
fn a_rule_that_cannot_be_kept_leaves_people_out() {
    let due: Vec<Candidate> = (1..=3)
        .map(|id| Candidate {
            id,
            organisation: format!("Org {id}"),
        })
        .collect();
    let mut history = History::new();
    history.never_pair(1, 2);
    let request = request(&due, &history, 3);
    for seed in 0..10 {
        let arrangement = arrange_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        check(&request, &arrangement, &format!("seed {seed}"));
        assert_eq!(arrangement.left_out.len(), 1);
        assert_eq!(arrangement.groups.len(), 1);
    }
}

#[test]
fn size_two_is_the_pair_engine() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    for (n, odd) in [
        (20, OddOneOut::Trio),
        (21, OddOneOut::Trio),
        (21, OddOneOut::SitOut),
    ] {
        let due = people(n, 4, &mut rng);
        let history = grouped_history(&due, 2, 4, &mut rng);
        let must_not_sit_out: BTreeSet<PersonId> = [due[0].id].into();
        let groups = GroupRequest {
            odd_one_out: odd,
            must_not_sit_out: must_not_sit_out.clone(),
            ..request(&due, &history, 2)
        };
        let pairs = PairingRequest {
            candidates: &due,
            history: &history,
            odd_one_out: odd,
            must_not_sit_out,
        };
        let seed = 77;
        assert_eq!(
            arrange_groups(&groups, &mut ChaCha8Rng::seed_from_u64(seed)),
            arrange(&pairs, &mut ChaCha8Rng::seed_from_u64(seed))
        );
    }
}

/// Six people, nobody met, each their own organisation: all 10 ways to
/// split them into two threes are equally good and must come up equally
/// often (chi-square, 9 degrees of freedom).
#[test]
fn uniform_among_equally_good_groups_of_three() {
    let due: Vec<Candidate> = (1..=6)
        .map(|id| Candidate {
            id,
            organisation: format!("Org {id}"),
        })
        .collect();
    let history = History::new();
    let request = request(&due, &history, 3);
    let samples = 5000;
    let mut counts: HashMap<Vec<PersonId>, usize> = HashMap::new();
    for seed in 0..samples as u64 {
        let arrangement = arrange_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        // The split is named by the group holding person 1.
        let mut with_one = arrangement
            .groups
            .into_iter()
            .find(|g| g.contains(&1))
            .unwrap();
        with_one.sort_unstable();
        *counts.entry(with_one).or_default() += 1;
    }
    assert_eq!(counts.len(), 10, "{counts:?}");
    let expected = samples as f64 / 10.0;
    let statistic: f64 = counts
        .values()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum();
    // The 0.999 quantile of chi-square with 9 degrees of freedom.
    assert!(statistic < 27.877, "chi-square {statistic}: {counts:?}");
}
