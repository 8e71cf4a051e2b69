//! Exact optimum by minimum-cost perfect matching (blossom algorithm).

use rand::seq::SliceRandom;
use rand::Rng;

use super::problem::Problem;
use super::state::{odd_group_len, Group, State};
use super::trio;
use super::weights::Weights;

/// Largest pool solved exactly; the blossom algorithm is cubic (about 0.1 s
/// at this size) and larger pools have sparse enough histories for local
/// search to reach the lower bound.
pub(crate) const EXACT_LIMIT: usize = 1500;

/// An optimal arrangement. Vertices are shuffled first so that, among
/// optimal arrangements, which one the solver lands on varies.
pub(crate) fn solve<R: Rng + ?Sized>(problem: &Problem<'_>, rng: &mut R) -> State {
    let mut people: Vec<u32> = (0..problem.len() as u32).collect();
    people.shuffle(rng);
    let graph = Graph::new(problem, people);
    let groups = match odd_group_len(problem) {
        0 => graph.pairs(&graph.min_matching(&[])),
        1 => graph.with_sitter(),
        _ => trio::solve(&graph),
    };
    State::from_groups(problem, groups)
}

/// The complete graph of candidates with scalar pair costs, over shuffled
/// vertex numbers (`people[v]` is the candidate at vertex `v`).
pub(crate) struct Graph {
    pub people: Vec<u32>,
    /// Row-major `n × n` scalar pair costs.
    pub cost: Vec<i128>,
    /// Scalar cost of seating each vertex out (only the barred sitter pays).
    pub sitting_out: Vec<i128>,
}

impl Graph {
    fn new(problem: &Problem<'_>, people: Vec<u32>) -> Self {
        let n = people.len();
        let met = problem.history_matrix();
        let weights = Weights::new(problem, &met);
        let mut cost = vec![0; n * n];
        for v in 0..n {
            for u in (v + 1)..n {
                let (a, b) = (people[v] as usize, people[u] as usize);
                let pair = super::cost::Cost {
                    dissimilarity: problem.dissimilarity(a as u32, b as u32),
                    ..super::cost::Cost::pair(
                        problem.is_never_pair(a as u32, b as u32),
                        met[a * n + b],
                        problem.orgs[a] == problem.orgs[b],
                    )
                };
                cost[v * n + u] = weights.scalar(pair);
                cost[u * n + v] = cost[v * n + u];
            }
        }
        let sitting_out = people
            .iter()
            .map(|&p| weights.scalar(problem.group_cost(&Group::new(&[p]))))
            .collect();
        Graph {
            people,
            cost,
            sitting_out,
        }
    }

    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn edge(&self, v: usize, u: usize) -> i128 {
        self.cost[v * self.len() + u]
    }

    /// Minimum-cost perfect matching of every vertex except `excluded` (whose
    /// remaining count must be even), as vertex pairs with its total cost.
    pub fn min_matching(&self, excluded: &[usize]) -> Matching {
        let kept: Vec<usize> = (0..self.len()).filter(|v| !excluded.contains(v)).collect();
        let m = kept.len();
        let mut sub = vec![0i128; m * m];
        for (i, &v) in kept.iter().enumerate() {
            for (j, &u) in kept.iter().enumerate() {
                sub[i * m + j] = self.edge(v, u);
            }
        }
        let mate = min_cost_perfect_matching(&sub, m);
        let pairs: Vec<(usize, usize)> = (0..m)
            .filter(|&i| i < mate[i])
            .map(|i| (kept[i], kept[mate[i]]))
            .collect();
        let total = pairs.iter().map(|&(v, u)| self.edge(v, u)).sum();
        Matching { pairs, total }
    }

    /// Minimum-cost matching that leaves exactly one vertex unmatched (the pool
    /// being odd), through an extra vertex whose partner is the one left out;
    /// pairing with it costs `left_out[v]`.
    pub fn near_perfect_matching(&self, left_out: &[i128]) -> (Matching, usize) {
        let n = self.len();
        let m = n + 1;
        let mut extended = vec![0i128; m * m];
        for v in 0..n {
            extended[v * m..v * m + n].copy_from_slice(&self.cost[v * n..(v + 1) * n]);
            extended[v * m + n] = left_out[v];
            extended[n * m + v] = left_out[v];
        }
        let mate = min_cost_perfect_matching(&extended, m);
        let pairs: Vec<(usize, usize)> = (0..n)
            .filter(|&v| v < mate[v] && mate[v] < n)
            .map(|v| (v, mate[v]))
            .collect();
        let total = pairs.iter().map(|&(v, u)| self.edge(v, u)).sum();
        (Matching { pairs, total }, mate[n])
    }

    /// The optimal arrangement with one person sitting out.
    fn with_sitter(&self) -> Vec<Group> {
        let (matching, sitter) = self.near_perfect_matching(&self.sitting_out);
        let mut groups = vec![Group::new(&[self.people[sitter]])];
        groups.extend(self.pairs(&matching));
        groups
    }

    /// Vertex pairs as groups of people.
    pub fn pairs(&self, matching: &Matching) -> Vec<Group> {
        matching
            .pairs
            .iter()
            .map(|&(v, u)| Group::new(&[self.people[v], self.people[u]]))
            .collect()
    }
}

/// A set of vertex pairs with its summed scalar cost.
pub(crate) struct Matching {
    pub pairs: Vec<(usize, usize)>,
    pub total: i128,
}

/// Weights up to this fit the solver's `i64` mode with room to spare (it
/// adds up to n weights and keeps a quarter of the range as "infinity").
const I64_SAFE_WEIGHT: i128 = (i64::MAX >> 20) as i128;

/// Blossom on a row-major `m × m` cost matrix. The solver's working buffers
/// grow with the weight type (≈ 4m² edges, kept per thread for reuse), so
/// costs are narrowed to `i64` whenever they fit, which they nearly always do.
fn min_cost_perfect_matching(cost: &[i128], m: usize) -> Vec<usize> {
    if cost.iter().all(|&c| c <= I64_SAFE_WEIGHT) {
        let narrow: Vec<i64> = cost.iter().map(|&c| c as i64).collect();
        integer_blossom::min_weight_perfect_matching(&narrow, m)
    } else {
        integer_blossom::min_weight_perfect_matching(cost, m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Costs too large for `i64` take the `i128` path and must give the same
    /// optimum as the same costs scaled down onto the `i64` path.
    #[test]
    fn wide_and_narrow_weights_agree() {
        let m = 12;
        let small: Vec<i128> = (0..m * m)
            .map(|k| {
                let (i, j) = (k / m, k % m);
                ((i.min(j) * 7 + i.max(j) * 13) % 10) as i128
            })
            .collect();
        let scale = I64_SAFE_WEIGHT * 1024;
        let large: Vec<i128> = small.iter().map(|&c| c * scale).collect();
        let total =
            |cost: &[i128], mate: &[usize]| -> i128 { (0..m).map(|i| cost[i * m + mate[i]]).sum() };
        let narrow = min_cost_perfect_matching(&small, m);
        let wide = min_cost_perfect_matching(&large, m);
        assert_eq!(total(&large, &wide), total(&small, &narrow) * scale);
    }
}
