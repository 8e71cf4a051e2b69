//! Every round's cost must equal the exact optimum, found here independently
//! of the engine: an own cost function and weights, the blossom solver
//! called directly (every trio tried for the trio case), and that checker in
//! turn validated against exhaustive search on small pools.

use integer_blossom::min_weight_perfect_matching;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};
use unmentoring::domain::pairing::{
    arrange, organisation_key, Arrangement, Candidate, History, OddOneOut, PairingRequest, PersonId,
};

/// (repeats, sum of last-met rounds of the repeats, same-organisation pairs).
type Cost = (u64, u64, u64);

// Mixed-radix weights for pools of at most 50 (≤ 27 pairs) and rounds < 300.
const W_ORG: i64 = 1;
const W_RECENCY: i64 = 100;
const W_REPEAT: i64 = 10_000_000;
const W_BARRED: i64 = 10_000_000_000;

/// The test's own view of a round, on indices into `request.candidates`.
struct Checker<'a> {
    request: &'a PairingRequest<'a>,
    orgs: Vec<String>,
}

impl<'a> Checker<'a> {
    fn new(request: &'a PairingRequest<'a>) -> Self {
        let orgs = request
            .candidates
            .iter()
            .map(|c| organisation_key(&c.organisation))
            .collect();
        Checker { request, orgs }
    }

    fn n(&self) -> usize {
        self.request.candidates.len()
    }

    fn pair(&self, a: usize, b: usize) -> Cost {
        let met = self
            .request
            .history
            .last_met(self.request.candidates[a].id, self.request.candidates[b].id);
        (
            u64::from(met.is_some()),
            met.map_or(0, u64::from),
            u64::from(self.orgs[a] == self.orgs[b]),
        )
    }

    fn weight(&self, a: usize, b: usize) -> i64 {
        scalar(self.pair(a, b))
    }

    fn barred(&self, a: usize) -> bool {
        self.request
            .must_not_sit_out
            .contains(&self.request.candidates[a].id)
    }

    /// Cost of groups given as index lists.
    fn cost_of(&self, groups: &[Vec<usize>]) -> Cost {
        let mut total = (0, 0, 0);
        for group in groups {
            for (i, &a) in group.iter().enumerate() {
                for &b in &group[i + 1..] {
                    total = add(total, self.pair(a, b));
                }
            }
        }
        total
    }

    fn cost_of_arrangement(&self, arrangement: &Arrangement) -> Cost {
        let index = |id: PersonId| {
            self.request
                .candidates
                .iter()
                .position(|c| c.id == id)
                .unwrap()
        };
        let groups: Vec<Vec<usize>> = arrangement
            .groups
            .iter()
            .map(|g| g.iter().map(|&id| index(id)).collect())
            .collect();
        self.cost_of(&groups)
    }

    /// Scalar optimum of a perfect matching on `vertices` (plus an optional
    /// extra vertex whose edge to v costs `extra(v)`).
    fn matching(&self, vertices: &[usize], extra: Option<&dyn Fn(usize) -> i64>) -> i64 {
        let m = vertices.len() + usize::from(extra.is_some());
        let mut w = vec![0i64; m * m];
        for i in 0..m {
            for j in 0..m {
                w[i * m + j] = match (vertices.get(i), vertices.get(j), extra) {
                    (Some(&a), Some(&b), _) if a != b => self.weight(a, b),
                    (Some(&a), None, Some(f)) | (None, Some(&a), Some(f)) => f(a),
                    _ => 0,
                };
            }
        }
        let mate = min_weight_perfect_matching(&w, m);
        (0..m)
            .filter(|&i| i < mate[i])
            .map(|i| w[i * m + mate[i]])
            .sum()
    }

    /// The exact optimum as a scalar.
    fn optimum(&self) -> i64 {
        let all: Vec<usize> = (0..self.n()).collect();
        if self.n().is_multiple_of(2) {
            return self.matching(&all, None);
        }
        match self.request.odd_one_out {
            OddOneOut::SitOut => {
                self.matching(&all, Some(&|a| if self.barred(a) { W_BARRED } else { 0 }))
            }
            OddOneOut::Trio => self.best_with_every_trio(),
        }
    }

