//! Among the best arrangements, the engine's choice must be uniform. Small
//! pools have few enough arrangements to list them all: every output must be
//! optimal, and a chi-square test over the optimal set must pass. The same
//! test must reject a plain optimiser with random tie-breaks, which shows
//! that it has the power to see bias.

use std::collections::HashMap;

use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;
use unmentoring::domain::pairing::{
    arrange, exact_with_random_tie_breaks, organisation_key, Arrangement, Candidate, History,
    OddOneOut, PairingRequest, PersonId,
};

/// Sorted groups (sitter last, as a group of one): one key per arrangement.
type Key = Vec<Vec<PersonId>>;

fn key_of(arrangement: &Arrangement) -> Key {
    let mut groups: Key = arrangement
        .groups
        .iter()
        .map(|g| {
            let mut g = g.clone();
            g.sort_unstable();
            g
        })
        .collect();
    groups.sort_unstable();
    groups.extend(arrangement.sat_out.map(|id| vec![id]));
    groups
}

/// Every arrangement of `ids`: pairs plus, for an odd count, one trio or one sitter.
fn all_arrangements(ids: &[PersonId], odd: OddOneOut) -> Vec<Key> {
    fn extend(
        left: &[PersonId],
        odd_pending: bool,
        odd: OddOneOut,
        prefix: &mut Key,
        out: &mut Vec<Key>,
    ) {
        let Some((&first, rest)) = left.split_first() else {
            let mut key = prefix.clone();
            let sitter = key.iter().position(|g| g.len() == 1).map(|i| key.remove(i));
            key.sort_unstable();
            key.extend(sitter);
            out.push(key);
            return;
        };
        let without = |drop: &[PersonId]| {
            rest.iter()
                .copied()
                .filter(|v| !drop.contains(v))
                .collect::<Vec<_>>()
        };
        if odd_pending && odd == OddOneOut::SitOut {
            prefix.push(vec![first]);
            extend(rest, false, odd, prefix, out);
            prefix.pop();
        }
        for (i, &b) in rest.iter().enumerate() {
            prefix.push(vec![first, b]);
            extend(&without(&[b]), odd_pending, odd, prefix, out);
            prefix.pop();
            if odd_pending && odd == OddOneOut::Trio {
                for &c in &rest[i + 1..] {
                    prefix.push(vec![first, b, c]);
                    extend(&without(&[b, c]), false, odd, prefix, out);
                    prefix.pop();
                }
            }
        }
    }
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let mut out = Vec::new();
    extend(
        &sorted,
        sorted.len() % 2 == 1,
        odd,
        &mut Vec::new(),
        &mut out,
    );
    out
}

/// The test's own lexicographic cost: (barred sitter, repeats, recency, same organisation).
fn cost(request: &PairingRequest<'_>, key: &Key) -> (u32, u32, u64, u32) {
    let org = |id: PersonId| {
        organisation_key(
            &request
                .candidates
                .iter()
                .find(|c| c.id == id)
                .unwrap()
                .organisation,
        )
    };
    let mut total = (0, 0, 0, 0);
    for group in key {
        if group.len() == 1 {
            total.0 += u32::from(request.must_not_sit_out.contains(&group[0]));
        }
        for (i, &a) in group.iter().enumerate() {
            for &b in &group[i + 1..] {
                if let Some(round) = request.history.last_met(a, b) {
                    total.1 += 1;
                    total.2 += u64::from(round);
                }
                total.3 += u32::from(org(a) == org(b));
            }
        }
    }
    total
}

/// The optimal arrangements of a request, found by listing all of them.
fn optimal_set(request: &PairingRequest<'_>) -> Vec<Key> {
    let ids: Vec<PersonId> = request.candidates.iter().map(|c| c.id).collect();
    let all = all_arrangements(&ids, request.odd_one_out);
    let costs: Vec<_> = all.iter().map(|k| cost(request, k)).collect();
    let best = *costs.iter().min().unwrap();
    all.into_iter()
        .zip(costs)
        .filter(|(_, c)| *c == best)
        .map(|(k, _)| k)
        .collect()
}

