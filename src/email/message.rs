//! Turns a queued email into a MIME message: multipart text + HTML (and a
//! calendar invitation when there is one), its own Message-ID, and the
//! `X-Unmentoring-Kind` header.

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
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

/// `List-Unsubscribe` (RFC 2369): the one-click link, and a `mailto:` form
/// when there is an address to write to.
#[derive(Debug, Clone)]
pub struct ListUnsubscribe(String);

impl ListUnsubscribe {
    pub fn new(url: &str, mailto: Option<&str>) -> Self {
        let mut value = format!("<{url}>");
        if let Some(address) = mailto {
            value.push_str(&format!(", <mailto:{address}?subject=Unsubscribe>"));
        }
        Self(value)
    }
}

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self(s.to_owned()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post` (RFC 8058): a POST to the link unsubscribes at
/// once, so mail programs can offer their own button.
#[derive(Debug, Clone)]
pub struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
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

/// The message for `email`; `unsubscribe` for an email to a person.
pub fn build(
    email: &NewEmail,
    from: &Mailbox,
    unsubscribe: Option<ListUnsubscribe>,
) -> anyhow::Result<Message> {
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
    if let Some(unsubscribe) = unsubscribe {
        builder = builder.header(unsubscribe).header(ListUnsubscribePost);
    }
    builder
        .multipart(body(email)?)
        .context("could not build the email")
}

/// Text and HTML as alternatives; an invitation adds its calendar as a third
/// alternative, which mail programs show as an invitation to accept.
fn body(email: &NewEmail) -> anyhow::Result<MultiPart> {
    let parts = MultiPart::alternative()
        .singlepart(SinglePart::plain(email.body_text.clone()))
        .singlepart(SinglePart::html(email.body_html.clone()));
    let Some(calendar) = &email.calendar else {
        return Ok(parts);
    };
    let calendar_type = ContentType::parse("text/calendar; method=REQUEST; charset=utf-8")
        .context("the calendar's content type")?;
    Ok(parts.singlepart(
        SinglePart::builder()
            .header(calendar_type)
            .body(calendar.clone()),
    ))
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
            draft: None,
        }
    }

    #[test]
    fn a_name_with_crlf_cannot_add_a_header() {
        let from: Mailbox = "UnMentoring <um@example.org>".parse().unwrap();
        let message = build(&queued("Jo\r\nBcc: evil@example.org"), &from, None).unwrap();
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
        assert!(!raw.contains("text/calendar"));
        assert!(message.envelope().to().len() == 1);
    }

    #[test]
    fn an_invitation_carries_its_calendar_as_a_third_alternative() {
        let from: Mailbox = "UnMentoring <um@example.org>".parse().unwrap();
        let invite = NewEmail {
            calendar: Some("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into()),
            ..queued("Jo")
        };
        let raw = build(&invite, &from, None).unwrap().formatted();
        let parsed = mailparse::parse_mail(&raw).unwrap();
        assert_eq!(parsed.ctype.mimetype, "multipart/alternative");
        let types: Vec<&str> = parsed
            .subparts
            .iter()
            .map(|p| p.ctype.mimetype.as_str())
            .collect();
        assert_eq!(types, ["text/plain", "text/html", "text/calendar"]);
        let calendar = &parsed.subparts[2];
        assert_eq!(
            calendar.ctype.params.get("method").map(String::as_str),
            Some("REQUEST")
        );
        assert_eq!(calendar.ctype.charset, "utf-8");
        assert!(calendar.get_body().unwrap().contains("METHOD:REQUEST"));
    }
}
