//! The link that confirms a new email address, sent to that address only.

use askama::Template;

use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::Token;

email_parts!(NewAddressText = "email/confirm_email.txt", NewAddressHtml = "email/confirm_email.html", 'a {
    name: &'a str, link: &'a str,
});

impl Composer {
    /// To `new_address`: follow the link to use it from now on.
    pub fn confirm_new_address(
        &self,
        person: &Participant,
        new_address: &str,
        token: &Token,
    ) -> anyhow::Result<NewEmail> {
        let link = self
            .base_url()
            .join(&format!("/confirm/{}", token.as_str()));
        let (name, link) = (person.name.as_str(), link.as_str());
        let to_new = Participant {
            email: Some(new_address.to_owned()),
            ..person.clone()
        };
        self.to_person(
            EmailKind::Confirm,
            &to_new,
            "Confirm your new email address for UnMentoring",
            NewAddressText { name, link }.render()?,
            NewAddressHtml { name, link }.render()?,
        )
    }
}
