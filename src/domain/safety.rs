//! Safety between strangers: why two people are never put in the same group.

/// Why a never-pair rule exists. Stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum NeverPairSource {
    /// "I'd rather not be paired with them again", on the follow-up form.
    Avoid,
    /// A concern reported about an introduction.
    Report,
    /// Set by an organiser in the console.
    Organiser,
}

impl NeverPairSource {
    pub const ALL: [NeverPairSource; 3] = [Self::Avoid, Self::Report, Self::Organiser];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avoid => "avoid",
            Self::Report => "report",
            Self::Organiser => "organiser",
        }
    }

    /// In an organiser's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::Avoid => "Asked not to be paired again",
            Self::Report => "Reported a concern",
            Self::Organiser => "Set by an organiser",
        }
    }
}

/// The longest concern accepted, in characters: a long email's worth.
pub const CONCERN_MAX_CHARS: usize = 5000;

/// Reads the `concern` field: required, and not too long.
pub fn parse_concern(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim();
    if text.is_empty() {
        return Err("Tell us what happened");
    }
    if text.chars().count() > CONCERN_MAX_CHARS {
        return Err("What happened must be 5,000 characters or fewer");
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_concern_is_required_and_limited() {
        assert!(parse_concern("  \n ").is_err());
        assert_eq!(
            parse_concern(" They were rude. ").unwrap(),
            "They were rude."
        );
        assert!(parse_concern(&"x".repeat(CONCERN_MAX_CHARS + 1)).is_err());
        assert!(parse_concern(&"é".repeat(CONCERN_MAX_CHARS)).is_ok());
    }
}
