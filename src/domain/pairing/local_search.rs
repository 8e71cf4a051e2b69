//! Targeted repair: re-partition each costly group together with another
//! group until the arrangement meets the lower bound or stops improving.

use rand::{Rng, RngExt};

use super::cost::Cost;
use super::problem::Problem;
use super::regroup::Pooled;
use super::state::State;

/// Improves `state` by moves that each take a costly group and one other
/// group apart and put their members back together in the cheapest way,
/// applied only when strictly cheaper. Stops at `bound` (the cost is then
/// provably optimal) or once `stall_limit` tries in a row bring nothing.
///
/// Groups that break a never-pair rule are repaired first, then groups with
/// a repeat (or a barred sitter), then groups that only share an
/// organisation: with a dominant organisation most groups of the latter kind
/// are forced, and picking them would starve the former; likewise, many
/// forced repeats must not starve the few broken rules.
/// The partner group is, half of the time, another costly group: two costly
/// groups often fix each other (two same-organisation pairs from different
/// organisations swap into two mixed pairs).
pub(crate) fn repair<R: Rng + ?Sized>(
    state: &mut State,
    problem: &Problem<'_>,
    bound: Cost,
    stall_limit: usize,
    rng: &mut R,
) {
    let group_count = state.groups.len();
    if group_count < 2 {
        return;
    }
    let mut lists = CostlyLists::new(state);
    let mut stalled = 0;
    while state.total > bound && stalled < stall_limit {
        let Some((group, list)) = lists.pick(state, rng) else {
            return;
        };
        let partner = if list.len() > 1 && rng.random_bool(0.5) {
            list[rng.random_range(0..list.len())]
        } else {
            rng.random_range(0..group_count)
        };
        stalled += 1;
        if partner != group && try_improve(state, problem, [group, partner], &mut lists) {
            stalled = 0;
        }
    }
}

/// Indices of costly groups, by kind. Entries go stale when a move fixes a
/// group; they are dropped lazily when picked.
struct CostlyLists {
    /// Groups that break a never-pair rule (empty when there are no rules,
    /// so picking from it then draws nothing from the random source).
    broken: Vec<usize>,
    /// Other groups with a repeat or a barred sitter.
    urgent: Vec<usize>,
    /// Groups whose only cost is a shared organisation.
    same_org: Vec<usize>,
}

/// A broken rule is urgent too: a group in the urgent list that a later move
/// turns into one still deserves repair.
fn is_urgent(cost: &Cost) -> bool {
    cost.never > 0 || cost.forbidden > 0 || cost.repeats > 0
}

impl CostlyLists {
    fn new(state: &State) -> Self {
        let mut lists = CostlyLists {
            broken: Vec::new(),
            urgent: Vec::new(),
            same_org: Vec::new(),
        };
        for group in 0..state.groups.len() {
            lists.add(state, group);
        }
        lists
    }

    fn add(&mut self, state: &State, group: usize) {
        let cost = &state.costs[group];
        if cost.never > 0 {
            self.broken.push(group);
        } else if is_urgent(cost) {
            self.urgent.push(group);
        } else if !cost.is_zero() {
            self.same_org.push(group);
        }
    }

    /// A random costly group (broken rules first, then urgent ones) and the
    /// list it came from.
    fn pick<R: Rng + ?Sized>(&mut self, state: &State, rng: &mut R) -> Option<(usize, &[usize])> {
        if let Some(group) = pick_valid(&mut self.broken, |g| state.costs[g].never > 0, rng) {
            return Some((group, &self.broken));
        }
        if let Some(group) = pick_valid(&mut self.urgent, |g| is_urgent(&state.costs[g]), rng) {
            return Some((group, &self.urgent));
        }
        pick_valid(&mut self.same_org, |g| !state.costs[g].is_zero(), rng)
            .map(|g| (g, self.same_org.as_slice()))
    }
}

/// A random entry of `list` that is still `valid`, dropping stale ones.
fn pick_valid<R: Rng + ?Sized>(
    list: &mut Vec<usize>,
    valid: impl Fn(usize) -> bool,
    rng: &mut R,
) -> Option<usize> {
    while !list.is_empty() {
        let at = rng.random_range(0..list.len());
        if valid(list[at]) {
            return Some(list[at]);
        }
        list.swap_remove(at);
    }
    None
}

/// Applies the cheapest re-partition of the two groups if it beats the
/// current one; newly formed costly groups join the lists.
fn try_improve(
    state: &mut State,
    problem: &Problem<'_>,
    slots: [usize; 2],
    lists: &mut CostlyLists,
) -> bool {
    let pooled = Pooled::new(state, &slots);
    let (groups, cost) = pooled.best_regroup(problem);
    if cost >= pooled.current_cost {
        return false;
    }
    let slots = pooled.slots();
    state.replace(problem, slots, &groups[..slots.len()]);
    for &slot in slots {
        lists.add(state, slot);
    }
    true
}
