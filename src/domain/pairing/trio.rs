//! Exact optimum when the odd one out joins a pair to make a trio.
//!
//! A trio {x, y, z} costs c(xy) + c(xz) + c(yz), which no plain matching can
//! express, so the search works with matchings plus bounds:
//!
//! * Any arrangement, minus one edge of its trio, is a matching leaving one
//!   vertex out. So the optimum is at least the best such near-perfect
//!   matching plus the cheapest "two edges at one vertex" anywhere; adding
//!   the left-out vertex to its best pair gives an arrangement, often equal.
//! * Otherwise, with `P(x)` the best perfect matching of everyone but `x`,
//!   any arrangement with trio {x, y, z} costs at least
//!   `P(x) + c(xy) + c(xz)` (its pairs plus the edge yz match everyone but
//!   x). Trios are tried in order of the best of these bounds, each solved
//!   exactly (trio cost plus a matching of the rest), until the bound
//!   reaches the best arrangement found.

use super::exact::{Graph, Matching};
use super::state::Group;

/// Largest pool for the full trio search (one blossom run per person plus
/// one per promising trio); beyond it the near-perfect-matching arrangement
/// is used, with the person left out attached to a pair, or, when that
/// misses the bound, the best of its one-swap neighbours
/// ([`attach_after_one_swap`]).
const FULL_SEARCH_LIMIT: usize = 160;

/// The cheapest arrangement into pairs and one trio (graph size odd, ≥ 3).
pub(crate) fn solve(graph: &Graph) -> Vec<Group> {
    let n = graph.len();
    let (near, left_out) = graph.near_perfect_matching(&vec![0; n]);
    let mut best = Candidate::attach(graph, &near, left_out);
    let bound = near.total
        + (0..n)
            .map(|x| cheapest_two_edges(graph, x))
            .min()
            .unwrap_or(0);
    if best.total > bound {
        if n <= FULL_SEARCH_LIMIT {
            search_all_trios(graph, &mut best);
        } else {
            attach_after_one_swap(graph, &near, left_out, &mut best);
        }
    }
    best.into_groups(graph)
}

/// An arrangement as a trio (of vertices) and a matching of the rest.
struct Candidate {
    trio: [usize; 3],
    pairs: Vec<(usize, usize)>,
    total: i128,
}

impl Candidate {
    /// Puts vertex `x`, left out of `matching`, into the pair where it costs least.
    fn attach(graph: &Graph, matching: &Matching, x: usize) -> Candidate {
        let (at, extra) = matching
            .pairs
            .iter()
            .enumerate()
            .map(|(i, &(y, z))| (i, graph.edge(x, y) + graph.edge(x, z)))
            .min_by_key(|&(_, extra)| extra)
            .expect("a pool of three or more has a pair");
        let mut pairs = matching.pairs.clone();
        let (y, z) = pairs.swap_remove(at);
        Candidate {
            trio: [x, y, z],
            pairs,
            total: matching.total + extra,
        }
    }

    fn into_groups(self, graph: &Graph) -> Vec<Group> {
        let trio = self.trio.map(|v| graph.people[v]);
        let mut groups = vec![Group::new(&trio)];
        groups.extend(
            self.pairs
                .iter()
                .map(|&(v, u)| Group::new(&[graph.people[v], graph.people[u]])),
        );
        groups
    }
}

/// Improves `best` with every arrangement one swap away from `near` (which
/// leaves `x` out): `x` takes the place of `v` in `v`'s pair, and `v` joins
/// the pair where it costs least.
///
/// Why: the near-perfect matching fixes who is left out, but among its many
/// equally cheap versions the solver's choice is arbitrary, and the person
/// it leaves out may fit no pair. With one organisation holding half of an
/// odd pool, say, a matching that leaves one of its members out has a single
/// pair without that organisation; if that member met either of the pair
/// before, attaching them anywhere costs a repeat or a same-organisation
/// pair, while leaving out one of that pair instead (and pairing `x` with
/// the other) often costs nothing. Every swap is tried, O(n²) in all.
fn attach_after_one_swap(graph: &Graph, near: &Matching, x: usize, best: &mut Candidate) {
    for (at, &(a, b)) in near.pairs.iter().enumerate() {
        for (v, kept) in [(a, b), (b, a)] {
            let swapped = near.total - graph.edge(a, b) + graph.edge(x, kept);
            if swapped >= best.total {
                continue;
            }
            // `v` joins the new pair (x, kept) or any other pair of `near`.
            let mut join = (usize::MAX, graph.edge(v, x) + graph.edge(v, kept));
            for (j, &(y, z)) in near.pairs.iter().enumerate() {
                let extra = graph.edge(v, y) + graph.edge(v, z);
                if j != at && extra < join.1 {
                    join = (j, extra);
                }
            }
            if swapped + join.1 >= best.total {
                continue;
            }
            let mut pairs = near.pairs.clone();
            pairs[at] = (x, kept);
            let trio_pair = if join.0 == usize::MAX { at } else { join.0 };
            let (y, z) = pairs.swap_remove(trio_pair);
            *best = Candidate {
                trio: [v, y, z],
                pairs,
                total: swapped + join.1,
            };
        }
    }
}

/// The two cheapest edges at vertex `x`: what `x` adds at least to a trio.
fn cheapest_two_edges(graph: &Graph, x: usize) -> i128 {
    let (mut first, mut second) = (i128::MAX, i128::MAX);
    for u in (0..graph.len()).filter(|&u| u != x) {
        let edge = graph.edge(x, u);
        if edge < first {
            (first, second) = (edge, first);
        } else if edge < second {
            second = edge;
        }
    }
    first + second
}

/// Branch and bound over every trio, improving `best` to the optimum.
fn search_all_trios(graph: &Graph, best: &mut Candidate) {
    let n = graph.len();
    let without: Vec<i128> = (0..n)
        .map(|x| {
            let matching = graph.min_matching(&[x]);
            let candidate = Candidate::attach(graph, &matching, x);
            if candidate.total < best.total {
                *best = candidate;
            }
            matching.total
        })
        .collect();
    let mut trios = promising_trios(graph, &without, best.total);
    trios.sort_unstable_by_key(|&(bound, _)| bound);
    for (bound, trio) in trios {
        if bound >= best.total {
            break;
        }
        let rest = graph.min_matching(&trio);
        let total = trio_cost(graph, trio) + rest.total;
        if total < best.total {
            *best = Candidate {
                trio,
                pairs: rest.pairs,
                total,
            };
        }
    }
}

/// Every trio whose lower bound is below `best_total`, with that bound.
fn promising_trios(graph: &Graph, without: &[i128], best_total: i128) -> Vec<(i128, [usize; 3])> {
    let n = graph.len();
    let mut trios = Vec::new();
    for x in 0..n {
        for y in (x + 1)..n {
            for z in (y + 1)..n {
                let bound = (without[x] + graph.edge(x, y) + graph.edge(x, z))
                    .max(without[y] + graph.edge(y, x) + graph.edge(y, z))
                    .max(without[z] + graph.edge(z, x) + graph.edge(z, y));
                if bound < best_total {
                    trios.push((bound, [x, y, z]));
                }
            }
        }
    }
    trios
}

fn trio_cost(graph: &Graph, [x, y, z]: [usize; 3]) -> i128 {
    graph.edge(x, y) + graph.edge(x, z) + graph.edge(y, z)
}
