//! The invitation to become an organiser (kind `organiser_invite`): a
//! one-time link, valid for [`INVITE_HOURS`], to set a password.

use askama::Template;
use chrono::{Duration, NaiveDateTime};

use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::domain::Token;

/// How long an invitation's link works.
pub const INVITE_HOURS: i64 = 72;

email_parts!(OrganiserInviteText = "email/organiser_invite.txt",
    OrganiserInviteHtml = "email/organiser_invite.html", 'a {
    invited_by: &'a str, link: &'a str, expires: &'a str,
});

/// When an invitation made at `now` stops working.
pub fn invite_expiry(now: NaiveDateTime) -> NaiveDateTime {
    now + Duration::hours(INVITE_HOURS)
}

impl Composer {
    /// The invitation to `address`, from the organiser `invited_by` (their
    /// address, so that the invitee knows who asked).
    pub fn organiser_invite(
        &self,
        address: &str,
        invited_by: &str,
        token: &Token,
        expires_at: NaiveDateTime,
    ) -> anyhow::Result<NewEmail> {
        let link = self
            .base_url()
            .join(&format!("/admin/invite/{}", token.as_str()));
        let expires = self.people_time().date_and_time(expires_at);
        let text = OrganiserInviteText {
            invited_by,
            link: &link,
            expires: &expires,
        };
        let html = OrganiserInviteHtml {
            invited_by,
            link: &link,
            expires: &expires,
        };
        Ok(NewEmail {
            kind: EmailKind::OrganiserInvite,
            participant_id: None,
            to_name: String::new(),
            to_address: address.to_owned(),
            reply_to: self.organisers_reply_to(),
            subject: "You are invited to help run UnMentoring".into(),
            body_text: text.render()?,
            body_html: html.render()?,
            message_id: self.new_message_id(),
            round_id: None,
            calendar: None,
            draft: None,
        })
    }
}
