//! Local search for groups of any size (rounds with `pairing.group_size`
//! above 2, and groups at events): a spread-out random start, swaps of people
//! between groups that lower the cost, and a random walk over equally good
//! arrangements so that the choice among them is close to uniform.
//!
//! It is generic over the cost of a pair, so that rounds (never-pair rules,
//! then repeats, then organisations) and events (organisations before
//! repeats) share it. Unlike the pair engine it proves nothing optimal: it
//! stops at zero cost, or when swaps stop helping.

use std::ops::{Add, Sub};

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

/// What a pair of people (by index) costs when in the same group. A group
/// costs the sum over every pair inside it.
pub(crate) trait PairCosts {
    /// Compared lexicographically; `Default` is the zero cost. Subtraction
    /// only ever takes out a part of a sum that contains it.
    type Cost: Copy + Ord + Default + Add<Output = Self::Cost> + Sub<Output = Self::Cost>;
    fn pair(&self, a: u32, b: u32) -> Self::Cost;
    /// A small number per organisation (equal numbers, same organisation),
    /// used to spread organisations over the groups at the start.
    fn organisation(&self, a: u32) -> u32;
}

/// Groups of people (by index) with each group's cost cached.
pub(crate) struct Partition<C> {
    pub groups: Vec<Vec<u32>>,
    pub costs: Vec<C>,
    pub total: C,
}

/// Group sizes for `n` people in groups of `size`: `n / size` groups whose
/// sizes differ by at most one, so none is smaller than `size`; that makes
/// them `size` or `size + 1` whenever `n % size <= n / size` (every `n` from
/// `size × (size − 1)` on), and a few larger groups below that. Fewer than
/// `size` people make one group of everyone (none for nobody).
pub(crate) fn group_sizes(n: usize, size: usize) -> Vec<usize> {
    debug_assert!(size >= 2);
    if n < size {
        return if n == 0 { Vec::new() } else { vec![n] };
    }
    let count = n / size;
    (0..count)
        .map(|g| n / count + usize::from(g < n % count))
        .collect()
}

/// The best arrangement of people `0..n` into groups of `group_sizes(n,
/// size)` the search finds.
pub(crate) fn search<P: PairCosts, R: Rng + ?Sized>(
    costs: &P,
    n: usize,
    size: usize,
    rng: &mut R,
) -> Partition<P::Cost> {
    let mut partition = dealt_start(costs, n, group_sizes(n, size).len(), rng);
    if partition.groups.len() < 2 {
        return partition;
    }
    let walk = 4 * partition.groups.len() + 64;
    // Repair until swaps stop helping; a short cost-neutral walk then moves
    // the search off the plateau it stalled on, to try again.
    for _ in 0..RESTARTS {
        repair(&mut partition, costs, rng);
        if partition.total == P::Cost::default() {
            break;
        }
        mix(&mut partition, costs, walk, rng);
    }
    mix(&mut partition, costs, mixing_steps(n), rng);
    partition
}

/// Repair-then-walk rounds at most.
const RESTARTS: usize = 12;

/// Steps of the final walk: plenty per person for small pools (whose bias
/// would be measurable), a few per person for large ones.
fn mixing_steps(n: usize) -> usize {
    8 * n + 64 * n.min(64)
}

/// A random start that spreads organisations out: shuffle, then order by
/// organisation (the organisations in random order), then deal people round
/// the groups like cards. Members of any organisation with no more people
/// than there are groups then all land in different groups. With every
/// organisation distinct the order stays a uniform shuffle, and the result
/// a uniform partition; otherwise the walk at the end makes up for it.
fn dealt_start<P: PairCosts, R: Rng + ?Sized>(
    costs: &P,
    n: usize,
    group_count: usize,
    rng: &mut R,
) -> Partition<P::Cost> {
    let mut order: Vec<u32> = (0..n as u32).collect();
    order.shuffle(rng);
    let org_count = order.iter().map(|&a| costs.organisation(a) + 1).max();
    let mut rank: Vec<u32> = (0..org_count.unwrap_or(0)).collect();
    rank.shuffle(rng);
    order.sort_by_key(|&a| rank[costs.organisation(a) as usize]);
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); group_count];
    for (slot, person) in order.into_iter().enumerate() {
        groups[slot % group_count].push(person);
    }
    let group_costs: Vec<P::Cost> = groups.iter().map(|g| group_cost(costs, g)).collect();
    let total = sum(&group_costs);
    Partition {
        groups,
        costs: group_costs,
        total,
    }
}

fn sum<C: Copy + Default + Add<Output = C>>(costs: &[C]) -> C {
    costs.iter().fold(C::default(), |a, &b| a + b)
}

/// Sum over every pair inside `group`.
pub(crate) fn group_cost<P: PairCosts>(costs: &P, group: &[u32]) -> P::Cost {
    let mut total = P::Cost::default();
    for (i, &a) in group.iter().enumerate() {
        for &b in &group[i + 1..] {
            total = total + costs.pair(a, b);
        }
    }
    total
}

/// What `person` costs with everyone in `group` except `skip`.
fn cost_with<P: PairCosts>(costs: &P, person: u32, group: &[u32], skip: u32) -> P::Cost {
    group
        .iter()
        .filter(|&&x| x != skip)
        .fold(P::Cost::default(), |t, &x| t + costs.pair(person, x))
}

/// A change of two groups: swap `g[i]` with `h[j]`, or (with `j == None`)
/// move `g[i]` into `h`.
#[derive(Clone, Copy)]
struct Move {
    g: usize,
    h: usize,
    i: usize,
    j: Option<usize>,
}

