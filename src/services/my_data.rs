//! "Download my data": everything stored about one person, as JSON. What
//! they gave us, their cadence and pauses, the rounds they were in with
//! their partners' names, their follow-up answers and shared links, and
//! every email we sent them (its kind and when, never its body).

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::db::followups::of_person;
use crate::db::{bounces, outbox, participants, rounds, Conn};
use crate::domain::Availability;

#[derive(Serialize)]
pub struct MyData {
    pub exported_at: String,
    pub details: Details,
    pub rounds: Vec<RoundTakenPart>,
    pub emails: Vec<EmailSent>,
    pub bounces: Vec<BounceRecord>,
}

#[derive(Serialize)]
pub struct Details {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub organisation: String,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
    /// Slot codes such as "mon_am".
    pub usually_free: Vec<String>,
    pub cadence: &'static str,
    pub status: &'static str,
    pub paused_until: Option<String>,
    pub how_you_joined: &'static str,
    pub signed_up_at: String,
    pub confirmed_at: Option<String>,
    pub last_round_at: Option<String>,
}

#[derive(Serialize)]
pub struct RoundTakenPart {
    pub round_id: i64,
    pub started_at: String,
    pub partners: Vec<String>,
    pub answer: Option<FollowupAnswer>,
    pub shared_links: Vec<SharedLink>,
}

#[derive(Serialize)]
pub struct FollowupAnswer {
    pub met: &'static str,
    pub why_not: Option<&'static str>,
    pub note: Option<String>,
    pub publish: bool,
    /// 1 to 5: how much the conversation challenged their thinking.
    pub challenged: Option<i32>,
    /// Would they like another conversation like this?
    pub would_repeat: Option<bool>,
    /// Is this someone they would contact again about work?
    pub new_connection: Option<bool>,
    pub answered_at: String,
}

#[derive(Serialize)]
pub struct SharedLink {
    pub url: String,
    pub shared_at: String,
}

#[derive(Serialize)]
pub struct EmailSent {
    pub kind: &'static str,
    pub status: &'static str,
    pub queued_at: String,
    pub sent_at: Option<String>,
}

#[derive(Serialize)]
pub struct BounceRecord {
    pub bounced_at: String,
    pub source: &'static str,
    pub detail: String,
}

/// Times as stored: UTC, in RFC 3339.
fn utc(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339()
}

/// Everything about `participant_id`; `None` if there is no such person.
pub fn collect(
    conn: &mut Conn,
    participant_id: i64,
    now: NaiveDateTime,
) -> anyhow::Result<Option<MyData>> {
    let Some(person) = participants::find_person(conn, participant_id)? else {
        return Ok(None);
    };
    let p = &person.participant;
    let details = Details {
        name: p.name.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
        organisation: p.organisation.clone(),
        google_id: p.google_id.clone(),
        skype: p.skype.clone(),
        topics: p.topics.clone(),
        usually_free: Availability::from_stored(p.availability.as_deref()).codes(),
        cadence: p.cadence.as_str(),
        status: p.status.as_str(),
        paused_until: p.paused_until.map(|d| d.to_string()),
        how_you_joined: person.source.as_str(),
        signed_up_at: utc(p.created_at),
        confirmed_at: p.confirmed_at.map(utc),
        last_round_at: p.last_round_at.map(utc),
    };
    Ok(Some(MyData {
        exported_at: utc(now),
        details,
        rounds: rounds_taken_part(conn, participant_id)?,
        emails: outbox::of_participant(conn, participant_id)?
            .into_iter()
            .map(|e| EmailSent {
                kind: e.kind.as_str(),
                status: e.status.as_str(),
                queued_at: utc(e.created_at),
                sent_at: e.sent_at.map(utc),
            })
            .collect(),
        bounces: bounces::of_participant(conn, participant_id)?
            .into_iter()
            .map(|(b, _)| BounceRecord {
                bounced_at: utc(b.bounced_at),
                source: b.source.as_str(),
                detail: b.detail,
            })
            .collect(),
    }))
}

/// The rounds the person was in, newest first, with their answers and links.
fn rounds_taken_part(conn: &mut Conn, participant_id: i64) -> anyhow::Result<Vec<RoundTakenPart>> {
    let mut answers = of_person::answers_of(conn, participant_id)?;
    let links = of_person::links_of(conn, participant_id)?;
    Ok(rounds::rounds_of(conn, participant_id)?
        .into_iter()
        .map(|entry| RoundTakenPart {
            round_id: entry.round_id,
            started_at: utc(entry.started_at),
            partners: entry.partners.into_iter().map(|p| p.name).collect(),
            answer: answers.remove(&entry.round_id).map(|a| FollowupAnswer {
                met: a.met.as_str(),
                why_not: a.no_reason.map(|r| r.as_str()),
                note: a.note,
                publish: a.publish,
                challenged: a.challenged,
                would_repeat: a.would_repeat,
                new_connection: a.new_connection,
                answered_at: utc(a.updated_at),
            }),
            shared_links: links
                .iter()
                .filter(|(round, _, _)| *round == entry.round_id)
                .map(|(_, url, at)| SharedLink {
                    url: url.clone(),
                    shared_at: utc(*at),
                })
                .collect(),
        })
        .collect())
}
