//! One email address that we can send to, in the one form we store and compare.

use std::str::FromStr;

use lettre::message::Mailbox;
use lettre::{Address, Message};
use unicode_normalization::UnicodeNormalization;

use super::Audience;

/// One email address, as a person would type it in a form, normalised:
/// Unicode NFKC (a fullwidth `ａ` is an `a`), the domain in lower-case ASCII
/// (an international domain in its `xn--` form). The part before the `@` is
/// kept as typed, apart from NFKC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantEmail(String);

const MAX_LENGTH: usize = 254;

/// Why an email address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailProblem {
    Empty,
    TooLong,
    /// Bytes that were not UTF-8 (U+FFFD, see `text::TextProblem::message`).
    Unreadable,
    /// A space, a comma or a line break: more than one address, or a name with it.
    NotOne,
    BadFormat,
    /// Letters outside ASCII before the `@`.
    NotAscii,
}

impl EmailProblem {
    pub fn message(self, audience: Audience) -> &'static str {
        match audience {
            Audience::Person => self.to_person(),
            Audience::Organiser => self.to_organiser(),
        }
    }

    fn to_person(self) -> &'static str {
        match self {
            Self::Empty => "Enter your email address",
            Self::TooLong => "Email address must be 254 characters or fewer",
            Self::Unreadable => "Email address must not contain characters we cannot read",
            Self::NotOne => "Enter one email address, like name@example.gov.uk",
            Self::BadFormat => {
                "Enter an email address in the correct format, like name@example.gov.uk"
            }
            Self::NotAscii => "The part of the email address before the @ must only contain letters a to z, numbers and symbols like . - _ +",
        }
    }

    fn to_organiser(self) -> &'static str {
        match self {
            Self::Empty => "the email address is missing",
            Self::TooLong => "the email address is longer than 254 characters",
            Self::Unreadable => "the email address contains characters we cannot read",
            Self::NotOne => "the email address contains a space or a comma: give one address, like name@example.gov.uk",
            Self::BadFormat => {
                "the email address is not in a correct format, like name@example.gov.uk"
            }
            Self::NotAscii => "the part of the email address before the @ contains characters other than letters a to z, numbers and symbols like . - _ +",
        }
    }
}

/// The person's wording: what the command line prints too.
impl std::fmt::Display for EmailProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.to_person())
    }
}

impl std::error::Error for EmailProblem {}

impl ParticipantEmail {
    pub fn parse(raw: &str) -> Result<Self, EmailProblem> {
        let typed = raw.trim();
        if typed.is_empty() {
            return Err(EmailProblem::Empty);
        }
        if typed.contains(char::REPLACEMENT_CHARACTER) {
            return Err(EmailProblem::Unreadable);
        }
        // Compatibility forms (fullwidth letters, ligatures) become the plain
        // characters they look like, so that look-alikes are one address.
        let email: String = typed.nfkc().collect();
        if email.chars().count() > MAX_LENGTH {
            return Err(EmailProblem::TooLong);
        }
        if email.chars().any(|c| c.is_control() || c.is_whitespace()) || email.contains(',') {
            return Err(EmailProblem::NotOne);
        }
        let (local, domain) = email.rsplit_once('@').ok_or(EmailProblem::BadFormat)?;
        let local = plain_local_part(local)?;
        let domain = internet_domain(domain).ok_or(EmailProblem::BadFormat)?;
        let address = format!("{local}@{domain}");
        if address.len() > MAX_LENGTH {
            return Err(EmailProblem::TooLong);
        }
        if !sendable(&address) {
            return Err(EmailProblem::BadFormat);
        }
        Ok(Self(address))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used to recognise the same person whatever capitals they type.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }

    /// The key to look up an address typed in a form or on the command line
    /// (an organiser signing in or being removed). Text that is not a valid
    /// address gets its lower-case form, which matches no stored key.
    pub fn lookup_key(raw: &str) -> String {
        Self::parse(raw).map_or_else(|_| raw.trim().to_lowercase(), |email| email.key())
    }
}

/// The part before the `@`: unquoted ASCII. A quoted part (`"a b"@x.org`)
/// cannot be sent, and an address outside ASCII needs a mail server that
/// speaks SMTPUTF8, which we cannot count on.
fn plain_local_part(local: &str) -> Result<&str, EmailProblem> {
    if local.is_empty() || local.starts_with('"') {
        return Err(EmailProblem::BadFormat);
    }
    if !local.is_ascii() {
        return Err(EmailProblem::NotAscii);
    }
    Ok(local)
}

