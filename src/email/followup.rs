//! The follow-up reminder, the notice sent to someone paused for silence, and
//! the one sent to someone a round left out.

use askama::Template;
use chrono::NaiveDateTime;

use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::Token;

email_parts!(ReminderText = "email/followup.txt", ReminderHtml = "email/followup.html", 'a {
    name: &'a str, round_date: &'a str, followup_link: &'a str, manage_link: &'a str,
});

email_parts!(PausedText = "email/paused.txt", PausedHtml = "email/paused.html", 'a {
    name: &'a str, resume_link: &'a str,
});

email_parts!(SatOutText = "email/sat_out.txt", SatOutHtml = "email/sat_out.html", 'a {
    name: &'a str, manage_link: &'a str,
});

impl Composer {
    /// "Did you meet? Share what you learned", with the member's own links.
    /// The round's date is the day it started in `schedule.timezone`.
    pub fn followup_reminder(
        &self,
        person: &Participant,
        round_started_at: NaiveDateTime,
        followup: &Token,
        manage: &Token,
    ) -> anyhow::Result<NewEmail> {
        let followup_link = self
            .base_url()
            .join(&format!("/followup/{}", followup.as_str()));
        let manage_link = self.base_url().join(&format!("/me/{}", manage.as_str()));
        let round_date = self.people_time().date(round_started_at);
        let (name, round_date) = (person.name.as_str(), round_date.as_str());
        let (followup_link, manage_link) = (followup_link.as_str(), manage_link.as_str());
        self.to_person(
            EmailKind::Followup,
            person,
            "UnMentoring: did you meet, and what did you learn?",
            ReminderText {
                name,
                round_date,
                followup_link,
                manage_link,
            }
            .render()?,
            ReminderHtml {
                name,
                round_date,
                followup_link,
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
