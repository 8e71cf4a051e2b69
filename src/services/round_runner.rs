//! Running a round: who is due, the pairing, and storing the groups with every
//! introduction email in one transaction.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use rand::RngExt;

use crate::configuration::OddOneOutSetting;
use crate::db::participants::{Participant, Status};
use crate::db::rounds::inputs::StoredDraw;
use crate::db::rounds::{self, NewRound, Round};
use crate::db::{followups, meetings, outbox, participants, tokens, Conn};
use crate::domain::pairing::{Candidate, OddOneOut, PairingStats};
use crate::domain::{is_due, is_ghost, DrawInputs, TokenPurpose};
use crate::email::intro::{Intro, Occasion, PartnerCard};
use crate::email::Composer;

/// A second manual round within this many minutes of the last is refused
/// unless forced: it is almost always a double click or a repeated command.
pub const MIN_MINUTES_BETWEEN_MANUAL_ROUNDS: i64 = 10;

pub use crate::domain::Trigger;

#[derive(Debug, Clone)]
pub struct RoundOptions {
    /// One round per key (a schedule slot, or one request).
    pub key: String,
    pub trigger: Trigger,
    /// Everyone active, whatever their cadence (a launch or event round).
    pub include_all: bool,
    /// Run even if a manual round ran in the last few minutes.
    pub force: bool,
    pub odd_one_out: OddOneOutSetting,
    /// `pairing.group_size`: 2 for pairs, more for larger groups.
    pub group_size: usize,
    /// `experiment.matched_share`: 0 pairs everyone at random.
    pub matched_share: f64,
    /// `followup.after_days`: how long members have to answer before silence counts.
    pub followup_after_days: u32,
}

/// How a round's people are grouped (`[pairing]` and `[experiment]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grouping {
    pub odd_one_out: OddOneOutSetting,
    /// `pairing.group_size`.
    pub group_size: usize,
    /// `experiment.matched_share`.
    pub matched_share: f64,
}

impl Grouping {
    pub fn from_settings(settings: &crate::configuration::Settings) -> Self {
        Grouping {
            odd_one_out: settings.pairing.odd_one_out,
            group_size: settings.pairing.group_size,
            matched_share: settings.experiment.matched_share,
        }
    }
}

impl RoundOptions {
    pub fn grouping(&self) -> Grouping {
        Grouping {
            odd_one_out: self.odd_one_out,
            group_size: self.group_size,
            matched_share: self.matched_share,
        }
    }
}

/// Who would be paired with whom, before anything is stored. Each person's
/// organisation is the one others see ([`crate::domain::OrganisationNames`]), which may be
/// spelled differently from their record.
#[derive(Debug, Clone)]
pub struct RoundPlan {
    pub seed: u64,
    pub groups: Vec<Vec<Participant>>,
    pub sat_out: Option<Participant>,
    /// Left out of this round: grouping them would break a never-pair rule.
    pub left_out: Vec<Participant>,
    pub stats: PairingStats,
    /// What the engine was given and drew, and any swaps: stored with the round.
    pub draw: StoredDraw,
}

#[derive(Debug)]
pub enum RoundOutcome {
    Ran {
        round: Round,
        plan: Box<RoundPlan>,
    },
    /// A round with this key exists already: nothing was done.
    AlreadyRan(Round),
    /// A manual round ran too recently: nothing was done.
    TooSoon {
        last: Round,
    },
    /// Fewer than two people are due: nothing was done.
    NotEnoughPeople {
        due: usize,
    },
}

fn engine_odd_one_out(setting: OddOneOutSetting) -> OddOneOut {
    match setting {
        OddOneOutSetting::Trio => OddOneOut::Trio,
        OddOneOutSetting::SitOut => OddOneOut::SitOut,
    }
}

/// Who is in the round: confirmed, not left, not paused (a pause ends on its
/// date), and due by their cadence unless `include_all`.
pub fn due_participants(
    pool: Vec<Participant>,
    now: NaiveDateTime,
    include_all: bool,
) -> Vec<Participant> {
    let today = now.date();
    pool.into_iter()
        .filter(|p| matches!(p.status, Status::Active | Status::Paused) && !p.is_paused_on(today))
        .filter(|p| include_all || is_due(p.cadence, p.last_round_at.map(|t| t.date()), today))
        .collect()
}

/// People who went silent: three rounds in a row unanswered (see `is_ghost`).
pub fn ghosts(conn: &mut Conn, now: NaiveDateTime, after_days: u32) -> anyhow::Result<Vec<i64>> {
    let history = followups::answer_history(conn)?;
    Ok(history
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|rows| {
            let rounds: Vec<(NaiveDateTime, bool)> = rows.iter().map(|r| (r.1, r.2)).collect();
            is_ghost(&rounds, now, after_days)
        })
        .map(|rows| rows[0].0)
        .collect())
}

