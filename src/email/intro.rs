//! The introduction email: one per member of a group, naming their partner(s).
//! Each carries only its recipient's own links.

use anyhow::Context;
use askama::Template;
use serde::{Deserialize, Serialize};

use super::compose::Composer;
use super::message::Recipient;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::{shared_sentence, Availability, Token};

/// What the email says about one partner.
#[derive(Clone, Serialize, Deserialize)]
pub struct PartnerCard {
    pub name: String,
    pub organisation: String,
    pub email: String,
    /// Only when they said partners may see it.
    pub phone: Option<String>,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
    /// When they are usually free: only for the shared-times sentence.
    #[serde(with = "stored_availability")]
    pub availability: Availability,
}

impl From<&Participant> for PartnerCard {
    fn from(p: &Participant) -> Self {
        Self {
            name: p.name.clone(),
            organisation: p.organisation.clone(),
            email: p.email.clone().unwrap_or_default(),
            phone: p.phone.clone().filter(|_| p.share_phone),
            google_id: p.google_id.clone(),
            skype: p.skype.clone(),
            topics: p.topics.clone(),
            availability: Availability::from_stored(p.availability.as_deref()),
        }
    }
}

/// Availability in a draft as it is stored in `participants.availability`.
mod stored_availability {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::domain::Availability;

    pub fn serialize<S: Serializer>(a: &Availability, s: S) -> Result<S::Ok, S::Error> {
        a.to_stored().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Availability, D::Error> {
        Ok(Availability::from_stored(
            Option::<String>::deserialize(d)?.as_deref(),
        ))
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
    report: Option<String>,
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
fn shared_times(member: Availability, partners: &[PartnerCard]) -> Option<String> {
    let mut everyone = vec![member];
    everyone.extend(partners.iter().map(|p| p.availability));
    shared_sentence(&everyone)
}

/// One member's introduction: who to, and whom it introduces.
pub struct Intro<'a> {
    pub member: &'a Participant,
    pub partners: Vec<PartnerCard>,
    pub round_id: i64,
    pub occasion: Occasion,
    /// The group's room (`meetings.room`), for the video link.
    pub room: Option<&'a str>,
}

/// The member's own links, which only they receive.
pub struct IntroLinks<'a> {
    pub manage: &'a Token,
    /// For their membership of the group; none when they have none any more.
    pub followup: Option<&'a Token>,
}

/// What an introduction says apart from the member's links: a round stores
/// it in `outbox.draft`, and the delivery worker writes the email from it
/// (with new links) just before sending. So a round of 10,000 stores a few
/// hundred bytes a person, and no links sit unsent in the database.
#[derive(Serialize, Deserialize)]
pub struct IntroDraft {
    name: String,
    /// When the member is usually free: for the shared-times sentence.
    #[serde(with = "stored_availability")]
    availability: Availability,
    partners: Vec<PartnerCard>,
    room: Option<String>,
    /// The member's group when the round was stored. A member moved to
    /// another group since (rematched) has newer links, in a newer email.
    group_number: i32,
}

impl IntroDraft {
    fn new(intro: &Intro<'_>, group_number: i32) -> Self {
        Self {
            name: intro.member.name.clone(),
            availability: Availability::from_stored(intro.member.availability.as_deref()),
            partners: intro.partners.clone(),
            room: intro.room.map(str::to_owned),
            group_number,
        }
    }

    /// The draft a queued email holds, if it holds one.
    pub fn of(email: &NewEmail) -> anyhow::Result<Option<Self>> {
        email
            .draft
            .as_deref()
            .map(|json| serde_json::from_str(json).context("an introduction's draft is unreadable"))
            .transpose()
    }

    pub fn group_number(&self) -> i32 {
        self.group_number
    }
}

impl Composer {
    /// An introduction written at once, with the member's links (a rematch).
    pub fn intro(&self, intro: &Intro<'_>, links: &IntroLinks<'_>) -> anyhow::Result<NewEmail> {
        let mut email = self.intro_envelope(intro)?;
        self.write_bodies(&mut email, &IntroDraft::new(intro, 0), links)?;
        Ok(email)
    }

    /// An introduction to be written just before it is sent: addressed and
    /// with its subject, its bodies empty and its draft set.
    pub fn intro_draft(&self, intro: &Intro<'_>, group_number: i32) -> anyhow::Result<NewEmail> {
        let mut email = self.intro_envelope(intro)?;
        email.draft = Some(serde_json::to_string(&IntroDraft::new(
            intro,
            group_number,
        ))?);
        Ok(email)
    }

    /// The drafted introduction `email`, written with the member's links.
    pub fn write_intro(
        &self,
        email: &NewEmail,
        draft: &IntroDraft,
        links: &IntroLinks<'_>,
    ) -> anyhow::Result<NewEmail> {
        let mut written = email.clone();
        written.draft = None;
        self.write_bodies(&mut written, draft, links)?;
        Ok(written)
    }

    /// Everything but the bodies: recipient, Reply-To (the partners), subject.
    fn intro_envelope(&self, intro: &Intro<'_>) -> anyhow::Result<NewEmail> {
        let partners = intro.partners.as_slice();
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
            body_text: String::new(),
            body_html: String::new(),
            message_id: self.new_message_id(),
            round_id: Some(intro.round_id),
            calendar: None,
            draft: None,
        })
    }

    fn write_bodies(
        &self,
        email: &mut NewEmail,
        draft: &IntroDraft,
        links: &IntroLinks<'_>,
    ) -> anyhow::Result<()> {
        let manage_link = self
            .base_url()
            .join(&format!("/me/{}", links.manage.as_str()));
        let member_links = links.followup.map_or_else(MemberLinks::default, |t| {
            let link = |path: &str| Some(self.base_url().join(&format!("/{path}/{}", t.as_str())));
            MemberLinks {
                followup: link("followup"),
                arranged: link("arranged"),
                decline: link("decline"),
                report: link("report"),
            }
        });
        let partners = draft.partners.as_slice();
        let video_link = self.video_link(draft.room.as_deref());
        let shared_times = shared_times(draft.availability, partners);
        macro_rules! part {
            ($part:ident) => {
                $part {
                    name: &draft.name,
                    partners,
                    manage_link: &manage_link,
                    links: &member_links,
                    rematch: email.kind == EmailKind::Rematch,
                    video_link: video_link.as_deref(),
                    shared_times: shared_times.as_deref(),
                }
                .render()?
            };
        }
        email.body_text = part!(IntroText);
        email.body_html = part!(IntroHtml);
        Ok(())
    }
}
