//! Never-pair rules: pairs of people who must never be in the same group
//! (one asked not to meet the other again, or reported a problem).
//!
//! The rule is hard, so it sits above every other cost component: the
//! optimiser removes broken rules before anything else, and whatever it
//! cannot remove is taken apart afterwards by leaving people out of the
//! round ([`leave_out_broken`]) rather than grouping them.

use std::collections::{HashMap, HashSet};

use rand::{Rng, RngExt};

use super::history::FastHash;
use super::problem::{Problem, DENSE_LIMIT};
use super::state::{Group, State};
use super::{History, PersonId};

/// The rules between a round's candidates, by index, in a form that makes
/// the optimiser's many look-ups cheap.
pub(crate) struct NeverRules {
    /// Each rule once, as (lower index, higher index), sorted.
    pairs: Vec<(u32, u32)>,
    lookup: Lookup,
}

enum Lookup {
    /// No rule among the candidates, by far the usual case: a look-up is a
    /// single branch, so pools without rules pay (almost) nothing.
    Empty,
    /// Row-major `n × n` table for small pools, which local search and
    /// mixing query the most per person.
    Dense { n: usize, matrix: Vec<bool> },
    /// Index pairs as `low << 32 | high`, for large pools, where a matrix
    /// would not fit but the rules are few.
    Sparse(HashSet<u64, FastHash>),
}

impl NeverRules {
    /// The rules of `history` between people in `ids` (index = position).
    /// Rules involving anyone not in `ids` play no part in this round.
    pub fn among(ids: &[PersonId], history: &History) -> Self {
        let mut rules = NeverRules {
            pairs: Vec::new(),
            lookup: Lookup::Empty,
        };
        if history.never_pair_count() == 0 {
            return rules;
        }
        // Only candidates with some rule can be in one, so only they are
        // indexed: with a large pool and few rules, the map stays small.
        let with_rules: Vec<(u32, PersonId)> = ids
            .iter()
            .enumerate()
            .filter(|(_, &id)| !history.never_partners(id).is_empty())
            .map(|(i, &id)| (i as u32, id))
            .collect();
        let index: HashMap<PersonId, u32> = with_rules.iter().map(|&(i, id)| (id, i)).collect();
        for &(i, id) in &with_rules {
            for partner in history.never_partners(id) {
                match index.get(partner) {
                    Some(&j) if i < j => rules.pairs.push((i, j)),
                    _ => {}
                }
            }
        }
        rules.pairs.sort_unstable();
        rules.pairs.dedup();
        if rules.pairs.is_empty() {
            return rules;
        }
        let n = ids.len();
        rules.lookup = if n <= DENSE_LIMIT {
            let mut matrix = vec![false; n * n];
            for &(a, b) in &rules.pairs {
                matrix[a as usize * n + b as usize] = true;
                matrix[b as usize * n + a as usize] = true;
            }
            Lookup::Dense { n, matrix }
        } else {
            Lookup::Sparse(rules.pairs.iter().map(|&(a, b)| key(a, b)).collect())
        };
        rules
    }

    /// Whether people `a` and `b` (indices) must never be grouped.
    #[inline]
    pub fn contains(&self, a: u32, b: u32) -> bool {
        match &self.lookup {
            Lookup::Empty => false,
            Lookup::Dense { n, matrix } => matrix[a as usize * n + b as usize],
            Lookup::Sparse(set) => set.contains(&key(a, b)),
        }
    }

    /// Every rule among the candidates, as index pairs.
    #[cfg(test)]
    pub fn pairs(&self) -> &[(u32, u32)] {
        &self.pairs
    }
}

fn key(a: u32, b: u32) -> u64 {
    (u64::from(a.min(b)) << 32) | u64::from(a.max(b))
}

/// Takes apart every group of `state` that still breaks a rule once the
/// optimiser is done (it only leaves one when no arrangement avoids it) and
/// returns the people it leaves out of the round:
///
/// * a pair under a rule: both are left out;
/// * a trio: one person who is in every broken rule of it (chosen with `rng`
///   when two are) is left out and the other two stay as a pair; when no one
///   person is in every broken rule, all three are left out.
///
/// Draws from `rng` only when a rule is broken, so that rounds without
/// broken rules consume the random source exactly as before the rules existed.
pub(crate) fn leave_out_broken<R: Rng + ?Sized>(
    state: &mut State,
    problem: &Problem<'_>,
    rng: &mut R,
) -> Vec<PersonId> {
    if state.total.never == 0 {
        return Vec::new();
    }
    let mut left_out = Vec::new();
    let mut groups = Vec::with_capacity(state.groups.len());
    let mut costs = Vec::with_capacity(state.groups.len());
    for (group, &cost) in state.groups.iter().zip(&state.costs) {
        if cost.never == 0 {
            groups.push(*group);
            costs.push(cost);
            continue;
        }
        let kept = match group.members() {
            &[a, b, c] => trio_remainder([a, b, c], problem, rng),
            _ => None,
        };
        for &person in group.members() {
            if kept.is_none_or(|pair| !pair.members().contains(&person)) {
                left_out.push(problem.ids[person as usize]);
            }
        }
        if let Some(pair) = kept {
            costs.push(problem.group_cost(&pair));
            groups.push(pair);
        }
    }
    *state = State {
        total: costs.iter().copied().sum(),
        groups,
        costs,
    };
    left_out
}

