//! Reading a delivery-status notification (RFC 3464): a `multipart/report;
//! report-type=delivery-status` message, as an MTA's pipe transport hands it
//! over. What matters here: which of our messages it is about (the envelope
//! id in `bounces+{id}@…`, or the returned message's Message-ID) and what
//! happened to each recipient (`Action`, `Status`, `Diagnostic-Code`).
//!
//! The MIME structure is read with `mailparse`; the delivery-status fields,
//! which are header-like blocks separated by blank lines, are read here.

use mailparse::{MailHeaderMap, ParsedMail};

use super::envelope;

/// What a notification says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Envelope ids found in the notification's addressing headers (To,
    /// Delivered-To, X-Original-To), then in the returned message's Return-Path.
    pub envelope_ids: Vec<String>,
    /// The returned message's Message-ID(s), with angle brackets.
    pub message_ids: Vec<String>,
    pub recipients: Vec<RecipientStatus>,
}

/// One per-recipient block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientStatus {
    /// In lower case: failed, delayed, delivered, relayed or expanded.
    pub action: String,
    pub status: Option<String>,
    pub diagnostic: Option<String>,
}

impl RecipientStatus {
    pub fn failed(&self) -> bool {
        self.action == "failed"
    }

    /// `Status` and `Diagnostic-Code`, as one line.
    pub fn detail(&self) -> String {
        [self.status.as_deref(), self.diagnostic.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Why the input is not a delivery-status notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotADsn {
    #[error("it is not a MIME message")]
    NotMime,
    #[error("it is not a multipart/report with report-type=delivery-status")]
    NotAReport,
    #[error("it has no message/delivery-status part")]
    NoStatusPart,
    #[error("its delivery-status part names no recipient with an Action")]
    NoRecipients,
}

const ADDRESSING: [&str; 3] = ["To", "Delivered-To", "X-Original-To"];

pub fn parse(raw: &[u8]) -> Result<Report, NotADsn> {
    let mail = mailparse::parse_mail(raw).map_err(|_| NotADsn::NotMime)?;
    let report_type = mail.ctype.params.get("report-type").map(String::as_str);
    let is_report = mail.ctype.mimetype == "multipart/report"
        && report_type.is_some_and(|t| t.eq_ignore_ascii_case("delivery-status"));
    if !is_report {
        return Err(NotADsn::NotAReport);
    }
    let status = part(
        &mail,
        &["message/delivery-status", "message/global-delivery-status"],
    )
    .ok_or(NotADsn::NoStatusPart)?;
    let text = status.get_body().map_err(|_| NotADsn::NoStatusPart)?;
    let recipients = recipient_blocks(&text);
    if recipients.is_empty() {
        return Err(NotADsn::NoRecipients);
    }
    let mut report = Report {
        recipients,
        ..Report::default()
    };
    for name in ADDRESSING {
        let ids = mail.headers.get_all_values(name);
        report
            .envelope_ids
            .extend(ids.iter().filter_map(|v| envelope::id_in(v)));
    }
    let (return_paths, message_ids) = returned_headers(&mail);
    report
        .envelope_ids
        .extend(return_paths.iter().filter_map(|v| envelope::id_in(v)));
    report.message_ids = message_ids;
    report.envelope_ids.dedup();
    Ok(report)
}

/// The first part, at any depth, of one of these types.
fn part<'a>(mail: &'a ParsedMail<'a>, types: &[&str]) -> Option<&'a ParsedMail<'a>> {
    if types.contains(&mail.ctype.mimetype.as_str()) {
        return Some(mail);
    }
    mail.subparts.iter().find_map(|p| part(p, types))
}

/// The Return-Path and Message-ID headers of the message that bounced, from
/// a `text/rfc822-headers` or `message/rfc822` part.
fn returned_headers(mail: &ParsedMail) -> (Vec<String>, Vec<String>) {
    let types = [
        "text/rfc822-headers",
        "message/rfc822",
        "message/global",
        "message/global-headers",
    ];
    let Some(raw) = part(mail, &types).and_then(|p| p.get_body_raw().ok()) else {
        return (Vec::new(), Vec::new());
    };
    let Ok((headers, _)) = mailparse::parse_headers(&raw) else {
        return (Vec::new(), Vec::new());
    };
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all_values(name)
            .into_iter()
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    (values("Return-Path"), values("Message-ID"))
}

/// The per-recipient blocks: every block after the first (per-message) one
/// that has an `Action`.
fn recipient_blocks(text: &str) -> Vec<RecipientStatus> {
    blocks(text)
        .into_iter()
        .skip(1)
        .filter_map(|fields| {
            let field = |name: &str| {
                fields
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.clone())
            };
            Some(RecipientStatus {
                action: field("Action")?.to_ascii_lowercase(),
                status: field("Status"),
                diagnostic: field("Diagnostic-Code"),
            })
        })
        .collect()
}

/// Header-like blocks separated by blank lines, with folded lines unfolded:
/// each block a list of (name, value).
fn blocks(text: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for line in text.lines() {
        let current = blocks.last_mut().expect("at least one block");
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(Vec::new());
            }
        } else if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.last_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
        } else if let Some((name, value)) = line.split_once(':') {
            current.push((name.trim().to_owned(), value.trim().to_owned()));
        }
    }
    blocks.retain(|b| !b.is_empty());
    blocks
}

#[cfg(test)]
mod tests;
