//! Known values from SciPy 1.17.1 (Python, `pip install scipy` in the
//! development sandbox); each test names the exact call. statsmodels was not
//! available, so the two-proportion value is the pooled z computed by hand
//! with `scipy.stats.norm`.

use super::*;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

fn close(actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not within {tolerance} of {expected}"
    );
}

#[test]
fn mann_whitney_matches_scipy_with_ties() {
    // scipy.stats.mannwhitneyu([1,2,2,3,4,5,5], [2,3,3,4,4,5,5,5],
    //     alternative='two-sided', method='asymptotic', use_continuity=True)
    // -> statistic 20.0, pvalue 0.3713908206653984
    let a = [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0];
    let b = [2.0, 3.0, 3.0, 4.0, 4.0, 5.0, 5.0, 5.0];
    let test = mann_whitney(&a, &b).unwrap();
    close(test.u, 20.0, 1e-12);
    close(test.p_two_sided, 0.3713908206653984, 1e-9);
    assert!(test.z < 0.0, "a tends to be smaller");
    // Swapped: scipy gives statistic 36.0 (= 7·8 − 20) and the same p.
    let swapped = mann_whitney(&b, &a).unwrap();
    close(swapped.u, 36.0, 1e-12);
    close(swapped.p_two_sided, 0.3713908206653984, 1e-9);
    close(swapped.z, -test.z, 1e-12);
}

#[test]
fn mann_whitney_edge_cases() {
    assert_eq!(mann_whitney(&[], &[1.0]), None);
    assert_eq!(mann_whitney(&[1.0], &[]), None);
    let same = mann_whitney(&[3.0, 3.0], &[3.0, 3.0, 3.0]).unwrap();
    assert_eq!((same.u, same.z, same.p_two_sided), (3.0, 0.0, 1.0));
}

#[test]
fn mean_ci_matches_scipy_t_interval() {
    // x = [3,4,4,5,2,3]; scipy.stats.t.interval(0.95, df=5, loc=3.5,
    //     scale=scipy.stats.sem(x)) -> (2.3993426152919866, 4.600657384708013)
    let x = [3.0, 4.0, 4.0, 5.0, 2.0, 3.0];
    let ci = mean_ci(&x, 0.95).unwrap();
    assert_eq!(ci.n, 6);
    close(ci.mean, 3.5, 1e-12);
    close(ci.low, 2.3993426152919866, 1e-9);
    close(ci.high, 4.600657384708013, 1e-9);
    // The same call at 0.90 -> (2.637207832909215, 4.3627921670907845)
    let ci = mean_ci(&x, 0.90).unwrap();
    close(ci.low, 2.637207832909215, 1e-9);
    close(ci.high, 4.3627921670907845, 1e-9);
    assert_eq!(mean_ci(&[3.0], 0.95), None);
    assert_eq!(mean_ci(&x, 1.0), None);
}

#[test]
fn difference_ci_matches_scipy_welch() {
    // scipy.stats.ttest_ind([4,5,3,4,5,4,3,5], [2,3,3,4,2,3,1,3,2,4],
    //     equal_var=False).confidence_interval(0.95)
    // -> (0.5321263739210834, 2.3178736260789163), df 15.811402397729447
    let a = [4.0, 5.0, 3.0, 4.0, 5.0, 4.0, 3.0, 5.0];
    let b = [2.0, 3.0, 3.0, 4.0, 2.0, 3.0, 1.0, 3.0, 2.0, 4.0];
    let ci = difference_ci(&a, &b, 0.95).unwrap();
    close(ci.difference, 1.425, 1e-12);
    close(ci.low, 0.5321263739210834, 1e-9);
    close(ci.high, 2.3178736260789163, 1e-9);
    assert_eq!(difference_ci(&a, &[3.0], 0.95), None);
    let flat = difference_ci(&[2.0, 2.0], &[1.0, 1.0], 0.95).unwrap();
    assert_eq!((flat.low, flat.high), (1.0, 1.0));
}

#[test]
fn two_proportions_matches_pooled_z() {
    // 45/60 against 30/55, by hand: p = 75/115,
    // z = (45/60 − 30/55)/sqrt(p(1−p)(1/60 + 1/55)) = 2.3005681116549535,
    // 2 * scipy.stats.norm.sf(z) -> 0.02141605522326669
    let test = two_proportions(45, 60, 30, 55).unwrap();
    close(test.difference, 0.20454545454545459, 1e-12);
    close(test.p_two_sided, 0.02141605522326669, 1e-9);
    assert_eq!(two_proportions(1, 0, 1, 2), None);
    assert_eq!(two_proportions(3, 2, 1, 2), None);
    assert_eq!(two_proportions(0, 5, 0, 7).unwrap().p_two_sided, 1.0);
}

#[test]
fn power_needs_63_answers_per_arm_for_half_a_point() {
    // 2·((norm.ppf(0.975) + norm.ppf(0.8))·1.0/0.5)² = 62.79103787479271
    assert_eq!(more_answers_for_power(1.0, 0.5, 0.8, 0.05), Some(63));
    assert_eq!(more_answers_for_power(1.0, -0.5, 0.8, 0.05), Some(63));
    assert_eq!(more_answers_for_power(1.0, 0.0, 0.8, 0.05), None);
    assert_eq!(more_answers_for_power(0.0, 0.5, 0.8, 0.05), None);
    assert_eq!(more_answers_for_power(1.0, 0.5, 1.0, 0.05), None);
}

