//! The alert to organisers that participants' email bounced: who (by name,
//! never address), what bounced and how, and a link to the console's list.

use askama::Template;

use super::compose::Composer;
use super::EmailKind;
use crate::db::bounces::Reported;
use crate::db::organisers::Organiser;
use crate::db::outbox::NewEmail;
use crate::domain::BounceSource;

/// One line of the alert: one bounce.
pub struct AlertLine {
    pub name: String,
    pub what: String,
    pub when: String,
    pub how: &'static str,
    pub detail: String,
}

email_parts!(AlertText = "email/alert.txt", AlertHtml = "email/alert.html", 'a {
    lines: &'a [AlertLine], link: &'a str,
});

/// The console's list of participants whose email bounces.
pub const BOUNCING_LIST: &str = "/admin/participants?status=bouncing";

/// What bounced, in an organiser's words.
fn what(kind: Option<EmailKind>, round_id: Option<i64>) -> String {
    let round = round_id
        .map(|id| format!(" (round {id})"))
        .unwrap_or_default();
    let what = match kind {
        Some(EmailKind::Intro) => "their introduction",
        Some(EmailKind::Rematch) => "their new introduction after a rematch",
        Some(EmailKind::Confirm) => "the link to confirm their email address",
        Some(EmailKind::Manage) => "an email with the link to their details",
        Some(EmailKind::Followup) => "the follow-up reminder",
        Some(EmailKind::SatOut) => "the email saying they sat out a round",
        Some(EmailKind::Invite) => "a calendar invitation",
        Some(EmailKind::Nudge) => "the \"have you found a time?\" email",
        Some(EmailKind::StillInterested) => "the email asking whether they want to stay",
        Some(EmailKind::OrganiserInvite) => "an invitation to become an organiser",
        Some(EmailKind::Event) => "the email naming their group at an event",
        Some(EmailKind::Alert | EmailKind::Test) | None => "an email",
    };
    format!("{what}{round}")
}

fn how(source: BounceSource) -> &'static str {
    match source {
        BounceSource::Refused => "refused by the mail server",
        BounceSource::GaveUp => "still not delivered when we stopped trying",
        BounceSource::Report => "reported as undeliverable by their mail server",
    }
}

impl Composer {
    /// The alert for `bounces`, to one organiser.
    pub fn bounce_alert(
        &self,
        organiser: &Organiser,
        bounces: &[Reported],
    ) -> anyhow::Result<NewEmail> {
        let time = self.people_time();
        let lines: Vec<AlertLine> = bounces
            .iter()
            .map(|r| AlertLine {
                name: r.name.clone(),
                what: what(r.kind, r.round_id),
                when: time.date_and_time(r.bounce.bounced_at),
                how: how(r.bounce.source),
                detail: r.bounce.detail.clone(),
            })
            .collect();
        let link = self.base_url().join(BOUNCING_LIST);
        let subject = match bounces.len() {
            1 => format!("UnMentoring: email to {} bounced", lines[0].name),
            n => format!("UnMentoring: email to {n} participants bounced"),
        };
        let (lines, link) = (lines.as_slice(), link.as_str());
        Ok(NewEmail {
            kind: EmailKind::Alert,
            participant_id: None,
            to_name: String::new(),
            to_address: organiser.email.clone(),
            reply_to: self.organisers_reply_to(),
            subject,
            body_text: AlertText { lines, link }.render()?,
            body_html: AlertHtml { lines, link }.render()?,
            message_id: self.new_message_id(),
            round_id: None,
            calendar: None,
            draft: None,
        })
    }
}
