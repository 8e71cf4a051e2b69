//! The rematch pool: everyone whose partner went (declined, bounced, did not
//! reply) gets someone new as soon as possible, under a round's rules, or an
//! honest email once `meetings.rematch_wait_hours` have passed.
//!
//! Runs hourly (housekeeping) and right after someone enters the pool. The
//! caller owns the IMMEDIATE transaction: everything here happens in it.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use rand::rngs::ChaCha8Rng;
use rand::{Rng, SeedableRng};

use crate::configuration::Settings;
use crate::db::participants::{self, Participant, Status};
use crate::db::rematches::{self, RematchRequest};
use crate::db::rounds::{self, Round};
use crate::db::{meetings, outbox, tokens, Conn};
use crate::domain::pairing::{arrange_pool, Candidate, History, PoolRequest};
use crate::domain::{OrganisationNames, TokenPurpose};
use crate::email::intro::{Intro, IntroLinks, Occasion, PartnerCard};
use crate::email::Composer;

/// What one pass over the pool did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MatchReport {
    /// Waiting people who got a new partner.
    pub matched: usize,
    /// People new to a round who joined it to partner someone waiting.
    pub newcomers: usize,
    /// Waiting people told that nobody was found.
    pub gave_up: usize,
    /// Requests of people no longer taking part, ended without an email.
    pub dropped: usize,
    /// People still waiting.
    pub waiting: usize,
}

impl MatchReport {
    /// Emails this pass queued.
    pub fn emails(&self) -> usize {
        self.matched + self.newcomers + self.gave_up
    }
}

/// Pairs everyone waiting in any round's pool, with a fresh random seed.
#[tracing::instrument(name = "match_waiting", skip_all)]
pub fn match_waiting(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    now: NaiveDateTime,
) -> anyhow::Result<MatchReport> {
    let mut rng = ChaCha8Rng::seed_from_u64(crate::services::round_runner::new_seed());
    match_waiting_with(conn, composer, settings, now, &mut rng)
}

/// [`match_waiting`] with a given random source (tests seed it).
pub fn match_waiting_with<R: Rng + ?Sized>(
    conn: &mut Conn,
    composer: &Composer,
    settings: &Settings,
    now: NaiveDateTime,
    rng: &mut R,
) -> anyhow::Result<MatchReport> {
    let mut report = MatchReport::default();
    let requests = rematches::waiting(conn)?;
    if requests.is_empty() {
        return Ok(report);
    }
    let mut by_round: Vec<(i64, Vec<RematchRequest>)> = Vec::new();
    for request in requests {
        match by_round.iter_mut().find(|(id, _)| *id == request.round_id) {
            Some((_, list)) => list.push(request),
            None => by_round.push((request.round_id, vec![request])),
        }
    }
    let pass = Pass {
        composer,
        wait: Duration::hours(i64::from(settings.meetings.rematch_wait_hours)),
        now,
        names: crate::db::organisation_names::names(conn)?,
    };
    for (round_id, requests) in by_round {
        let round = rounds::find(conn, round_id)?
            .ok_or_else(|| anyhow::anyhow!("a rematch request for a round that does not exist"))?;
        pass.round(conn, &round, requests, rng, &mut report)?;
    }
    if report != MatchReport::default() {
        tracing::info!(
            matched = report.matched,
            newcomers = report.newcomers,
            gave_up = report.gave_up,
            dropped = report.dropped,
            waiting = report.waiting,
            "rematch pool"
        );
    }
    Ok(report)
}

/// What every round of one pass shares.
struct Pass<'a> {
    composer: &'a Composer,
    wait: Duration,
    now: NaiveDateTime,
    names: OrganisationNames,
}

/// One person about to be introduced: their membership (if already in the
/// round) and request (if waiting).
struct Seat {
    person: Participant,
    request: Option<RematchRequest>,
}

