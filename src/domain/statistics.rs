//! The statistics for the experiment: does being paired at random rather
//! than by matching change how much challenge people report?
//!
//! Pure functions over the answers, no I/O. The distributions (normal and
//! Student's t) come from `statrs`; what it lacks (ranks with ties, the
//! Mann–Whitney normal approximation, Welch's interval, the pooled
//! two-proportion test, the sample-size formula) is written out here so each
//! step can be checked against its textbook form. The tests compare the
//! results with values from SciPy (see `statistics/tests.rs`).

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// The significance level the verdict uses.
pub const ALPHA: f64 = 0.05;
/// Below this many answers in either arm the verdict says nothing.
pub const MIN_ANSWERS: usize = 10;
/// The power the verdict asks for when it says how many more answers.
const POWER: f64 = 0.8;
/// The difference (in points on the 1–5 scale) the power calculation
/// looks for when the observed difference is exactly zero.
const DEFAULT_DIFFERENCE: f64 = 0.5;

/// A confidence interval for a mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub n: usize,
}

/// The Mann–Whitney U test of two samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MannWhitney {
    /// U for sample `a`: how many (a, b) pairs have a > b, ties counting ½.
    pub u: f64,
    /// The continuity-corrected z: negative when `a` tends to be smaller.
    pub z: f64,
    pub p_two_sided: f64,
}

/// A confidence interval for mean(a) − mean(b).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DifferenceCi {
    pub difference: f64,
    pub low: f64,
    pub high: f64,
}

/// The two-proportion z-test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProportionTest {
    /// Proportion a − proportion b.
    pub difference: f64,
    pub p_two_sided: f64,
}

fn standard_normal() -> Normal {
    // Mean 0 and standard deviation 1 are always valid parameters.
    Normal::new(0.0, 1.0).expect("the standard normal distribution")
}

