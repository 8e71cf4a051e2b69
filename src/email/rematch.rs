//! The honest email to someone a rematch could not place. (A rematch that
//! found someone is an introduction: see `intro`, `Occasion::Rematch`.)

use askama::Template;
use chrono::NaiveDateTime;

use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::Token;

email_parts!(NoneText = "email/rematch_none.txt", NoneHtml = "email/rematch_none.html", 'a {
    name: &'a str, round_date: &'a str, manage_link: &'a str,
});

impl Composer {
    /// Nobody was found within `meetings.rematch_wait_hours`: they will not
    /// sit out next round. Carries only their own manage link.
    pub fn rematch_not_found(
        &self,
        person: &Participant,
        round_started_at: NaiveDateTime,
        round_id: i64,
        manage: &Token,
    ) -> anyhow::Result<NewEmail> {
        let manage_link = self.base_url().join(&format!("/me/{}", manage.as_str()));
        let round_date = self.people_time().date(round_started_at);
        let (name, round_date) = (person.name.as_str(), round_date.as_str());
        let manage_link = manage_link.as_str();
        let mut email = self.to_person(
            EmailKind::Rematch,
            person,
            "UnMentoring: we could not find you a new partner this round",
            NoneText {
                name,
                round_date,
                manage_link,
            }
            .render()?,
            NoneHtml {
                name,
                round_date,
                manage_link,
            }
            .render()?,
        )?;
        email.round_id = Some(round_id);
        Ok(email)
    }
}
