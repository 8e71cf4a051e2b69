//! One row per group of a round (`meetings`): the room for its video link,
//! the time its members arranged, and whether it was nudged.

use anyhow::Context;
use chrono::NaiveDateTime;
use diesel::dsl::max;
use diesel::prelude::*;

use super::participants::{Participant, Status};
use super::schema::{group_members, meetings, participants};
use super::Conn;
use crate::domain::experiment::Arm;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = meetings)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Meeting {
    pub id: i64,
    pub round_id: i64,
    pub group_number: i32,
    /// The random room name for `meetings.video_link`.
    pub room: Option<String>,
    pub arranged_at: Option<NaiveDateTime>,
    /// The group member who said so.
    pub arranged_by: Option<i64>,
    /// The agreed time, in UTC.
    pub starts_at: Option<NaiveDateTime>,
    /// The calendar invitation's SEQUENCE.
    pub sequence: i32,
    pub nudged_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A random, unguessable room name: 128 bits from a CSPRNG seeded by the
/// operating system, in lowercase hex, so it fits any video service's URL.
pub fn new_room() -> String {
    use rand::RngExt;
    format!("{:032x}", rand::rng().random::<u128>())
}

/// Makes the meeting row of each new group (`group_numbers`) of a round,
/// each in the random arm (the column's default): rematches, and every
/// group when no experiment runs.
pub fn create(
    conn: &mut Conn,
    round_id: i64,
    group_numbers: &[i32],
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    create_with_arms(conn, round_id, group_numbers, &[], now)
}

/// [`create`], recording each group's arm of the experiment: `arms[i]` is
/// the arm of `group_numbers[i]`, random where `arms` is shorter.
pub fn create_with_arms(
    conn: &mut Conn,
    round_id: i64,
    group_numbers: &[i32],
    arms: &[Arm],
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let rows: Vec<_> = group_numbers
        .iter()
        .enumerate()
        .map(|(i, &number)| {
            (
                meetings::round_id.eq(round_id),
                meetings::group_number.eq(number),
                meetings::room.eq(Some(new_room())),
                meetings::arm.eq(arms.get(i).copied().unwrap_or_default()),
                meetings::created_at.eq(now),
            )
        })
        .collect();
    for chunk in rows.chunks(5000) {
        let insert = diesel::insert_into(meetings::table).values(chunk);
        crate::db::per_engine!(&mut *conn, c => insert.execute(c))
            .context("could not store a round's meetings")?;
    }
    Ok(())
}

/// The arm of each group of a round that has a meeting row, by group number.
pub fn arms_of_round(conn: &mut Conn, round_id: i64) -> anyhow::Result<Vec<(i32, Arm)>> {
    meetings::table
        .filter(meetings::round_id.eq(round_id))
        .order(meetings::group_number)
        .select((meetings::group_number, meetings::arm))
        .load(conn)
        .context("could not read the arms of a round's groups")
}

/// The meeting of one group.
pub fn of_group(
    conn: &mut Conn,
    round_id: i64,
    group_number: i32,
) -> anyhow::Result<Option<Meeting>> {
    meetings::table
        .filter(meetings::round_id.eq(round_id))
        .filter(meetings::group_number.eq(group_number))
        .select(Meeting::as_select())
        .first(conn)
        .optional()
        .context("could not read a group's meeting")
}

/// The room of each group of a round, by group number.
pub fn rooms_of_round(
    conn: &mut Conn,
    round_id: i64,
) -> anyhow::Result<std::collections::HashMap<i32, Option<String>>> {
    let rows: Vec<(i32, Option<String>)> = meetings::table
        .filter(meetings::round_id.eq(round_id))
        .select((meetings::group_number, meetings::room))
        .load(conn)
        .context("could not read a round's rooms")?;
    Ok(rows.into_iter().collect())
}

/// The meeting of the group a member is in now.
pub fn of_member(conn: &mut Conn, member_id: i64) -> anyhow::Result<Option<Meeting>> {
    let Some((round_id, group_number)) = group_members::table
        .find(member_id)
        .select((group_members::round_id, group_members::group_number))
        .first::<(i64, i32)>(conn)
        .optional()
        .context("could not read a group member")?
    else {
        return Ok(None);
    };
    of_group(conn, round_id, group_number)
}

/// The number a new group in this round gets (a rematch makes one).
pub fn next_group_number(conn: &mut Conn, round_id: i64) -> anyhow::Result<i32> {
    let highest: Option<i32> = meetings::table
        .filter(meetings::round_id.eq(round_id))
        .select(max(meetings::group_number))
        .first(conn)
        .context("could not read a round's groups")?;
    Ok(highest.unwrap_or(0) + 1)
}

/// A member still in a group: not left, and still taking part in UnMentoring.
#[derive(Debug, Clone)]
pub struct Attendee {
    pub member_id: i64,
    pub person: Participant,
}

/// The members still in a meeting's group, in the order they were grouped.
pub fn attendees(conn: &mut Conn, meeting: &Meeting) -> anyhow::Result<Vec<Attendee>> {
    let rows: Vec<(i64, Participant)> = group_members::table
        .inner_join(participants::table)
        .filter(group_members::round_id.eq(meeting.round_id))
        .filter(group_members::group_number.eq(meeting.group_number))
        .filter(group_members::left_at.is_null())
        .filter(participants::status.ne(Status::Left))
        .order(group_members::id)
        .select((group_members::id, Participant::as_select()))
        .load(conn)
        .context("could not read a group's members")?;
    Ok(rows
        .into_iter()
        .map(|(member_id, person)| Attendee { member_id, person })
        .collect())
}

/// When a member left their group, if they did.
pub fn left_at(conn: &mut Conn, member_id: i64) -> anyhow::Result<Option<NaiveDateTime>> {
    Ok(group_members::table
        .find(member_id)
        .select(group_members::left_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()
        .context("could not read a group member")?
        .flatten())
}

/// What saving "we've arranged a time" changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arranged {
    /// No new time: nothing to send (none given, or the same one again).
    NoNewTime,
    /// A first or changed time: send the invitation with this SEQUENCE.
    NewTime { sequence: i32 },
}

/// Marks a meeting arranged by `member_id` (the first to say so is kept, as
/// is when). A time (`starts_at`, UTC) different from the stored one is
/// stored; a change of an earlier time raises the SEQUENCE. Saving without a
/// time keeps any time given before.
pub fn arrange(
    conn: &mut Conn,
    meeting: &Meeting,
    member_id: i64,
    starts_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> anyhow::Result<Arranged> {
    diesel::update(
        meetings::table
            .find(meeting.id)
            .filter(meetings::arranged_at.is_null()),
    )
    .set((
        meetings::arranged_at.eq(now),
        meetings::arranged_by.eq(member_id),
    ))
    .execute(conn)
    .context("could not mark a meeting arranged")?;
    let Some(at) = starts_at.filter(|at| meeting.starts_at != Some(*at)) else {
        return Ok(Arranged::NoNewTime);
    };
    let sequence = if meeting.starts_at.is_some() {
        meeting.sequence + 1
    } else {
        meeting.sequence
    };
    diesel::update(meetings::table.find(meeting.id))
        .set((meetings::starts_at.eq(at), meetings::sequence.eq(sequence)))
        .execute(conn)
        .context("could not store a meeting's time")?;
    Ok(Arranged::NewTime { sequence })
}

/// Records that a member said their group has arranged a time.
pub fn mark_arranged(
    conn: &mut Conn,
    meeting_id: i64,
    member_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    diesel::update(meetings::table.find(meeting_id))
        .set((
            meetings::arranged_at.eq(now),
            meetings::arranged_by.eq(member_id),
        ))
        .execute(conn)
        .context("could not record that a group arranged a time")?;
    Ok(())
}

/// Groups introduced between `earliest` and `latest` (inclusive) that have
/// neither arranged a time nor been nudged, oldest first.
pub fn awaiting_nudge(
    conn: &mut Conn,
    earliest: NaiveDateTime,
    latest: NaiveDateTime,
) -> anyhow::Result<Vec<Meeting>> {
    meetings::table
        .filter(meetings::created_at.ge(earliest))
        .filter(meetings::created_at.le(latest))
        .filter(meetings::arranged_at.is_null())
        .filter(meetings::nudged_at.is_null())
        .order(meetings::id)
        .select(Meeting::as_select())
        .load(conn)
        .context("could not find groups to nudge")
}

/// Records the nudge. Returns false if the group was nudged already, or has
/// arranged a time since it was read: then nothing may be sent.
pub fn mark_nudged(conn: &mut Conn, meeting_id: i64, now: NaiveDateTime) -> anyhow::Result<bool> {
    let changed = diesel::update(
        meetings::table
            .find(meeting_id)
            .filter(meetings::nudged_at.is_null())
            .filter(meetings::arranged_at.is_null()),
    )
    .set(meetings::nudged_at.eq(now))
    .execute(conn)
    .context("could not record a nudge")?;
    Ok(changed == 1)
}
