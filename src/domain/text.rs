//! Free-text fields: the checks they share, and how a refusal is worded.

use super::Audience;

/// A free-text field of a form, and what its messages call it.
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    /// What the person's messages call it: "Full name".
    pub label: &'static str,
    /// What an organiser's messages call it: "name" ("the name is missing").
    pub noun: &'static str,
    /// The person's message when a required field is empty: "Enter your full name".
    pub missing: &'static str,
    /// The most characters it may hold.
    pub max: usize,
    /// Whether line breaks and tabs are allowed.
    pub multiline: bool,
}

/// Why a text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// Nothing but spaces, in a field that must be filled in.
    Missing,
    /// More than [`TextField::max`] characters.
    TooLong,
    /// A control character, or a line break where none is allowed.
    SpecialCharacters,
    /// Bytes that were not UTF-8 (see [`TextProblem::message`]).
    Unreadable,
}

impl TextProblem {
    /// The message for `field`, worded for `audience`.
    ///
    /// Forms are decoded leniently (each byte that is not UTF-8 becomes
    /// U+FFFD, the replacement character), so that character is how such text
    /// shows itself here. It is refused even when typed, so that sending the
    /// form again unchanged does not store it.
    pub fn message(self, field: &TextField, audience: Audience) -> String {
        let TextField {
            label, noun, max, ..
        } = field;
        match (audience, self) {
            (Audience::Person, Self::Missing) => field.missing.to_owned(),
            (Audience::Person, Self::TooLong) => {
                format!("{label} must be {max} characters or fewer")
            }
            (Audience::Person, Self::SpecialCharacters) => {
                format!("{label} must not contain special characters such as line breaks")
            }
            (Audience::Person, Self::Unreadable) => {
                format!("{label} must not contain characters we cannot read")
            }
            (Audience::Organiser, Self::Missing) => format!("the {noun} is missing"),
            (Audience::Organiser, Self::TooLong) => {
                format!("the {noun} is longer than {max} characters")
            }
            (Audience::Organiser, Self::SpecialCharacters) => {
                format!("the {noun} contains special characters such as line breaks")
            }
            (Audience::Organiser, Self::Unreadable) => {
                format!("the {noun} contains characters we cannot read")
            }
        }
    }
}

/// Checks shared by the free-text fields of a form.
fn check(raw: &str, field: &TextField) -> Result<String, TextProblem> {
    let text = raw.trim();
    if text.contains(char::REPLACEMENT_CHARACTER) {
        return Err(TextProblem::Unreadable);
    }
    if text.chars().count() > field.max {
        return Err(TextProblem::TooLong);
    }
    let multiline = field.multiline;
    let bad = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t'));
    if text.chars().any(bad) {
        return Err(TextProblem::SpecialCharacters);
    }
    Ok(if multiline {
        text.replace("\r\n", "\n")
    } else {
        text.to_owned()
    })
}

/// A single-line text a person must give, like a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredText(String);

impl RequiredText {
    pub fn parse(raw: &str, field: &TextField) -> Result<Self, TextProblem> {
        let text = check(raw, field)?;
        if text.is_empty() {
            return Err(TextProblem::Missing);
        }
        Ok(Self(text))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A text a person may leave empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionalText(Option<String>);

impl OptionalText {
    pub fn parse(raw: &str, field: &TextField) -> Result<Self, TextProblem> {
        let text = check(raw, field)?;
        Ok(Self(Some(text).filter(|t| !t.is_empty())))
    }

    pub fn into_inner(self) -> Option<String> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME: TextField = TextField {
        label: "Full name",
        noun: "name",
        missing: "Enter your full name",
        max: 10,
        multiline: false,
    };
    const TOPICS: TextField = TextField {
        label: "Topics",
        noun: "topics",
        missing: "",
        max: 5,
        multiline: true,
    };

    #[test]
    fn required_text() {
        assert_eq!(
            RequiredText::parse("  Jo  ", &NAME).unwrap().into_inner(),
            "Jo"
        );
        assert_eq!(
            RequiredText::parse("   ", &NAME).unwrap_err(),
            TextProblem::Missing
        );
        let long = TextField { max: 100, ..NAME };
        assert_eq!(
            RequiredText::parse("Jo\r\nBcc: x", &long).unwrap_err(),
            TextProblem::SpecialCharacters
        );
        assert_eq!(
            RequiredText::parse(&"a".repeat(11), &NAME).unwrap_err(),
            TextProblem::TooLong
        );
        assert!(RequiredText::parse(&"é".repeat(10), &NAME).is_ok());
    }

    #[test]
    fn optional_text() {
        let skype = TextField {
            multiline: false,
            ..TOPICS
        };
        assert_eq!(OptionalText::parse(" ", &skype).unwrap().into_inner(), None);
        assert_eq!(
            OptionalText::parse("a\r\nb", &TOPICS)
                .unwrap()
                .into_inner()
                .as_deref(),
            Some("a\nb")
        );
        assert!(OptionalText::parse("a\nb", &skype).is_err());
        assert!(OptionalText::parse("a\u{7}b", &TOPICS).is_err());
    }

    #[test]
    fn text_that_could_not_be_read_is_refused() {
        let problem = RequiredText::parse("Jo \u{FFFD}", &NAME).unwrap_err();
        assert_eq!(
            problem.message(&NAME, Audience::Person),
            "Full name must not contain characters we cannot read"
        );
        assert!(OptionalText::parse("\u{FFFD}", &TOPICS).is_err());
    }

    #[test]
    fn one_rule_two_wordings() {
        let words = |p: TextProblem| {
            (
                p.message(&NAME, Audience::Person),
                p.message(&NAME, Audience::Organiser),
            )
        };
        assert_eq!(
            words(TextProblem::Missing),
            (
                "Enter your full name".to_owned(),
                "the name is missing".to_owned()
            )
        );
        assert_eq!(
            words(TextProblem::TooLong),
            (
                "Full name must be 10 characters or fewer".to_owned(),
                "the name is longer than 10 characters".to_owned()
            )
        );
    }
}
