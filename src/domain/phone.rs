/// A phone number in UK (`01632 960 123`, `07700 900123`) or international
/// (`+44 7700 900123`, `0044 ...`) form. Spaces, dots, dashes and brackets are
/// allowed as people write them; the number is kept as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

const MAX_LENGTH: usize = 30;

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let phone = raw.trim();
        if phone.is_empty() {
            return Err("Enter your phone number");
        }
        if phone.contains(char::REPLACEMENT_CHARACTER) {
            return Err("Phone number must not contain characters we cannot read");
        }
        if phone.chars().count() > MAX_LENGTH {
            return Err("Phone number must be 30 characters or fewer");
        }
        let digits = digits_of(phone)
            .ok_or("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")?;
        let plausible = match digits.strip_prefix("00") {
            Some(international) => (8..=15).contains(&international.len()),
            None if phone.starts_with('+') => (8..=15).contains(&digits.len()),
            None => digits.starts_with('0') && (10..=11).contains(&digits.len()),
        };
        if plausible {
            Ok(Self(phone.to_owned()))
        } else {
            Err("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
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
    use super::PhoneNumber;

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
        assert!(PhoneNumber::parse("01632 960 001\u{FFFD}")
            .unwrap_err()
            .contains("cannot read"));
    }
}
