//! A lower bound on the cost of any arrangement, to stop searching as soon as
//! an arrangement provably cannot be beaten.

use super::cost::Cost;
use super::problem::Problem;
use super::state::odd_group_len;

/// How many of the largest organisations the odd group is tried from. A member
/// of a smaller organisation can always be swapped for one of an unused
/// organisation among these (the odd group has at most three members) without
/// raising the odd group's own cost or the largest organisation left behind.
const TOP: usize = 5;

/// The best cost any arrangement could have: no repeats, and the number of
/// same-organisation pairs that the sizes of the organisations force.
pub(crate) fn lower_bound(problem: &Problem<'_>) -> Cost {
    let n = problem.len() as u32;
    // The largest TOP organisations, plus the next one, which is the largest
    // of the organisations the odd group leaves untouched.
    let mut sizes: Vec<(u32, u32)> = problem
        .org_sizes
        .iter()
        .enumerate()
        .map(|(org, &size)| (size, org as u32))
        .collect();
    sizes.sort_unstable_by(|a, b| b.cmp(a));
    sizes.truncate(TOP + 1);
    let same_org = match odd_group_len(problem) {
        0 => forced_pairs(sizes.first().map_or(0, |s| s.0), n),
        3 => forced_with_trio(&sizes, n),
        _ => forced_with_sitter(problem, &sizes, n),
    };
    Cost {
        same_org,
        ..Cost::ZERO
    }
}

/// Same-organisation pairs forced when `total` people (even) are all paired
/// and the largest organisation has `largest` of them: its members beyond
/// half the pool can only be paired with each other. At or below half,
/// pairing the list sorted by organisation with its own second half avoids
/// every same-organisation pair.
fn forced_pairs(largest: u32, total: u32) -> u32 {
    largest.saturating_sub(total / 2)
}

/// With a trio, try every way the trio can draw on the largest organisations.
fn forced_with_trio(sizes: &[(u32, u32)], n: u32) -> u32 {
    let top = sizes.len().min(TOP);
    let mut best = u32::MAX;
    for i in 0..top {
        for j in i..top {
            for k in j..top {
                let mut rest: Vec<u32> = sizes.iter().map(|s| s.0).collect();
                let mut feasible = true;
                for org in [i, j, k] {
                    feasible &= rest[org] > 0;
                    rest[org] = rest[org].saturating_sub(1);
                }
                if feasible {
                    let trio = u32::from(i == j) + u32::from(j == k) + u32::from(i == k);
                    let largest = rest.iter().copied().max().unwrap_or(0);
                    best = best.min(trio + forced_pairs(largest, n - 3));
                }
            }
        }
    }
    best
}

/// With someone sitting out, try each large organisation that has a member
/// who may sit out; everyone else is paired. When none of them has one, the
/// sitter comes from a smaller organisation (which leaves the largest whole)
/// or, if nobody may sit out, from anywhere: trying every large organisation
/// regardless is then still a lower bound.
fn forced_with_sitter(problem: &Problem<'_>, sizes: &[(u32, u32)], n: u32) -> u32 {
    let mut barred_in_org = vec![0u32; problem.org_sizes.len()];
    for (i, &org) in problem.orgs.iter().enumerate() {
        barred_in_org[org as usize] += u32::from(problem.is_barred(i as u32));
    }
    let with_bars = best_sitter_org(sizes, n, |org, size| size > barred_in_org[org as usize]);
    with_bars.unwrap_or_else(|| best_sitter_org(sizes, n, |_, _| true).unwrap_or(0))
}

/// The fewest forced pairs over the large organisations the sitter may come
/// from (`may_sit(org, size)`), if any.
fn best_sitter_org(
    sizes: &[(u32, u32)],
    n: u32,
    may_sit: impl Fn(u32, u32) -> bool,
) -> Option<u32> {
    let mut best = None;
    for (i, &(size, org)) in sizes.iter().enumerate().take(TOP) {
        if size > 0 && may_sit(org, size) {
            let mut rest: Vec<u32> = sizes.iter().map(|s| s.0).collect();
            rest[i] -= 1;
            let largest = rest.iter().copied().max().unwrap_or(0);
            let forced = forced_pairs(largest, n - 1);
            best = Some(best.map_or(forced, |b: u32| b.min(forced)));
        }
    }
    best
}
