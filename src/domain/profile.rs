//! The details a person gives about themselves, on the signup form and on their
//! manage page, and the checks they must pass.

use serde::Deserialize;

use super::{
    Audience, Availability, Cadence, OptionalText, ParticipantEmail, PhoneNumber, RequiredText,
    TextField,
};

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
    /// "yes" or "no": may partners see the phone number?
    pub share_phone: String,
    /// The ticked `availability` checkboxes (a repeated key).
    pub availability: Vec<String>,
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
    /// Whether partners see the phone number.
    pub share_phone: bool,
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

const NAME: TextField = TextField {
    label: "Full name",
    noun: "name",
    missing: "Enter your full name",
    max: NAME_MAX,
    multiline: false,
};
const ORGANISATION: TextField = TextField {
    label: "Organisation",
    noun: "organisation",
    missing: "Enter the name of the organisation you work for",
    max: ORGANISATION_MAX,
    multiline: false,
};
const GOOGLE_ID: TextField = TextField {
    label: "Google ID",
    noun: "Google ID",
    missing: "",
    max: HANDLE_MAX,
    multiline: false,
};
const SKYPE: TextField = TextField {
    label: "Skype name",
    noun: "Skype name",
    missing: "",
    max: HANDLE_MAX,
    multiline: false,
};
const TOPICS: TextField = TextField {
    label: "What you would like to talk about",
    noun: "list of topics",
    missing: "",
    max: TOPICS_MAX,
    multiline: true,
};

/// Which parts of the form are asked for, and who reads the messages.
#[derive(Debug, Clone, Copy)]
pub enum FormKind {
    /// A new signup: email and consent needed.
    Signup,
    /// A change of details on the manage page: the email stays as it is.
    Update,
    /// A row of an organiser's import file: email needed; consent is asked
    /// for by the confirmation email (or vouched for by the organiser). The
    /// messages are the organiser's.
    Import,
}

impl FormKind {
    fn audience(self) -> Audience {
        match self {
            Self::Signup | Self::Update => Audience::Person,
            Self::Import => Audience::Organiser,
        }
    }
}

impl ProfileForm {
    /// When the person is usually free: checked with the rest by
    /// [`ProfileForm::validate`], read with this once that has passed.
    pub fn availability(&self) -> Result<Availability, String> {
        Availability::from_form(&self.availability).map_err(str::to_owned)
    }

    pub fn validate(&self, kind: FormKind) -> Result<ValidProfile, FieldErrors> {
        let to = kind.audience();
        let mut errors = FieldErrors::default();
        let e = &mut errors;
        let required = |raw: &str, field: &TextField| {
            RequiredText::parse(raw, field).map_err(|p| p.message(field, to))
        };
        let optional = |raw: &str, field: &TextField| {
            OptionalText::parse(raw, field).map_err(|p| p.message(field, to))
        };
        let name = keep(e, "name", required(&self.name, &NAME));
        let email = match kind {
            FormKind::Signup | FormKind::Import => keep(
                e,
                "email",
                ParticipantEmail::parse(&self.email)
                    .map(Some)
                    .map_err(|p| p.message(to).to_owned()),
            ),
            FormKind::Update => Some(None),
        };
        let phone = keep(
            e,
            "phone",
            PhoneNumber::parse(&self.phone).map_err(|p| p.message(to).to_owned()),
        );
        let organisation = keep(
            e,
            "organisation",
            required(&self.organisation, &ORGANISATION),
        );
        let google_id = keep(e, "google_id", optional(&self.google_id, &GOOGLE_ID));
        let skype = keep(e, "skype", optional(&self.skype, &SKYPE));
        // Asked just after the contact details, where the page asks it.
        let share_phone = keep(e, "share_phone", share_phone(&self.share_phone, kind));
        let topics = keep(e, "topics", optional(&self.topics, &TOPICS));
        let cadence = keep(
            e,
            "cadence",
            Cadence::parse(&self.cadence).map_err(|message| match to {
                Audience::Person => message.to_owned(),
                Audience::Organiser => "the cadence must be monthly, every_two_months or quarterly (or empty for monthly)".to_owned(),
            }),
        );
        keep(e, "availability", self.availability());
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
            share_phone,
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
                Some(share_phone),
            ) if errors.is_empty() => Ok(ValidProfile {
                name: name.into_inner(),
                email,
                phone: phone.as_str().to_owned(),
                organisation: organisation.into_inner(),
                google_id: google_id.into_inner(),
                skype: skype.into_inner(),
                topics: topics.into_inner(),
                cadence,
                share_phone,
            }),
            _ => Err(errors),
        }
    }
}

/// "yes" or "no". A person must answer (there is no default: it is their
/// choice to make); an organiser's import may leave it empty, for no.
fn share_phone(raw: &str, kind: FormKind) -> Result<bool, String> {
    match (raw.trim(), kind) {
        ("yes", _) => Ok(true),
        ("no", _) | ("", FormKind::Import) => Ok(false),
        (_, FormKind::Import) => Err("share_phone must be yes or no (or empty for no)".to_owned()),
        _ => Err("Select yes if your partners may see your phone number".to_owned()),
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
            share_phone: "yes".into(),
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
            [
                "name",
                "email",
                "phone",
                "organisation",
                "share_phone",
                "consent"
            ]
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
    fn an_import_row_needs_an_email_but_no_consent_and_is_worded_for_the_organiser() {
        let row = ProfileForm {
            consent: String::new(),
            ..good()
        };
        assert!(row.validate(FormKind::Import).is_ok());
        let errors = ProfileForm {
            name: " ".into(),
            email: "not-an-email".into(),
            phone: "12345".into(),
            topics: "x".repeat(TOPICS_MAX + 1),
            cadence: "weekly".into(),
            ..row
        }
        .validate(FormKind::Import)
        .unwrap_err();
        let messages: Vec<_> = errors.iter().map(|(_, m)| m).collect();
        assert_eq!(
            messages,
            [
                "the name is missing",
                "the email address is not in a correct format, like name@example.gov.uk",
                "the phone number is not in a correct format, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
                "the list of topics is longer than 500 characters",
                "the cadence must be monthly, every_two_months or quarterly (or empty for monthly)",
            ]
        );
    }

    #[test]
    fn a_signup_is_worded_for_the_person() {
        let errors = ProfileForm {
            name: String::new(),
            email: "not-an-email".into(),
            ..good()
        }
        .validate(FormKind::Signup)
        .unwrap_err();
        assert_eq!(errors.get("name"), Some("Enter your full name"));
        assert_eq!(
            errors.get("email"),
            Some("Enter an email address in the correct format, like name@example.gov.uk")
        );
    }

    #[test]
    fn availability_is_optional_but_must_be_one_of_the_checkboxes() {
        let ticked = ProfileForm {
            availability: vec!["tue_am".into(), "thu_pm".into()],
            ..good()
        };
        assert!(ticked.validate(FormKind::Signup).is_ok());
        assert_eq!(
            ticked.availability().unwrap().to_stored().as_deref(),
            Some("tue_am thu_pm")
        );
        let odd = ProfileForm {
            availability: vec!["sun_am".into()],
            ..good()
        };
        let errors = odd.validate(FormKind::Update).unwrap_err();
        assert_eq!(
            errors.get("availability"),
            Some("Choose the times you are usually free from the list")
        );
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
