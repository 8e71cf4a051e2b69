//! What the form templates need to draw GOV.UK-style fields: labels, hints,
//! "(optional)", the person's own values, and each field's error.

use crate::db::participants::Participant;
use crate::domain::{Availability, Cadence, FieldErrors, FormKind, ProfileForm, Slot};

pub struct TextField {
    pub id: &'static str,
    pub label: &'static str,
    pub hint: Option<&'static str>,
    pub value: String,
    pub error: Option<String>,
    pub optional: bool,
    pub autocomplete: &'static str,
    pub input_type: &'static str,
    pub width: &'static str,
    pub spellcheck: bool,
}

impl TextField {
    /// The ids of the hint and error, for `aria-describedby`.
    pub fn described_by(&self) -> Option<String> {
        let ids: Vec<String> = [
            self.hint.map(|_| format!("{}-hint", self.id)),
            self.error.as_ref().map(|_| format!("{}-error", self.id)),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

pub struct TextArea {
    pub value: String,
    pub error: Option<String>,
}

pub struct RadioOption {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// One checkbox: its value, its label, whether it is ticked.
pub struct CheckboxOption {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// Everything `partials/profile_fields.html` draws.
pub struct ProfileFields {
    pub fields: Vec<TextField>,
    pub topics: TextArea,
    pub cadences: Vec<RadioOption>,
    pub cadence_error: Option<String>,
    /// The yes/no question `share_phone`, as the form says.
    pub share_phone: Vec<RadioOption>,
    pub share_phone_error: Option<String>,
    pub availability: Vec<CheckboxOption>,
    pub availability_error: Option<String>,
}

/// The weekday checkboxes, ticked as the form (or the stored value) says.
fn availability_boxes(form: &ProfileForm) -> Vec<CheckboxOption> {
    Slot::all()
        .map(|slot| CheckboxOption {
            checked: form.availability.contains(&slot.code()),
            value: slot.code(),
            label: slot.label(),
        })
        .collect()
}

struct Spec {
    id: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    optional: bool,
    autocomplete: &'static str,
    input_type: &'static str,
    width: &'static str,
    spellcheck: bool,
}

const SPECS: [Spec; 6] = [
    Spec {
        id: "name",
        label: "Full name",
        hint: None,
        optional: false,
        autocomplete: "name",
        input_type: "text",
        width: "input--width-20",
        spellcheck: false,
    },
    Spec {
        id: "email",
        label: "Email address",
        hint: Some("We will send your introductions here. Use your work address if you can."),
        optional: false,
        autocomplete: "email",
        input_type: "email",
        width: "input--width-30",
        spellcheck: false,
    },
    Spec {
        id: "phone",
        label: "Phone number",
        hint: Some("For international numbers include the country code, like +44"),
        optional: false,
        autocomplete: "tel",
        input_type: "tel",
        width: "input--width-20",
        spellcheck: false,
    },
    Spec {
        id: "organisation",
        label: "Organisation",
        hint: Some("The council or organisation you work for"),
        optional: false,
        autocomplete: "organization",
        input_type: "text",
        width: "input--width-30",
        spellcheck: false,
    },
    Spec {
        id: "google_id",
        label: "Google ID",
        hint: Some("If you would like to talk on Google Meet or Hangouts"),
        optional: true,
        autocomplete: "",
        input_type: "text",
        width: "input--width-20",
        spellcheck: false,
    },
    Spec {
        id: "skype",
        label: "Skype name",
        hint: None,
        optional: true,
        autocomplete: "",
        input_type: "text",
        width: "input--width-20",
        spellcheck: false,
    },
];

fn value_of<'a>(form: &'a ProfileForm, id: &str) -> &'a str {
    match id {
        "name" => &form.name,
        "email" => &form.email,
        "phone" => &form.phone,
        "organisation" => &form.organisation,
        "google_id" => &form.google_id,
        "skype" => &form.skype,
        _ => "",
    }
}

pub fn profile_fields(form: &ProfileForm, errors: &FieldErrors, kind: FormKind) -> ProfileFields {
    let fields = SPECS
        .iter()
        .filter(|s| s.id != "email" || matches!(kind, FormKind::Signup))
        .map(|s| TextField {
            id: s.id,
            label: s.label,
            hint: s.hint,
            value: value_of(form, s.id).to_owned(),
            error: errors.get(s.id).map(str::to_owned),
            optional: s.optional,
            autocomplete: s.autocomplete,
            input_type: s.input_type,
            width: s.width,
            spellcheck: s.spellcheck,
        })
        .collect();
    let chosen = Cadence::parse(&form.cadence).ok();
    let cadences = Cadence::ALL
        .iter()
        .map(|c| RadioOption {
            value: c.as_str(),
            label: c.label(),
            checked: chosen == Some(*c),
        })
        .collect();
    ProfileFields {
        fields,
        topics: TextArea {
            value: form.topics.clone(),
            error: errors.get("topics").map(str::to_owned),
        },
        cadences,
        cadence_error: errors.get("cadence").map(str::to_owned),
        share_phone: [("yes", "Yes"), ("no", "No")]
            .into_iter()
            .map(|(value, label)| RadioOption {
                value,
                label,
                checked: form.share_phone.trim() == value,
            })
            .collect(),
        share_phone_error: errors.get("share_phone").map(str::to_owned),
        availability: availability_boxes(form),
        availability_error: errors.get("availability").map(str::to_owned),
    }
}

/// The details form filled in with what is stored about `person`: their
/// manage page, and an organiser's edit page, start from it.
pub fn form_of(person: &Participant) -> ProfileForm {
    ProfileForm {
        name: person.name.clone(),
        email: person.email.clone().unwrap_or_default(),
        phone: person.phone.clone().unwrap_or_default(),
        organisation: person.organisation.clone(),
        google_id: person.google_id.clone().unwrap_or_default(),
        skype: person.skype.clone().unwrap_or_default(),
        topics: person.topics.clone().unwrap_or_default(),
        cadence: person.cadence.as_str().to_owned(),
        consent: String::new(),
        share_phone: if person.share_phone { "yes" } else { "no" }.to_owned(),
        availability: Availability::from_stored(person.availability.as_deref()).codes(),
    }
}

/// A submitted form whose fields may repeat (checkboxes). A body that cannot
/// be read at all (a field given twice where one is expected) is read as
/// empty, so the person sees the form again with its errors, never a bare 400.
pub fn read_form<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> T {
    serde_html_form::from_bytes(body).unwrap_or_default()
}