/// Draws `samples` arrangements with `pick`, asserts each is optimal, and
/// returns the chi-square p-value of the counts against uniform.
fn uniformity_p_value(
    request: &PairingRequest<'_>,
    samples: usize,
    seed: u64,
    pick: fn(&PairingRequest<'_>, &mut ChaCha8Rng) -> Arrangement,
) -> f64 {
    p_value_over(&optimal_set(request), request, samples, seed, pick)
}

/// Draws `samples` arrangements with `pick`, asserts each is in `optimal`,
/// and returns the chi-square p-value of the counts against uniform.
fn p_value_over(
    optimal: &[Key],
    request: &PairingRequest<'_>,
    samples: usize,
    seed: u64,
    pick: fn(&PairingRequest<'_>, &mut ChaCha8Rng) -> Arrangement,
) -> f64 {
    let index: HashMap<&Key, usize> = optimal.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let mut counts = vec![0usize; optimal.len()];
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    for _ in 0..samples {
        let key = key_of(&pick(request, &mut rng));
        let at = index
            .get(&key)
            .unwrap_or_else(|| panic!("not optimal: {key:?}"));
        counts[*at] += 1;
    }
    let expected = samples as f64 / optimal.len() as f64;
    let statistic: f64 = counts
        .iter()
        .map(|&o| (o as f64 - expected).powi(2) / expected)
        .sum();
    chi_square_survival(statistic, (optimal.len() - 1) as f64)
}

fn engine(request: &PairingRequest<'_>, rng: &mut ChaCha8Rng) -> Arrangement {
    arrange(request, rng)
}

fn tie_breaking_optimiser(request: &PairingRequest<'_>, rng: &mut ChaCha8Rng) -> Arrangement {
    exact_with_random_tie_breaks(request, rng)
}

/// Probability that a chi-square variable with `df` degrees of freedom
/// exceeds `x`: the regularized upper incomplete gamma Q(df/2, x/2).
fn chi_square_survival(x: f64, df: f64) -> f64 {
    upper_regularized_gamma(df / 2.0, x / 2.0)
}

fn upper_regularized_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let log_prefactor = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        // Series for the lower function P, converging quickly here.
        let (mut term, mut sum, mut k) = (1.0 / a, 1.0 / a, a);
        while term.abs() > sum.abs() * 1e-15 {
            k += 1.0;
            term *= x / k;
            sum += term;
        }
        1.0 - sum * log_prefactor.exp()
    } else {
        // Continued fraction for Q (modified Lentz), converging quickly here.
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let (mut c, mut d) = (1.0 / tiny, 1.0 / b);
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            d = if d.abs() < tiny { tiny } else { d };
            c = b + an / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-15 {
                break;
            }
        }
        h * log_prefactor.exp()
    }
}

/// ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, nine terms).
fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + 7.5;
    let series = COEFFICIENTS[1..]
        .iter()
        .enumerate()
        .fold(COEFFICIENTS[0], |acc, (i, &c)| {
            acc + c / (x + i as f64 + 1.0)
        });
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

fn candidates(orgs: &[&str]) -> Vec<Candidate> {
    orgs.iter()
        .enumerate()
        .map(|(i, org)| Candidate {
            id: i as PersonId + 1,
            organisation: org.to_string(),
        })
        .collect()
}

fn distinct_orgs(n: usize) -> Vec<Candidate> {
    let names: Vec<String> = (0..n).map(|i| format!("Org {i}")).collect();
    candidates(&names.iter().map(String::as_str).collect::<Vec<_>>())
}

fn history_of(meetings: &[(PersonId, PersonId, u32)]) -> History {
    let mut history = History::new();
    for &(a, b, round) in meetings {
        history.record_meeting(a, b, round);
    }
    history
}

fn request<'a>(
    people: &'a [Candidate],
    history: &'a History,
    odd: OddOneOut,
) -> PairingRequest<'a> {
    PairingRequest {
        candidates: people,
        history,
        odd_one_out: odd,
        must_not_sit_out: Default::default(),
    }
}

