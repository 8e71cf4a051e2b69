//! The home page with the signup form: shown by `GET /`, and again by
//! `POST /signup` with the errors and what was entered.

use askama::Template;

use super::forms::{profile_fields, ProfileFields};
use crate::domain::{FieldErrors, FormKind, ProfileForm};

/// The home page: what UnMentoring is, and the signup form.
#[derive(Template)]
#[template(path = "home.html")]
pub struct SignupPage {
    errors: FieldErrors,
    profile: ProfileFields,
    consent_error: Option<String>,
    consent_checked: bool,
}

impl SignupPage {
    pub fn new(form: &ProfileForm, errors: FieldErrors) -> Self {
        Self {
            profile: profile_fields(form, &errors, FormKind::Signup),
            consent_error: errors.get("consent").map(str::to_owned),
            consent_checked: form.consent == "yes",
            errors,
        }
    }
}