/// The domain as mail servers look it up: lower-case ASCII, an international
/// name in its `xn--` form. It must be a name on the internet: not an address
/// in brackets (`[127.0.0.1]`), not a bare IP address, with at least one dot.
fn internet_domain(domain: &str) -> Option<String> {
    if domain.starts_with('[') {
        return None;
    }
    // The strict form also refuses empty labels, a trailing dot and any
    // character a host name may not have.
    let ascii = idna::domain_to_ascii_strict(domain).ok()?;
    let top = ascii.rsplit('.').next().unwrap_or_default();
    let has_dot = ascii.contains('.');
    let numeric_top = top.chars().all(|c| c.is_ascii_digit());
    (has_dot && !numeric_top).then_some(ascii)
}

/// Whether the mailer can build an email to `address`: it is parsed and put
/// in a `To` header as `email::message` does, and the envelope lettre reads
/// back from that header must name exactly this address.
fn sendable(address: &str) -> bool {
    let Ok(parsed) = Address::from_str(address) else {
        return false;
    };
    let from = Mailbox::new(
        None,
        Address::new("check", "example.org").expect("a valid address"),
    );
    Message::builder()
        .from(from)
        .to(Mailbox::new(None, parsed))
        .body(String::new())
        .is_ok_and(|message| matches!(message.envelope().to(), [to] if to.to_string() == address))
}

#[cfg(test)]
mod tests {
    use super::ParticipantEmail;

    fn stored(raw: &str) -> String {
        ParticipantEmail::parse(raw).unwrap().as_str().to_owned()
    }

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in [
            "jo@leeds.gov.uk",
            " Jo.Bloggs+um@example.org ",
            "a_b@sub.domain.co.uk",
            "o'brien@example.org",
            "jo@exam-ple.org",
        ] {
            assert!(ParticipantEmail::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(
            ParticipantEmail::parse(" A@B.org").unwrap().key(),
            "a@b.org"
        );
    }

    #[test]
    fn refuses_anything_but_one_address() {
        for bad in [
            "",
            "jo",
            "jo@",
            "@x.org",
            "jo@localhost",
            "a@b.org, c@d.org",
            "a@b.org c@d.org",
            "Jo <jo@x.org>",
            "jo@x.org\r\nBcc: x@y.org",
            "jo@@x.org",
            "jo@x.org.",
            "jo@x..org",
        ] {
            assert!(ParticipantEmail::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(ParticipantEmail::parse(&long).is_err());
    }

    #[test]
    fn refuses_addresses_that_no_email_can_be_built_for() {
        for bad in [
            "lit@[127.0.0.1]",
            "jo@[IPv6:::1]",
            "\"quoted@evil.example\"@example.org",
            "\"ab\"@example.org",
            "jo@127.0.0.1",
            "jo@ex_ample.org",
            "jo@-example.org",
        ] {
            assert_eq!(
                ParticipantEmail::parse(bad).unwrap_err(),
                super::EmailProblem::BadFormat,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn only_addresses_the_mailer_can_put_in_an_envelope_are_sendable() {
        assert!(super::sendable("jo@example.org"));
        assert!(!super::sendable("lit@[127.0.0.1]"));
        assert!(!super::sendable("\"quoted@evil.example\"@example.org"));
    }

    #[test]
    fn look_alikes_are_normalised_before_they_are_compared() {
        assert_eq!(stored("ａdmin@example.org"), "admin@example.org");
        assert_eq!(stored("admin@ＥＸＡＭＰＬＥ.org"), "admin@example.org");
        assert_eq!(stored("Jo@Example.ORG"), "Jo@example.org");
        assert_eq!(
            ParticipantEmail::parse("Jo@Example.ORG").unwrap().key(),
            "jo@example.org"
        );
        assert_eq!(
            ParticipantEmail::lookup_key(" ａdmin@Example.org"),
            "admin@example.org"
        );
        assert_eq!(
            ParticipantEmail::lookup_key("Not An Address"),
            "not an address"
        );
        // A Cyrillic "а" makes a different domain: kept apart, in its sendable form.
        assert_eq!(stored("admin@exаmple.org"), "admin@xn--exmple-4nf.org");
        assert_eq!(stored("jo@bücher.example"), "jo@xn--bcher-kva.example");
        // A fullwidth comma is still a comma.
        assert!(ParticipantEmail::parse("a@b.org，c@d.org").is_err());
    }

    #[test]
    fn refuses_what_we_cannot_read_or_send_everywhere() {
        assert_eq!(
            ParticipantEmail::parse("jo\u{FFFD}@example.org").unwrap_err(),
            super::EmailProblem::Unreadable
        );
        assert_eq!(
            ParticipantEmail::parse("аdmin@example.org").unwrap_err(),
            super::EmailProblem::NotAscii
        );
        assert_eq!(
            ParticipantEmail::parse("zoë@example.org").unwrap_err(),
            super::EmailProblem::NotAscii
        );
    }
}
