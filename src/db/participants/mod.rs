//! Participants: who they are and how they joined (`signup`), how their
//! state changes (`status`), whether they still take an interest
//! (`activity`), and the organisers' search (`search`).

mod activity;
mod organisations;
mod search;
mod signup;
mod status;

pub use activity::{
    asked_at, inactive_since, mark_asked, record_visit, unanswered_since, visit_due,
    VISIT_EVERY_HOURS,
};
pub use organisations::organisation_spellings;
pub use search::{search, Results, Search, PAGE_SIZE};
pub use signup::{
    confirm, insert_confirmed, insert_imported, insert_pending, note_signup_email,
    set_availability, signup_email_at, update_details,
};
pub use status::{
    change_by_organiser, delete_unconfirmed_before, end_bouncing, erase, mark_bouncing, pause,
    resume, unsubscribe, OrganiserChange, Outcome,
};

use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::Text;

use super::schema::participants;
use super::{AnyConnection, Conn};
use crate::domain::Cadence;

/// Where a person is: stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum Status {
    Pending,
    Active,
    Paused,
    Left,
    /// Email to them bounced: out of rounds until they give an address that works.
    Bouncing,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Self::Pending,
        Self::Active,
        Self::Paused,
        Self::Left,
        Self::Bouncing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Paused => "paused",
            Self::Left => "left",
            Self::Bouncing => "bouncing",
        }
    }
}

/// How a person came to be in the database: stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = Text)]
pub enum Source {
    Signup,
    /// From an organiser's list; they still had to confirm.
    Import,
    /// From an organiser's list whose organiser vouched that they opted in elsewhere.
    ImportConfirmed,
}

impl Source {
    pub const ALL: [Source; 3] = [Self::Signup, Self::Import, Self::ImportConfirmed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Signup => "signup",
            Self::Import => "import",
            Self::ImportConfirmed => "import_confirmed",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participants)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Participant {
    pub id: i64,
    pub status: Status,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub organisation: String,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
    pub cadence: Cadence,
    pub paused_until: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_round_at: Option<NaiveDateTime>,
    /// Space-separated slot codes (see `domain::Availability`), if given.
    pub availability: Option<String>,
    /// Whether their partners see their phone number.
    pub share_phone: bool,
    /// When they used a List-Unsubscribe link, until they resume.
    pub unsubscribed_at: Option<NaiveDateTime>,
}

impl Participant {
    /// Paused today: paused with no end date, or with an end date still to come.
    pub fn is_paused_on(&self, today: NaiveDate) -> bool {
        self.status == Status::Paused && self.paused_until.is_none_or(|until| until > today)
    }

    pub fn email_address(&self) -> anyhow::Result<&str> {
        self.email
            .as_deref()
            .context("this participant has no email address")
    }
}

/// A participant with what only organisers and exports need: how they
/// joined and when they left.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participants)]
#[diesel(check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct Person {
    #[diesel(embed)]
    pub participant: Participant,
    pub source: Source,
    pub left_at: Option<NaiveDateTime>,
}

pub fn find(conn: &mut Conn, id: i64) -> anyhow::Result<Option<Participant>> {
    participants::table
        .find(id)
        .select(Participant::as_select())
        .first(conn)
        .optional()
        .context("could not read a participant")
}

pub fn find_by_email_key(conn: &mut Conn, key: &str) -> anyhow::Result<Option<Participant>> {
    participants::table
        .filter(participants::email_key.eq(key))
        .select(Participant::as_select())
        .first(conn)
        .optional()
        .context("could not look up a participant by email")
}

/// Like [`find_by_email_key`], and on PostgreSQL locks the row until the
/// transaction ends (`FOR UPDATE`), so that two signups for one address take
/// turns even at READ COMMITTED. (A SQLite write holds the file's write lock
/// already.)
pub fn lock_by_email_key(conn: &mut Conn, key: &str) -> anyhow::Result<Option<Participant>> {
    let AnyConnection::Postgres(pg) = conn else {
        return find_by_email_key(conn, key);
    };
    participants::table
        .filter(participants::email_key.eq(key))
        .select(Participant::as_select())
        .for_update()
        .first(pg)
        .optional()
        .context("could not look up a participant by email")
}

/// Everyone who could be in a round: confirmed and not left.
pub fn taking_part(conn: &mut Conn) -> anyhow::Result<Vec<Participant>> {
    participants::table
        .filter(participants::status.eq_any([Status::Active, Status::Paused]))
        .order(participants::id)
        .select(Participant::as_select())
        .load(conn)
        .context("could not load participants")
}

/// Everyone a rematch could not place, who must not sit out the next round.
pub fn first_in_line(conn: &mut Conn) -> anyhow::Result<Vec<i64>> {
    participants::table
        .filter(participants::first_in_line.eq(true))
        .select(participants::id)
        .load(conn)
        .context("could not read who is first in line")
}

/// One person with how they joined and when they left.
pub fn find_person(conn: &mut Conn, id: i64) -> anyhow::Result<Option<Person>> {
    participants::table
        .find(id)
        .select(Person::as_select())
        .first(conn)
        .optional()
        .context("could not read a participant")
}

/// Everyone, in the order they joined.
pub fn everyone(conn: &mut Conn) -> anyhow::Result<Vec<Person>> {
    participants::table
        .order(participants::id)
        .select(Person::as_select())
        .load(conn)
        .context("could not read participants")
}

/// A person's name and organisation (both empty once they have left).
pub fn name_of(conn: &mut Conn, id: i64) -> anyhow::Result<Option<(String, String)>> {
    participants::table
        .find(id)
        .select((participants::name, participants::organisation))
        .first(conn)
        .optional()
        .context("could not read a participant's name")
}

/// How many people are in each state.
pub fn count_by_status(conn: &mut Conn) -> anyhow::Result<Vec<(Status, i64)>> {
    participants::table
        .group_by(participants::status)
        .select((participants::status, diesel::dsl::count_star()))
        .load(conn)
        .context("could not count participants")
}
