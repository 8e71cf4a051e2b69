use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use rand::rngs::SysRng;
use rand::TryRng;
use sha2::{Digest, Sha256};

/// What a secret link lets its holder do. Stored as `as_str()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum TokenPurpose {
    /// Confirm a signup (double opt-in).
    Confirm,
    /// See and change one's details, pause, leave.
    Manage,
    /// Say whether a group met and share what was learned.
    Followup,
}

impl TokenPurpose {
    pub const ALL: [TokenPurpose; 3] = [Self::Confirm, Self::Manage, Self::Followup];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Confirm => "confirm",
            Self::Manage => "manage",
            Self::Followup => "followup",
        }
    }

    /// How many links of this purpose one person may hold at once; issuing
    /// another drops the oldest. Unbounded links would let anyone who knows an
    /// address pile up live secrets for it.
    pub fn most_per_person(self) -> Option<usize> {
        match self {
            // A few, so that an earlier email's link still works for a while.
            Self::Confirm => Some(3),
            // One: the newest email's link is the one that works.
            Self::Manage => Some(1),
            // One per group member, so bounded by the rounds a person was in.
            Self::Followup => None,
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            Self::Confirm => Duration::days(7),
            Self::Manage | Self::Followup => Duration::days(90),
        }
    }
}

/// A secret for a link: 256 bits from the operating system's CSPRNG. Only its
/// hash is stored, so a copy of the database opens no one's links.
#[derive(Clone)]
pub struct Token(String);

/// Tokens are base64url of 32 bytes: exactly 43 characters.
const ENCODED_LENGTH: usize = 43;

impl Token {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        SysRng
            .try_fill_bytes(&mut bytes)
            .expect("the operating system's random number generator failed");
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only text shaped like a token, so junk never reaches the database.
    pub fn parse(raw: &str) -> Option<Self> {
        let well_formed = raw.len() == ENCODED_LENGTH
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    pub fn expiry(purpose: TokenPurpose, now: NaiveDateTime) -> NaiveDateTime {
        now + purpose.lifetime()
    }
}

// Never print a token by accident.
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_parse_back() {
        let a = Token::generate();
        let b = Token::generate();
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(a.as_str().len(), ENCODED_LENGTH);
        assert_eq!(Token::parse(a.as_str()).unwrap().hash(), a.hash());
        assert_eq!(a.hash().len(), 64);
        assert!(Token::parse("short").is_none());
        assert!(Token::parse(&"!".repeat(ENCODED_LENGTH)).is_none());
        assert_eq!(format!("{a:?}"), "Token(..)");
    }
}
