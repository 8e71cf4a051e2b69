//! The follow-up reminder, the notice sent to someone paused for silence, and
//! the one sent to someone a round left out.

use askama::Template;
use chrono::NaiveDateTime;

use super::compose::Composer;
use super::nudge::partner_names;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::Token;

/// One open round in a reminder: when, with whom, and that membership's link.
struct ReminderItem {
    round_date: String,
    partners: String,
    followup_link: String,
}

email_parts!(ReminderText = "email/followup.txt", ReminderHtml = "email/followup.html", 'a {
    name: &'a str, rounds: &'a [ReminderItem], manage_link: &'a str,
});

/// One membership a reminder asks about.
pub struct OpenRound<'a> {
    pub round_started_at: NaiveDateTime,
    /// The others still in the group.
    pub partners: &'a [Participant],
    /// A fresh follow-up token of this membership.
    pub followup: &'a Token,
}

email_parts!(PausedText = "email/paused.txt", PausedHtml = "email/paused.html", 'a {
    name: &'a str, resume_link: &'a str,
});

email_parts!(SatOutText = "email/sat_out.txt", SatOutHtml = "email/sat_out.html", 'a {
    name: &'a str, manage_link: &'a str,
});

impl Composer {
    /// "Did you meet? Share what you learned": one email for all of a
    /// person's open rounds, each with its partners, its date (the day the
    /// round started in `schedule.timezone`) and its own follow-up link.
    pub fn followup_reminder(
        &self,
        person: &Participant,
        rounds: &[OpenRound<'_>],
        manage: &Token,
    ) -> anyhow::Result<NewEmail> {
        let items: Vec<ReminderItem> = rounds
            .iter()
            .map(|round| ReminderItem {
                round_date: self.people_time().date(round.round_started_at),
                partners: partner_names(round.partners),
                followup_link: self
                    .base_url()
                    .join(&format!("/followup/{}", round.followup.as_str())),
            })
            .collect();
        let subject = match items.as_slice() {
            [one] => format!(
                "UnMentoring: did you meet {}? Tell us what you learned",
                one.partners
            ),
            several => format!(
                "UnMentoring: did you meet your partners from {} rounds? Tell us what you learned",
                several.len()
            ),
        };
        let manage_link = self.base_url().join(&format!("/me/{}", manage.as_str()));
        let (name, rounds, manage_link) =
            (person.name.as_str(), items.as_slice(), manage_link.as_str());
        self.to_person(
            EmailKind::Followup,
            person,
            &subject,
            ReminderText {
                name,
                rounds,
                manage_link,
            }
            .render()?,
            ReminderHtml {
                name,
                rounds,
                manage_link,
            }
            .render()?,
        )
    }

    /// Sent when three rounds in a row went unanswered: paused, and how to come back.
    pub fn paused_for_silence(
        &self,
        person: &Participant,
        manage: &Token,
    ) -> anyhow::Result<NewEmail> {
        let resume_link = self
            .base_url()
            .join(&format!("/me/{}/resume", manage.as_str()));
        let (name, resume_link) = (person.name.as_str(), resume_link.as_str());
        self.to_person(
            EmailKind::Manage,
            person,
            "We have paused your UnMentoring introductions",
            PausedText { name, resume_link }.render()?,
            PausedHtml { name, resume_link }.render()?,
        )
    }

    /// To the one person a round with an odd number of people left out
    /// (`pairing.odd_one_out = "sit_out"`): they are first in line next time.
    pub fn sat_out(&self, person: &Participant, manage: &Token) -> anyhow::Result<NewEmail> {
        let manage_link = self.base_url().join(&format!("/me/{}", manage.as_str()));
        let (name, manage_link) = (person.name.as_str(), manage_link.as_str());
        self.to_person(
            EmailKind::SatOut,
            person,
            "UnMentoring: you sat out this round, and you are first in line for the next",
            SatOutText { name, manage_link }.render()?,
            SatOutHtml { name, manage_link }.render()?,
        )
    }
}
