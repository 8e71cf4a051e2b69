//! Fixtures: states built through the `db::` functions the app itself uses,
//! so that a test starts from a state the app could reach. Raw SQL is left
//! for the few states the app cannot produce, each with a comment saying so.

use chrono::NaiveDateTime;
use unmentoring::db::participants::{self, Source};
use unmentoring::db::rounds::{self, NewRound};
use unmentoring::db::{self, followups};
use unmentoring::domain::pairing::{OddOneOut, PairingStats};
use unmentoring::domain::{
    Cadence, FollowUpUrl, Met, ParticipantEmail, Trigger, ValidFollowup, ValidProfile,
};

use crate::helpers::TestApp;

/// A checked profile: the details a signup gives, with no Google ID, Skype
/// name or topics.
pub fn profile(name: &str, email: &str, organisation: &str) -> ValidProfile {
    ValidProfile {
        name: name.to_owned(),
        email: Some(ParticipantEmail::parse(email).unwrap()),
        phone: "01632 960 001".to_owned(),
        organisation: organisation.to_owned(),
        google_id: None,
        skype: None,
        topics: None,
        cadence: Cadence::Monthly,
        share_phone: true,
    }
}

/// A follow-up answer saying only `met`; fill in the rest with `..followup(met)`.
pub fn followup(met: Met) -> ValidFollowup {
    ValidFollowup {
        met,
        no_reason: None,
        urls: Vec::new(),
        note: None,
        publish: None,
        challenged: None,
        would_repeat: None,
        new_connection: None,
        remove: Vec::new(),
    }
}

/// A shared link, checked as the follow-up form checks it.
pub fn link(url: &str) -> FollowUpUrl {
    FollowUpUrl::parse(url).unwrap()
}

/// A UTC time written as `2026-11-23 09:00:00`.
pub fn at(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

impl TestApp {
    /// Ann and Bob, taking part and paired in a round; Ann's introduction.
    pub async fn pair_ann_and_bob(&self) -> crate::common::mail::ReceivedEmail {
        self.add_participant("Ann Able", "ann@example.org", "Leeds");
        self.add_participant("Bob Baker", "bob@example.org", "Kent");
        self.run_round_for_everyone().await;
        let intro = self.email_for("ann@example.org", 2).await;
        assert_eq!(intro.kind, "intro");
        intro
    }

    /// The kinds of the emails `address` received, oldest first.
    pub fn kinds_for(&self, address: &str) -> Vec<String> {
        self.smtp
            .received()
            .into_iter()
            .filter(|e| e.is_for(address))
            .map(|e| e.kind)
            .collect()
    }

    /// Runs fixture work on a connection of its own; panics if it fails.
    pub fn db<T>(&self, work: impl FnOnce(&mut db::Conn) -> anyhow::Result<T>) -> T {
        let mut conn = self.pool.get().unwrap();
        work(&mut conn).expect("fixture work on the database")
    }

    /// Adds a confirmed, active participant who signed up.
    pub fn add_participant(&self, name: &str, email: &str, organisation: &str) -> i64 {
        self.add_person(&profile(name, email, organisation))
    }

    /// Adds a confirmed, active participant with these details.
    pub fn add_person(&self, profile: &ValidProfile) -> i64 {
        let now = self.clock.now();
        self.db(|c| participants::insert_confirmed(c, profile, Source::Signup, now))
            .id
    }

    /// Adds a signup that has not been confirmed.
    pub fn add_pending(&self, name: &str, email: &str, organisation: &str) -> i64 {
        let profile = profile(name, email, organisation);
        let now = self.clock.now();
        self.db(|c| participants::insert_pending(c, &profile, now))
            .id
    }

    pub fn id_of(&self, email: &str) -> i64 {
        let key = ParticipantEmail::parse(email).unwrap().key();
        self.db(|c| participants::find_by_email_key(c, &key))
            .expect("a participant with this address")
            .id
    }

    /// Pauses a person until they resume, as the manage page does.
    pub fn pause(&self, id: i64) {
        let now = self.clock.now();
        self.db(|c| participants::pause(c, id, None, now));
    }

    /// The person leaves: their details are erased, as the manage page does.
    pub fn erase(&self, id: i64) {
        let now = self.clock.now();
        self.db(|c| participants::erase(c, id, now));
    }

    /// Stores a round that started at `started_at` with these groups, as the
    /// round runner stores one (without its emails); returns its id.
    pub fn add_round(&self, started_at: NaiveDateTime, groups: &[&[i64]]) -> i64 {
        let groups: Vec<Vec<i64>> = groups.iter().map(|g| g.to_vec()).collect();
        let stats = PairingStats {
            people_due: groups.iter().map(Vec::len).sum(),
            groups: groups.len(),
            trios: groups.iter().filter(|g| g.len() == 3).count(),
            ..PairingStats::default()
        };
        let key = format!("manual:{}", uuid::Uuid::new_v4());
        let round = NewRound {
            round_key: &key,
            trigger: Trigger::Manual,
            seed: 1,
            include_all: false,
            odd_one_out: OddOneOut::Trio,
            started_at,
            stats: &stats,
            sat_out: None,
        };
        self.db(|c| rounds::insert(c, &round, &groups))
    }

    /// A person's group_members id in a round.
    pub fn member_of(&self, round_id: i64, participant_id: i64) -> i64 {
        let members = self.db(|c| rounds::member_ids(c, round_id));
        members[&participant_id]
    }

    /// Saves a follow-up answer (and any links in it) at `at`, as the
    /// follow-up form does.
    pub fn answer(&self, member_id: i64, answer: &ValidFollowup, at: NaiveDateTime) {
        self.db(|c| followups::save(c, member_id, answer, at));
    }
}
