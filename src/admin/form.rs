//! Reading organiser forms: `application/x-www-form-urlencoded` pairs, some
//! repeated, always with the session's `csrf_token`.

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

    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
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
}
