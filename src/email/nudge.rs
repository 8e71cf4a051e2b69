//! The nudge (kind `nudge`): "Have you found a time?", sent once to each
//! member of a group that has neither arranged a time nor answered the
//! follow-up `followup.nudge_days` after the introduction. It carries only
//! its recipient's own links.

use askama::Template;
use chrono::NaiveDateTime;

use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::db::participants::Participant;
use crate::domain::Token;

/// What the nudge says about one partner: enough to write to them again.
pub struct NudgePartner {
    pub name: String,
    pub organisation: String,
    pub email: String,
}

email_parts!(NudgeText = "email/nudge.txt", NudgeHtml = "email/nudge.html", 'a {
    name: &'a str, intro_date: &'a str, partners: &'a [NudgePartner], partner_names: &'a str,
    arranged_link: &'a str, no_reply_link: &'a str, followup_link: &'a str, manage_link: &'a str,
});

/// "your partner", "Sam", "Sam and Alex", "Sam, Alex and Kim"; a person
/// whose details were erased has no name and is left out.
pub fn partner_names(partners: &[Participant]) -> String {
    let names: Vec<&str> = partners
        .iter()
        .map(|p| p.name.as_str())
        .filter(|n| !n.is_empty())
        .collect();
    match names.as_slice() {
        [] => "your partner".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

/// One member's nudge.
pub struct Nudge<'a> {
    pub member: &'a Participant,
    /// The others still in the group.
    pub partners: &'a [Participant],
    /// When the group was introduced (the meeting's `created_at`).
    pub introduced_at: NaiveDateTime,
    /// A fresh follow-up token of this membership: the arranged, no-reply
    /// and follow-up links all take it.
    pub followup: &'a Token,
    pub manage: &'a Token,
    pub round_id: i64,
}

impl Composer {
    pub fn nudge(&self, nudge: &Nudge<'_>) -> anyhow::Result<NewEmail> {
        let token = nudge.followup.as_str();
        let arranged_link = self.base_url().join(&format!("/arranged/{token}"));
        let no_reply_link = self.base_url().join(&format!("/no-reply/{token}"));
        let followup_link = self.base_url().join(&format!("/followup/{token}"));
        let manage_link = self
            .base_url()
            .join(&format!("/me/{}", nudge.manage.as_str()));
        let intro_date = self.people_time().date(nudge.introduced_at);
        let names = partner_names(nudge.partners);
        let partners: Vec<NudgePartner> = nudge
            .partners
            .iter()
            .filter(|p| !p.name.is_empty())
            .map(|p| NudgePartner {
                name: p.name.clone(),
                organisation: p.organisation.clone(),
                email: p.email.clone().unwrap_or_default(),
            })
            .collect();
        let text = NudgeText {
            name: &nudge.member.name,
            intro_date: &intro_date,
            partners: &partners,
            partner_names: &names,
            arranged_link: &arranged_link,
            no_reply_link: &no_reply_link,
            followup_link: &followup_link,
            manage_link: &manage_link,
        };
        let html = NudgeHtml {
            name: text.name,
            intro_date: text.intro_date,
            partners: text.partners,
            partner_names: text.partner_names,
            arranged_link: text.arranged_link,
            no_reply_link: text.no_reply_link,
            followup_link: text.followup_link,
            manage_link: text.manage_link,
        };
        let mut email = self.to_person(
            EmailKind::Nudge,
            nudge.member,
            &format!("UnMentoring: have you found a time to meet {names}?"),
            text.render()?,
            html.render()?,
        )?;
        email.round_id = Some(nudge.round_id);
        Ok(email)
    }
}
