//! Follow-up answers and shared links, one per member of a group, and what
//! may be shown of them in public (`published`).

pub mod in_group;
pub mod of_person;
pub mod published;

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::outbox::forget::Traces;
use super::participants::{Participant, Status};
use super::schema::{followup_answers, group_members, participants, rounds, shared_links};
use super::Conn;
use crate::domain::{Met, NoReason, ValidFollowup};

/// One member of one group, with the round it belongs to.
#[derive(Debug, Clone)]
pub struct Membership {
    pub member_id: i64,
    pub round_id: i64,
    pub round_started_at: NaiveDateTime,
    pub person: Participant,
    pub partners: Vec<Participant>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = followup_answers)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Answer {
    pub met: Met,
    pub no_reason: Option<NoReason>,
    pub note: Option<String>,
    pub publish: bool,
    pub challenged: Option<i32>,
    pub would_repeat: Option<bool>,
    pub new_connection: Option<bool>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct SharedLink {
    pub id: i64,
    pub url: String,
}

pub fn membership(conn: &mut Conn, member_id: i64) -> anyhow::Result<Option<Membership>> {
    let found: Option<(i64, i32, NaiveDateTime, Participant)> = group_members::table
        .inner_join(rounds::table)
        .inner_join(participants::table)
        .filter(group_members::id.eq(member_id))
        .select((
            group_members::round_id,
            group_members::group_number,
            rounds::started_at,
            Participant::as_select(),
        ))
        .first(conn)
        .optional()
        .context("could not read a group member")?;
    let Some((round_id, group_number, round_started_at, person)) = found else {
        return Ok(None);
    };
    let partners = group_members::table
        .inner_join(participants::table)
        .filter(group_members::round_id.eq(round_id))
        .filter(group_members::group_number.eq(group_number))
        .filter(group_members::id.ne(member_id))
        // Someone who left the group (declined, bounced) is no partner now.
        .filter(group_members::left_at.is_null())
        .select(Participant::as_select())
        .load(conn)
        .context("could not read a group")?;
    Ok(Some(Membership {
        member_id,
        round_id,
        round_started_at,
        person,
        partners,
    }))
}

pub fn answer(conn: &mut Conn, member_id: i64) -> anyhow::Result<Option<Answer>> {
    followup_answers::table
        .find(member_id)
        .select(Answer::as_select())
        .first(conn)
        .optional()
        .context("could not read a follow-up answer")
}

pub fn links(conn: &mut Conn, member_id: i64) -> anyhow::Result<Vec<SharedLink>> {
    shared_links::table
        .filter(shared_links::group_member_id.eq(member_id))
        .order(shared_links::id)
        .select((shared_links::id, shared_links::url))
        .load(conn)
        .context("could not read shared links")
}

/// When the member said they met, if their stored answer says so.
fn met_since(conn: &mut Conn, member_id: i64) -> anyhow::Result<Option<NaiveDateTime>> {
    Ok(followup_answers::table
        .find(member_id)
        .select(followup_answers::met_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()
        .context("could not read a follow-up answer")?
        .flatten())
}

/// Records an answer (`met_at` is when they first said they met, kept while
/// the answer stays "yes"). Fields the form left out keep their stored values; new
/// links are added; links are removed only when asked, and only this member's.
pub fn save(
    conn: &mut Conn,
    member_id: i64,
    answer: &ValidFollowup,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let before = self::answer(conn, member_id)?;
    let note = match &answer.note {
        Some(note) => note.clone(),
        None => before.as_ref().and_then(|b| b.note.clone()),
    };
    let publish = answer
        .publish
        .unwrap_or_else(|| before.as_ref().is_some_and(|b| b.publish));
    let challenged = match answer.challenged {
        Some(c) => c.map(i32::from),
        None => before.as_ref().and_then(|b| b.challenged),
    };
    let would_repeat = match answer.would_repeat {
        Some(w) => w,
        None => before.as_ref().and_then(|b| b.would_repeat),
    };
    let new_connection = match answer.new_connection {
        Some(n) => n,
        None => before.as_ref().and_then(|b| b.new_connection),
    };
    let met_at = match answer.met {
        Met::Yes => Some(met_since(conn, member_id)?.unwrap_or(now)),
        _ => None,
    };
    let values = (
        followup_answers::met_at.eq(met_at),
        followup_answers::met.eq(answer.met),
        followup_answers::no_reason.eq(answer.no_reason),
        followup_answers::note.eq(note),
        followup_answers::publish.eq(publish),
        followup_answers::challenged.eq(challenged),
        followup_answers::would_repeat.eq(would_repeat),
        followup_answers::new_connection.eq(new_connection),
        followup_answers::updated_at.eq(now),
    );
    let upsert = diesel::insert_into(followup_answers::table)
        .values((
            followup_answers::group_member_id.eq(member_id),
            followup_answers::answered_at.eq(now),
            values.clone(),
        ))
        .on_conflict(followup_answers::group_member_id)
        .do_update()
        .set(values);
    crate::db::per_engine!(conn, c => upsert.execute(c))
        .context("could not store a follow-up answer")?;
    diesel::delete(
        shared_links::table
            .filter(shared_links::group_member_id.eq(member_id))
            .filter(shared_links::id.eq_any(&answer.remove)),
    )
    .execute(conn)
    .context("could not remove shared links")?;
    for url in &answer.urls {
        let link = diesel::insert_into(shared_links::table)
            .values((
                shared_links::group_member_id.eq(member_id),
                shared_links::url.eq(url.as_str()),
                shared_links::created_at.eq(now),
            ))
            .on_conflict_do_nothing();
        crate::db::per_engine!(conn, c => link.execute(c))
            .context("could not store a shared link")?;
    }
    Ok(())
}

/// Members of rounds that started before `cutoff` who have not answered and
/// have not been reminded, and are still taking part and still in their
/// group: (member id, person). A person in several such rounds is listed
/// once for each, in a row (ordered by person).
pub fn due_reminders(
    conn: &mut Conn,
    cutoff: NaiveDateTime,
) -> anyhow::Result<Vec<(i64, Participant)>> {
    group_members::table
        .inner_join(rounds::table)
        .inner_join(participants::table)
        .left_join(followup_answers::table)
        .filter(rounds::started_at.le(cutoff))
        .filter(group_members::reminded_at.is_null())
        .filter(group_members::left_at.is_null())
        .filter(followup_answers::group_member_id.is_null())
        .filter(participants::status.eq_any([Status::Active, Status::Paused]))
        .order((
            group_members::participant_id,
            rounds::started_at,
            group_members::id,
        ))
        .select((group_members::id, Participant::as_select()))
        .load(conn)
        .context("could not find who needs a reminder")
}

pub fn mark_reminded(
    conn: &mut Conn,
    member_ids: &[i64],
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    for chunk in member_ids.chunks(5000) {
        diesel::update(group_members::table.filter(group_members::id.eq_any(chunk)))
            .set(group_members::reminded_at.eq(now))
            .execute(conn)
            .context("could not record reminders")?;
    }
    Ok(())
}

/// For each person taking part: their rounds since they last resumed (all
/// of them if they never paused), newest first, as (round start, answered?).
/// The ghost rule reads this. A membership the person left (they declined,
/// or reported a silent partner and went to the rematch pool) is not theirs
/// to answer, so it does not count; a rematched member counts in their new
/// group, where their row moved.
pub fn answer_history(conn: &mut Conn) -> anyhow::Result<Vec<(i64, NaiveDateTime, bool)>> {
    type Row = (i64, NaiveDateTime, Option<i64>, Option<NaiveDateTime>);
    let rows: Vec<Row> = group_members::table
        .inner_join(rounds::table)
        .inner_join(participants::table)
        .left_join(followup_answers::table)
        .filter(participants::status.eq(Status::Active))
        // A membership someone left (declined, or waited for a rematch) had
        // no conversation to answer for: it never counts as silence.
        .filter(group_members::left_at.is_null())
        .order((group_members::participant_id, rounds::started_at.desc()))
        .select((
            group_members::participant_id,
            rounds::started_at,
            followup_answers::group_member_id.nullable(),
            participants::resumed_at,
        ))
        .load(conn)
        .context("could not read answer history")?;
    Ok(rows
        .into_iter()
        .filter(|(_, started, _, resumed)| resumed.is_none_or(|at| *started > at))
        .map(|(p, t, a, _)| (p, t, a.is_some()))
        .collect())
}

/// Takes a person who left out of other people's notes: a note that names
/// them keeps its words with their name (address, number) replaced, unless
/// its writer published it. Returns how many notes changed.
pub fn forget_in_others_notes(
    conn: &mut Conn,
    participant_id: i64,
    who: &Traces<'_>,
) -> anyhow::Result<usize> {
    use crate::db::outbox::forget::{containing, replace_whole};
    let traces = [who.name, who.address]
        .into_iter()
        .chain(who.others.iter().copied());
    let others = group_members::table
        .filter(group_members::participant_id.ne(participant_id))
        .select(group_members::id);
    let mut changed = 0;
    for trace in traces.filter(|t| !t.is_empty()) {
        let naming: Vec<(i64, Option<String>)> = followup_answers::table
            .filter(followup_answers::group_member_id.eq_any(others))
            .filter(followup_answers::publish.eq(false))
            .filter(followup_answers::note.like(containing(trace)).escape('\\'))
            .select((followup_answers::group_member_id, followup_answers::note))
            .load(conn)
            .context("could not find notes naming someone who left")?;
        for (member, note) in naming {
            let Some(note) = note else { continue };
            let scrubbed = replace_whole(&note, trace);
            if scrubbed == note {
                continue;
            }
            diesel::update(followup_answers::table.find(member))
                .set(followup_answers::note.eq(scrubbed))
                .execute(conn)
                .context("could not take someone who left out of a note")?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Removes what a person shared (it carries their name) when they leave; the
/// anonymous answers (met or not, the 1-5 score) stay for the counts.
pub fn erase_for(conn: &mut Conn, participant_id: i64) -> anyhow::Result<()> {
    let members = group_members::table
        .filter(group_members::participant_id.eq(participant_id))
        .select(group_members::id);
    diesel::delete(shared_links::table.filter(shared_links::group_member_id.eq_any(members)))
        .execute(conn)
        .context("could not delete shared links")?;
    diesel::update(
        followup_answers::table.filter(followup_answers::group_member_id.eq_any(members)),
    )
    .set((
        followup_answers::note.eq(None::<String>),
        followup_answers::publish.eq(false),
    ))
    .execute(conn)
    .context("could not erase follow-up notes")?;
    Ok(())
}

/// When the round of a group member started.
pub fn round_start_of(conn: &mut Conn, member_id: i64) -> anyhow::Result<NaiveDateTime> {
    group_members::table
        .inner_join(rounds::table)
        .filter(group_members::id.eq(member_id))
        .select(rounds::started_at)
        .first(conn)
        .context("could not read a member's round")
}

/// One follow-up answer with one of its links (or none).
#[derive(Debug, Clone, Queryable)]
pub struct OutputRecord {
    pub round_id: i64,
    pub round_started_at: NaiveDateTime,
    pub name: String,
    pub organisation: String,
    pub met: Met,
    pub note: Option<String>,
    pub publish: bool,
    pub challenged: Option<i32>,
    pub would_repeat: Option<bool>,
    pub new_connection: Option<bool>,
    pub url: Option<String>,
    pub shared_at: Option<NaiveDateTime>,
}

/// Every follow-up answer joined with its links: one row per link, or one
/// row without a link for answers that shared none. Oldest round first.
pub fn all_outputs(conn: &mut Conn) -> anyhow::Result<Vec<OutputRecord>> {
    followup_answers::table
        .inner_join(
            group_members::table
                .inner_join(participants::table)
                .inner_join(rounds::table)
                .left_join(shared_links::table),
        )
        .order((
            group_members::round_id,
            group_members::group_number,
            group_members::id,
            shared_links::id,
        ))
        .select((
            group_members::round_id,
            rounds::started_at,
            participants::name,
            participants::organisation,
            followup_answers::met,
            followup_answers::note,
            followup_answers::publish,
            followup_answers::challenged,
            followup_answers::would_repeat,
            followup_answers::new_connection,
            shared_links::url.nullable(),
            shared_links::created_at.nullable(),
        ))
        .load(conn)
        .context("could not read follow-up answers")
}
