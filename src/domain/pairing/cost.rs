//! The lexicographic cost of a group or a whole arrangement.

use std::ops::{Add, AddAssign, Sub};

/// Cost of a group or arrangement, compared lexicographically field by field
/// (the derived `Ord` follows declaration order), so that one broken
/// never-pair rule outweighs everything else, one avoidable repeat always
/// outweighs any number of same-organisation pairs, and so on.
///
/// Lexicographic order on integer vectors is compatible with addition, so
/// comparing the summed costs of the groups a move touches is the same as
/// comparing the totals of the two whole arrangements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub(crate) struct Cost {
    /// Pairs inside groups who must never be grouped (a hard rule: the
    /// engine leaves people out rather than break it).
    pub never: u32,
    /// 1 when the person who sat out last round would sit out again.
    pub forbidden: u32,
    /// Pairs who met before.
    pub repeats: u32,
    /// Sum, over repeated pairs, of the round in which they last met: fewer
    /// recent repeats means a smaller sum once the number of repeats is fixed.
    pub recency: u64,
    /// Pairs from the same organisation.
    pub same_org: u32,
    /// Sum over pairs of how unlike their topics are, `(1 − cosine)` in
    /// thousandths ([`DISSIMILARITY_SCALE`]): only in the matched arm of the
    /// experiment, 0 everywhere else, so the other tiers order as before.
    pub dissimilarity: u64,
}

/// One whole `1 − cosine` in [`Cost::dissimilarity`].
pub(crate) const DISSIMILARITY_SCALE: u64 = 1_000;

impl Cost {
    /// The cost of a perfect group: nobody met before, nobody shares an organisation.
    pub const ZERO: Cost = Cost {
        never: 0,
        forbidden: 0,
        repeats: 0,
        recency: 0,
        same_org: 0,
        dissimilarity: 0,
    };

    /// Cost of the lone person sitting out: only forbidden when they sat out last time.
    pub fn sitting_out(forbidden: bool) -> Cost {
        Cost {
            forbidden: u32::from(forbidden),
            ..Cost::ZERO
        }
    }

    /// Cost of putting two people in the same group.
    pub fn pair(never: bool, last_met: Option<u32>, same_org: bool) -> Cost {
        Cost {
            never: u32::from(never),
            forbidden: 0,
            repeats: u32::from(last_met.is_some()),
            recency: last_met.map_or(0, u64::from),
            same_org: u32::from(same_org),
            dissimilarity: 0,
        }
    }

    /// Whether this cost is the best any group can have.
    pub fn is_zero(&self) -> bool {
        *self == Cost::ZERO
    }
}

impl Add for Cost {
    type Output = Cost;
    fn add(self, other: Cost) -> Cost {
        Cost {
            never: self.never + other.never,
            forbidden: self.forbidden + other.forbidden,
            repeats: self.repeats + other.repeats,
            recency: self.recency + other.recency,
            same_org: self.same_org + other.same_org,
            dissimilarity: self.dissimilarity + other.dissimilarity,
        }
    }
}

impl AddAssign for Cost {
    fn add_assign(&mut self, other: Cost) {
        *self = *self + other;
    }
}

/// Only ever used to take a group's cost back out of a total that contains it,
/// so no field can underflow.
impl Sub for Cost {
    type Output = Cost;
    fn sub(self, other: Cost) -> Cost {
        Cost {
            never: self.never - other.never,
            forbidden: self.forbidden - other.forbidden,
            repeats: self.repeats - other.repeats,
            recency: self.recency - other.recency,
            same_org: self.same_org - other.same_org,
            dissimilarity: self.dissimilarity - other.dissimilarity,
        }
    }
}

impl std::iter::Sum for Cost {
    fn sum<I: Iterator<Item = Cost>>(iter: I) -> Cost {
        iter.fold(Cost::ZERO, Add::add)
    }
}
