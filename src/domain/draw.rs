//! A round's draw as data: everything the pairing engine was given (who was
//! due, which of them met before and when, never-pair rules, who must not
//! sit out) and what it drew, so that a draw can be stored, approved, edited
//! by hand, sent exactly, and replayed from its seed to show it was random.
//!
//! Organisations are stored as numbers (equal numbers for equal
//! organisation keys, in order of first appearance): the engine compares
//! nothing else, and a stored draw then holds no names.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDateTime;
use rand::rngs::ChaCha8Rng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::pairing::{
    arrange_groups, organisation_key, Candidate, GroupRequest, History, OddOneOut, PairingStats,
    PersonId,
};

/// What the engine is given for one round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawInputs {
    /// Who is due, in the order the engine saw them: (id, organisation number).
    pub candidates: Vec<(PersonId, u32)>,
    /// Pairs among them who met before, smaller id first, with the round.
    pub met: Vec<(PersonId, PersonId, u32)>,
    /// Never-pair rules among them, smaller id first.
    pub never: Vec<(PersonId, PersonId)>,
    pub must_not_sit_out: Vec<PersonId>,
    pub odd_one_out: String,
    /// People per group (`pairing.group_size`); 2 for pairs.
    #[serde(default = "pairs")]
    pub group_size: usize,
}

fn pairs() -> usize {
    2
}

/// What a draw put where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub groups: Vec<Vec<PersonId>>,
    pub sat_out: Option<PersonId>,
    pub left_out: Vec<PersonId>,
}

/// Two people an organiser swapped between groups before sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Swap {
    pub first: PersonId,
    pub second: PersonId,
    /// The organiser, when one did it in the console.
    pub by: Option<i64>,
    pub at: NaiveDateTime,
}

impl DrawInputs {
    /// The inputs for `candidates`, keeping only the history among them.
    pub fn new(
        candidates: &[Candidate],
        history: &History,
        must_not_sit_out: &BTreeSet<PersonId>,
        odd_one_out: OddOneOut,
        group_size: usize,
    ) -> Self {
        let ids: HashSet<PersonId> = candidates.iter().map(|c| c.id).collect();
        let mut numbers: HashMap<String, u32> = HashMap::new();
        let candidates = candidates
            .iter()
            .map(|c| {
                let next = numbers.len() as u32;
                let number = *numbers
                    .entry(organisation_key(&c.organisation))
                    .or_insert(next);
                (c.id, number)
            })
            .collect();
        let mut met: Vec<_> = history
            .meetings()
            .filter(|(a, b, _)| ids.contains(a) && ids.contains(b))
            .collect();
        met.sort_unstable();
        let mut never: Vec<_> = history
            .never_pairs()
            .filter(|(a, b)| ids.contains(a) && ids.contains(b))
            .collect();
        never.sort_unstable();
        Self {
            candidates,
            met,
            never,
            must_not_sit_out: must_not_sit_out
                .iter()
                .copied()
                .filter(|id| ids.contains(id))
                .collect(),
            odd_one_out: odd_one_out.as_str().to_owned(),
            group_size,
        }
    }

    fn history(&self) -> History {
        let mut history = History::new();
        for &(a, b, round) in &self.met {
            history.record_meeting(a, b, round);
        }
        for &(a, b) in &self.never {
            history.never_pair(a, b);
        }
        history
    }

    fn engine_candidates(&self) -> Vec<Candidate> {
        self.candidates
            .iter()
            .map(|&(id, org)| Candidate {
                id,
                organisation: org.to_string(),
            })
            .collect()
    }

    /// The draw for `seed`: the same inputs and seed always draw the same.
    pub fn draw(&self, seed: u64) -> (Drawn, PairingStats) {
        let candidates = self.engine_candidates();
        let history = self.history();
        // Size 2 is the pair engine itself; larger groups have nobody sitting out.
        let request = GroupRequest {
            candidates: &candidates,
            history: &history,
            size: self.group_size,
            odd_one_out: OddOneOut::parse_exact(&self.odd_one_out).unwrap_or_default(),
            must_not_sit_out: self.must_not_sit_out.iter().copied().collect(),
        };
        let arrangement = arrange_groups(&request, &mut ChaCha8Rng::seed_from_u64(seed));
        let drawn = Drawn {
            groups: arrangement.groups,
            sat_out: arrangement.sat_out,
            left_out: arrangement.left_out,
        };
        (drawn, arrangement.stats)
    }

