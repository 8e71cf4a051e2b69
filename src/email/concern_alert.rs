//! The alert to organisers that someone reported a problem with an
//! introduction. It names nobody and quotes nothing: what was reported is
//! read in the console, behind a sign-in, not in inboxes.

use askama::Template;

use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;

/// The console's list of open concerns.
pub const CONCERNS_PAGE: &str = "/admin/concerns";

email_parts!(ConcernText = "email/concern_alert.txt", ConcernHtml = "email/concern_alert.html", 'a {
    link: &'a str,
});

impl Composer {
    /// The alert to one organiser (by address).
    pub fn concern_alert(&self, to_address: &str) -> anyhow::Result<NewEmail> {
        let link = self.base_url().join(CONCERNS_PAGE);
        let link = link.as_str();
        Ok(NewEmail {
            kind: EmailKind::Alert,
            participant_id: None,
            to_name: String::new(),
            to_address: to_address.to_owned(),
            reply_to: self.organisers_reply_to(),
            subject: "UnMentoring: someone reported a problem with an introduction".to_owned(),
            body_text: ConcernText { link }.render()?,
            body_html: ConcernHtml { link }.render()?,
            message_id: self.new_message_id(),
            round_id: None,
            calendar: None,
            draft: None,
        })
    }
}
