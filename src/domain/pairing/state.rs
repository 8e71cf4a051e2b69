//! An arrangement under construction: groups of dense indices with their costs.

use rand::seq::SliceRandom;
use rand::{Rng, RngExt};

use super::cost::Cost;
use super::problem::Problem;
use super::{Arrangement, OddOneOut, PairingStats, PersonId};

/// One group of one to three people (by index). A group of one is the person
/// sitting out; at most one group of an arrangement is not a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Group {
    people: [u32; 3],
    len: u8,
}

impl Group {
    pub fn new(members: &[u32]) -> Self {
        debug_assert!((1..=3).contains(&members.len()));
        let mut people = [0; 3];
        people[..members.len()].copy_from_slice(members);
        Group {
            people,
            len: members.len() as u8,
        }
    }

    pub fn members(&self) -> &[u32] {
        &self.people[..self.len as usize]
    }

    pub fn len(&self) -> usize {
        self.len as usize
    }
}

/// A complete arrangement with each group's cost cached, so moves only
/// re-cost the groups they change.
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub groups: Vec<Group>,
    pub costs: Vec<Cost>,
    pub total: Cost,
}

impl State {
    /// Builds a state from groups, costing each one.
    pub fn from_groups(problem: &Problem<'_>, groups: Vec<Group>) -> Self {
        let costs: Vec<Cost> = groups.iter().map(|g| problem.group_cost(g)).collect();
        let total = costs.iter().copied().sum();
        State {
            groups,
            costs,
            total,
        }
    }

    /// A random starting arrangement: shuffle, then cut the order into
    /// groups. Every arrangement comes from the same number of orders, so the
    /// result is uniform over all arrangements (of allowed sitters, for SitOut).
    ///
    /// With a dominant organisation, a uniform start would leave local search
    /// hunting for the few groups without that organisation; instead its
    /// members are first paired with everyone else, which is uniform over the
    /// arrangements where no member of it pairs with another needlessly.
    pub fn random<R: Rng + ?Sized>(problem: &Problem<'_>, rng: &mut R) -> Self {
        let mut order: Vec<u32> = (0..problem.len() as u32).collect();
        order.shuffle(rng);
        let odd_len = odd_group_len(problem);
        if odd_len == 1 {
            move_barred_sitter_away(problem, &mut order, rng);
        }
        if let Some(org) = dominant_organisation(problem) {
            interleave(problem, &mut order[odd_len..], org);
        }
        let mut groups = Vec::with_capacity(order.len() / 2 + 1);
        if odd_len > 0 {
            groups.push(Group::new(&order[..odd_len]));
        }
        groups.extend(order[odd_len..].chunks_exact(2).map(Group::new));
        State::from_groups(problem, groups)
    }

    /// Replaces the groups at `slots` with `replacement` (same length).
    pub fn replace(&mut self, problem: &Problem<'_>, slots: &[usize], replacement: &[Group]) {
        for (&slot, group) in slots.iter().zip(replacement) {
            let cost = problem.group_cost(group);
            self.total = self.total - self.costs[slot] + cost;
            self.groups[slot] = *group;
            self.costs[slot] = cost;
        }
    }

    /// Translates the groups back to person ids and counts the statistics;
    /// `left_out` (see [`super::never::leave_out_broken`]) are in no group.
    pub fn into_arrangement(self, problem: &Problem<'_>, left_out: Vec<PersonId>) -> Arrangement {
        let mut stats = PairingStats {
            people_due: problem.len(),
            ..PairingStats::default()
        };
        let mut groups = Vec::with_capacity(self.groups.len());
        let mut sat_out = None;
        for (group, cost) in self.groups.iter().zip(&self.costs) {
            let ids: Vec<_> = group
                .members()
                .iter()
                .map(|&i| problem.ids[i as usize])
                .collect();
            stats.forced_repeats += cost.repeats as usize;
            stats.same_organisation_pairs += cost.same_org as usize;
            match ids.len() {
                1 => sat_out = Some(ids[0]),
                len => {
                    stats.trios += usize::from(len == 3);
                    groups.push(ids);
                }
            }
        }
        stats.groups = groups.len();
        stats.sat_out = usize::from(sat_out.is_some());
        Arrangement {
            groups,
            sat_out,
            left_out,
            stats,
        }
    }
}

/// Size of the one group that is not a pair: 0 (even pool), 3 (trio) or 1
/// (someone sits out). A single candidate always sits out.
pub(crate) fn odd_group_len(problem: &Problem<'_>) -> usize {
    match (problem.needs_odd_group(), problem.odd_one_out) {
        (false, _) => 0,
        (true, _) if problem.len() == 1 => 1,
        (true, OddOneOut::Trio) => 3,
        (true, OddOneOut::SitOut) => 1,
    }
}

/// If the shuffle put someone who must not sit out first (the sitting-out
/// slot), swap them with a uniformly chosen position held by someone who may:
/// with `b` barred of `n`, each allowed person then sits out with probability
/// 1/n + (b/n)·1/(n−b) = 1/(n−b), the same for all, and the rest stays
/// uniform. When everyone is barred, somebody has to sit out anyway.
fn move_barred_sitter_away<R: Rng + ?Sized>(problem: &Problem<'_>, order: &mut [u32], rng: &mut R) {
    if order.len() < 2 || !problem.is_barred(order[0]) {
        return;
    }
    let allowed: Vec<usize> = (1..order.len())
        .filter(|&slot| !problem.is_barred(order[slot]))
        .collect();
    if !allowed.is_empty() {
        let other = allowed[rng.random_range(0..allowed.len())];
        order.swap(0, other);
    }
}

/// The largest organisation, if it holds at least 3/8 of the pool: from about
/// there on, random pairs put many of its members together.
fn dominant_organisation(problem: &Problem<'_>) -> Option<u32> {
    let (org, &size) = problem
        .org_sizes
        .iter()
        .enumerate()
        .max_by_key(|&(_, size)| size)?;
    (8 * size as usize >= 3 * problem.len()).then_some(org as u32)
}

/// Reorders a shuffled `order` so that consecutive pairs match members of
/// `org` with non-members for as long as both last. The shuffle leaves both
/// sub-sequences uniformly ordered, so who meets whom stays uniform.
fn interleave(problem: &Problem<'_>, order: &mut [u32], org: u32) {
    let (members, others): (Vec<u32>, Vec<u32>) = order
        .iter()
        .partition(|&&p| problem.orgs[p as usize] == org);
    let mixed = members.len().min(others.len());
    let leftover = members[mixed..].iter().chain(&others[mixed..]);
    let interleaved = members[..mixed]
        .iter()
        .zip(&others[..mixed])
        .flat_map(|(a, b)| [a, b])
        .chain(leftover);
    for (slot, &person) in order.iter_mut().zip(interleaved) {
        *slot = person;
    }
}
