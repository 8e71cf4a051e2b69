//! The introduction email: one per member of a group, naming their partner(s).
//! Each carries only its recipient's own links.

use askama::Template;

use super::compose::Composer;
use super::message::Recipient;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::Token;

/// What the email says about one partner.
pub struct PartnerCard {
    pub name: String,
    pub organisation: String,
    pub email: String,
    pub phone: String,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
}

impl From<&Participant> for PartnerCard {
    fn from(p: &Participant) -> Self {
        Self {
            name: p.name.clone(),
            organisation: p.organisation.clone(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phone.clone().unwrap_or_default(),
            google_id: p.google_id.clone(),
            skype: p.skype.clone(),
            topics: p.topics.clone(),
        }
    }
}

email_parts!(IntroText = "email/intro.txt", IntroHtml = "email/intro.html", 'a {
    name: &'a str, partners: &'a [PartnerCard], manage_link: &'a str, followup_link: Option<&'a str>,
    rematch: bool,
});

/// Why the introduction is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// The round paired them (kind `intro`).
    Round,
    /// Their partner went and we found someone new (kind `rematch`).
    Rematch,
}

/// "Sam", "Sam and Alex", "Sam, Alex and Kim".
fn names(partners: &[PartnerCard]) -> String {
    match partners {
        [] => String::new(),
        [one] => one.name.clone(),
        [rest @ .., last] => format!(
            "{} and {}",
            rest.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            last.name
        ),
    }
}

/// One member's introduction, with links for that member only.
pub struct Intro<'a> {
    pub member: &'a Participant,
    pub partners: Vec<PartnerCard>,
    pub manage: &'a Token,
    pub followup: Option<&'a Token>,
    pub round_id: i64,
    pub occasion: Occasion,
}

impl Composer {
    pub fn intro(&self, intro: &Intro<'_>) -> anyhow::Result<NewEmail> {
        let manage_link = self
            .base_url()
            .join(&format!("/me/{}", intro.manage.as_str()));
        let followup_link = intro
            .followup
            .map(|t| self.base_url().join(&format!("/followup/{}", t.as_str())));
        let name = intro.member.name.as_str();
        let partners = intro.partners.as_slice();
        let followup_link = followup_link.as_deref();
        let rematch = intro.occasion == Occasion::Rematch;
        let text = IntroText {
            name,
            partners,
            manage_link: &manage_link,
            followup_link,
            rematch,
        }
        .render()?;
        let html = IntroHtml {
            name,
            partners,
            manage_link: &manage_link,
            followup_link,
            rematch,
        }
        .render()?;
        let reply_to: Vec<Recipient> = partners
            .iter()
            .map(|p| Recipient {
                name: p.name.clone(),
                address: p.email.clone(),
            })
            .collect();
        let (kind, subject) = match intro.occasion {
            Occasion::Round => (
                EmailKind::Intro,
                format!("UnMentoring: meet {}", names(partners)),
            ),
            Occasion::Rematch => (
                EmailKind::Rematch,
                format!("UnMentoring: a new introduction, meet {}", names(partners)),
            ),
        };
        Ok(NewEmail {
            kind,
            participant_id: Some(intro.member.id),
            to_name: intro.member.name.clone(),
            to_address: intro.member.email_address()?.to_owned(),
            reply_to: serde_json::to_string(&reply_to)?,
            subject,
            body_text: text,
            body_html: html,
            message_id: self.new_message_id(),
            round_id: Some(intro.round_id),
            calendar: None,
        })
    }
}