/// Who is due now, leaving out `ghosts` (see [`ghosts`]; the caller finds
/// them once), and what the pairing engine is given for them. Reads only.
pub struct Prepared {
    pub due: Vec<Participant>,
    pub inputs: DrawInputs,
}

pub fn prepare(
    conn: &mut Conn,
    now: NaiveDateTime,
    include_all: bool,
    grouping: Grouping,
    ghosts: &[i64],
) -> anyhow::Result<Prepared> {
    let ghosts: std::collections::HashSet<i64> = ghosts.iter().copied().collect();
    let mut due = due_participants(participants::taking_part(conn)?, now, include_all);
    due.retain(|p| !ghosts.contains(&p.id));
    // Everything made from the plan (the introductions, the printed groups)
    // shows each organisation as most of its people spell it.
    let names = crate::db::organisation_names::names(conn)?;
    for person in &mut due {
        person.organisation = names.shown(&person.organisation);
    }
    let history = rounds::history(conn)?;
    let mut must_not_sit_out: BTreeSet<i64> =
        participants::first_in_line(conn)?.into_iter().collect();
    must_not_sit_out.extend(rounds::latest(conn)?.and_then(|r| r.sat_out_participant_id));
    let candidates: Vec<Candidate> = due
        .iter()
        .map(|p| Candidate {
            id: p.id,
            organisation: p.organisation.clone(),
        })
        .collect();
    let topics: Vec<Option<&str>> = due.iter().map(|p| p.topics.as_deref()).collect();
    let inputs = DrawInputs::new(
        &candidates,
        &history,
        &must_not_sit_out,
        engine_odd_one_out(grouping.odd_one_out),
        grouping.group_size,
    )
    .with_experiment(grouping.matched_share, &topics);
    Ok(Prepared { due, inputs })
}

/// Works out the groups (see [`Grouping`]) for the people due now (see
/// [`prepare`]). Reads only.
pub fn plan(
    conn: &mut Conn,
    now: NaiveDateTime,
    include_all: bool,
    grouping: Grouping,
    ghosts: &[i64],
    seed: u64,
) -> anyhow::Result<RoundPlan> {
    let prepared = prepare(conn, now, include_all, grouping, ghosts)?;
    let (drawn, _) = prepared.inputs.draw(seed);
    let draw = StoredDraw {
        inputs: prepared.inputs,
        drawn,
        edits: Vec::new(),
    };
    plan_of(prepared.due, seed, draw)
}

