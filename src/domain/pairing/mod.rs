//! The pairing engine: splits the people due this round into pairs (and, for
//! an odd count, one trio or one person sitting out) for 30-minute
//! conversations.
//!
//! Priorities, in order: never group two people under a never-pair rule (one
//! asked not to meet the other again, or reported a problem; see
//! [`History::never_pair`]): this rule is hard, and when no arrangement
//! keeps it the people concerned are left out of the round
//! ([`Arrangement::left_out`]) rather than grouped; then nobody who must not
//! sit out sits out while someone else can; then no pair meets again unless
//! every arrangement forces it (and then as few, and as long-ago, repeats as
//! possible); then as few pairs from the same organisation as possible; then
//! a uniformly random choice among the arrangements that are best by those
//! rules.
//!
//! How: a uniformly random arrangement, repaired by local search until it
//! provably meets a lower bound; when it cannot be shown optimal that way,
//! an exact minimum-cost matching (blossom) for pools of up to 1,500;
//! finally a random walk over equally good
//! arrangements, so that the optimiser's tie-breaking does not bias the
//! choice. A broken rule weighs more than everything else together, so each
//! of these steps removes broken rules first and none ever adds one; any
//! group that still breaks a rule at the end (only when every arrangement
//! does) is taken apart by leaving people out.

mod bounds;
mod cost;
mod event;
mod exact;
mod group_search;
mod groups;
mod history;
mod local_search;
mod mixing;
mod never;
mod pool;
mod problem;
mod regroup;
mod similarity;
mod state;
mod trio;
mod weights;

use std::collections::BTreeSet;

use rand::Rng;

pub use event::{event_groups, EventRequest};
pub use groups::{arrange_groups, arrange_groups_by_similarity, GroupRequest};
pub use history::History;
pub use pool::{arrange_pool, PoolArrangement, PoolRequest};
use problem::Problem;
pub use similarity::TopicVector;
use state::State;

/// Identifies a person; the engine only compares ids.
pub type PersonId = i64;

/// One person who is due this round.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: PersonId,
    /// Compared through [`organisation_key`].
    pub organisation: String,
}

/// What to do with the odd one out when an odd number of people are due.
/// Stored with each round as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum OddOneOut {
    /// One group of three.
    #[default]
    Trio,
    /// One person is not paired this round.
    SitOut,
}

impl OddOneOut {
    pub const ALL: [OddOneOut; 2] = [Self::Trio, Self::SitOut];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trio => "trio",
            Self::SitOut => "sit_out",
        }
    }
}

/// Everything one round of pairing depends on (besides the random source).
#[derive(Debug, Clone)]
pub struct PairingRequest<'a> {
    /// The people due; ids should be distinct.
    pub candidates: &'a [Candidate],
    pub history: &'a History,
    pub odd_one_out: OddOneOut,
    /// Who must not sit out when anyone else can: the person who sat out in
    /// the previous round, and everyone a rematch could not place
    /// (`participants.first_in_line`).
    pub must_not_sit_out: BTreeSet<PersonId>,
}

/// Figures about one arrangement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PairingStats {
    pub people_due: usize,
    /// Pairs and trios (not counting someone sitting out).
    pub groups: usize,
    pub trios: usize,
    pub sat_out: usize,
    /// Pairs (within pairs and trios) who met before.
    pub forced_repeats: usize,
    /// Pairs (within pairs and trios) from the same organisation.
    pub same_organisation_pairs: usize,
}

/// The outcome of one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arrangement {
    /// Each of length 2, or one of length 3 (trio).
    pub groups: Vec<Vec<PersonId>>,
    pub sat_out: Option<PersonId>,
    /// People left out of the round because every arrangement would group
    /// them with someone they must never be grouped with. They are in no
    /// group and never in `sat_out` (nor counted in `stats.sat_out`).
    pub left_out: Vec<PersonId>,
    pub stats: PairingStats,
}

/// Arranges the candidates into groups for one round.
///
/// The result depends only on the request (including the order of the
/// candidates) and the random source, so a seeded generator replays a round.
pub fn arrange<R: Rng + ?Sized>(request: &PairingRequest<'_>, rng: &mut R) -> Arrangement {
    arrange_problem(&Problem::new(request), rng)
}

/// [`arrange`] for a problem already built (with similarity, say).
fn arrange_problem<R: Rng + ?Sized>(problem: &Problem<'_>, rng: &mut R) -> Arrangement {
    let mut state = optimise(problem, rng);
    let left_out = never::leave_out_broken(&mut state, problem, rng);
    state.into_arrangement(problem, left_out)
}

/// Case- and space-insensitive key: lowercase, all Unicode whitespace removed.
/// "Leeds City Council" == " leeds  city council " == "LeedsCityCouncil".
pub fn organisation_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// An optimal arrangement chosen by the blossom solver on shuffled input,
/// without the mixing walk: its tie-breaking is biased. Exposed only so that
/// tests can show that the uniformity test detects such bias.
#[doc(hidden)]
pub fn exact_with_random_tie_breaks<R: Rng + ?Sized>(
    request: &PairingRequest<'_>,
    rng: &mut R,
) -> Arrangement {
    let problem = Problem::new(request);
    let mut state = if problem.len() <= 1 {
        State::random(&problem, rng)
    } else {
        exact::solve(&problem, rng)
    };
    let left_out = never::leave_out_broken(&mut state, &problem, rng);
    state.into_arrangement(&problem, left_out)
}

/// Local search first, since it is fast and usually provably optimal; the
/// exact solver only when the lower bound was not reached; mixing always,
/// because both of the former favour some optimal arrangements over others.
fn optimise<R: Rng + ?Sized>(problem: &Problem<'_>, rng: &mut R) -> State {
    let mut state = State::random(problem, rng);
    if problem.len() <= 1 {
        return state;
    }
    let bound = bounds::lower_bound(problem);
    let group_count = state.groups.len();
    local_search::repair(
        &mut state,
        problem,
        bound,
        repair_patience(problem, group_count),
        rng,
    );
    if state.total > bound && problem.len() <= exact::EXACT_LIMIT {
        let exact = exact::solve(problem, rng);
        if exact.total < state.total {
            state = exact;
        }
    }
    mixing::mix(&mut state, problem, mixing_steps(group_count), rng);
    state
}

/// Fruitless repair tries tolerated in a row. Pools the exact solver handles
/// need little patience; larger ones get enough for the last few costly
/// groups to find the rare partners that fix them.
fn repair_patience(problem: &Problem<'_>, group_count: usize) -> usize {
    if problem.len() <= exact::EXACT_LIMIT {
        4 * group_count + 64
    } else {
        4 * group_count + 4096
    }
}

/// Mixing steps: about two per group (each step touches two or more groups),
/// plus plenty more for small pools, whose bias would be measurable.
fn mixing_steps(group_count: usize) -> usize {
    2 * group_count + (64 * group_count).min(4096)
}
