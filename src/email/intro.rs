//! The introduction email: one per member of a group, naming their partner(s).
//! Each carries only its recipient's own links.

use askama::Template;

use super::compose::Composer;
use super::message::Recipient;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::{shared_sentence, Availability, Token};

/// What the email says about one partner.
pub struct PartnerCard {
    pub name: String,
    pub organisation: String,
    pub email: String,
    pub phone: String,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
    /// When they are usually free: only for the shared-times sentence.
    pub availability: Availability,
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
            availability: Availability::from_stored(p.availability.as_deref()),
        }
    }
}

email_parts!(IntroText = "email/intro.txt", IntroHtml = "email/intro.html", 'a {
    name: &'a str, partners: &'a [PartnerCard], manage_link: &'a str, links: &'a MemberLinks,
    rematch: bool, video_link: Option<&'a str>, shared_times: Option<&'a str>,
});

/// The member's own links to act on the introduction (all on their
/// follow-up token); none without one.
#[derive(Default)]
struct MemberLinks {
    followup: Option<String>,
    arranged: Option<String>,
    decline: Option<String>,
}

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

/// "You are both usually free on …", when everyone in the group said when.
fn shared_times(member: &Participant, partners: &[PartnerCard]) -> Option<String> {
    let mut everyone = vec![Availability::from_stored(member.availability.as_deref())];
    everyone.extend(partners.iter().map(|p| p.availability));
    shared_sentence(&everyone)
}

/// One member's introduction, with links for that member only.
pub struct Intro<'a> {
    pub member: &'a Participant,
    pub partners: Vec<PartnerCard>,
    pub manage: &'a Token,
    pub followup: Option<&'a Token>,
    pub round_id: i64,
    pub occasion: Occasion,
    /// The group's room (`meetings.room`), for the video link.
    pub room: Option<&'a str>,
}

impl Composer {
    pub fn intro(&self, intro: &Intro<'_>) -> anyhow::Result<NewEmail> {
        let manage_link = self
            .base_url()
            .join(&format!("/me/{}", intro.manage.as_str()));
        let links = intro.followup.map_or_else(MemberLinks::default, |t| {
            let link = |path: &str| Some(self.base_url().join(&format!("/{path}/{}", t.as_str())));
            MemberLinks {
                followup: link("followup"),
                arranged: link("arranged"),
                decline: link("decline"),
            }
        });
        let name = intro.member.name.as_str();
        let partners = intro.partners.as_slice();
        let rematch = intro.occasion == Occasion::Rematch;
        let video_link = self.video_link(intro.room);
        let shared_times = shared_times(intro.member, partners);
        macro_rules! part {
            ($part:ident) => {
                $part {
                    name,
                    partners,
                    manage_link: &manage_link,
                    links: &links,
                    rematch,
                    video_link: video_link.as_deref(),
                    shared_times: shared_times.as_deref(),
                }
                .render()?
            };
        }
        let text = part!(IntroText);
        let html = part!(IntroHtml);
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