#[test]
fn chi_square_survival_matches_tables() {
    for (x, df, p) in [
        (3.841_459, 1.0, 0.05),
        (18.307_04, 10.0, 0.05),
        (124.342_1, 100.0, 0.05),
        (6.634_897, 1.0, 0.01),
    ] {
        assert!((chi_square_survival(x, df) - p).abs() < 1e-5, "df {df}");
    }
    assert!((chi_square_survival(944.0, 944.0) - 0.4939).abs() < 2e-3);
    assert!((chi_square_survival(2.0, 2.0) - (-1.0f64).exp()).abs() < 1e-12);
}

#[test]
fn uniform_over_all_matchings_of_eight_and_ten() {
    let history = History::new();
    let eight = distinct_orgs(8);
    let p = uniformity_p_value(
        &request(&eight, &history, OddOneOut::Trio),
        105 * 30,
        1,
        engine,
    );
    assert!(p > 1e-4, "eight people: p = {p}");
    let ten = distinct_orgs(10);
    let p = uniformity_p_value(
        &request(&ten, &history, OddOneOut::Trio),
        945 * 10,
        2,
        engine,
    );
    assert!(p > 1e-4, "ten people: p = {p}");
}

/// Eight people, three of one organisation, five past meetings: 13 optimal matchings.
fn eight_with_constraints() -> (Vec<Candidate>, History) {
    let people = candidates(&["A", "A", "B", "B", "C", "C", "D", "D"]);
    let meetings = [
        (1, 3, 3),
        (1, 5, 1),
        (1, 7, 2),
        (2, 4, 5),
        (2, 6, 4),
        (3, 5, 3),
        (4, 8, 9),
        (6, 8, 1),
    ];
    (people, history_of(&meetings))
}

/// Ten people, four of one organisation, seven past meetings: 125 optimal matchings.
fn ten_with_constraints() -> (Vec<Candidate>, History) {
    let people = candidates(&["A", "A", "A", "A", "B", "B", "C", "C", "D", "E"]);
    let meetings = [
        (1, 5, 3),
        (2, 6, 1),
        (5, 7, 2),
        (7, 9, 5),
        (3, 8, 4),
        (4, 10, 2),
        (9, 10, 1),
    ];
    (people, history_of(&meetings))
}

/// Seven people with a few past meetings, for the trio and sitter cases.
fn seven_with_constraints() -> (Vec<Candidate>, History) {
    let people = candidates(&["A", "A", "A", "B", "B", "C", "D"]);
    (people, history_of(&[(1, 4, 3), (2, 5, 1), (4, 6, 2)]))
}

/// Samples per optimal arrangement for the seven-person cases.
const SAMPLES_PER_ARRANGEMENT: usize = 120;