    fn best_with_every_trio(&self) -> i64 {
        let n = self.n();
        let mut best = i64::MAX;
        for x in 0..n {
            for y in x + 1..n {
                for z in y + 1..n {
                    let trio = self.weight(x, y) + self.weight(x, z) + self.weight(y, z);
                    if trio >= best {
                        continue;
                    }
                    let rest: Vec<usize> = (0..n).filter(|&v| v != x && v != y && v != z).collect();
                    best = best.min(trio + self.matching(&rest, None));
                }
            }
        }
        best
    }
}

fn add(a: Cost, b: Cost) -> Cost {
    (a.0 + b.0, a.1 + b.1, a.2 + b.2)
}

fn scalar(c: Cost) -> i64 {
    c.0 as i64 * W_REPEAT + c.1 as i64 * W_RECENCY + c.2 as i64 * W_ORG
}

/// (barred sitter, repeats, recency, same organisation), compared lexicographically.
type FullCost = (u64, u64, u64, u64);

/// Exhaustive optimum over all arrangements of small pools, compared as
/// tuples (no weights involved); `None` when no arrangement is possible.
fn exhaustive(checker: &Checker<'_>, left: Vec<usize>, odd_pending: bool) -> Option<FullCost> {
    let Some((&first, rest)) = left.split_first() else {
        return (!odd_pending).then_some((0, 0, 0, 0));
    };
    let mut best: Option<FullCost> = None;
    let mut consider = |cost: FullCost, remaining: Vec<usize>, pending: bool| {
        if let Some(sub) = exhaustive(checker, remaining, pending) {
            let total = (
                cost.0 + sub.0,
                cost.1 + sub.1,
                cost.2 + sub.2,
                cost.3 + sub.3,
            );
            best = Some(best.map_or(total, |b| b.min(total)));
        }
    };
    let without = |drop: &[usize]| {
        rest.iter()
            .copied()
            .filter(|v| !drop.contains(v))
            .collect::<Vec<_>>()
    };
    let full = |c: Cost| (0, c.0, c.1, c.2);
    if odd_pending && checker.request.odd_one_out == OddOneOut::SitOut {
        consider(
            (u64::from(checker.barred(first)), 0, 0, 0),
            rest.to_vec(),
            false,
        );
    }
    for (i, &b) in rest.iter().enumerate() {
        consider(full(checker.pair(first, b)), without(&[b]), odd_pending);
        if odd_pending && checker.request.odd_one_out == OddOneOut::Trio {
            for &c in &rest[i + 1..] {
                let trio = add(
                    add(checker.pair(first, b), checker.pair(first, c)),
                    checker.pair(b, c),
                );
                consider(full(trio), without(&[b, c]), false);
            }
        }
    }
    best
}

fn scalar_full(c: FullCost) -> i64 {
    c.0 as i64 * W_BARRED + scalar((c.1, c.2, c.3))
}

fn people(n: usize, orgs: usize, rng: &mut ChaCha8Rng) -> Vec<Candidate> {
    (0..n)
        .map(|i| Candidate {
            id: 1000 + i as PersonId,
            organisation: format!("Council {}", rng.random_range(0..orgs)),
        })
        .collect()
}

/// Asserts the engine's arrangement costs exactly the optimum.
fn assert_optimal(request: &PairingRequest<'_>, seed: u64, label: &str) -> Arrangement {
    let arrangement = arrange(request, &mut ChaCha8Rng::seed_from_u64(seed));
    let checker = Checker::new(request);
    let got = checker.cost_of_arrangement(&arrangement);
    let mut got_scalar = scalar(got);
    if let Some(sitter) = arrangement.sat_out {
        assert!(
            !request.must_not_sit_out.contains(&sitter),
            "{label}: barred sitter"
        );
        got_scalar += 0;
    }
    let optimum = checker.optimum();
    assert_eq!(
        got_scalar, optimum,
        "{label}: engine cost {got:?} is not optimal (scalar {got_scalar} vs {optimum})"
    );
    arrangement
}

/// Plays `rounds` rounds with the engine, recording each round's groups, with
/// a random part of the pool (at least `min_due`) due each round.
fn simulate(pool: usize, min_due: usize, orgs: usize, odd: OddOneOut, rounds: u32, seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let everyone = people(pool, orgs, &mut rng);
    let mut history = History::new();
    let mut last_sitter = None;
    for round in 0..rounds {
        let mut due = everyone.clone();
        due.shuffle(&mut rng);
        due.truncate(rng.random_range(min_due..=pool));
        let request = PairingRequest {
            candidates: &due,
            history: &history,
            odd_one_out: odd,
            must_not_sit_out: last_sitter.into_iter().collect(),
        };
        let label = format!(
            "pool {pool} {odd:?} seed {seed} round {round} ({} due)",
            due.len()
        );
        let arrangement = assert_optimal(&request, rng.random(), &label);
        last_sitter = arrangement.sat_out;
        for group in &arrangement.groups {
            for (i, &a) in group.iter().enumerate() {
                for &b in &group[i + 1..] {
                    history.record_meeting(a, b, round);
                }
            }
        }
    }
}