impl Pass<'_> {
    fn round<R: Rng + ?Sized>(
        &self,
        conn: &mut Conn,
        round: &Round,
        requests: Vec<RematchRequest>,
        rng: &mut R,
        report: &mut MatchReport,
    ) -> anyhow::Result<()> {
        let mut waiting: Vec<Seat> = Vec::new();
        for request in requests {
            match self.still_taking_part(conn, request.participant_id)? {
                Some(person) => waiting.push(Seat {
                    person,
                    request: Some(request),
                }),
                None => {
                    rematches::give_up(conn, &request, false, self.now)?;
                    report.dropped += 1;
                }
            }
        }
        let newcomers = if !waiting.len().is_multiple_of(2) {
            rematches::newcomers(conn, round)?
        } else {
            Vec::new()
        };
        // Computed after the drops above; a round's own pairs are in it.
        let history: History = rounds::history(conn)?;
        let waiting_candidates: Vec<Candidate> =
            waiting.iter().map(|s| self.candidate(&s.person)).collect();
        let newcomer_candidates: Vec<Candidate> =
            newcomers.iter().map(|p| self.candidate(p)).collect();
        let arrangement = arrange_pool(
            &PoolRequest {
                waiting: &waiting_candidates,
                newcomers: &newcomer_candidates,
                history: &history,
            },
            rng,
        );
        let mut seats: HashMap<i64, Seat> = waiting.into_iter().map(|s| (s.person.id, s)).collect();
        for person in newcomers {
            if Some(person.id) == arrangement.newcomer {
                seats.insert(
                    person.id,
                    Seat {
                        person,
                        request: None,
                    },
                );
            }
        }
        for [a, b] in &arrangement.pairs {
            let (Some(a), Some(b)) = (seats.remove(a), seats.remove(b)) else {
                anyhow::bail!("the rematch pairing named someone not waiting");
            };
            self.introduce(conn, round, [a, b], report)?;
        }
        for seat in seats.into_values() {
            self.wait_or_give_up(conn, round, seat, report)?;
        }
        Ok(())
    }

    /// A person as the pairing sees them: their organisation as most spell it.
    fn candidate(&self, person: &Participant) -> Candidate {
        Candidate {
            id: person.id,
            organisation: self.names.shown(&person.organisation),
        }
    }

    /// The person, if they can still be rematched: active or paused with the
    /// pause over (not left, bouncing or paused now).
    fn still_taking_part(
        &self,
        conn: &mut Conn,
        participant_id: i64,
    ) -> anyhow::Result<Option<Participant>> {
        Ok(participants::find(conn, participant_id)?.filter(|p| {
            matches!(p.status, Status::Active | Status::Paused) && !p.is_paused_on(self.now.date())
        }))
    }

    /// A new group of two: stores it, then introduces each to the other with
    /// new links (their old follow-up links stop working).
    fn introduce(
        &self,
        conn: &mut Conn,
        round: &Round,
        pair: [Seat; 2],
        report: &mut MatchReport,
    ) -> anyhow::Result<()> {
        let group_number = meetings::next_group_number(conn, round.id)?;
        meetings::create(conn, round.id, &[group_number], self.now)?;
        let mut member_ids = [0i64; 2];
        for (seat, member_id) in pair.iter().zip(&mut member_ids) {
            *member_id = match &seat.request {
                Some(request) => {
                    rematches::move_member(conn, request.member_id, group_number)?;
                    rematches::mark_matched(conn, request.id, group_number, self.now)?;
                    tokens::revoke_member_links(conn, request.member_id)?;
                    report.matched += 1;
                    request.member_id
                }
                None => {
                    report.newcomers += 1;
                    rematches::add_member(
                        conn,
                        round.id,
                        group_number,
                        seat.person.id,
                        round.started_at,
                    )?
                }
            };
        }
        let meeting = meetings::of_group(conn, round.id, group_number)?
            .ok_or_else(|| anyhow::anyhow!("a new group's meeting vanished"))?;
        for (me, other) in [(0, 1), (1, 0)] {
            self.send_intro(
                conn,
                round.id,
                &pair[me],
                member_ids[me],
                &pair[other].person,
                meeting.room.as_deref(),
            )?;
        }
        tracing::info!(round_id = round.id, group_number, "rematched");
        Ok(())
    }

    fn send_intro(
        &self,
        conn: &mut Conn,
        round_id: i64,
        seat: &Seat,
        member_id: i64,
        partner: &Participant,
        room: Option<&str>,
    ) -> anyhow::Result<()> {
        let person = &seat.person;
        let followup = tokens::issue_followups(conn, &[(person.id, member_id)], self.now)?
            .pop()
            .ok_or_else(|| anyhow::anyhow!("no follow-up link was made"))?;
        let manage = tokens::issue(conn, person.id, TokenPurpose::Manage, self.now)?;
        let mut shown = partner.clone();
        shown.organisation = self.names.shown(&partner.organisation);
        let intro = Intro {
            member: person,
            partners: vec![PartnerCard::from(&shown)],
            round_id,
            room,
            occasion: if seat.request.is_some() {
                Occasion::Rematch
            } else {
                Occasion::Round
            },
        };
        let links = IntroLinks {
            manage: &manage,
            followup: Some(&followup),
        };
        let email = self.composer.intro(&intro, &links)?;
        outbox::enqueue(conn, &email, self.now)
    }

    /// Someone nobody was found for: they wait, or, once they have waited
    /// `meetings.rematch_wait_hours`, hear so and go first in line.
    fn wait_or_give_up(
        &self,
        conn: &mut Conn,
        round: &Round,
        seat: Seat,
        report: &mut MatchReport,
    ) -> anyhow::Result<()> {
        let Some(request) = seat.request else {
            return Ok(());
        };
        if self.now - request.requested_at < self.wait {
            report.waiting += 1;
            return Ok(());
        }
        rematches::give_up(conn, &request, true, self.now)?;
        let manage = tokens::issue(conn, seat.person.id, TokenPurpose::Manage, self.now)?;
        let email =
            self.composer
                .rematch_not_found(&seat.person, round.started_at, round.id, &manage)?;
        outbox::enqueue(conn, &email, self.now)?;
        report.gave_up += 1;
        tracing::info!(round_id = round.id, "nobody found for a rematch");
        Ok(())
    }
}
