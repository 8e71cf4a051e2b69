//! One round's input, translated to dense indices for the algorithms.

use std::collections::HashMap;

use super::cost::Cost;
use super::never::NeverRules;
use super::similarity::{Similarity, TopicVector};
use super::state::Group;
use super::{organisation_key, History, OddOneOut, PairingRequest, PersonId};

/// Pools up to this size get a precomputed matrix of who met whom (and of
/// the never-pair rules among them), so the many cost look-ups of local
/// search and mixing are plain array reads.
pub(crate) const DENSE_LIMIT: usize = 128;

/// Matched arms up to this size get a table of dissimilarities (4 MB at
/// most); larger ones compute each cosine from the sparse vectors.
const SIMILARITY_DENSE_LIMIT: usize = 1000;

/// A round's candidates as dense indices `0..n`, with everything the cost of
/// a group depends on.
pub(crate) struct Problem<'a> {
    /// Index → person id.
    pub ids: Vec<PersonId>,
    /// Index → organisation number (equal numbers ⇔ equal organisation keys).
    pub orgs: Vec<u32>,
    /// Organisation number → how many candidates belong to it.
    pub org_sizes: Vec<u32>,
    pub odd_one_out: OddOneOut,
    /// Index → whether that person must not sit out (see
    /// [`PairingRequest::must_not_sit_out`]).
    pub barred: Vec<bool>,
    /// The never-pair rules between candidates, by index.
    pub never: NeverRules,
    history: &'a History,
    /// Row-major `n × n` copy of the history for small pools.
    dense: Option<Vec<Option<u32>>>,
    /// Only in the matched arm: how alike people's topics are.
    similarity: Option<Similarity>,
}

impl<'a> Problem<'a> {
    pub fn new(request: &PairingRequest<'a>) -> Self {
        let ids: Vec<PersonId> = request.candidates.iter().map(|c| c.id).collect();
        let (orgs, org_sizes) = organisation_numbers(request);
        let barred = ids
            .iter()
            .map(|id| request.must_not_sit_out.contains(id))
            .collect();
        let never = NeverRules::among(&ids, request.history);
        let mut problem = Problem {
            ids,
            never,
            orgs,
            org_sizes,
            odd_one_out: request.odd_one_out,
            barred,
            history: request.history,
            dense: None,
            similarity: None,
        };
        if problem.len() <= DENSE_LIMIT {
            problem.dense = Some(problem.history_matrix());
        }
        problem
    }

    /// The matched arm's problem: the same hard rules, then the most similar
    /// topics (`topics[i]` is candidate `i`'s). Organisations are ignored
    /// (everyone gets their own number): the arm is paired by interests, and
    /// a shared organisation must not outrank a shared interest.
    pub fn by_similarity(mut self, topics: Vec<TopicVector>) -> Self {
        debug_assert_eq!(topics.len(), self.len());
        self.orgs = (0..self.len() as u32).collect();
        self.org_sizes = vec![1; self.len()];
        self.similarity = Some(Similarity::new(topics, SIMILARITY_DENSE_LIMIT));
        self
    }

    /// Whether pair costs include [`Cost::dissimilarity`].
    pub fn has_similarity(&self) -> bool {
        self.similarity.is_some()
    }

    /// `1 − cosine` of two people's topics in thousandths; 0 outside the matched arm.
    pub fn dissimilarity(&self, a: u32, b: u32) -> u64 {
        self.similarity
            .as_ref()
            .map_or(0, |s| s.dissimilarity(a, b))
    }

    /// Whether the person at index `i` must not sit out.
    pub fn is_barred(&self, i: u32) -> bool {
        self.barred[i as usize]
    }

    /// Number of candidates.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The last round in which people `a` and `b` (indices) met.
    pub fn last_met(&self, a: u32, b: u32) -> Option<u32> {
        match &self.dense {
            Some(matrix) => matrix[a as usize * self.len() + b as usize],
            None => self
                .history
                .last_met(self.ids[a as usize], self.ids[b as usize]),
        }
    }

    /// Whether people `a` and `b` (indices) must never be grouped.
    pub fn is_never_pair(&self, a: u32, b: u32) -> bool {
        self.never.contains(a, b)
    }

    /// Cost of putting `a` and `b` in the same group.
    pub fn pair_cost(&self, a: u32, b: u32) -> Cost {
        Cost {
            dissimilarity: self.dissimilarity(a, b),
            ..Cost::pair(
                self.never.contains(a, b),
                self.last_met(a, b),
                self.orgs[a as usize] == self.orgs[b as usize],
            )
        }
    }

    /// Cost of one group: the sum over every pair inside it, or, for a lone
    /// person sitting out, whether they must not sit out.
    pub fn group_cost(&self, group: &Group) -> Cost {
        match group.members() {
            [single] => Cost::sitting_out(self.is_barred(*single)),
            [a, b] => self.pair_cost(*a, *b),
            [a, b, c] => self.pair_cost(*a, *b) + self.pair_cost(*a, *c) + self.pair_cost(*b, *c),
            _ => unreachable!("groups have one to three members"),
        }
    }

    /// Whether an arrangement needs a group that is not a pair (trio or sitter).
    pub fn needs_odd_group(&self) -> bool {
        self.len() % 2 == 1
    }

    /// Row-major `n × n` table of [`Problem::last_met`] from the history.
    pub fn history_matrix(&self) -> Vec<Option<u32>> {
        let n = self.len();
        let mut matrix = vec![None; n * n];
        for a in 0..n {
            for b in (a + 1)..n {
                let met = self.history.last_met(self.ids[a], self.ids[b]);
                matrix[a * n + b] = met;
                matrix[b * n + a] = met;
            }
        }
        matrix
    }
}

/// Numbers the organisations in order of first appearance (deterministic),
/// normalising each distinct spelling only once: with a million candidates
/// from twenty organisations, that saves a million string allocations.
fn organisation_numbers(request: &PairingRequest<'_>) -> (Vec<u32>, Vec<u32>) {
    let mut by_spelling: HashMap<&str, u32> = HashMap::new();
    let mut by_key: HashMap<String, u32> = HashMap::new();
    let mut sizes: Vec<u32> = Vec::new();
    let mut orgs = Vec::with_capacity(request.candidates.len());
    for candidate in request.candidates {
        let spelling = candidate.organisation.as_str();
        let org = *by_spelling.entry(spelling).or_insert_with(|| {
            let next = by_key.len() as u32;
            *by_key.entry(organisation_key(spelling)).or_insert(next)
        });
        if org as usize == sizes.len() {
            sizes.push(0);
        }
        sizes[org as usize] += 1;
        orgs.push(org);
    }
    (orgs, sizes)
}