#[test]
fn the_checker_agrees_with_exhaustive_search() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for trial in 0..60 {
        let n = rng.random_range(2..=11);
        let due = people(n, rng.random_range(1..4), &mut rng);
        let mut history = History::new();
        for (i, a) in due.iter().enumerate() {
            for b in &due[i + 1..] {
                if rng.random_bool(0.6) {
                    history.record_meeting(a.id, b.id, rng.random_range(0..20));
                }
            }
        }
        let odd = if trial % 2 == 0 {
            OddOneOut::Trio
        } else {
            OddOneOut::SitOut
        };
        let barred = Some(due[rng.random_range(0..n)].id);
        let request = PairingRequest {
            candidates: &due,
            history: &history,
            odd_one_out: odd,
            must_not_sit_out: barred.into_iter().collect(),
        };
        let checker = Checker::new(&request);
        let all: Vec<usize> = (0..n).collect();
        assert_eq!(
            checker.optimum(),
            scalar_full(exhaustive(&checker, all, n % 2 == 1).unwrap()),
            "trial {trial}"
        );
        assert_optimal(&request, trial, &format!("exhaustive trial {trial}"));
    }
}

#[test]
fn optimal_every_round_for_even_pools_with_long_history() {
    for (pool, seed) in [(12, 1), (16, 2), (20, 3), (30, 4), (40, 5), (50, 6)] {
        simulate(
            pool,
            pool,
            3 + (seed as usize % 3),
            OddOneOut::Trio,
            24,
            seed,
        );
    }
}

#[test]
fn optimal_every_round_with_changing_attendance_and_sitters() {
    for (pool, seed) in [(14, 7), (25, 8), (50, 9)] {
        simulate(pool, pool - 5, 4, OddOneOut::SitOut, 24, seed);
    }
}

#[test]
fn optimal_every_round_with_trios() {
    for (pool, seed) in [(13, 10), (17, 11), (21, 12)] {
        simulate(
            pool,
            pool - 2,
            3 + (seed as usize % 3),
            OddOneOut::Trio,
            22,
            seed,
        );
    }
}

#[test]
fn optimal_with_dense_random_histories() {
    let mut rng = ChaCha8Rng::seed_from_u64(13);
    for trial in 0..30u64 {
        let n = rng.random_range(12..=50);
        let odd = if trial % 3 == 0 {
            OddOneOut::SitOut
        } else {
            OddOneOut::Trio
        };
        let n = if odd == OddOneOut::Trio && n % 2 == 1 {
            n.min(19)
        } else {
            n
        };
        let due = people(n, rng.random_range(3..=5), &mut rng);
        let density = rng.random_range(0.5..0.97);
        let mut history = History::new();
        for (i, a) in due.iter().enumerate() {
            for b in &due[i + 1..] {
                if rng.random_bool(density) {
                    history.record_meeting(a.id, b.id, rng.random_range(0..200));
                }
            }
        }
        let request = PairingRequest {
            candidates: &due,
            history: &history,
            odd_one_out: odd,
            must_not_sit_out: [due[0].id].into(),
        };
        assert_optimal(
            &request,
            trial,
            &format!("dense trial {trial} (n {n}, {odd:?})"),
        );
    }
}

