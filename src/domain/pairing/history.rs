//! Who met whom before, and who must never be grouped, stored so that the
//! engine's many look-ups are cheap.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use super::PersonId;

/// Who met whom (and in which round they last did), and who must never be
/// grouped (one asked not to meet the other again, or reported a problem).
///
/// `round_index` grows with time (higher = more recent). The engine looks a
/// pair up many times per round, so the pairs sit in a hash map with a small,
/// deterministic, hand-written hash rather than std's SipHash: look-ups are
/// the hot path of [`super::arrange`] for large pools, and a fixed hash also
/// keeps behaviour identical from run to run.
///
/// The never-pair rules are kept both as a set of pairs (to answer
/// [`History::is_never_pair`]) and per person (so that the engine can find the
/// rules among a round's candidates without visiting every rule's people).
#[derive(Debug, Clone, Default)]
pub struct History {
    last_met: HashMap<PairKey, u32, FastHash>,
    never: HashSet<PairKey, FastHash>,
    never_partners: HashMap<PersonId, Vec<PersonId>, FastHash>,
}

/// The engine's deterministic hasher for integer keys (see [`PairHasher`]).
pub(crate) type FastHash = BuildHasherDefault<PairHasher>;

impl History {
    /// An empty history: nobody has met anybody.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `a` and `b` were in the same group in round `round_index`.
    /// The order of `a` and `b` does not matter; the most recent round is kept.
    pub fn record_meeting(&mut self, a: PersonId, b: PersonId, round_index: u32) {
        let entry = self
            .last_met
            .entry(PairKey::new(a, b))
            .or_insert(round_index);
        *entry = (*entry).max(round_index);
    }

    /// The most recent round in which `a` and `b` met, if they ever did.
    pub fn last_met(&self, a: PersonId, b: PersonId) -> Option<u32> {
        self.last_met.get(&PairKey::new(a, b)).copied()
    }

    /// Records that `a` and `b` must never be in the same group. The order
    /// does not matter; a rule of someone with themselves means nothing and
    /// is ignored, as is a rule recorded twice.
    pub fn never_pair(&mut self, a: PersonId, b: PersonId) {
        if a != b && self.never.insert(PairKey::new(a, b)) {
            self.never_partners.entry(a).or_default().push(b);
            self.never_partners.entry(b).or_default().push(a);
        }
    }

    /// Whether `a` and `b` must never be in the same group.
    pub fn is_never_pair(&self, a: PersonId, b: PersonId) -> bool {
        !self.never.is_empty() && self.never.contains(&PairKey::new(a, b))
    }

    /// Number of distinct never-pair rules.
    pub fn never_pair_count(&self) -> usize {
        self.never.len()
    }

    /// Everyone `a` must never be grouped with, in the order the rules were
    /// recorded.
    pub(crate) fn never_partners(&self, a: PersonId) -> &[PersonId] {
        self.never_partners.get(&a).map_or(&[], Vec::as_slice)
    }

    /// Number of distinct pairs who have met.
    pub fn len(&self) -> usize {
        self.last_met.len()
    }

    /// Whether nobody has met anybody yet.
    pub fn is_empty(&self) -> bool {
        self.last_met.is_empty()
    }

    /// Every pair who met, smaller id first, with the round they last met
    /// in; in no particular order.
    pub fn meetings(&self) -> impl Iterator<Item = (PersonId, PersonId, u32)> + '_ {
        self.last_met.iter().map(|(k, &r)| (k.low, k.high, r))
    }

    /// Every never-pair rule, smaller id first; in no particular order.
    pub fn never_pairs(&self) -> impl Iterator<Item = (PersonId, PersonId)> + '_ {
        self.never.iter().map(|k| (k.low, k.high))
    }
}

/// An unordered pair of people, stored with the smaller id first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PairKey {
    low: PersonId,
    high: PersonId,
}

impl PairKey {
    fn new(a: PersonId, b: PersonId) -> Self {
        Self {
            low: a.min(b),
            high: a.max(b),
        }
    }
}

impl Hash for PairKey {
    // One combined word instead of two `write_i64` calls: the hasher then does
    // a single finalisation per look-up.
    fn hash<H: Hasher>(&self, state: &mut H) {
        let high = (self.high as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        state.write_u64((self.low as u64) ^ high.rotate_left(29));
    }
}

/// A fast deterministic hasher (multiply–xorshift, as in MurmurHash3's
/// finaliser) good enough for integer keys; not meant to resist adversarial
/// keys, which are not a concern for ids the service assigns itself.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PairHasher {
    state: u64,
}

impl Hasher for PairHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.state = (self.state ^ word).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    }

    fn finish(&self) -> u64 {
        let mut h = self.state;
        h ^= h >> 33;
        h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        h ^ (h >> 33)
    }
}
