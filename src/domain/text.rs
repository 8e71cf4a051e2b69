/// Checks shared by the free-text fields of a form.
fn check(raw: &str, max: usize, multiline: bool, label: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.contains(char::REPLACEMENT_CHARACTER) {
        return Err(unreadable(label));
    }
    if text.chars().count() > max {
        return Err(format!("{label} must be {max} characters or fewer"));
    }
    let bad = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t'));
    if text.chars().any(bad) {
        return Err(format!(
            "{label} must not contain special characters such as line breaks"
        ));
    }
    Ok(if multiline {
        text.replace("\r\n", "\n")
    } else {
        text.to_owned()
    })
}

/// The message for text that arrived as bytes that are not UTF-8. Forms are
/// decoded leniently (each such byte becomes U+FFFD, the replacement
/// character), so that character is how such text shows itself here. It is
/// refused even when typed, so that sending the form again unchanged does not
/// store it.
fn unreadable(label: &str) -> String {
    format!("{label} must not contain characters we cannot read")
}

/// A single-line text a person must give, like a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredText(String);

impl RequiredText {
    /// `missing` is the message shown when nothing was entered, like "Enter your name".
    pub fn parse(raw: &str, max: usize, label: &str, missing: &str) -> Result<Self, String> {
        let text = check(raw, max, false, label)?;
        if text.is_empty() {
            return Err(missing.to_owned());
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
    pub fn parse(raw: &str, max: usize, label: &str, multiline: bool) -> Result<Self, String> {
        let text = check(raw, max, multiline, label)?;
        Ok(Self(Some(text).filter(|t| !t.is_empty())))
    }

    pub fn into_inner(self) -> Option<String> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text() {
        assert_eq!(
            RequiredText::parse("  Jo  ", 10, "Name", "Enter")
                .unwrap()
                .into_inner(),
            "Jo"
        );
        assert_eq!(
            RequiredText::parse("   ", 10, "Name", "Enter your name").unwrap_err(),
            "Enter your name"
        );
        assert!(RequiredText::parse("Jo\r\nBcc: x", 100, "Name", "Enter").is_err());
        assert!(RequiredText::parse(&"a".repeat(11), 10, "Name", "Enter").is_err());
        assert!(RequiredText::parse(&"é".repeat(10), 10, "Name", "Enter").is_ok());
    }

    #[test]
    fn optional_text() {
        assert_eq!(
            OptionalText::parse(" ", 5, "Skype", false)
                .unwrap()
                .into_inner(),
            None
        );
        assert_eq!(
            OptionalText::parse("a\r\nb", 5, "Topics", true)
                .unwrap()
                .into_inner()
                .as_deref(),
            Some("a\nb")
        );
        assert!(OptionalText::parse("a\nb", 5, "Skype", false).is_err());
        assert!(OptionalText::parse("a\u{7}b", 5, "Topics", true).is_err());
    }

    #[test]
    fn text_that_could_not_be_read_is_refused() {
        assert_eq!(
            RequiredText::parse("Jo \u{FFFD}", 10, "Full name", "Enter").unwrap_err(),
            "Full name must not contain characters we cannot read"
        );
        assert!(OptionalText::parse("\u{FFFD}", 10, "Topics", true).is_err());
    }
}