/// The pair left of a trio with a broken rule after removing one person who
/// is in every broken rule of it, or `None` if no one person is.
fn trio_remainder<R: Rng + ?Sized>(
    trio: [u32; 3],
    problem: &Problem<'_>,
    rng: &mut R,
) -> Option<Group> {
    let broken: Vec<(u32, u32)> = [(0, 1), (0, 2), (1, 2)]
        .into_iter()
        .map(|(i, j)| (trio[i], trio[j]))
        .filter(|&(x, y)| problem.is_never_pair(x, y))
        .collect();
    let in_every: Vec<u32> = trio
        .into_iter()
        .filter(|&m| broken.iter().all(|&(x, y)| x == m || y == m))
        .collect();
    let removed = match in_every.len() {
        0 => return None,
        1 => in_every[0],
        len => in_every[rng.random_range(0..len)],
    };
    let rest: Vec<u32> = trio.into_iter().filter(|&m| m != removed).collect();
    (!problem.is_never_pair(rest[0], rest[1])).then(|| Group::new(&rest))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use rand::rngs::ChaCha8Rng;
    use rand::SeedableRng;

    use super::super::{arrange, Arrangement, Candidate, OddOneOut, PairingRequest};
    use super::*;

    fn people(n: i64) -> Vec<Candidate> {
        (1..=n)
            .map(|id| Candidate {
                id,
                organisation: format!("Org {id}"),
            })
            .collect()
    }

    fn run(n: i64, rules: &[(i64, i64)], odd: OddOneOut, seed: u64) -> Arrangement {
        let candidates = people(n);
        let mut history = History::new();
        for &(a, b) in rules {
            history.never_pair(a, b);
        }
        let request = PairingRequest {
            candidates: &candidates,
            history: &history,
            odd_one_out: odd,
            must_not_sit_out: BTreeSet::new(),
        };
        arrange(&request, &mut ChaCha8Rng::seed_from_u64(seed))
    }

    #[test]
    fn history_keeps_rules_in_either_order() {
        let mut history = History::new();
        history.never_pair(1, 2);
        history.never_pair(2, 1);
        history.never_pair(3, 3);
        assert!(history.is_never_pair(2, 1));
        assert!(!history.is_never_pair(1, 3));
        assert!(!history.is_never_pair(3, 3));
        assert_eq!(history.never_pair_count(), 1);
        assert!(history.is_empty(), "rules are not meetings");
    }

    #[test]
    fn two_people_who_must_never_meet_are_both_left_out() {
        for odd in OddOneOut::ALL {
            let arrangement = run(2, &[(2, 1)], odd, 7);
            assert!(arrangement.groups.is_empty());
            assert_eq!(arrangement.sat_out, None);
            let left: BTreeSet<_> = arrangement.left_out.iter().copied().collect();
            assert_eq!(left, [1, 2].into());
            assert_eq!(arrangement.stats.groups, 0);
            assert_eq!(arrangement.stats.sat_out, 0);
            assert_eq!(arrangement.stats.people_due, 2);
        }
    }

    #[test]
    fn a_trio_with_one_rule_leaves_one_of_them_out_at_random() {
        let mut out = BTreeSet::new();
        for seed in 0..40 {
            let arrangement = run(3, &[(1, 2)], OddOneOut::Trio, seed);
            assert_eq!(arrangement.left_out.len(), 1);
            let gone = arrangement.left_out[0];
            assert!(gone == 1 || gone == 2);
            let mut pair = arrangement.groups[0].clone();
            pair.sort_unstable();
            assert_eq!(pair, vec![3 - gone, 3]);
            assert_eq!(arrangement.groups.len(), 1);
            assert_eq!(arrangement.stats.trios, 0);
            assert_eq!(arrangement.stats.groups, 1);
            assert_eq!(arrangement.stats.same_organisation_pairs, 0);
            out.insert(gone);
        }
        assert_eq!(out, [1, 2].into(), "both members of the rule are chosen");
    }

    #[test]
    fn a_trio_keeps_the_pair_without_a_rule() {
        let arrangement = run(3, &[(1, 2), (1, 3)], OddOneOut::Trio, 3);
        assert_eq!(arrangement.left_out, vec![1]);
        assert_eq!(arrangement.groups.len(), 1);
        let mut pair = arrangement.groups[0].clone();
        pair.sort_unstable();
        assert_eq!(pair, vec![2, 3]);
    }

    #[test]
    fn a_trio_under_three_rules_is_left_out_whole() {
        let arrangement = run(3, &[(1, 2), (1, 3), (2, 3)], OddOneOut::Trio, 3);
        assert!(arrangement.groups.is_empty());
        assert_eq!(arrangement.left_out.len(), 3);
        assert_eq!(arrangement.stats.groups, 0);
    }

    #[test]
    fn a_sitter_avoids_the_rule_when_one_may_sit_out() {
        for seed in 0..20 {
            let arrangement = run(3, &[(1, 2)], OddOneOut::SitOut, seed);
            assert!(arrangement.left_out.is_empty());
            assert!(matches!(arrangement.sat_out, Some(1 | 2)));
        }
    }

    #[test]
    fn dense_and_sparse_look_ups_agree() {
        let mut history = History::new();
        // Ids are 5, 12, 19, …: 900 and 7 are not candidates.
        history.never_pair(5, 900);
        history.never_pair(7, 5);
        history.never_pair(19, 12);
        history.never_pair(5, 12);
        for n in [10, DENSE_LIMIT as i64 + 50] {
            let ids: Vec<PersonId> = (0..n).map(|i| i * 7 + 5).collect();
            let rules = NeverRules::among(&ids, &history);
            assert_eq!(rules.pairs(), &[(0, 1), (1, 2)]);
            assert!(rules.contains(1, 0) && rules.contains(0, 1) && rules.contains(2, 1));
            assert!(!rules.contains(0, 2) && !rules.contains(3, 4));
        }
    }
}
