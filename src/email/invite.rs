//! The invitation sent to every member of a group once one of them says when
//! they will meet: the time in `schedule.timezone`, the video link, the
//! recipient's own links, and the calendar invitation itself.

use askama::Template;
use chrono::NaiveDateTime;

use super::calendar::{meeting_uid, Invitation, Invitee, MEETING_MINUTES};
use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::Token;

email_parts!(InviteText = "email/invite.txt", InviteHtml = "email/invite.html", 'a {
    name: &'a str, others: &'a str, when: &'a str, minutes: i64, changed: bool,
    video_link: Option<&'a str>, arranged_link: &'a str, followup_link: &'a str,
});

/// One member's invitation.
pub struct Invite<'a> {
    pub recipient: &'a Participant,
    /// Everyone still in the group, the recipient too.
    pub group: &'a [Participant],
    pub meeting_id: i64,
    pub room: Option<&'a str>,
    /// The agreed start, UTC.
    pub starts_at: NaiveDateTime,
    /// 0 for the first time given; higher for each change.
    pub sequence: i32,
    /// The recipient's own follow-up token.
    pub link: &'a Token,
    pub now: NaiveDateTime,
}

/// "Sam", "Sam and Alex", "Sam, Alex and Kim".
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Composer {
    pub fn invite(&self, invite: &Invite<'_>) -> anyhow::Result<NewEmail> {
        let person = invite.recipient;
        let others: Vec<&str> = invite
            .group
            .iter()
            .filter(|p| p.id != person.id)
            .map(|p| p.name.as_str())
            .collect();
        let others = and_list(&others);
        let local = self.people_time().local(invite.starts_at);
        let when = format!(
            "{} ({})",
            self.people_time().date_and_time(invite.starts_at),
            local.format("%Z")
        );
        let video_link = self.video_link(invite.room);
        let token = invite.link.as_str();
        let arranged_link = self.base_url().join(&format!("/arranged/{token}"));
        let followup_link = self.base_url().join(&format!("/followup/{token}"));
        let changed = invite.sequence > 0;
        macro_rules! part {
            ($part:ident) => {
                $part {
                    name: &person.name,
                    others: &others,
                    when: &when,
                    minutes: MEETING_MINUTES,
                    changed,
                    video_link: video_link.as_deref(),
                    arranged_link: &arranged_link,
                    followup_link: &followup_link,
                }
                .render()?
            };
        }
        let subject = if changed {
            format!("UnMentoring: new time for your conversation with {others}")
        } else {
            format!("UnMentoring: your conversation with {others}")
        };
        let mut email = self.to_person(
            EmailKind::Invite,
            person,
            &subject,
            part!(InviteText),
            part!(InviteHtml),
        )?;
        email.calendar = Some(self.calendar(invite, &others, video_link.as_deref())?);
        Ok(email)
    }

    fn calendar(
        &self,
        invite: &Invite<'_>,
        others: &str,
        video_link: Option<&str>,
    ) -> anyhow::Result<String> {
        let everyone: Vec<&str> = invite.group.iter().map(|p| p.name.as_str()).collect();
        let invitees = invite
            .group
            .iter()
            .map(|p| {
                Ok(Invitee {
                    name: p.name.clone(),
                    address: p.email_address()?.to_owned(),
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let description = match video_link {
            Some(link) => {
                format!("A conversation through UnMentoring with {others}.\nVideo call: {link}")
            }
            None => format!("A conversation through UnMentoring with {others}."),
        };
        Ok(Invitation {
            uid: meeting_uid(invite.meeting_id, self.domain()),
            sequence: u32::try_from(invite.sequence)?,
            stamp: invite.now,
            starts_at: invite.starts_at,
            summary: format!("UnMentoring: {}", and_list(&everyone)),
            description,
            organizer: self.from(),
            invitees: &invitees,
            location: video_link,
        }
        .to_ics())
    }
}