/// Name, people and history, samples per optimal arrangement, seed.
type ConstrainedCase = (&'static str, (Vec<Candidate>, History), usize, u64);

/// The constrained cases shared by the uniformity and power tests, with how
/// many samples to draw per optimal arrangement (enough for the chi-square
/// test to see the tie-breaking optimiser's bias, few enough to keep the
/// debug-mode run short) and a seed.
fn constrained_cases() -> [ConstrainedCase; 2] {
    [
        ("eight", eight_with_constraints(), 150, 3),
        ("ten", ten_with_constraints(), 80, 4),
    ]
}

#[test]
fn uniform_among_optimal_matchings_with_history_and_organisations() {
    for (name, (people, history), per_arrangement, seed) in constrained_cases() {
        let request = request(&people, &history, OddOneOut::Trio);
        let samples = optimal_set(&request).len() * per_arrangement;
        let p = uniformity_p_value(&request, samples, seed, engine);
        assert!(p > 1e-4, "{name}: p = {p}");
    }
}

#[test]
fn uniform_with_a_trio_or_a_sitter() {
    let (people, history) = seven_with_constraints();
    let trio = request(&people, &history, OddOneOut::Trio);
    assert_eq!(optimal_set(&trio).len(), 12);
    let p = uniformity_p_value(&trio, 12 * SAMPLES_PER_ARRANGEMENT, 5, engine);
    assert!(p > 1e-4, "trio: p = {p}");
    let mut sit_out = request(&people, &history, OddOneOut::SitOut);
    sit_out.must_not_sit_out = [7].into();
    let size = optimal_set(&sit_out).len();
    let p = uniformity_p_value(&sit_out, size * SAMPLES_PER_ARRANGEMENT, 6, engine);
    assert!(p > 1e-4, "sit out: p = {p}");
}

/// Everyone has met everyone except along the path 1-2-3-4-5: at least two
/// repeats are forced, and only the five arrangements whose repeats are
/// fewest and oldest are optimal.
#[test]
fn uniform_among_least_bad_arrangements_when_repeats_are_forced() {
    let people = distinct_orgs(8);
    let mut history = History::new();
    for a in 1..=8 {
        for b in a + 1..=8 {
            if !(b == a + 1 && b <= 5) {
                history.record_meeting(a, b, ((2 * a * b + a + b) % 5) as u32);
            }
        }
    }
    let request = request(&people, &history, OddOneOut::Trio);
    let optimal = optimal_set(&request);
    assert_eq!(optimal.len(), 5);
    assert_eq!(cost(&request, &optimal[0]), (0, 2, 2, 0));
    let p = uniformity_p_value(&request, 5 * 400, 7, engine);
    assert!(p > 1e-4, "p = {p}");
}

/// The same test rejects an exact optimiser that only breaks ties by
/// shuffling its input: the test can see bias.
#[test]
fn a_tie_breaking_optimiser_fails_the_same_test() {
    for (name, (people, history), per_arrangement, seed) in constrained_cases() {
        let request = request(&people, &history, OddOneOut::Trio);
        let samples = optimal_set(&request).len() * per_arrangement;
        let p = uniformity_p_value(&request, samples, seed, tie_breaking_optimiser);
        assert!(p < 1e-4, "{name}: the biased optimiser passed, p = {p}");
    }
}

/// Four people under one rule: of the three matchings, the two that keep the
/// rule are each chosen about half the time.
#[test]
fn uniform_between_the_two_matchings_that_keep_one_rule() {
    let people = distinct_orgs(4);
    let mut history = History::new();
    history.never_pair(1, 2);
    let request = request(&people, &history, OddOneOut::Trio);
    let (mut with_three, trials) = (0, 4000);
    for seed in 0..trials {
        let arrangement = arrange(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        assert!(arrangement.left_out.is_empty());
        let key = key_of(&arrangement);
        assert!(key == [vec![1, 3], vec![2, 4]] || key == [vec![1, 4], vec![2, 3]]);
        with_three += usize::from(key[0] == [1, 3]);
    }
    // Binomial(4000, 1/2): 5 standard deviations is about ±158.
    assert!(
        (1842..=2158).contains(&with_three),
        "{with_three} of {trials}"
    );
}

/// Eight people under four rules (and with the constraints of
/// `eight_with_constraints`): the choice among the best arrangements that
/// keep every rule is uniform.
#[test]
fn uniform_among_optimal_matchings_that_keep_the_rules() {
    let (people, mut history) = eight_with_constraints();
    let rules = [(1, 2), (3, 6), (5, 8), (4, 7)];
    for (a, b) in rules {
        history.never_pair(a, b);
    }
    let request = request(&people, &history, OddOneOut::Trio);
    let ids: Vec<PersonId> = people.iter().map(|c| c.id).collect();
    let keeps_rules = |key: &Key| {
        key.iter().all(|g| {
            rules
                .iter()
                .all(|&(a, b)| !(g.contains(&a) && g.contains(&b)))
        })
    };
    let valid: Vec<Key> = all_arrangements(&ids, OddOneOut::Trio)
        .into_iter()
        .filter(keeps_rules)
        .collect();
    let best = valid.iter().map(|k| cost(&request, k)).min().unwrap();
    let optimal: Vec<Key> = valid
        .into_iter()
        .filter(|k| cost(&request, k) == best)
        .collect();
    assert!(optimal.len() >= 3, "{} optimal", optimal.len());
    let p = p_value_over(&optimal, &request, optimal.len() * 150, 8, engine);
    assert!(p > 1e-4, "p = {p}");
}
