//! Small groups on the day of an event (an unconference), for attendees who
//! may or may not be participants.

use std::ops::{Add, Sub};

use rand::Rng;

use super::group_search::{self, PairCosts};
use super::problem::Problem;
use super::{Candidate, History, OddOneOut, PairingRequest, PersonId};

/// Everything the groups of one event depend on (besides the random source).
#[derive(Debug, Clone)]
pub struct EventRequest<'a> {
    /// Everyone present; ids should be distinct. Attendees who are not
    /// participants get ids from the caller (negative ones, say) that appear
    /// nowhere in `history`.
    pub attendees: &'a [Candidate],
    /// Who met whom through UnMentoring, and the never-pair rules.
    pub history: &'a History,
    /// People per group, 2 to 8 (the caller validates it).
    pub size: usize,
}

/// Splits the attendees into groups of `request.size`, some of `size + 1`
/// when the count does not divide (never fewer than `size`, unless there
/// are fewer than `size` attendees in all: then one group of everyone; see
/// [`super::group_search::group_sizes`] for the rare counts that need a
/// larger group).
///
/// Costs, in order: a never-pair rule inside a group, then two people of
/// the same organisation, then two people who met through UnMentoring;
/// then a close to uniformly random choice among the best arrangements.
/// At an event everyone must be in a group, so a never-pair rule is not
/// hard here as it is for rounds: it is the highest cost, kept whenever any
/// arrangement keeps it, and nobody is ever left out.
///
/// Every attendee is in exactly one group. The result depends only on the
/// request and the random source, so a seeded generator replays it.
pub fn event_groups<R: Rng + ?Sized>(
    request: &EventRequest<'_>,
    rng: &mut R,
) -> Vec<Vec<PersonId>> {
    debug_assert!((2..=8).contains(&request.size), "event group size 2 to 8");
    let pairing = PairingRequest {
        candidates: request.attendees,
        history: request.history,
        odd_one_out: OddOneOut::Trio,
        must_not_sit_out: Default::default(),
    };
    let problem = Problem::new(&pairing);
    let partition = group_search::search(&EventCosts(&problem), problem.len(), request.size, rng);
    partition
        .groups
        .iter()
        .map(|g| g.iter().map(|&i| problem.ids[i as usize]).collect())
        .collect()
}

/// An event's cost of a pair or group, compared field by field.
///
/// Organisations come before past meetings, the other way round from rounds:
/// an event is where people meet beyond their own organisation, and most
/// attendees have met only a few others through UnMentoring, so a shared
/// organisation is the thing to avoid first; a past meeting only breaks a
/// tie. How recently people met does not matter on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
struct EventCost {
    never: u32,
    same_org: u32,
    met_before: u32,
}

impl Add for EventCost {
    type Output = EventCost;
    fn add(self, o: EventCost) -> EventCost {
        EventCost {
            never: self.never + o.never,
            same_org: self.same_org + o.same_org,
            met_before: self.met_before + o.met_before,
        }
    }
}

/// Only ever takes a part back out of a sum that contains it.
impl Sub for EventCost {
    type Output = EventCost;
    fn sub(self, o: EventCost) -> EventCost {
        EventCost {
            never: self.never - o.never,
            same_org: self.same_org - o.same_org,
            met_before: self.met_before - o.met_before,
        }
    }
}

struct EventCosts<'a, 'p>(&'a Problem<'p>);

impl PairCosts for EventCosts<'_, '_> {
    type Cost = EventCost;
    fn pair(&self, a: u32, b: u32) -> EventCost {
        let round = self.0.pair_cost(a, b);
        EventCost {
            never: round.never,
            same_org: round.same_org,
            met_before: round.repeats,
        }
    }
    fn organisation(&self, a: u32) -> u32 {
        self.0.orgs[a as usize]
    }
}