    /// The figures of `drawn` (after swaps, say) under these inputs.
    pub fn stats(&self, drawn: &Drawn) -> PairingStats {
        let history = self.history();
        let org: HashMap<PersonId, u32> = self.candidates.iter().copied().collect();
        let mut stats = PairingStats {
            people_due: self.candidates.len(),
            groups: drawn.groups.len(),
            trios: drawn.groups.iter().filter(|g| g.len() == 3).count(),
            sat_out: usize::from(drawn.sat_out.is_some()),
            ..PairingStats::default()
        };
        for group in &drawn.groups {
            for (i, &a) in group.iter().enumerate() {
                for &b in &group[i + 1..] {
                    stats.forced_repeats += usize::from(history.last_met(a, b).is_some());
                    stats.same_organisation_pairs += usize::from(org.get(&a) == org.get(&b));
                }
            }
        }
        stats
    }

    /// Whether two people are under a never-pair rule.
    pub fn is_never_pair(&self, a: PersonId, b: PersonId) -> bool {
        self.never.binary_search(&(a.min(b), a.max(b))).is_ok()
    }
}

impl Drawn {
    /// The group number (from 1) of a person, if they are in a group.
    pub fn group_of(&self, id: PersonId) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.contains(&id))
            .map(|i| i + 1)
    }

    /// `swaps` made in order; a swap of two people not both in groups, or
    /// in the same group, changes nothing.
    pub fn with_swaps(&self, swaps: &[Swap]) -> Drawn {
        let mut drawn = self.clone();
        for swap in swaps {
            drawn.swap(swap.first, swap.second);
        }
        drawn
    }

    /// Exchanges the places of `a` and `b`; false if they are not in two
    /// different groups.
    pub fn swap(&mut self, a: PersonId, b: PersonId) -> bool {
        let (Some(ga), Some(gb)) = (self.group_of(a), self.group_of(b)) else {
            return false;
        };
        if ga == gb {
            return false;
        }
        for member in self.groups[ga - 1].iter_mut().filter(|m| **m == a) {
            *member = b;
        }
        for member in self.groups[gb - 1].iter_mut().filter(|m| **m == b) {
            *member = a;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pairing::{arrange, PairingRequest};

    fn people(n: i64) -> Vec<Candidate> {
        (1..=n)
            .map(|id| Candidate {
                id,
                organisation: format!("Council {}", id % 3),
            })
            .collect()
    }

    #[test]
    fn the_same_inputs_and_seed_draw_the_same_as_the_engine_given_the_originals() {
        let candidates = people(11);
        let mut history = History::new();
        history.record_meeting(1, 2, 4);
        history.record_meeting(3, 99, 2);
        history.never_pair(4, 5);
        let bars = BTreeSet::from([7]);
        let inputs = DrawInputs::new(&candidates, &history, &bars, OddOneOut::SitOut, 2);
        assert_eq!(inputs.met, vec![(1, 2, 4)], "only pairs among the due");
        for seed in 0..20 {
            let direct = arrange(
                &PairingRequest {
                    candidates: &candidates,
                    history: &history,
                    odd_one_out: OddOneOut::SitOut,
                    must_not_sit_out: bars.clone(),
                },
                &mut ChaCha8Rng::seed_from_u64(seed),
            );
            let (drawn, stats) = inputs.draw(seed);
            assert_eq!(drawn.groups, direct.groups);
            assert_eq!(drawn.sat_out, direct.sat_out);
            assert_eq!(stats, direct.stats);
            assert_eq!(inputs.stats(&drawn), direct.stats);
            let stored: DrawInputs =
                serde_json::from_str(&serde_json::to_string(&inputs).unwrap()).unwrap();
            assert_eq!(stored.draw(seed).0, drawn);
        }
    }

    #[test]
    fn a_swap_exchanges_two_people_in_different_groups_only() {
        let drawn = Drawn {
            groups: vec![vec![1, 2], vec![3, 4], vec![5, 6, 7]],
            sat_out: None,
            left_out: vec![],
        };
        let mut swapped = drawn.clone();
        assert!(swapped.swap(2, 7));
        assert_eq!(swapped.groups, vec![vec![1, 7], vec![3, 4], vec![5, 6, 2]]);
        assert!(!swapped.clone().swap(1, 7), "same group");
        assert!(!swapped.clone().swap(1, 42), "not in the round");
        let at = NaiveDateTime::default();
        let swap = Swap {
            first: 2,
            second: 7,
            by: Some(1),
            at,
        };
        assert_eq!(drawn.with_swaps(&[swap]), swapped);
    }
}
