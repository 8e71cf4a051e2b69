//! Mixing: a random walk over equally good arrangements, so that the result
//! is (close to) uniform among them rather than whatever the optimiser's
//! tie-breaking happens to favour.

use rand::{Rng, RngExt};

use super::problem::Problem;
use super::regroup::{Pooled, MAX_MOVE_GROUPS};
use super::state::State;

/// Runs `steps` Metropolis steps. Each picks a few groups uniformly at random
/// (how many depends only on the number of groups, never on the state), pools
/// their members, proposes a uniformly random re-partition into the same
/// shapes, and accepts it if the cost does not rise.
///
/// The proposal is symmetric (the same groups are picked back with the same
/// probability, and the reverse re-partition is just as likely), so at an
/// optimum the walk's stationary distribution is uniform over the optimal
/// arrangements it can reach. With few groups a move may take every group
/// apart, so every optimal arrangement is reachable in one step.
pub(crate) fn mix<R: Rng + ?Sized>(
    state: &mut State,
    problem: &Problem<'_>,
    steps: usize,
    rng: &mut R,
) {
    let group_count = state.groups.len();
    if group_count < 2 {
        return;
    }
    let mut slots = [0usize; MAX_MOVE_GROUPS];
    for _ in 0..steps {
        let size = move_size(group_count, rng);
        pick_distinct(&mut slots[..size], group_count, rng);
        let pooled = Pooled::new(state, &slots[..size]);
        let (groups, cost) = pooled.random_regroup(problem, rng);
        if cost <= pooled.current_cost {
            let chosen = pooled.slots();
            state.replace(problem, chosen, &groups[..chosen.len()]);
        }
    }
}

/// How many groups one step takes apart. Small arrangements use every size up
/// to all of their groups; larger ones mostly pairs of groups (the cheapest
/// move, and the one most often accepted) with some larger moves to get past
/// arrangements that no swap between two groups connects.
fn move_size<R: Rng + ?Sized>(group_count: usize, rng: &mut R) -> usize {
    if group_count <= MAX_MOVE_GROUPS {
        return rng.random_range(2..=group_count);
    }
    match rng.random_range(0..10) {
        0..6 => 2,
        6..9 => 3,
        _ => 4,
    }
}

/// Fills `slots` with distinct group indices below `group_count`, uniformly.
fn pick_distinct<R: Rng + ?Sized>(slots: &mut [usize], group_count: usize, rng: &mut R) {
    for i in 0..slots.len() {
        slots[i] = loop {
            let candidate = rng.random_range(0..group_count);
            if !slots[..i].contains(&candidate) {
                break candidate;
            }
        };
    }
}