/// The costs of the two groups a [`Move`] changes.
type TwoCosts<C> = (C, C);

/// The two groups' costs after `mv`.
fn costs_after<P: PairCosts>(p: &Partition<P::Cost>, costs: &P, mv: Move) -> TwoCosts<P::Cost> {
    let (g, h) = (&p.groups[mv.g], &p.groups[mv.h]);
    let a = g[mv.i];
    let out_g = p.costs[mv.g] - cost_with(costs, a, g, a);
    match mv.j {
        Some(j) => {
            let b = h[j];
            let out_h = p.costs[mv.h] - cost_with(costs, b, h, b);
            (
                out_g + cost_with(costs, b, g, a),
                out_h + cost_with(costs, a, h, b),
            )
        }
        None => (out_g, p.costs[mv.h] + cost_with(costs, a, h, u32::MAX)),
    }
}

fn apply<C: Copy + Add<Output = C> + Sub<Output = C>>(p: &mut Partition<C>, mv: Move, new: (C, C)) {
    p.total = p.total - p.costs[mv.g] - p.costs[mv.h] + new.0 + new.1;
    p.costs[mv.g] = new.0;
    p.costs[mv.h] = new.1;
    match mv.j {
        Some(j) => {
            let a = p.groups[mv.g][mv.i];
            p.groups[mv.g][mv.i] = p.groups[mv.h][j];
            p.groups[mv.h][j] = a;
        }
        None => {
            let a = p.groups[mv.g].swap_remove(mv.i);
            p.groups[mv.h].push(a);
        }
    }
}

/// Whether moving one person from `g` to `h` keeps the multiset of group
/// sizes (a group one larger gives one to a group one smaller).
fn may_move<C>(p: &Partition<C>, g: usize, h: usize) -> bool {
    p.groups[g].len() == p.groups[h].len() + 1
}

/// Takes costly groups one at a time and, with another group (half the
/// time another costly one), applies the best swap or move between the two
/// if it lowers the cost; stops at zero or after many fruitless tries.
fn repair<P: PairCosts, R: Rng + ?Sized>(p: &mut Partition<P::Cost>, costs: &P, rng: &mut R) {
    let count = p.groups.len();
    let patience = 4 * count + 128;
    let zero = P::Cost::default();
    let mut stalled = 0;
    while p.total != zero && stalled < patience {
        let costly: Vec<usize> = (0..count).filter(|&g| p.costs[g] != zero).collect();
        let g = costly[rng.random_range(0..costly.len())];
        let h = if costly.len() > 1 && rng.random_bool(0.5) {
            costly[rng.random_range(0..costly.len())]
        } else {
            rng.random_range(0..count)
        };
        stalled += 1;
        if g != h && improve(p, costs, g, h) {
            stalled = 0;
        }
    }
}

/// Applies the cheapest swap or move between groups `g` and `h` if it
/// lowers their summed cost.
fn improve<P: PairCosts>(p: &mut Partition<P::Cost>, costs: &P, g: usize, h: usize) -> bool {
    let current = p.costs[g] + p.costs[h];
    let mut best: Option<(Move, TwoCosts<P::Cost>)> = None;
    let mut consider = |p: &Partition<P::Cost>, mv: Move| {
        let new = costs_after(p, costs, mv);
        if new.0 + new.1 < best.map_or(current, |(_, b)| b.0 + b.1) {
            best = Some((mv, new));
        }
    };
    for i in 0..p.groups[g].len() {
        for j in 0..p.groups[h].len() {
            consider(
                p,
                Move {
                    g,
                    h,
                    i,
                    j: Some(j),
                },
            );
        }
        if may_move(p, g, h) {
            consider(p, Move { g, h, i, j: None });
        }
    }
    for j in 0..p.groups[h].len() {
        if may_move(p, h, g) {
            consider(
                p,
                Move {
                    g: h,
                    h: g,
                    i: j,
                    j: None,
                },
            );
        }
    }
    match best {
        Some((mv, new)) => {
            apply(p, mv, new);
            true
        }
        None => false,
    }
}

/// Metropolis walk: each step proposes a swap of two people of two random
/// groups, or a move of one person to a group one smaller, and takes it if
/// the cost does not rise.
///
/// The proposal is symmetric: an ordered pair of groups `(g, h)`, a member
/// of `g` and one of `|h| + 1` slots of `h` (the last meaning "move into
/// `h`"), each uniform. A swap is proposed from either side with the same
/// summed chance, and a move from a group of `k + 1` into one of `k` has
/// chance `1/(k+1)²` both ways. So at an optimum the walk is uniform over
/// the optimal arrangements it reaches.
fn mix<P: PairCosts, R: Rng + ?Sized>(
    p: &mut Partition<P::Cost>,
    costs: &P,
    steps: usize,
    rng: &mut R,
) {
    let count = p.groups.len();
    if count < 2 {
        return;
    }
    for _ in 0..steps {
        let g = rng.random_range(0..count);
        let h = (g + rng.random_range(1..count)) % count;
        let i = rng.random_range(0..p.groups[g].len());
        let slot = rng.random_range(0..=p.groups[h].len());
        let j = (slot < p.groups[h].len()).then_some(slot);
        if j.is_none() && !may_move(p, g, h) {
            continue;
        }
        let mv = Move { g, h, i, j };
        let new = costs_after(p, costs, mv);
        if new.0 + new.1 <= p.costs[g] + p.costs[h] {
            apply(p, mv, new);
        }
    }
}
