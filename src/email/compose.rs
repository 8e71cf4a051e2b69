//! What each email says. Every email is composed whole (both parts, with links
//! made from `server.base_url`) before it is queued.

use askama::Template;
use lettre::message::Mailbox;

use crate::configuration::{BaseUrl, Settings};
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::{PeopleTime, Token};

use super::message::Recipient;
use super::EmailKind;

#[derive(Debug, Clone)]
pub struct Composer {
    base_url: BaseUrl,
    message_id_domain: String,
    people_time: PeopleTime,
    /// Who emails come from (`email.from`): a calendar invitation's ORGANIZER.
    from: Mailbox,
    /// `meetings.video_link`, with `{room}` still in it.
    video_link: Option<String>,
    /// The Reply-To of every email but an introduction, as stored: the
    /// organisers (`organisation.contact_email`), or nobody when unset.
    reply_to: String,
}

email_parts!(ConfirmText = "email/confirm.txt", ConfirmHtml = "email/confirm.html", 'a {
    name: &'a str, link: &'a str, home: &'a str,
});

email_parts!(ManageText = "email/manage.txt", ManageHtml = "email/manage.html", 'a {
    name: &'a str, link: &'a str, welcome: bool,
});

#[derive(Template)]
#[template(
    source = "<p>This is a test email from UnMentoring at {{ base_url }}.</p><p>If you can read it, email delivery works.</p>",
    ext = "html"
)]
struct TestHtml<'a> {
    base_url: &'a str,
}

impl Composer {
    pub fn new(settings: &Settings) -> Self {
        Self {
            base_url: settings.server.base_url.clone(),
            message_id_domain: settings.message_id_domain(),
            people_time: settings.people_time(),
            from: settings.email.from.clone(),
            video_link: settings.meetings.video_link.clone(),
            reply_to: organisers_reply_to(settings),
        }
    }

    /// The Reply-To list of an email that is not an introduction.
    pub(super) fn organisers_reply_to(&self) -> String {
        self.reply_to.clone()
    }

    /// Who emails come from.
    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// The domain of `email.from`, on which Message-IDs and calendar UIDs are made.
    pub fn domain(&self) -> &str {
        &self.message_id_domain
    }

    /// A group's video link: `meetings.video_link` with its `room`; `None`
    /// without a video link or a room.
    pub fn video_link(&self, room: Option<&str>) -> Option<String> {
        Some(self.video_link.as_deref()?.replace("{room}", room?))
    }

    pub fn base_url(&self) -> &BaseUrl {
        &self.base_url
    }

    /// How emails show dates and times: in `schedule.timezone`.
    pub fn people_time(&self) -> PeopleTime {
        self.people_time
    }

    /// A fresh Message-ID on the domain of `email.from`.
    pub fn new_message_id(&self) -> String {
        format!("<{}@{}>", uuid::Uuid::new_v4(), self.message_id_domain)
    }

    /// The double opt-in email, with the link that confirms the signup.
    pub fn confirm(&self, person: &Participant, token: &Token) -> anyhow::Result<NewEmail> {
        let link = self.base_url.join(&format!("/confirm/{}", token.as_str()));
        let home = self.base_url.join("/");
        let (name, link, home) = (person.name.as_str(), link.as_str(), home.as_str());
        self.to_person(
            EmailKind::Confirm,
            person,
            "Confirm your place in UnMentoring",
            ConfirmText { name, link, home }.render()?,
            ConfirmHtml { name, link, home }.render()?,
        )
    }

    /// Sent when someone already taking part signs up again: their own manage link.
    pub fn manage(&self, person: &Participant, token: &Token) -> anyhow::Result<NewEmail> {
        self.manage_link(person, token, false, "Your UnMentoring details")
    }

    /// Sent once a signup is confirmed: welcome, and their own manage link.
    pub fn welcome(&self, person: &Participant, token: &Token) -> anyhow::Result<NewEmail> {
        self.manage_link(person, token, true, "You have joined UnMentoring")
    }

    fn manage_link(
        &self,
        person: &Participant,
        token: &Token,
        welcome: bool,
        subject: &str,
    ) -> anyhow::Result<NewEmail> {
        let link = self.base_url.join(&format!("/me/{}", token.as_str()));
        let (name, link) = (person.name.as_str(), link.as_str());
        self.to_person(
            EmailKind::Manage,
            person,
            subject,
            ManageText {
                name,
                link,
                welcome,
            }
            .render()?,
            ManageHtml {
                name,
                link,
                welcome,
            }
            .render()?,
        )
    }

    /// A plain message for `unmentoring send-test-email`.
    pub fn test_message(&self, address: &str) -> NewEmail {
        let text = format!(
            "This is a test email from UnMentoring at {}.\n\nIf you can read it, email delivery works.\n",
            self.base_url.as_str()
        );
        let html = TestHtml {
            base_url: self.base_url.as_str(),
        }
        .render()
        .unwrap_or_else(|_| text.clone());
        NewEmail {
            kind: EmailKind::Test,
            participant_id: None,
            to_name: String::new(),
            to_address: address.to_owned(),
            reply_to: self.organisers_reply_to(),
            subject: "UnMentoring test email".into(),
            body_text: text,
            body_html: html,
            message_id: self.new_message_id(),
            round_id: None,
            calendar: None,
            draft: None,
        }
    }

    pub(super) fn to_person(
        &self,
        kind: EmailKind,
        person: &Participant,
        subject: &str,
        body_text: String,
        body_html: String,
    ) -> anyhow::Result<NewEmail> {
        Ok(NewEmail {
            kind,
            participant_id: Some(person.id),
            to_name: person.name.clone(),
            to_address: person.email_address()?.to_owned(),
            reply_to: self.organisers_reply_to(),
            subject: subject.into(),
            body_text,
            body_html,
            message_id: self.new_message_id(),
            round_id: None,
            calendar: None,
            draft: None,
        })
    }
}

/// The organisers as a stored Reply-To list: one entry, or none.
fn organisers_reply_to(settings: &Settings) -> String {
    let organisers: Vec<Recipient> = settings
        .organisation
        .contact_email
        .iter()
        .map(|address| Recipient {
            name: settings.organisation.name.clone(),
            address: address.to_string(),
        })
        .collect();
    serde_json::to_string(&organisers).unwrap_or_else(|_| "[]".into())
}
