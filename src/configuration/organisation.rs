//! `[organisation]`: who runs this UnMentoring, and how people reach them.

use lettre::Address;
use serde::{Deserialize, Deserializer};

use super::optional_text;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationSettings {
    /// Who runs this UnMentoring: the data controller for what people give it.
    pub name: String,
    /// Where people write to the organisers; also the Reply-To of every email
    /// that is not an introduction. `None` (empty) until an organiser sets it.
    #[serde(deserialize_with = "contact_address")]
    pub contact_email: Option<Address>,
    /// Where questions about personal data go, if not to `contact_email`.
    #[serde(deserialize_with = "contact_address")]
    pub privacy_contact: Option<Address>,
}

impl OrganisationSettings {
    /// Where questions about personal data go.
    pub fn privacy_contact(&self) -> Option<&Address> {
        self.privacy_contact
            .as_ref()
            .or(self.contact_email.as_ref())
    }
}

/// Empty, or an email address.
fn contact_address<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Address>, D::Error> {
    let Some(raw) = optional_text(d)? else {
        return Ok(None);
    };
    raw.trim().parse::<Address>().map(Some).map_err(|e| {
        serde::de::Error::custom(format!(
            "\"{raw}\" is not an email address; expected one like \"unmentoring@example.org\" ({e})"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::super::load_with;

    #[test]
    fn a_contact_email_that_is_not_an_address_is_refused_naming_its_key() {
        let err =
            load_with("[organisation]\ncontact_email = \"organisers at example\"\n").unwrap_err();
        assert!(err.contains("organisation.contact_email"), "{err}");
        let err = load_with("[organisation]\nprivacy_contact = \"dpo@\"\n").unwrap_err();
        assert!(err.contains("organisation.privacy_contact"), "{err}");
    }

    #[test]
    fn the_privacy_contact_is_the_contact_email_unless_set() {
        let s = load_with("[organisation]\ncontact_email = \"hello@example.org\"\n").unwrap();
        assert_eq!(
            s.organisation.privacy_contact().map(|a| a.to_string()),
            Some("hello@example.org".into())
        );
        let s = load_with(
            "[organisation]\ncontact_email = \"hello@example.org\"\nprivacy_contact = \"dpo@example.org\"\n",
        )
        .unwrap();
        assert_eq!(
            s.organisation.privacy_contact().map(|a| a.to_string()),
            Some("dpo@example.org".into())
        );
        let s = load_with("").unwrap();
        assert!(s.organisation.contact_email.is_none());
        assert!(s.organisation.privacy_contact().is_none());
    }
}
