//! Turning the lexicographic [`Cost`] into one integer for the blossom solver.

use super::cost::{Cost, DISSIMILARITY_SCALE};
use super::problem::Problem;

/// Mixed-radix weights: each cost component gets a weight larger than the
/// most that all lower components together can add up to in any one
/// arrangement, so comparing scalar totals is the same as comparing costs
/// lexicographically. `i128` leaves room for any `u32` round numbers.
pub(crate) struct Weights {
    never: i128,
    forbidden: i128,
    repeat: i128,
    recency: i128,
    /// Oldest round among the pool's past meetings: recency is counted from
    /// it, which keeps the weights small without changing the order (the
    /// offset adds the same amount per repeat, and repeats weigh more).
    oldest_round: u64,
    /// What one unit of every tier above dissimilarity weighs: 1 (and
    /// dissimilarity always 0) outside the matched arm, so those scalars are
    /// exactly what they were before the matched arm existed; in it, more than
    /// the largest total dissimilarity an arrangement can have.
    unit: i128,
}

impl Weights {
    /// Weights for `problem`, whose pairwise history is `met` (row-major n × n).
    pub fn new(problem: &Problem<'_>, met: &[Option<u32>]) -> Self {
        let rounds = met.iter().flatten().map(|&r| u64::from(r));
        let oldest_round = rounds.clone().min().unwrap_or(0);
        let span = i128::from(rounds.max().unwrap_or(0) - oldest_round);
        // An arrangement has at most n/2 + 1 pairs (a trio holds three).
        let pairs = problem.len() as i128 / 2 + 2;
        let recency = pairs + 1;
        let repeat = pairs * span * recency + pairs + 1;
        let forbidden = (pairs + 1) * repeat;
        // An arrangement has at most one barred sitter, so everything below
        // the never tier adds up to less than 2 × forbidden. For a million
        // people this is about 2^90 per broken rule (with the widest span of
        // rounds), and a whole arrangement's total stays below 2^111.
        let never = 2 * forbidden;
        // Pairs inside one arrangement of the pair engine (at most one trio).
        let unit = if problem.has_similarity() {
            (pairs + 1) * i128::from(DISSIMILARITY_SCALE) + 1
        } else {
            1
        };
        Weights {
            never,
            forbidden,
            repeat,
            recency,
            oldest_round,
            unit,
        }
    }

    /// The scalar form of `cost` (of one group or a whole arrangement).
    pub fn scalar(&self, cost: Cost) -> i128 {
        let repeats = i128::from(cost.repeats);
        let recency = i128::from(cost.recency) - repeats * i128::from(self.oldest_round);
        let above = i128::from(cost.never) * self.never
            + i128::from(cost.forbidden) * self.forbidden
            + repeats * self.repeat
            + recency * self.recency
            + i128::from(cost.same_org);
        above * self.unit + i128::from(cost.dissimilarity)
    }
}