fn repeat(values: &[f64], times: usize) -> Vec<f64> {
    values
        .iter()
        .copied()
        .cycle()
        .take(values.len() * times)
        .collect()
}

#[test]
fn verdict_null_case_says_no_clear_difference() {
    // The same answers in both arms: difference 0, so the power calculation
    // uses 0.5 points; with the spread of these answers it wants 106 per arm
    // (2·((1.95996 + 0.84162)·1.29356/0.5)² = 105.09) and there are 120.
    let answers = repeat(&[1.0, 2.0, 3.0, 3.0, 4.0, 5.0], 20);
    assert_eq!(verdict(&answers, &answers), "No clear difference so far");
}

#[test]
fn verdict_names_the_arm_with_more_challenge() {
    // random = [3,4,4,5,5,4,3,5,4,4]·2, matched = [2,3,3,2,4,3,2,3,1,3]·2:
    // mannwhitneyu(random, matched, method='asymptotic', use_continuity=True)
    // -> pvalue 5.49e-06; ttest_ind(random, matched, equal_var=False)
    // .confidence_interval(0.95) -> (1.006, 1.994), difference 1.5.
    let random = repeat(&[3.0, 4.0, 4.0, 5.0, 5.0, 4.0, 3.0, 5.0, 4.0, 4.0], 2);
    let matched = repeat(&[2.0, 3.0, 3.0, 2.0, 4.0, 3.0, 2.0, 3.0, 1.0, 3.0], 2);
    assert_eq!(
        verdict(&random, &matched),
        "Random pairs reported more challenge (difference 1.5, 95 % CI 1.0 to 2.0, p < 0.001)"
    );
    // random = [2,3,3,2,4,3,2,3,1,3,3,2], matched = [3,4,4,5,3,4,3,5,3,4,2,4]:
    // mannwhitneyu -> pvalue 0.0075411337254591; Welch interval for
    // random − matched -> (-1.796421189132849, -0.3702454775338171),
    // difference -1.0833.
    let random = [2.0, 3.0, 3.0, 2.0, 4.0, 3.0, 2.0, 3.0, 1.0, 3.0, 3.0, 2.0];
    let matched = [3.0, 4.0, 4.0, 5.0, 3.0, 4.0, 3.0, 5.0, 3.0, 4.0, 2.0, 4.0];
    assert_eq!(
        verdict(&random, &matched),
        "Matched pairs reported more challenge (difference 1.1, 95 % CI 0.4 to 1.8, p = 0.008)"
    );
}

#[test]
fn verdict_with_too_few_answers_says_how_many_more() {
    // 5 and 4 answers, observed difference 0.4, sd of all nine
    // 0.9718253158075502. For the observed difference:
    // 2·((1.95996 + 0.84162)·0.97183/0.4)² = 92.66, so 93 per arm: 88 + 89
    // more. For 0.5 points: 2·(… /0.5)² = 59.30, 60 per arm: 55 + 56 more,
    // which the verdict asks for (whichever needs fewer).
    let random = [3.0, 4.0, 2.0, 5.0, 3.0];
    let matched = [2.0, 4.0, 3.0, 3.0];
    assert_eq!(
        verdict(&random, &matched),
        "Not enough answers yet (need about 111 more)"
    );
    assert_eq!(
        answers_for_observed_difference(&random, &matched),
        Some(177)
    );
    // Even a large difference is not reported on fewer than 10 answers.
    assert_eq!(
        verdict(&[5.0; 9], &[1.0; 9]),
        "Not enough answers yet (need about 2 more)"
    );
    assert_eq!(
        verdict(&[], &[]),
        "Not enough answers yet (need about 20 more)"
    );
}

/// A 1–5 answer, skewed towards the middle as survey answers are.
fn answer(rng: &mut ChaCha8Rng) -> f64 {
    const SCALE: [f64; 10] = [1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 4.0, 4.0, 5.0];
    SCALE[rng.random_range(0..SCALE.len())]
}

fn claims_a_difference(verdict: &str) -> bool {
    verdict.contains("reported more challenge")
}

#[test]
fn simulated_experiments_without_a_difference_rarely_claim_one() {
    // With alpha 0.05 about 5 in 100 are expected by chance.
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let claims = (0..100)
        .filter(|_| {
            let random: Vec<f64> = (0..200).map(|_| answer(&mut rng)).collect();
            let matched: Vec<f64> = (0..200).map(|_| answer(&mut rng)).collect();
            claims_a_difference(&verdict(&random, &matched))
        })
        .count();
    assert!(claims <= 10, "{claims} of 100 claimed a difference");
}

#[test]
fn simulated_experiments_with_a_difference_find_it() {
    let mut rng = ChaCha8Rng::seed_from_u64(16);
    let found = (0..20)
        .filter(|_| {
            let random: Vec<f64> = (0..200).map(|_| answer(&mut rng)).collect();
            let matched: Vec<f64> = (0..200)
                .map(|_| (answer(&mut rng) + 1.0).min(5.0))
                .collect();
            verdict(&random, &matched).starts_with("Matched pairs reported more challenge")
        })
        .count();
    assert!(found >= 18, "only {found} of 20 found the difference");
}
