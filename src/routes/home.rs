use actix_web::http::StatusCode;
use actix_web::{get, HttpResponse};
use askama::Template;

use crate::domain::{FieldErrors, FormKind, ProfileForm};
use crate::pages::forms::{profile_fields, ProfileFields};
use crate::pages::html;

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

#[get("/")]
#[tracing::instrument(name = "home")]
pub async fn home() -> HttpResponse {
    html(
        StatusCode::OK,
        &SignupPage::new(&ProfileForm::default(), FieldErrors::default()),
    )
}
