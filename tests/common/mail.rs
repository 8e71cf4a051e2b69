//! An email as the SMTP server received it, parsed with `mailparse`.

use mailparse::{MailHeaderMap, ParsedMail};

#[derive(Debug, Clone)]
pub struct ReceivedEmail {
    pub raw: String,
    /// Envelope recipients (RCPT TO).
    pub envelope_to: Vec<String>,
    /// The envelope sender (MAIL FROM), when the server recorded it.
    pub envelope_from: String,
    pub to: String,
    pub from: String,
    pub subject: String,
    pub message_id: String,
    pub kind: String,
    pub reply_to: Option<String>,
    pub content_type: String,
    pub text: String,
    pub html: String,
    /// The `text/calendar` part of an invitation; empty without one.
    pub calendar: String,
    /// Every header name, in order.
    pub header_names: Vec<String>,
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
}

fn part_body(mail: &ParsedMail, mime: &str) -> String {
    if mail.ctype.mimetype == mime {
        return mail.get_body().unwrap_or_default();
    }
    mail.subparts
        .iter()
        .map(|p| part_body(p, mime))
        .find(|b| !b.is_empty())
        .unwrap_or_default()
}

impl ReceivedEmail {
    pub fn parse(raw: &[u8], envelope_to: Vec<String>) -> Self {
        let parsed = mailparse::parse_mail(raw).expect("a parsable email");
        let header = |name: &str| parsed.headers.get_first_value(name).unwrap_or_default();
        Self {
            raw: String::from_utf8_lossy(raw).into_owned(),
            envelope_to,
            envelope_from: String::new(),
            to: header("To"),
            from: header("From"),
            subject: header("Subject"),
            message_id: header("Message-ID"),
            kind: header("X-Unmentoring-Kind"),
            reply_to: parsed.headers.get_first_value("Reply-To"),
            content_type: parsed.ctype.mimetype.clone(),
            text: part_body(&parsed, "text/plain"),
            html: part_body(&parsed, "text/html"),
            calendar: part_body(&parsed, "text/calendar"),
            header_names: parsed.headers.iter().map(|h| h.get_key()).collect(),
            list_unsubscribe: parsed.headers.get_first_value("List-Unsubscribe"),
            list_unsubscribe_post: parsed.headers.get_first_value("List-Unsubscribe-Post"),
        }
    }

    /// Every link in the plain-text part that starts with `base`.
    pub fn links(&self, base: &str) -> Vec<String> {
        links_in(&self.text, base)
    }

    /// The first link to `base` + `path_prefix` (like "/confirm/") in the text part.
    pub fn link_to(&self, base: &str, path_prefix: &str) -> String {
        let wanted = format!("{base}{path_prefix}");
        self.links(base)
            .into_iter()
            .find(|l| l.starts_with(&wanted))
            .unwrap_or_else(|| panic!("no {wanted} link in:\n{}", self.text))
    }

    /// The https link of the List-Unsubscribe header.
    pub fn unsubscribe_link(&self) -> String {
        let header = self
            .list_unsubscribe
            .as_deref()
            .expect("a List-Unsubscribe header");
        header
            .split(',')
            .map(|part| part.trim().trim_start_matches('<').trim_end_matches('>'))
            .find(|link| link.starts_with("http"))
            .unwrap_or_else(|| panic!("no link in List-Unsubscribe: {header}"))
            .to_owned()
    }

    pub fn is_for(&self, address: &str) -> bool {
        self.envelope_to
            .iter()
            .any(|a| a.eq_ignore_ascii_case(address))
    }
}

/// Links in a text: runs of URL characters starting with `base`.
pub fn links_in(text: &str, base: &str) -> Vec<String> {
    let mut links = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(base) {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
            .unwrap_or(tail.len());
        links.push(tail[..end].to_owned());
        rest = &tail[end..];
    }
    links
}
