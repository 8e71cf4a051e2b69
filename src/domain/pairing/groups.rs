//! Rounds with groups larger than pairs (`pairing.group_size` above 2).
//!
//! The rules are a round's, in the same order: never group two people under
//! a never-pair rule (people are left out rather than grouped), then no two
//! people in a group who met before where avoidable (a group's cost counts
//! every pair inside it), then as few same-organisation pairs as possible,
//! then a close to uniformly random choice among the best arrangements.
//! Groups have `size` people, some `size + 1` when the count does not
//! divide (see [`group_search::group_sizes`]); nobody sits out. Size 2 is the pair
//! engine, [`super::arrange`], unchanged.

use std::collections::BTreeSet;

use rand::{Rng, RngExt};

use super::cost::Cost;
use super::group_search::{self, group_cost, PairCosts, Partition};
use super::problem::Problem;
use super::{
    arrange_problem, Arrangement, Candidate, History, OddOneOut, PairingRequest, PairingStats,
    PersonId, TopicVector,
};

/// Everything one round of groups depends on (besides the random source).
#[derive(Debug, Clone)]
pub struct GroupRequest<'a> {
    /// The people due; ids should be distinct.
    pub candidates: &'a [Candidate],
    pub history: &'a History,
    /// People per group, 2 to 6 (`pairing.group_size`).
    pub size: usize,
    /// Only for size 2: see [`PairingRequest::odd_one_out`].
    pub odd_one_out: OddOneOut,
    /// Only for size 2: see [`PairingRequest::must_not_sit_out`].
    pub must_not_sit_out: BTreeSet<PersonId>,
}

/// Arranges the candidates into groups of `request.size` (some one larger).
///
/// Size 2 calls [`super::arrange`] and returns exactly what it does. Larger sizes
/// give groups of `size` or `size + 1`, `sat_out: None` (a lone candidate is
/// the one exception: there is nobody to group them with, so they sit out),
/// `left_out` for never-pair rules, and statistics counted over every pair
/// inside each group (`trios` counts the groups of three). The result
/// depends only on the request and the random source.
pub fn arrange_groups<R: Rng + ?Sized>(request: &GroupRequest<'_>, rng: &mut R) -> Arrangement {
    let problem = Problem::new(&request.pairing());
    arrange_problem_groups(&problem, request.size, rng)
}

/// [`arrange_groups`] for the matched arm of the experiment: the same hard
/// rules in the same order (never-pair rules, then who must not sit out,
/// then no avoidable repeats), then the greatest total similarity of the
/// topics of the people grouped together (`topics[i]` is the vector of
/// `request.candidates[i]`), summed over every pair inside each group.
/// Organisations count for nothing here.
pub fn arrange_groups_by_similarity<R: Rng + ?Sized>(
    request: &GroupRequest<'_>,
    topics: Vec<TopicVector>,
    rng: &mut R,
) -> Arrangement {
    let problem = Problem::new(&request.pairing()).by_similarity(topics);
    arrange_problem_groups(&problem, request.size, rng)
}

impl GroupRequest<'_> {
    fn pairing(&self) -> PairingRequest<'_> {
        PairingRequest {
            candidates: self.candidates,
            history: self.history,
            odd_one_out: self.odd_one_out,
            must_not_sit_out: self.must_not_sit_out.clone(),
        }
    }
}

fn arrange_problem_groups<R: Rng + ?Sized>(
    problem: &Problem<'_>,
    size: usize,
    rng: &mut R,
) -> Arrangement {
    let n = problem.len();
    if size <= 2 || n == 1 {
        return arrange_problem(problem, rng);
    }
    let costs = RoundCosts(problem);
    let mut partition = group_search::search(&costs, n, size, rng);
    let left_out = leave_out_broken(&mut partition, problem, rng);
    into_arrangement(partition, problem, left_out)
}

/// A round's pair costs: the pair engine's, never-pair rules first.
struct RoundCosts<'a, 'p>(&'a Problem<'p>);

impl PairCosts for RoundCosts<'_, '_> {
    type Cost = Cost;
    fn pair(&self, a: u32, b: u32) -> Cost {
        self.0.pair_cost(a, b)
    }
    fn organisation(&self, a: u32) -> u32 {
        self.0.orgs[a as usize]
    }
}

/// Takes out of each group that still breaks a never-pair rule (only when
/// the search found no way round it) the member in the most broken rules
/// (a random one of those on a tie) until none is broken, and returns
/// everyone taken out. A group left with one member is no conversation: that
/// member is left out too. A group may so end up below the size: a rule is
/// hard, the size is not. Draws from `rng` only when a rule is broken.
fn leave_out_broken<R: Rng + ?Sized>(
    partition: &mut Partition<Cost>,
    problem: &Problem<'_>,
    rng: &mut R,
) -> Vec<PersonId> {
    if partition.total.never == 0 {
        return Vec::new();
    }
    let costs = RoundCosts(problem);
    let mut left_out = Vec::new();
    for group in &mut partition.groups {
        loop {
            let rules = |a: u32, group: &[u32]| {
                group
                    .iter()
                    .filter(|&&b| problem.is_never_pair(a, b))
                    .count()
            };
            let most = group.iter().map(|&a| rules(a, group)).max().unwrap_or(0);
            if most == 0 {
                break;
            }
            let worst: Vec<usize> = (0..group.len())
                .filter(|&i| rules(group[i], group) == most)
                .collect();
            let out = group.remove(worst[rng.random_range(0..worst.len())]);
            left_out.push(problem.ids[out as usize]);
        }
        if group.len() == 1 {
            left_out.push(problem.ids[group.pop().expect("one member") as usize]);
        }
    }
    partition.groups.retain(|g| !g.is_empty());
    partition.costs = partition
        .groups
        .iter()
        .map(|g| group_cost(&costs, g))
        .collect();
    partition.total = partition.costs.iter().copied().sum();
    left_out
}

fn into_arrangement(
    partition: Partition<Cost>,
    problem: &Problem<'_>,
    left_out: Vec<PersonId>,
) -> Arrangement {
    let mut stats = PairingStats {
        people_due: problem.len(),
        groups: partition.groups.len(),
        ..PairingStats::default()
    };
    for (group, cost) in partition.groups.iter().zip(&partition.costs) {
        stats.trios += usize::from(group.len() == 3);
        stats.forced_repeats += cost.repeats as usize;
        stats.same_organisation_pairs += cost.same_org as usize;
    }
    Arrangement {
        groups: partition
            .groups
            .iter()
            .map(|g| g.iter().map(|&i| problem.ids[i as usize]).collect())
            .collect(),
        sat_out: None,
        left_out,
        stats,
    }
}
