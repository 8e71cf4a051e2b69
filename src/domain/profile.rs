//! The details a person gives about themselves, on the signup form and on their
//! manage page, and the checks they must pass.

use serde::Deserialize;

use super::{Cadence, OptionalText, ParticipantEmail, PhoneNumber, RequiredText};

/// The form as it arrived: every field optional and untrusted, so that a
/// missing or odd field gives a message on the form, never a bare 400.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub organisation: String,
    pub google_id: String,
    pub skype: String,
    pub topics: String,
    pub cadence: String,
    pub consent: String,
}

/// A profile that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidProfile {
    pub name: String,
    pub email: Option<ParticipantEmail>,
    pub phone: String,
    pub organisation: String,
    pub google_id: Option<String>,
    pub skype: Option<String>,
    pub topics: Option<String>,
    pub cadence: Cadence,
}

/// Messages for the fields that failed, in the order the fields appear on the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// `field` is the id of the input the error summary links to.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }
}

pub const NAME_MAX: usize = 100;
pub const ORGANISATION_MAX: usize = 150;
pub const HANDLE_MAX: usize = 100;
pub const TOPICS_MAX: usize = 500;

/// Which parts of the form are asked for.
#[derive(Debug, Clone, Copy)]
pub enum FormKind {
    /// A new signup: email and consent needed.
    Signup,
    /// A change of details on the manage page: the email stays as it is.
    Update,
}

impl ProfileForm {
    pub fn validate(&self, kind: FormKind) -> Result<ValidProfile, FieldErrors> {
        let mut errors = FieldErrors::default();
        let e = &mut errors;
        let name = keep(
            e,
            "name",
            RequiredText::parse(&self.name, NAME_MAX, "Full name", "Enter your full name"),
        );
        let email = match kind {
            FormKind::Signup => keep(
                e,
                "email",
                ParticipantEmail::parse(&self.email)
                    .map(Some)
                    .map_err(String::from),
            ),
            FormKind::Update => Some(None),
        };
        let phone = keep(
            e,
            "phone",
            PhoneNumber::parse(&self.phone).map_err(String::from),
        );
        let organisation = keep(
            e,
            "organisation",
            RequiredText::parse(
                &self.organisation,
                ORGANISATION_MAX,
                "Organisation",
                "Enter the name of the organisation you work for",
            ),
        );
        let google_id = keep(
            e,
            "google_id",
            OptionalText::parse(&self.google_id, HANDLE_MAX, "Google ID", false),
        );
        let skype = keep(
            e,
            "skype",
            OptionalText::parse(&self.skype, HANDLE_MAX, "Skype name", false),
        );
        let topics = keep(
            e,
            "topics",
            OptionalText::parse(
                &self.topics,
                TOPICS_MAX,
                "What you would like to talk about",
                true,
            ),
        );
        let cadence = keep(
            e,
            "cadence",
            Cadence::parse(&self.cadence).map_err(String::from),
        );
        if matches!(kind, FormKind::Signup) && self.consent.trim() != "yes" {
            e.add(
                "consent",
                "Confirm that you have read the privacy notice and agree to it",
            );
        }
        match (
            name,
            email,
            phone,
            organisation,
            google_id,
            skype,
            topics,
            cadence,
        ) {
            (
                Some(name),
                Some(email),
                Some(phone),
                Some(organisation),
                Some(google_id),
                Some(skype),
                Some(topics),
                Some(cadence),
            ) if errors.is_empty() => Ok(ValidProfile {
                name: name.into_inner(),
                email,
                phone: phone.as_str().to_owned(),
                organisation: organisation.into_inner(),
                google_id: google_id.into_inner(),
                skype: skype.into_inner(),
                topics: topics.into_inner(),
                cadence,
            }),
            _ => Err(errors),
        }
    }
}

/// The value if it passed; otherwise its message is added to `errors`.
fn keep<T>(errors: &mut FieldErrors, field: &'static str, result: Result<T, String>) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(message) => {
            errors.add(field, message);
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ProfileForm {
        ProfileForm {
            name: "Jo Bloggs".into(),
            email: "jo@leeds.gov.uk".into(),
            phone: "0113 496 0000".into(),
            organisation: "Leeds City Council".into(),
            consent: "yes".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_form_passes() {
        let p = good().validate(FormKind::Signup).unwrap();
        assert_eq!(p.cadence, Cadence::Monthly);
        assert_eq!(p.email.unwrap().as_str(), "jo@leeds.gov.uk");
        assert_eq!(p.skype, None);
    }

    #[test]
    fn every_missing_field_is_named_in_page_order() {
        let errors = ProfileForm::default()
            .validate(FormKind::Signup)
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            ["name", "email", "phone", "organisation", "consent"]
        );
    }

    #[test]
    fn update_needs_no_email_or_consent() {
        let form = ProfileForm {
            email: String::new(),
            consent: String::new(),
            ..good()
        };
        assert!(form.validate(FormKind::Update).unwrap().email.is_none());
        assert!(form.validate(FormKind::Signup).is_err());
    }

    #[test]
    fn limits_are_enforced() {
        let form = ProfileForm {
            topics: "x".repeat(TOPICS_MAX + 1),
            cadence: "weekly".into(),
            ..good()
        };
        let errors = form.validate(FormKind::Signup).unwrap_err();
        assert!(errors.get("topics").unwrap().contains("500"));
        assert!(errors.get("cadence").is_some());
    }
}
