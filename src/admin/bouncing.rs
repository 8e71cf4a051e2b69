//! Bounces in the console: the dashboard's "Bouncing" block (how many, and
//! who, each linking to their page) and the bounces on a person's page.

use crate::db::{bounces, Conn};
use crate::domain::{BounceSource, EmailKind, PeopleTime};

/// One person whose email bounces.
pub struct BouncingPerson {
    pub id: i64,
    pub name: String,
    /// When their last bounce was recorded.
    pub since: String,
}

/// The dashboard's block.
pub struct Bouncing {
    pub people: Vec<BouncingPerson>,
}

impl Bouncing {
    pub fn load(conn: &mut Conn, time: PeopleTime) -> anyhow::Result<Self> {
        let people = bounces::bouncing_people(conn)?
            .into_iter()
            .map(|(id, name, last)| BouncingPerson {
                id,
                name,
                since: last.map_or_else(|| "–".to_owned(), |at| time.date(at)),
            })
            .collect();
        Ok(Self { people })
    }
}

/// One bounce, as a person's page lists it.
pub struct BounceRow {
    pub when: String,
    pub what: &'static str,
    pub how: &'static str,
    pub detail: String,
}

/// A person's bounces, newest first.
pub fn of_person(conn: &mut Conn, id: i64, time: PeopleTime) -> anyhow::Result<Vec<BounceRow>> {
    Ok(bounces::of_participant(conn, id)?
        .into_iter()
        .map(|(bounce, kind)| BounceRow {
            when: time.date_and_time(bounce.bounced_at),
            what: kind.map_or("An email", kind_label),
            how: match bounce.source {
                BounceSource::Refused => "Refused by the mail server",
                BounceSource::GaveUp => "Given up after temporary failures",
                BounceSource::Report => "Reported undeliverable afterwards",
            },
            detail: bounce.detail,
        })
        .collect())
}

fn kind_label(kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::Intro => "Introduction",
        EmailKind::Rematch => "Rematch",
        EmailKind::Confirm => "Confirmation link",
        EmailKind::Manage => "Link to their details",
        EmailKind::Followup => "Follow-up reminder",
        EmailKind::SatOut => "Sat out notice",
        EmailKind::Invite => "Calendar invitation",
        EmailKind::Nudge => "Nudge",
        EmailKind::StillInterested => "Do you want to stay?",
        EmailKind::OrganiserInvite => "Organiser invitation",
        EmailKind::Event => "Event group",
        EmailKind::Alert | EmailKind::Test => "An email",
    }
}
