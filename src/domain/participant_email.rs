use std::str::FromStr;

/// One email address, as a person would type it in a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParticipantEmail(String);

const MAX_LENGTH: usize = 254;

impl ParticipantEmail {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let email = raw.trim();
        if email.is_empty() {
            return Err("Enter your email address");
        }
        if email.chars().count() > MAX_LENGTH {
            return Err("Email address must be 254 characters or fewer");
        }
        if email.chars().any(|c| c.is_control() || c.is_whitespace()) || email.contains(',') {
            return Err("Enter one email address, like name@example.gov.uk");
        }
        let address = lettre::Address::from_str(email).map_err(|_| {
            "Enter an email address in the correct format, like name@example.gov.uk"
        })?;
        // An address must be reachable from the internet: its domain needs a dot.
        let domain = address.domain();
        if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
            return Err("Enter an email address in the correct format, like name@example.gov.uk");
        }
        Ok(Self(email.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used to recognise the same person whatever capitals they type.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::ParticipantEmail;

    #[test]
    fn accepts_ordinary_addresses() {
        for ok in [
            "jo@leeds.gov.uk",
            " Jo.Bloggs+um@example.org ",
            "a_b@sub.domain.co.uk",
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
        ] {
            assert!(ParticipantEmail::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("{}@example.org", "a".repeat(250));
        assert!(ParticipantEmail::parse(&long).is_err());
    }
}
