//! Approve the draw, then send exactly it. A preview stores a draft (the
//! seed, who was due, what the engine drew); an organiser may swap two
//! people between groups; sending stores and emails exactly those groups,
//! unless who is due has changed since or the draft is over a day old.
//! `replay` draws a round again from its stored seed and inputs, to show
//! that it was random.

use std::collections::HashSet;

use chrono::NaiveDateTime;

use crate::configuration::OddOneOutSetting;
use crate::db::participants::Participant;
use crate::db::round_drafts::{self, Draft};
use crate::db::rounds::inputs::{self, StoredDraw};
use crate::db::rounds::{self, Round};
use crate::db::{participants, Conn};
use crate::domain::{Drawn, Swap};
use crate::email::Composer;
use crate::services::round_runner::{self as runner, Grouping, RoundOptions, RoundPlan, Trigger};

/// Draws the groups for the people due now and stores them as a draft;
/// returns its id and plan. Reads everything else only.
pub fn draw(
    conn: &mut Conn,
    include_all: bool,
    grouping: Grouping,
    after_days: u32,
    created_by: Option<i64>,
    now: NaiveDateTime,
) -> anyhow::Result<(i64, RoundPlan)> {
    let ghosts = runner::ghosts(conn, now, after_days)?;
    let prepared = runner::prepare(conn, now, include_all, grouping, &ghosts)?;
    let seed = runner::new_seed();
    let (drawn, _) = prepared.inputs.draw(seed);
    let id = round_drafts::insert(
        conn,
        seed,
        include_all,
        &prepared.inputs,
        &drawn,
        created_by,
        now,
    )?;
    let draw = StoredDraw {
        inputs: prepared.inputs,
        drawn,
        edits: Vec::new(),
    };
    Ok((id, runner::plan_of(prepared.due, seed, draw)?))
}

/// A stored draft with its plan: the people named as they are now.
pub fn find(conn: &mut Conn, draft_id: i64) -> anyhow::Result<Option<(Draft, RoundPlan)>> {
    let Some(draft) = round_drafts::find(conn, draft_id)? else {
        return Ok(None);
    };
    let mut people = Vec::with_capacity(draft.inputs.candidates.len());
    for &(id, _) in &draft.inputs.candidates {
        people.extend(participants::find(conn, id)?);
    }
    let names = crate::db::organisation_names::names(conn)?;
    for person in &mut people {
        person.organisation = names.shown(&person.organisation);
    }
    let draw = StoredDraw {
        inputs: draft.inputs.clone(),
        drawn: draft.drawn.clone(),
        edits: draft.edits.clone(),
    };
    let plan = runner::plan_of(people, draft.seed, draw)?;
    Ok(Some((draft, plan)))
}

/// Why two people could not be swapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwapRefused {
    Missing,
    Sent,
    /// Not both in groups, or in the same group.
    NotInTwoGroups,
    /// The swap would put two people under a never-pair rule together.
    NeverPair,
}

/// Swaps two people of an unsent draft between their groups, recording who did it.
pub fn swap(
    conn: &mut Conn,
    draft_id: i64,
    first: i64,
    second: i64,
    by: Option<i64>,
    now: NaiveDateTime,
) -> anyhow::Result<Result<(), SwapRefused>> {
    let Some(mut draft) = round_drafts::find(conn, draft_id)? else {
        return Ok(Err(SwapRefused::Missing));
    };
    if draft.round_id.is_some() {
        return Ok(Err(SwapRefused::Sent));
    }
    let mut groups = draft.groups();
    if !groups.swap(first, second) {
        return Ok(Err(SwapRefused::NotInTwoGroups));
    }
    if breaks_a_rule(&draft, &groups) {
        return Ok(Err(SwapRefused::NeverPair));
    }
    draft.edits.push(Swap {
        first,
        second,
        by,
        at: now,
    });
    round_drafts::set_edits(conn, draft_id, &draft.edits)?;
    Ok(Ok(()))
}

fn breaks_a_rule(draft: &Draft, groups: &Drawn) -> bool {
    groups.groups.iter().any(|g| {
        g.iter()
            .enumerate()
            .any(|(i, &a)| g[i + 1..].iter().any(|&b| draft.inputs.is_never_pair(a, b)))
    })
}

/// What sending a draft did.
#[derive(Debug)]
pub enum Sent {
    Ran(Round),
    /// Sent before: its round.
    AlreadySent(i64),
    Missing,
    Expired,
    /// Who is due changed since the draft was drawn.
    Changed {
        joined: Vec<Participant>,
        gone: Vec<Participant>,
    },
    TooSoon(Round),
}

