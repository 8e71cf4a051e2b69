//! Pairing a round's rematch pool: people whose partner went (declined,
//! bounced or did not reply) and who wait for someone new.
//!
//! The rules are a round's: never a pair under a never-pair rule (such a
//! pair is not made: both keep waiting, see [`PoolArrangement::unplaced`]),
//! no avoidable repeat, then as few same-organisation pairs as possible,
//! then random. The waiting people are paired with each other; with an odd
//! number of them, one of them is paired with a newcomer (someone who
//! confirmed since the round ran, or sat it out) when there is one, chosen
//! so that the whole pool's pairing is as good as it can be; otherwise one
//! of them goes on waiting.

use rand::seq::SliceRandom;
use rand::Rng;

use super::cost::Cost;
use super::problem::Problem;
use super::{optimise, Candidate, History, OddOneOut, PairingRequest, PairingStats, PersonId};

/// The rematch pool of one round.
#[derive(Debug, Clone)]
pub struct PoolRequest<'a> {
    /// The people waiting; ids should be distinct.
    pub waiting: &'a [Candidate],
    /// People who may join the round to partner one waiting person who would
    /// otherwise be left over. Anyone also waiting is ignored.
    pub newcomers: &'a [Candidate],
    pub history: &'a History,
}

/// Who is paired with whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolArrangement {
    /// Each a pair; at most one pair holds a newcomer (named in `newcomer`).
    pub pairs: Vec<[PersonId; 2]>,
    /// The newcomer who joins the round, if one was needed and found (then
    /// always in one of `pairs`).
    pub newcomer: Option<PersonId>,
    /// The waiting person nobody could be found for this time.
    pub still_waiting: Option<PersonId>,
    /// Waiting people who keep waiting because every possible partner is
    /// someone they must never be grouped with. (A newcomer in such a pair
    /// is simply not used, and is neither here nor in `newcomer`.)
    pub unplaced: Vec<PersonId>,
    pub stats: PairingStats,
}

/// Pairs the pool (see the module's notes). Depends only on the request and
/// the random source, so a seeded generator replays it.
pub fn arrange_pool<R: Rng + ?Sized>(request: &PoolRequest<'_>, rng: &mut R) -> PoolArrangement {
    let waiting = request.waiting;
    let mut newcomers: Vec<&Candidate> = request
        .newcomers
        .iter()
        .filter(|n| waiting.iter().all(|w| w.id != n.id))
        .collect();
    if waiting.len().is_multiple_of(2) || newcomers.is_empty() {
        return pool_only(request, rng);
    }
    // Try each newcomer as the odd one's partner, in random order: the first
    // with the lowest cost is then a uniform choice among the best.
    newcomers.shuffle(rng);
    let mut best: Option<(Cost, Vec<Candidate>)> = None;
    for newcomer in newcomers {
        let mut people = waiting.to_vec();
        people.push(newcomer.clone());
        let cost = best_cost(&people, request.history, rng);
        if best.as_ref().is_none_or(|(b, _)| cost < *b) {
            best = Some((cost, people));
        }
    }
    let Some((_, people)) = best else {
        return pool_only(request, rng);
    };
    let newcomer = people.last().map(|c| c.id);
    let mut arrangement = pairs_of(&people, request.history, rng);
    // A newcomer whose pair would break a rule does not join the round.
    let unused = |id: &PersonId| arrangement.unplaced.contains(id);
    arrangement.newcomer = newcomer.filter(|id| !unused(id));
    arrangement.unplaced.retain(|&id| Some(id) != newcomer);
    arrangement
}

/// The waiting people paired among themselves; an odd one goes on waiting.
fn pool_only<R: Rng + ?Sized>(request: &PoolRequest<'_>, rng: &mut R) -> PoolArrangement {
    pairs_of(request.waiting, request.history, rng)
}

/// The engine's arrangement of `people`, with any odd one left over.
fn pairs_of<R: Rng + ?Sized>(
    people: &[Candidate],
    history: &History,
    rng: &mut R,
) -> PoolArrangement {
    let request = engine_request(people, history);
    let arrangement = super::arrange(&request, rng);
    PoolArrangement {
        pairs: arrangement.groups.iter().map(|g| [g[0], g[1]]).collect(),
        newcomer: None,
        still_waiting: arrangement.sat_out,
        unplaced: arrangement.left_out,
        stats: arrangement.stats,
    }
}

/// The cost of the best arrangement of an even number of people.
fn best_cost<R: Rng + ?Sized>(people: &[Candidate], history: &History, rng: &mut R) -> Cost {
    let request = engine_request(people, history);
    let problem = Problem::new(&request);
    optimise(&problem, rng).total
}

/// Odd pools leave one person over (never a trio: a rematch introduces two).
fn engine_request<'a>(people: &'a [Candidate], history: &'a History) -> PairingRequest<'a> {
    PairingRequest {
        candidates: people,
        history,
        odd_one_out: OddOneOut::SitOut,
        must_not_sit_out: Default::default(),
    }
}
