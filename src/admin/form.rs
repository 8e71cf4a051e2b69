//! Reading organiser forms: `application/x-www-form-urlencoded` pairs, some
//! repeated, always with the session's `csrf_token`.
//!
//! Bytes that are not UTF-8 (raw, or percent-encoded like `%FF`) are decoded
//! as U+FFFD, the replacement character; [`AdminForm::is_unreadable`] tells a
//! field that holds one, so that it is refused rather than used.

/// The pairs of a submitted form.
pub struct AdminForm(Vec<(String, String)>);

impl AdminForm {
    pub fn parse(body: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of a field, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
    }

    /// The first value of a field exactly as sent, spaces and all: for
    /// passwords, where a space is part of the secret.
    pub fn exact(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the field's value held bytes we could not read as text.
    pub fn is_unreadable(&self, name: &str) -> bool {
        self.exact(name)
            .is_some_and(|v| v.contains(char::REPLACEMENT_CHARACTER))
    }

    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// The pairs encoded again, for reading into a typed form (the body
    /// itself was read by [`super::CheckedPost`]).
    pub fn encoded(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&self.0)
            .finish()
    }

    pub fn csrf_token(&self) -> Option<&str> {
        self.get("csrf_token")
    }
}

#[cfg(test)]
mod tests {
    use super::AdminForm;

    #[test]
    fn reads_fields() {
        let f = AdminForm::parse(b"csrf_token=abc&q=+Leeds+&q=ignored");
        assert_eq!(f.csrf_token(), Some("abc"));
        assert_eq!(f.get("q"), Some("Leeds"));
        assert_eq!(f.text("missing"), "");
    }

    #[test]
    fn a_password_is_read_exactly_and_bad_bytes_are_noticed() {
        let f = AdminForm::parse(b"password=++two+spaces++&email=a%FF%40b.org&raw=\xff");
        assert_eq!(f.exact("password"), Some("  two spaces  "));
        assert_eq!(f.get("password"), Some("two spaces"));
        assert!(f.is_unreadable("email"));
        assert!(f.is_unreadable("raw"));
        assert!(!f.is_unreadable("password"));
        assert!(!f.is_unreadable("missing"));
    }
}
