//! Taking a few groups apart and putting their members back together
//! differently: the one move that both local search and mixing are built on.

use rand::seq::SliceRandom;
use rand::Rng;

use super::cost::Cost;
use super::problem::Problem;
use super::state::{Group, State};

/// Most groups one move takes apart.
pub(crate) const MAX_MOVE_GROUPS: usize = 6;
const MAX_PEOPLE: usize = 2 * MAX_MOVE_GROUPS + 1;

/// The members of a few chosen groups, pooled. The group that is not a pair
/// (if chosen) is kept as the first slot so that every re-partition gives the
/// same slot the same shape.
pub(crate) struct Pooled {
    slots: [usize; MAX_MOVE_GROUPS],
    slot_count: usize,
    people: [u32; MAX_PEOPLE],
    people_count: usize,
    odd_len: usize,
    /// Summed cost of the groups as they are now.
    pub current_cost: Cost,
}

impl Pooled {
    /// Pools the members of the groups at `slots` (distinct indices).
    pub fn new(state: &State, slots: &[usize]) -> Self {
        let mut pooled = Pooled {
            slots: [0; MAX_MOVE_GROUPS],
            slot_count: slots.len(),
            people: [0; MAX_PEOPLE],
            people_count: 0,
            odd_len: 0,
            current_cost: Cost::ZERO,
        };
        pooled.slots[..slots.len()].copy_from_slice(slots);
        if let Some(odd) = slots.iter().position(|&s| state.groups[s].len() != 2) {
            pooled.slots.swap(0, odd);
            pooled.odd_len = state.groups[slots[odd]].len();
        }
        for &slot in &pooled.slots[..pooled.slot_count] {
            for &person in state.groups[slot].members() {
                pooled.people[pooled.people_count] = person;
                pooled.people_count += 1;
            }
            pooled.current_cost += state.costs[slot];
        }
        pooled
    }

    pub fn slots(&self) -> &[usize] {
        &self.slots[..self.slot_count]
    }

    /// A uniformly random re-partition into groups of the same shapes: a
    /// uniform shuffle cut into groups yields every partition equally often.
    /// Returns the new groups (in slot order) and their summed cost.
    pub fn random_regroup<R: Rng + ?Sized>(
        &self,
        problem: &Problem<'_>,
        rng: &mut R,
    ) -> ([Group; MAX_MOVE_GROUPS], Cost) {
        let mut people = self.people;
        people[..self.people_count].shuffle(rng);
        let groups = self.cut(&people);
        let cost = groups[..self.slot_count]
            .iter()
            .map(|g| problem.group_cost(g))
            .sum();
        (groups, cost)
    }

    /// The cheapest re-partition of the pooled people (the first found on a tie).
    pub fn best_regroup(&self, problem: &Problem<'_>) -> ([Group; MAX_MOVE_GROUPS], Cost) {
        let mut best = ([Group::new(&[0]); MAX_MOVE_GROUPS], None::<Cost>);
        let mut order = [0u32; MAX_PEOPLE];
        let n = self.people_count;
        let mut visit = |order: &[u32]| {
            let groups = self.cut(order);
            let cost: Cost = groups[..self.slot_count]
                .iter()
                .map(|g| problem.group_cost(g))
                .sum();
            if best.1.is_none_or(|b| cost < b) {
                best = (groups, Some(cost));
            }
        };
        for_each_partition_order(&self.people[..n], self.odd_len, &mut order, 0, &mut visit);
        (best.0, best.1.expect("at least one partition"))
    }

    /// Cuts an ordering of the pooled people into groups: the odd group first
    /// (if any), then pairs.
    fn cut(&self, order: &[u32]) -> [Group; MAX_MOVE_GROUPS] {
        let mut groups = [Group::new(&[0]); MAX_MOVE_GROUPS];
        let mut start = 0;
        for (i, group) in groups[..self.slot_count].iter_mut().enumerate() {
            let len = if i == 0 && self.odd_len != 0 {
                self.odd_len
            } else {
                2
            };
            *group = Group::new(&order[start..start + len]);
            start += len;
        }
        groups
    }
}

/// Calls `visit` once per partition of `people` into one group of `odd_len`
/// (if non-zero) followed by pairs, passing an ordering that `Pooled::cut`
/// turns into that partition.
fn for_each_partition_order(
    people: &[u32],
    odd_len: usize,
    order: &mut [u32; MAX_PEOPLE],
    filled: usize,
    visit: &mut impl FnMut(&[u32]),
) {
    if odd_len == 0 {
        for_each_matching_order(people, order, filled, visit);
        return;
    }
    let m = people.len();
    for mask in 0u32..(1 << m) {
        if mask.count_ones() as usize != odd_len {
            continue;
        }
        let mut rest = [0u32; MAX_PEOPLE];
        let (mut in_odd, mut in_rest) = (filled, 0);
        for (i, &person) in people.iter().enumerate() {
            if mask & (1 << i) != 0 {
                order[in_odd] = person;
                in_odd += 1;
            } else {
                rest[in_rest] = person;
                in_rest += 1;
            }
        }
        for_each_matching_order(&rest[..in_rest], order, filled + odd_len, visit);
    }
}

/// Calls `visit` once per perfect matching of `people` (even count), each
/// written into `order[filled..]` as consecutive pairs.
fn for_each_matching_order(
    people: &[u32],
    order: &mut [u32; MAX_PEOPLE],
    filled: usize,
    visit: &mut impl FnMut(&[u32]),
) {
    if people.is_empty() {
        visit(&order[..filled]);
        return;
    }
    let first = people[0];
    for partner_at in 1..people.len() {
        order[filled] = first;
        order[filled + 1] = people[partner_at];
        let mut rest = [0u32; MAX_PEOPLE];
        let mut count = 0;
        for (i, &person) in people.iter().enumerate().skip(1) {
            if i != partner_at {
                rest[count] = person;
                count += 1;
            }
        }
        for_each_matching_order(&rest[..count], order, filled + 2, visit);
    }
}
