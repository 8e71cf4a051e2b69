use super::Audience;

/// A phone number in UK (`01632 960 123`, `07700 900123`) or international
/// (`+44 7700 900123`, `0044 ...`) form. Spaces, dots, dashes and brackets are
/// allowed as people write them; the number is kept as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

const MAX_LENGTH: usize = 30;

/// Why a phone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneProblem {
    Empty,
    /// Bytes that were not UTF-8 (U+FFFD, see `text::TextProblem::message`).
    Unreadable,
    TooLong,
    /// Not digits with the usual separators, or too few or too many digits.
    BadFormat,
}

impl PhoneProblem {
    pub fn message(self, audience: Audience) -> &'static str {
        match (audience, self) {
            (Audience::Person, Self::Empty) => "Enter your phone number",
            (Audience::Person, Self::Unreadable) => {
                "Phone number must not contain characters we cannot read"
            }
            (Audience::Person, Self::TooLong) => "Phone number must be 30 characters or fewer",
            (Audience::Person, Self::BadFormat) => {
                "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
            }
            (Audience::Organiser, Self::Empty) => "the phone number is missing",
            (Audience::Organiser, Self::Unreadable) => {
                "the phone number contains characters we cannot read"
            }
            (Audience::Organiser, Self::TooLong) => "the phone number is longer than 30 characters",
            (Audience::Organiser, Self::BadFormat) => "the phone number is not in a correct format, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        }
    }
}

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, PhoneProblem> {
        let phone = raw.trim();
        if phone.is_empty() {
            return Err(PhoneProblem::Empty);
        }
        if phone.contains(char::REPLACEMENT_CHARACTER) {
            return Err(PhoneProblem::Unreadable);
        }
        if phone.chars().count() > MAX_LENGTH {
            return Err(PhoneProblem::TooLong);
        }
        let digits = digits_of(phone).ok_or(PhoneProblem::BadFormat)?;
        let plausible = match digits.strip_prefix("00") {
            Some(international) => (8..=15).contains(&international.len()),
            None if phone.starts_with('+') => (8..=15).contains(&digits.len()),
            None => digits.starts_with('0') && (10..=11).contains(&digits.len()),
        };
        if plausible {
            Ok(Self(phone.to_owned()))
        } else {
            Err(PhoneProblem::BadFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The digits of a number written with the usual separators, or None if it holds
/// anything else. A `+` is allowed only at the start.
fn digits_of(phone: &str) -> Option<String> {
    let body = phone.strip_prefix('+').unwrap_or(phone);
    let mut digits = String::new();
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '.' | '(' | ')' => {}
            _ => return None,
        }
    }
    Some(digits)
}

#[cfg(test)]
mod tests {
    use super::{PhoneNumber, PhoneProblem};

    #[test]
    fn accepts_uk_and_international_numbers() {
        for ok in [
            "01632 960 001",
            "07700 900982",
            "(0113) 496 0000",
            "+44 808 157 0192",
            "+1-202-555-0143",
            "0044 7700 900982",
            "020 7946 0000",
        ] {
            assert!(PhoneNumber::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_implausible_numbers() {
        for bad in [
            "",
            "12345",
            "7700 900982",
            "+44",
            "0770090098212345",
            "call me",
            "+44 7700 9009+82",
            "07700\n900982",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            PhoneNumber::parse("01632 960 001\u{FFFD}").unwrap_err(),
            PhoneProblem::Unreadable
        );
    }
}
