//! "Do you still want UnMentoring introductions?" (kind `still_interested`):
//! sent once to someone with no round and no visit to their links for
//! `privacy.inactive_months`. It says when their details will be deleted
//! without an answer, and carries their own links to stay or to leave now.

use askama::Template;
use chrono::NaiveDateTime;

use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::Token;

email_parts!(StillInterestedText = "email/still_interested.txt",
    StillInterestedHtml = "email/still_interested.html", 'a {
    name: &'a str, inactive_for: &'a str, delete_on: &'a str,
    stay_link: &'a str, leave_link: &'a str, manage_link: &'a str,
});

/// "1 month", "24 months".
fn months(n: u32) -> String {
    match n {
        1 => "1 month".to_owned(),
        n => format!("{n} months"),
    }
}

impl Composer {
    /// The question, with a fresh manage token: its stay, leave and manage
    /// links all take it. `delete_at` is when the details go without an answer.
    pub fn still_interested(
        &self,
        person: &Participant,
        manage: &Token,
        inactive_months: u32,
        delete_at: NaiveDateTime,
    ) -> anyhow::Result<NewEmail> {
        let me = format!("/me/{}", manage.as_str());
        let stay_link = self.base_url().join(&format!("{me}/stay"));
        let leave_link = self.base_url().join(&format!("{me}/leave"));
        let manage_link = self.base_url().join(&me);
        let inactive_for = months(inactive_months);
        let delete_on = self.people_time().date(delete_at);
        let text = StillInterestedText {
            name: &person.name,
            inactive_for: &inactive_for,
            delete_on: &delete_on,
            stay_link: &stay_link,
            leave_link: &leave_link,
            manage_link: &manage_link,
        };
        let html = StillInterestedHtml {
            name: text.name,
            inactive_for: text.inactive_for,
            delete_on: text.delete_on,
            stay_link: text.stay_link,
            leave_link: text.leave_link,
            manage_link: text.manage_link,
        };
        self.to_person(
            EmailKind::StillInterested,
            person,
            "Do you still want UnMentoring introductions?",
            text.render()?,
            html.render()?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::months;

    #[test]
    fn months_read_as_english() {
        assert_eq!(months(1), "1 month");
        assert_eq!(months(24), "24 months");
    }
}