/// Round numbers near `u32::MAX` make the engine's scalar weights huge; the
/// result must still be optimal (checked by tuple comparison alone).
#[test]
fn optimal_with_huge_round_numbers() {
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    for trial in 0..24u64 {
        let n = rng.random_range(6..=11);
        let due = people(n, 3, &mut rng);
        let mut history = History::new();
        for (i, a) in due.iter().enumerate() {
            for b in &due[i + 1..] {
                let round = if rng.random_bool(0.5) {
                    u32::MAX - rng.random_range(0..3)
                } else {
                    rng.random_range(0..3)
                };
                if rng.random_bool(0.8) {
                    history.record_meeting(a.id, b.id, round);
                }
            }
        }
        let odd = if trial % 2 == 0 {
            OddOneOut::Trio
        } else {
            OddOneOut::SitOut
        };
        let request = PairingRequest {
            candidates: &due,
            history: &history,
            odd_one_out: odd,
            must_not_sit_out: [due[1].id].into(),
        };
        let arrangement = arrange(&request, &mut ChaCha8Rng::seed_from_u64(trial));
        let checker = Checker::new(&request);
        let (repeats, recency, same_org) = checker.cost_of_arrangement(&arrangement);
        let barred = u64::from(
            arrangement
                .sat_out
                .is_some_and(|s| request.must_not_sit_out.contains(&s)),
        );
        let best = exhaustive(&checker, (0..n).collect(), n % 2 == 1).unwrap();
        assert_eq!(
            (barred, repeats, recency, same_org),
            best,
            "trial {trial} (n {n}, {odd:?})"
        );
    }
}

/// `n` people: `big` of them in one organisation, the rest spread evenly
/// over `others` more; then `rounds` rounds of random pairs as history.
fn skewed_pool(
    n: usize,
    big: usize,
    others: usize,
    rounds: u32,
    seed: u64,
) -> (Vec<Candidate>, History) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut due: Vec<Candidate> = (0..n)
        .map(|i| Candidate {
            id: 5000 + i as PersonId,
            organisation: if i < big {
                "Big Council".to_string()
            } else {
                format!("Council {}", i % others)
            },
        })
        .collect();
    let mut history = History::new();
    for round in 0..rounds {
        due.shuffle(&mut rng);
        for pair in due.chunks_exact(2) {
            history.record_meeting(pair[0].id, pair[1].id, round);
        }
    }
    due.shuffle(&mut rng);
    (due, history)
}

/// A zero-cost arrangement with a trio, found the checker's way: a perfect
/// matching of everyone but `x` that costs nothing, and a pair of it that
/// `x` can join at no cost. Any such witness shows the optimum is zero.
fn zero_cost_trio_exists(checker: &Checker<'_>) -> bool {
    let n = checker.n();
    // Trying members of small organisations first finds a witness at once:
    // leaving one of the dominant organisation out leaves a single pair
    // without it to join.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&x| {
        (0..n)
            .filter(|&y| checker.orgs[y] == checker.orgs[x])
            .count()
    });
    order.into_iter().take(8).any(|x| {
        let rest: Vec<usize> = (0..n).filter(|&v| v != x).collect();
        let m = rest.len();
        let mut w = vec![0i64; m * m];
        for i in 0..m {
            for j in 0..m {
                if i != j {
                    w[i * m + j] = checker.weight(rest[i], rest[j]);
                }
            }
        }
        let mate = min_weight_perfect_matching(&w, m);
        let total: i64 = (0..m)
            .filter(|&i| i < mate[i])
            .map(|i| w[i * m + mate[i]])
            .sum();
        total == 0
            && (0..m).any(|i| {
                i < mate[i]
                    && checker.weight(x, rest[i]) == 0
                    && checker.weight(x, rest[mate[i]]) == 0
            })
    })
}

/// An odd pool of 201 with 100 people from one organisation is above the
/// full trio search's size: every seed must still find the arrangement
/// without repeats or same-organisation pairs that exists for each of them.
#[test]
fn optimal_for_a_skewed_odd_pool_above_the_full_trio_search() {
    let mut misses = Vec::new();
    for seed in 0..200u64 {
        let (due, history) = skewed_pool(201, 100, 12, 10, seed);
        for odd in OddOneOut::ALL {
            let request = PairingRequest {
                candidates: &due,
                history: &history,
                odd_one_out: odd,
                must_not_sit_out: Default::default(),
            };
            let label = format!("skewed seed {seed} {odd:?}");
            let checker = Checker::new(&request);
            let best = match odd {
                OddOneOut::SitOut => checker.optimum(),
                OddOneOut::Trio => {
                    assert!(zero_cost_trio_exists(&checker), "{label}: no witness");
                    0
                }
            };
            let arrangement = arrange(&request, &mut ChaCha8Rng::seed_from_u64(seed));
            let got = checker.cost_of_arrangement(&arrangement);
            let same_org = arrangement.stats.same_organisation_pairs as i64;
            if scalar(got) != best || same_org != best % W_RECENCY {
                misses.push(format!("{label}: engine cost {got:?}, best {best}"));
            }
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
}
