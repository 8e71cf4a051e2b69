//! Turns a queued email into a MIME message: multipart text + HTML, its own
//! Message-ID, and the `X-Unmentoring-Kind` header.

use anyhow::Context;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use serde::{Deserialize, Serialize};

use crate::db::outbox::NewEmail;

/// The `X-Unmentoring-Kind` header: which kind of email this is.
#[derive(Debug, Clone)]
pub struct UnmentoringKind(String);

impl Header for UnmentoringKind {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Unmentoring-Kind")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// One entry of an email's Reply-To list, as stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub address: String,
}

/// A display name made safe for a header: control characters (CR, LF, ...)
/// become spaces, so a name can never start a header of its own.
pub fn header_safe(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

fn mailbox(name: &str, address: &str) -> anyhow::Result<Mailbox> {
    let address = address
        .parse()
        .context("the recipient's address is not valid")?;
    let name = Some(header_safe(name)).filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

pub fn build(email: &NewEmail, from: &Mailbox) -> anyhow::Result<Message> {
    let mut builder = Message::builder()
        .from(from.clone())
        .to(mailbox(&email.to_name, &email.to_address)?)
        .subject(header_safe(&email.subject))
        .message_id(Some(email.message_id.clone()))
        .header(UnmentoringKind(email.kind.as_str().to_owned()));
    let reply_to: Vec<Recipient> =
        serde_json::from_str(&email.reply_to).context("the stored Reply-To list is not valid")?;
    for r in &reply_to {
        builder = builder.reply_to(mailbox(&r.name, &r.address)?);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            email.body_text.clone(),
            email.body_html.clone(),
        ))
        .context("could not build the email")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queued(name: &str) -> NewEmail {
        NewEmail {
            kind: crate::domain::EmailKind::Confirm,
            participant_id: None,
            to_name: name.into(),
            to_address: "jo@example.org".into(),
            reply_to: r#"[{"name":"Sam","address":"sam@example.org"}]"#.into(),
            subject: "Hello\r\nBcc: evil@example.org".into(),
            body_text: "Plain https://x/confirm/abc".into(),
            body_html: "<p>https://x/confirm/abc</p>".into(),
            message_id: "<abc@example.org>".into(),
            round_id: None,
            calendar: None,
        }
    }

    #[test]
    fn a_name_with_crlf_cannot_add_a_header() {
        let from: Mailbox = "UnMentoring <um@example.org>".parse().unwrap();
        let message = build(&queued("Jo\r\nBcc: evil@example.org"), &from).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        let headers = raw.split("\r\n\r\n").next().unwrap();
        assert!(
            !headers
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{headers}"
        );
        assert!(headers.contains("X-Unmentoring-Kind: confirm"));
        assert!(headers.contains("Message-ID: <abc@example.org>"));
        assert!(headers.contains("Reply-To: Sam <sam@example.org>"));
        assert!(raw.contains("multipart/alternative"));
        assert!(message.envelope().to().len() == 1);
    }
}