/// Stores and emails exactly the draft's groups (see the module's notes).
#[tracing::instrument(name = "send_draft", skip(conn, composer))]
pub fn send(
    conn: &mut Conn,
    composer: &Composer,
    draft_id: i64,
    options: &RoundOptions,
    now: NaiveDateTime,
) -> anyhow::Result<Sent> {
    crate::db::big_transaction(conn, |conn| {
        let Some(draft) = round_drafts::find(conn, draft_id)? else {
            return Ok(Sent::Missing);
        };
        if let Some(round_id) = draft.round_id {
            return Ok(Sent::AlreadySent(round_id));
        }
        if now >= draft.expires_at {
            return Ok(Sent::Expired);
        }
        if !options.force {
            if let Some(last) = runner::too_soon(conn, now)? {
                return Ok(Sent::TooSoon(last));
            }
        }
        let ghosts = runner::ghosts(conn, now, options.followup_after_days)?;
        let prepared = runner::prepare(
            conn,
            now,
            draft.include_all,
            Grouping {
                group_size: draft.inputs.group_size,
                ..options.grouping()
            },
            &ghosts,
        )?;
        if let Some((joined, gone)) = changes(conn, &draft, &prepared.due)? {
            return Ok(Sent::Changed { joined, gone });
        }
        runner::pause_ghosts(conn, composer, now, options.followup_after_days)?;
        let options = RoundOptions {
            include_all: draft.include_all,
            group_size: draft.inputs.group_size,
            ..options.clone()
        };
        let draw = StoredDraw {
            inputs: draft.inputs.clone(),
            drawn: draft.drawn.clone(),
            edits: draft.edits.clone(),
        };
        let plan = runner::plan_of(prepared.due, draft.seed, draw)?;
        let round = runner::store(conn, composer, &options, &plan, now)?;
        round_drafts::mark_sent(conn, draft_id, round.id)?;
        tracing::info!(round_id = round.id, draft_id, "a draft was sent");
        Ok(Sent::Ran(round))
    })
}

/// Who joined and who went since the draft was drawn, if anyone did.
fn changes(
    conn: &mut Conn,
    draft: &Draft,
    due: &[Participant],
) -> anyhow::Result<Option<(Vec<Participant>, Vec<Participant>)>> {
    let then: HashSet<i64> = draft.inputs.candidates.iter().map(|c| c.0).collect();
    let now: HashSet<i64> = due.iter().map(|p| p.id).collect();
    if then == now {
        return Ok(None);
    }
    let joined = due
        .iter()
        .filter(|p| !then.contains(&p.id))
        .cloned()
        .collect();
    // Those who went are named as they are now (someone who left has no name).
    let mut gone = Vec::new();
    for &(id, _) in &draft.inputs.candidates {
        if !now.contains(&id) {
            gone.extend(participants::find(conn, id)?);
        }
    }
    Ok(Some((joined, gone)))
}

/// A round drawn again from its stored seed and inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// The draw is the same as the one stored; `edits` were made by hand
    /// before sending (none for most rounds).
    Identical {
        edits: Vec<Swap>,
    },
    /// The draw differs from the one stored.
    Different {
        stored: Drawn,
        again: Drawn,
    },
    /// The round is from before draws were kept.
    NotKept,
    Missing,
}

pub fn replay(conn: &mut Conn, round_id: i64) -> anyhow::Result<Replay> {
    let Some(round) = rounds::find(conn, round_id)? else {
        return Ok(Replay::Missing);
    };
    let Some(stored) = inputs::find(conn, round_id)? else {
        return Ok(Replay::NotKept);
    };
    let seed = u64::from_ne_bytes(round.seed.to_ne_bytes());
    let (again, _) = stored.inputs.draw(seed);
    Ok(if again == stored.drawn {
        Replay::Identical {
            edits: stored.edits,
        }
    } else {
        Replay::Different {
            stored: stored.drawn,
            again,
        }
    })
}

/// Options for sending a draft by hand.
pub fn manual_options(
    draft_id: i64,
    force: bool,
    odd_one_out: OddOneOutSetting,
    followup_after_days: u32,
) -> RoundOptions {
    RoundOptions {
        key: format!("draft:{draft_id}"),
        trigger: Trigger::Manual,
        include_all: false,
        force,
        odd_one_out,
        // A draft keeps the size and share it was drawn with.
        group_size: 2,
        matched_share: 0.0,
        followup_after_days,
    }
}
