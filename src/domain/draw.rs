//! A round's draw as data: everything the pairing engine was given (who was
//! due, which of them met before and when, never-pair rules, who must not
//! sit out) and what it drew, so that a draw can be stored, approved, edited
//! by hand, sent exactly, and replayed from its seed to show it was random.
//!
//! Organisations are stored as numbers (equal numbers for equal
//! organisation keys, in order of first appearance): the engine compares
//! nothing else, and a stored draw then holds no names. Topics likewise, for
//! the experiment's matched arm: term numbers with counts, never the words.
//!
//! With `experiment.matched_share` above 0, a draw first splits the people
//! at random into two arms ([`DrawInputs::split`]), from the round's seed, so
//! that the split replays too.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::NaiveDateTime;
use rand::rngs::ChaCha8Rng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::experiment::split::{matched_count, PPM};
use super::experiment::topics::{tf_idf, TermNumbers};
use super::experiment::Arm;
use super::pairing::{
    arrange_groups, arrange_groups_by_similarity, organisation_key, Arrangement, Candidate,
    GroupRequest, History, OddOneOut, PairingStats, PersonId,
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
    /// `experiment.matched_share` in parts per million (an integer, so that
    /// inputs compare exactly); 0, as in every draw stored before the
    /// experiment, pairs everyone at random.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub matched_share_ppm: u32,
    /// Each candidate's topic words as (term number, count), in the order of
    /// `candidates`; empty unless the share is above 0.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Vec<(u32, u32)>>,
}

fn pairs() -> usize {
    2
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What a draw put where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drawn {
    pub groups: Vec<Vec<PersonId>>,
    pub sat_out: Option<PersonId>,
    pub left_out: Vec<PersonId>,
    /// The arm of each group, in the order of `groups`; empty when every
    /// group is random (no experiment, or a draw stored before it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arms: Vec<Arm>,
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
            matched_share_ppm: 0,
            topics: Vec::new(),
        }
    }

    /// These inputs with the experiment running at `matched_share` (0 to 1;
    /// 0 changes nothing): `topics[i]` is what `candidates[i]` would like to
    /// talk about, kept only as term numbers.
    pub fn with_experiment(mut self, matched_share: f64, topics: &[Option<&str>]) -> Self {
        self.matched_share_ppm = (matched_share.clamp(0.0, 1.0) * PPM).round() as u32;
        if self.matched_share_ppm > 0 {
            let mut terms = TermNumbers::default();
            self.topics = topics.iter().map(|t| terms.counts(*t)).collect();
        }
        self
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
    /// Without the experiment this is the engine on everyone, exactly as
    /// before the experiment existed; with it, the split and then each arm,
    /// all from the one seeded source.
    pub fn draw(&self, seed: u64) -> (Drawn, PairingStats) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        if self.matched_share_ppm == 0 {
            let all: Vec<usize> = (0..self.candidates.len()).collect();
            let arrangement = self.arrange(&all, None, &mut rng);
            let drawn = Drawn {
                groups: arrangement.groups,
                sat_out: arrangement.sat_out,
                left_out: arrangement.left_out,
                arms: Vec::new(),
            };
            return (drawn, arrangement.stats);
        }
        let (random, matched) = self.split(&mut rng);
        let random = self.arrange(&random, None, &mut rng);
        let vectors = tf_idf(&self.topics_by_candidate());
        let matched = self.arrange(&matched, Some(&vectors), &mut rng);
        let arms = std::iter::repeat_n(Arm::Random, random.groups.len())
            .chain(std::iter::repeat_n(Arm::Matched, matched.groups.len()))
            .collect();
        let drawn = Drawn {
            groups: random.groups.into_iter().chain(matched.groups).collect(),
            sat_out: random.sat_out,
            left_out: random
                .left_out
                .into_iter()
                .chain(matched.left_out)
                .collect(),
            arms,
        };
        let stats = self.stats(&drawn);
        (drawn, stats)
    }

    /// The candidates at `indices` (in that order) arranged by the engine:
    /// at random, or by similarity given everyone's topic vectors.
    fn arrange<R: Rng + ?Sized>(
        &self,
        indices: &[usize],
        vectors: Option<&[super::pairing::TopicVector]>,
        rng: &mut R,
    ) -> Arrangement {
        let all = self.engine_candidates();
        let candidates: Vec<Candidate> = indices.iter().map(|&i| all[i].clone()).collect();
        let history = self.history();
        let request = GroupRequest {
            candidates: &candidates,
            history: &history,
            size: self.group_size,
            odd_one_out: OddOneOut::parse_exact(&self.odd_one_out).unwrap_or_default(),
            must_not_sit_out: self.must_not_sit_out.iter().copied().collect(),
        };
        match vectors {
            None => arrange_groups(&request, rng),
            Some(vectors) => {
                let topics = indices.iter().map(|&i| vectors[i].clone()).collect();
                arrange_groups_by_similarity(&request, topics, rng)
            }
        }
    }

    /// Term counts for every candidate (none for a candidate without).
    fn topics_by_candidate(&self) -> Vec<Vec<(u32, u32)>> {
        let mut topics = self.topics.clone();
        topics.resize(self.candidates.len(), Vec::new());
        topics
    }

    /// Splits the candidates (as indices, each arm in candidate order) into
    /// the random arm and the matched arm: a uniformly random set of
    /// [`matched_count`] people is matched, so everyone has the same chance.
    pub fn split<R: Rng + ?Sized>(&self, rng: &mut R) -> (Vec<usize>, Vec<usize>) {
        let n = self.candidates.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.shuffle(rng);
        let k = matched_count(n, self.matched_share_ppm, self.group_size);
        let mut matched = order[..k].to_vec();
        let mut random = order[k..].to_vec();
        matched.sort_unstable();
        random.sort_unstable();
        (random, matched)
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
    /// The arm of the group at `index` (from 0): random unless recorded.
    pub fn arm(&self, index: usize) -> Arm {
        self.arms.get(index).copied().unwrap_or_default()
    }

    /// Whether any group was paired by interests.
    pub fn has_matched(&self) -> bool {
        self.arms.contains(&Arm::Matched)
    }

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
            arms: vec![Arm::Random, Arm::Matched, Arm::Random],
        };
        let mut swapped = drawn.clone();
        assert!(swapped.swap(2, 7));
        assert_eq!(swapped.groups, vec![vec![1, 7], vec![3, 4], vec![5, 6, 2]]);
        assert_eq!(swapped.arms, drawn.arms, "each group keeps its arm");
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
