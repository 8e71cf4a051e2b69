//! The nudge: `followup.nudge_days` after an introduction, each member of a
//! group that has neither arranged a time nor answered the follow-up gets
//! one email of kind `nudge`, "Have you found a time?", with their own links
//! to say "we've arranged a time" or "my partner hasn't replied".
//!
//! A group is nudged at most once: the meeting's `nudged_at` is set in the
//! same transaction as the emails are queued.

use chrono::{Duration, NaiveDateTime};

use crate::db::followups::in_group::{self, PresentMember};
use crate::db::meetings::{self, Meeting};
use crate::db::participants::Status;
use crate::db::{outbox, tokens, Conn};
use crate::domain::TokenPurpose;
use crate::email::nudge::Nudge;
use crate::email::Composer;

/// A group more than this many days past its nudge day is not nudged: the
/// service was not running then, or the group predates nudges (rounds
/// stored before the `meetings` table were given a meeting row when it came).
/// A nudge weeks after the introduction would only confuse.
pub const LATE_NUDGE_DAYS: i64 = 7;

/// Queues the nudges due at `now`; returns the number of emails.
pub fn queue_nudges(
    conn: &mut Conn,
    composer: &Composer,
    now: NaiveDateTime,
    nudge_days: u32,
) -> anyhow::Result<usize> {
    let latest = now - Duration::days(i64::from(nudge_days));
    let earliest = latest - Duration::days(LATE_NUDGE_DAYS);
    let mut sent = 0;
    for meeting in meetings::awaiting_nudge(conn, earliest, latest)? {
        sent += nudge_group(conn, composer, &meeting, now)?;
    }
    Ok(sent)
}

/// Nudges one group, if it still needs it; returns the number of emails.
fn nudge_group(
    conn: &mut Conn,
    composer: &Composer,
    meeting: &Meeting,
    now: NaiveDateTime,
) -> anyhow::Result<usize> {
    let members = in_group::members_in_group(conn, meeting.round_id, meeting.group_number)?;
    // An answer says how it went: nothing left to nudge about.
    if members.iter().any(|m| m.answered) {
        return Ok(0);
    }
    // People who left UnMentoring have no details to share.
    let people: Vec<&PresentMember> = members
        .iter()
        .filter(|m| m.person.status != Status::Left)
        .collect();
    let recipients: Vec<&PresentMember> = people
        .iter()
        .copied()
        .filter(|m| matches!(m.person.status, Status::Active | Status::Paused))
        .collect();
    if people.len() < 2 || recipients.is_empty() {
        return Ok(0);
    }
    if !meetings::mark_nudged(conn, meeting.id, now)? {
        return Ok(0);
    }
    let holders: Vec<(i64, i64)> = recipients
        .iter()
        .map(|m| (m.person.id, m.member_id))
        .collect();
    let ids: Vec<i64> = recipients.iter().map(|m| m.person.id).collect();
    let followups = tokens::issue_followups(conn, &holders, now)?;
    let manages = tokens::issue_many(conn, &ids, TokenPurpose::Manage, now)?;
    let mut emails = Vec::with_capacity(recipients.len());
    for ((member, followup), manage) in recipients.iter().zip(&followups).zip(&manages) {
        let partners: Vec<_> = people
            .iter()
            .filter(|other| other.member_id != member.member_id)
            .map(|other| other.person.clone())
            .collect();
        emails.push(composer.nudge(&Nudge {
            member: &member.person,
            partners: &partners,
            introduced_at: meeting.created_at,
            followup,
            manage,
            round_id: meeting.round_id,
        })?);
    }
    outbox::enqueue_all(conn, &emails, now)?;
    Ok(emails.len())
}