/// The upper quantile of Student's t with `df` degrees of freedom for a
/// two-sided interval at `level`; None for a level outside (0, 1).
fn t_quantile(level: f64, df: f64) -> Option<f64> {
    if !(level > 0.0 && level < 1.0) {
        return None;
    }
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    Some(t.inverse_cdf((1.0 + level) / 2.0))
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The sample variance (n − 1 in the denominator); needs two values.
fn variance(values: &[f64]) -> f64 {
    let m = mean(values);
    values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (values.len() - 1) as f64
}

/// The confidence interval for the mean at `level` (0.95 for 95 %), from
/// Student's t with n − 1 degrees of freedom: mean ± t · s/√n, the interval
/// `scipy.stats.t.interval(level, df=n-1, loc=mean, scale=sem)` gives.
/// None for fewer than two values or a level outside (0, 1).
pub fn mean_ci(values: &[f64], level: f64) -> Option<MeanCi> {
    let n = values.len();
    if n < 2 {
        return None;
    }
    let m = mean(values);
    let half = t_quantile(level, (n - 1) as f64)? * (variance(values) / n as f64).sqrt();
    Some(MeanCi {
        mean: m,
        low: m - half,
        high: m + half,
        n,
    })
}

/// The Mann–Whitney U test (Wilcoxon rank-sum), two-sided.
///
/// Both samples are ranked together, tied values sharing the average of
/// their ranks. U for `a` is its rank sum minus n_a(n_a + 1)/2. The p-value
/// is the normal approximation: U has mean n_a·n_b/2 and a variance reduced
/// for ties, n_a·n_b/12 · ((n + 1) − Σ(t³ − t)/(n(n − 1))), and |U − mean| is
/// shrunk by ½ (the continuity correction) before dividing. This is
/// `scipy.stats.mannwhitneyu(a, b, alternative='two-sided',
/// method='asymptotic', use_continuity=True)`. The answers are on a 1–5
/// scale, so ties are the rule and the exact distribution does not apply.
///
/// None if either sample is empty. When every value is the same there is
/// no evidence either way: z = 0 and p = 1.
pub fn mann_whitney(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let n = na + nb;
    // (value, from a?) sorted by value; NaN never comes from a 1–5 answer,
    // and total_cmp keeps the sort well defined even so.
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|&v| (v, true))
        .chain(b.iter().map(|&v| (v, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut start = 0;
    while start < all.len() {
        let mut end = start;
        while end < all.len() && all[end].0 == all[start].0 {
            end += 1;
        }
        // Positions start..end hold ranks start+1..=end; their average.
        let average_rank = (start + 1 + end) as f64 / 2.0;
        let from_a = all[start..end].iter().filter(|x| x.1).count() as f64;
        rank_sum_a += average_rank * from_a;
        let t = (end - start) as f64;
        tie_term += t * t * t - t;
        start = end;
    }
    let u = rank_sum_a - na * (na + 1.0) / 2.0;
    let centre = na * nb / 2.0;
    let sd = (na * nb / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
    if sd.is_nan() || sd <= 0.0 {
        return Some(MannWhitney {
            u,
            z: 0.0,
            p_two_sided: 1.0,
        });
    }
    let distance = ((u - centre).abs() - 0.5).max(0.0);
    let z = (u - centre).signum() * distance / sd;
    let p = (2.0 * standard_normal().sf(distance / sd)).min(1.0);
    Some(MannWhitney {
        u,
        z,
        p_two_sided: p,
    })
}

/// Welch's t interval at `level` for mean(a) − mean(b): the difference ±
/// t · √(s_a²/n_a + s_b²/n_b), with the Welch–Satterthwaite degrees of
/// freedom, so the two arms need not have the same spread. Matches
/// `scipy.stats.ttest_ind(a, b, equal_var=False).confidence_interval(level)`.
/// None if either sample has fewer than two values or the level is outside
/// (0, 1). If both samples have no spread the interval is the difference.
pub fn difference_ci(a: &[f64], b: &[f64], level: f64) -> Option<DifferenceCi> {
    if a.len() < 2 || b.len() < 2 || !(level > 0.0 && level < 1.0) {
        return None;
    }
    let difference = mean(a) - mean(b);
    let va = variance(a) / a.len() as f64;
    let vb = variance(b) / b.len() as f64;
    let se2 = va + vb;
    if se2.is_nan() || se2 <= 0.0 {
        return Some(DifferenceCi {
            difference,
            low: difference,
            high: difference,
        });
    }
    let df = se2 * se2 / (va * va / (a.len() - 1) as f64 + vb * vb / (b.len() - 1) as f64);
    let half = t_quantile(level, df)? * se2.sqrt();
    Some(DifferenceCi {
        difference,
        low: difference - half,
        high: difference + half,
    })
}

/// The two-proportion z-test with the pooled proportion (the usual test of
/// "no difference", e.g. in the share of pairs who met):
/// z = (p_a − p_b) / √(p(1 − p)(1/n_a + 1/n_b)), p the pooled proportion,
/// two-sided p from the normal distribution. None if either n is zero or
/// has more successes than trials. When both proportions are 0 or both are
/// 1 there is no variance and no difference: p = 1.
pub fn two_proportions(
    successes_a: u64,
    n_a: u64,
    successes_b: u64,
    n_b: u64,
) -> Option<ProportionTest> {
    if n_a == 0 || n_b == 0 || successes_a > n_a || successes_b > n_b {
        return None;
    }
    let (xa, na, xb, nb) = (
        successes_a as f64,
        n_a as f64,
        successes_b as f64,
        n_b as f64,
    );
    let difference = xa / na - xb / nb;
    let pooled = (xa + xb) / (na + nb);
    let se = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
    let p_two_sided = if se > 0.0 {
        (2.0 * standard_normal().sf((difference / se).abs())).min(1.0)
    } else {
        1.0
    };
    Some(ProportionTest {
        difference,
        p_two_sided,
    })
}

/// How many answers each arm needs to detect a true `difference` in means
/// with a two-sided test at `alpha` and the given `power`, by the normal
/// approximation n = 2·((z_{1−α/2} + z_{power})·sd/difference)², rounded up.
/// None when the difference is 0 (or not finite), sd is not positive, or
/// alpha or power is outside (0, 1).
pub fn more_answers_for_power(sd: f64, difference: f64, power: f64, alpha: f64) -> Option<u64> {
    let valid = |x: f64| x > 0.0 && x < 1.0;
    if !(sd > 0.0 && sd.is_finite()) || difference == 0.0 || !difference.is_finite() {
        return None;
    }
    if !valid(alpha) || !valid(power) {
        return None;
    }
    let normal = standard_normal();
    let z = normal.inverse_cdf(1.0 - alpha / 2.0) + normal.inverse_cdf(power);
    let n = 2.0 * (z * sd / difference).powi(2);
    // A whisker of tolerance so that a product which is a whole number in
    // exact arithmetic is not pushed up by rounding error.
    Some((n - 1e-9).ceil().max(1.0) as u64)
}

/// A plain-English verdict on the challenge scores of the two arms that
/// never claims more than the answers show.
///
/// - Fewer than [`MIN_ANSWERS`] in either arm, or no significant difference
///   while the power calculation ([`more_answers_for_power`], power 0.8,
///   the spread of all answers, and the observed difference or 0.5 points,
///   whichever needs fewer answers) wants more per arm than there are: "Not
///   enough answers yet (need about N more)", N the answers still missing
///   over both arms.
/// - Otherwise, with the Mann–Whitney p at or above [`ALPHA`]: "No clear
///   difference so far".
/// - Below it: which arm reported more challenge, with the difference and
///   Welch's 95 % interval (1 decimal) and the Mann–Whitney p (3 decimals),
///   but only if that interval excludes 0 on the same side; if it does not,
///   "No clear difference so far".
pub fn verdict(random: &[f64], matched: &[f64]) -> String {
    let (nr, nm) = (random.len(), matched.len());
    let test = mann_whitney(random, matched);
    let p = test.map_or(1.0, |t| t.p_two_sided);
    let enough = nr >= MIN_ANSWERS && nm >= MIN_ANSWERS;
    if enough && p < ALPHA {
        if let Some(ci) = difference_ci(random, matched, 1.0 - ALPHA) {
            // The two tests can disagree at the margin (Mann–Whitney just
            // significant while Welch's interval still touches 0, or even
            // pointing opposite ways): then the answers do not support a
            // firm claim, and the verdict does not make one.
            let direction = test.map_or(0.0, |t| t.z);
            let excludes_zero = ci.low > 0.0 || ci.high < 0.0;
            if excludes_zero && direction * ci.difference > 0.0 {
                let who = if ci.difference > 0.0 {
                    "Random"
                } else {
                    "Matched"
                };
                return format!(
                    "{who} pairs reported more challenge (difference {:.1}, 95 % CI {:.1} to {:.1}, {})",
                    ci.difference.abs(),
                    if ci.difference > 0.0 { ci.low } else { -ci.high },
                    if ci.difference > 0.0 { ci.high } else { -ci.low },
                    format_p(p)
                );
            }
        }
        return "No clear difference so far".to_string();
    }
    let per_arm = answers_per_arm(random, matched);
    let missing = per_arm.saturating_sub(nr as u64) + per_arm.saturating_sub(nm as u64);
    if !enough || missing > 0 {
        format!("Not enough answers yet (need about {missing} more)")
    } else {
        "No clear difference so far".to_string()
    }
}

/// The answers each arm needs before "no clear difference" means anything:
/// enough for 80 % power to detect the difference observed so far, or a
/// difference of 0.5 points, whichever needs fewer (a tiny observed
/// difference would otherwise ask for tens of thousands), and at least
/// [`MIN_ANSWERS`].
fn answers_per_arm(random: &[f64], matched: &[f64]) -> u64 {
    let sd = spread(random, matched);
    let for_half_point = more_answers_for_power(sd, DEFAULT_DIFFERENCE, POWER, ALPHA);
    let for_observed = observed_difference(random, matched)
        .and_then(|d| more_answers_for_power(sd, d, POWER, ALPHA));
    [for_half_point, for_observed]
        .into_iter()
        .flatten()
        .min()
        .map_or(MIN_ANSWERS as u64, |n| n.max(MIN_ANSWERS as u64))
}

/// How many more answers, over both arms, would give 80 % power to detect
/// the difference in mean challenge observed so far, or 0.5 points when
/// none is observed yet; None when the answers have no spread to go on.
pub fn answers_for_observed_difference(random: &[f64], matched: &[f64]) -> Option<u64> {
    let difference = observed_difference(random, matched).unwrap_or(DEFAULT_DIFFERENCE);
    let per_arm = more_answers_for_power(spread(random, matched), difference, POWER, ALPHA)?;
    Some(per_arm.saturating_sub(random.len() as u64) + per_arm.saturating_sub(matched.len() as u64))
}

/// mean(random) − mean(matched), when both have answers and it is not 0.
fn observed_difference(random: &[f64], matched: &[f64]) -> Option<f64> {
    if random.is_empty() || matched.is_empty() {
        return None;
    }
    let d = mean(random) - mean(matched);
    (d != 0.0).then_some(d)
}

/// The standard deviation of all answers together; 0 with fewer than two.
fn spread(random: &[f64], matched: &[f64]) -> f64 {
    let all: Vec<f64> = random.iter().chain(matched).copied().collect();
    if all.len() >= 2 {
        variance(&all).sqrt()
    } else {
        0.0
    }
}

fn format_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

#[cfg(test)]
mod tests;
