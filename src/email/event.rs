//! The email telling someone at an event which small group they are in
//! (kind `event`), with the others' names and organisations.

use askama::Template;

use super::compose::Composer;
use super::EmailKind;
use crate::db::outbox::NewEmail;
use crate::domain::{Attendee, ParticipantEmail};

email_parts!(EventText = "email/event.txt", EventHtml = "email/event.html", 'a {
    name: &'a str, event: &'a str, number: usize, others: &'a [&'a Attendee],
});

impl Composer {
    /// To `me` at `event`: they are in group `number` with `others`.
    pub fn event_group(
        &self,
        event: &str,
        me: &Attendee,
        address: &ParticipantEmail,
        participant_id: Option<i64>,
        number: usize,
        others: &[&Attendee],
    ) -> anyhow::Result<NewEmail> {
        let event = if event.trim().is_empty() {
            "today's event"
        } else {
            event.trim()
        };
        Ok(NewEmail {
            kind: EmailKind::Event,
            participant_id,
            to_name: me.name.clone(),
            to_address: address.as_str().to_owned(),
            reply_to: self.organisers_reply_to(),
            subject: format!("Your group at {event}: group {number}"),
            body_text: EventText {
                name: &me.name,
                event,
                number,
                others,
            }
            .render()?,
            body_html: EventHtml {
                name: &me.name,
                event,
                number,
                others,
            }
            .render()?,
            message_id: self.new_message_id(),
            round_id: None,
            calendar: None,
            draft: None,
        })
    }
}