/// The plan for `draw` (as drawn, with its swaps) of the people `due`.
pub fn plan_of(due: Vec<Participant>, seed: u64, draw: StoredDraw) -> anyhow::Result<RoundPlan> {
    let sent = draw.drawn.with_swaps(&draw.edits);
    let mut by_id: HashMap<i64, Participant> = due.into_iter().map(|p| (p.id, p)).collect();
    let mut take = |id: i64| {
        by_id
            .remove(&id)
            .ok_or_else(|| anyhow::anyhow!("the pairing named someone not due"))
    };
    let groups = sent
        .groups
        .iter()
        .map(|g| {
            g.iter()
                .map(|&id| take(id))
                .collect::<anyhow::Result<Vec<_>>>()
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let sat_out = sent.sat_out.map(&mut take).transpose()?;
    let left_out = sent
        .left_out
        .iter()
        .map(|&id| take(id))
        .collect::<anyhow::Result<Vec<_>>>()?;
    if !left_out.is_empty() {
        tracing::info!(
            left_out = left_out.len(),
            "people left out: every group for them would break a never-pair rule"
        );
    }
    Ok(RoundPlan {
        seed,
        groups,
        sat_out,
        left_out,
        stats: draw.inputs.stats(&sent),
        draw,
    })
}

/// A fresh random seed for a round.
pub fn new_seed() -> u64 {
    rand::rng().random()
}

/// Runs a round: in one IMMEDIATE transaction (a big one: see
/// `db::big_transaction`), checks it is not a repeat,
/// pairs everyone due, stores the round and its groups, and queues every
/// introduction. Two triggers at once make one round.
#[tracing::instrument(name = "run_round", skip(conn, composer), fields(key = %options.key))]
pub fn run(
    conn: &mut Conn,
    composer: &Composer,
    options: &RoundOptions,
    now: NaiveDateTime,
) -> anyhow::Result<RoundOutcome> {
    crate::db::big_transaction(conn, |conn| {
        if let Some(existing) = rounds::find_by_key(conn, &options.key)? {
            return Ok(RoundOutcome::AlreadyRan(existing));
        }
        if options.trigger == Trigger::Manual && !options.force {
            if let Some(last) = too_soon(conn, now)? {
                return Ok(RoundOutcome::TooSoon { last });
            }
        }
        let paused = pause_ghosts(conn, composer, now, options.followup_after_days)?;
        let plan = plan(
            conn,
            now,
            options.include_all,
            options.grouping(),
            &paused,
            new_seed(),
        )?;
        if plan.groups.is_empty() {
            return Ok(RoundOutcome::NotEnoughPeople {
                due: plan.stats.people_due,
            });
        }
        let round = store(conn, composer, options, &plan, now)?;
        tracing::info!(
            round_id = round.id,
            people_due = plan.stats.people_due,
            groups = plan.stats.groups,
            forced_repeats = plan.stats.forced_repeats,
            "round stored and introductions queued"
        );
        Ok(RoundOutcome::Ran {
            round,
            plan: Box::new(plan),
        })
    })
}

/// The last round, if it ran less than
/// [`MIN_MINUTES_BETWEEN_MANUAL_ROUNDS`] ago: a manual round now is
/// almost always a double click or a repeated command.
pub fn too_soon(conn: &mut Conn, now: NaiveDateTime) -> anyhow::Result<Option<Round>> {
    Ok(rounds::latest(conn)?.filter(|last| {
        now - last.started_at < chrono::Duration::minutes(MIN_MINUTES_BETWEEN_MANUAL_ROUNDS)
    }))
}

/// Pauses everyone who went silent and tells them how to come back; returns
/// who they are.
pub(crate) fn pause_ghosts(
    conn: &mut Conn,
    composer: &Composer,
    now: NaiveDateTime,
    after_days: u32,
) -> anyhow::Result<Vec<i64>> {
    let ghosts = ghosts(conn, now, after_days)?;
    for &id in &ghosts {
        participants::pause(conn, id, None, now)?;
        let person = participants::find(conn, id)?
            .ok_or_else(|| anyhow::anyhow!("a paused participant vanished"))?;
        let token = tokens::issue(conn, id, TokenPurpose::Manage, now)?;
        outbox::enqueue(conn, &composer.paused_for_silence(&person, &token)?, now)?;
        tracing::info!(participant_id = id, "paused after three silent rounds");
    }
    Ok(ghosts)
}

pub(crate) fn store(
    conn: &mut Conn,
    composer: &Composer,
    options: &RoundOptions,
    plan: &RoundPlan,
    now: NaiveDateTime,
) -> anyhow::Result<Round> {
    let ids: Vec<Vec<i64>> = plan
        .groups
        .iter()
        .map(|g| g.iter().map(|p| p.id).collect())
        .collect();
    let round_id = rounds::insert_with_arms(
        conn,
        &NewRound {
            round_key: &options.key,
            trigger: options.trigger,
            seed: plan.seed,
            include_all: options.include_all,
            odd_one_out: engine_odd_one_out(options.odd_one_out),
            started_at: now,
            stats: &plan.stats,
            sat_out: plan.sat_out.as_ref().map(|p| p.id),
        },
        &ids,
        // Swaps move people, never groups: each group keeps its drawn arm.
        &plan.draw.drawn.arms,
    )?;
    rounds::inputs::store(conn, round_id, &plan.draw)?;
    queue_introductions(conn, composer, &plan.groups, round_id, now)?;
    if let Some(person) = &plan.sat_out {
        let manage = tokens::issue(conn, person.id, TokenPurpose::Manage, now)?;
        outbox::enqueue(conn, &composer.sat_out(person, &manage)?, now)?;
    }
    rounds::find(conn, round_id)?.ok_or_else(|| anyhow::anyhow!("a stored round vanished"))
}

/// One introduction per member, naming the others in their group, queued
/// as a draft: the worker writes each with the member's own links just
/// before sending it (see `email::intro::IntroDraft`).
fn queue_introductions(
    conn: &mut Conn,
    composer: &Composer,
    groups: &[Vec<Participant>],
    round_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let rooms = meetings::rooms_of_round(conn, round_id)?;
    let mut drafts = Vec::with_capacity(groups.iter().map(Vec::len).sum());
    for (index, group) in groups.iter().enumerate() {
        // Group `index` of the plan is the round's group number `index + 1`.
        let number = i32::try_from(index + 1)?;
        let room = rooms.get(&number).cloned().flatten();
        for member in group {
            let intro = Intro {
                member,
                partners: group
                    .iter()
                    .filter(|p| p.id != member.id)
                    .map(PartnerCard::from)
                    .collect(),
                round_id,
                occasion: Occasion::Round,
                room: room.as_deref(),
            };
            drafts.push(composer.intro_draft(&intro, number)?);
        }
    }
    outbox::enqueue_all(conn, &drafts, now)
}
