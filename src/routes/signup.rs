//! `POST /signup`: a new signup, or a repeat of a known address. Both end on
//! the same "check your email" page, so the page never tells whether an
//! address is known.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::Duration;

use crate::configuration::SignupSettings;
use crate::db;
use crate::domain::{FormKind, ProfileForm};
use crate::pages::forms::read_form;
use crate::pages::signup::SignupPage;
use crate::pages::{html, see_other, PageError};
use crate::services::registration::register;
use crate::startup::AppState;

#[post("/signup")]
#[tracing::instrument(name = "signup", skip(body, state))]
pub async fn signup(
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let form: ProfileForm = read_form(&body);
    let signup = match form.validate(FormKind::Signup) {
        Ok(profile) => (profile, form.availability().unwrap_or_default()),
        Err(errors) => {
            tracing::info!(fields = ?errors.iter().map(|(f, _)| f).collect::<Vec<_>>(), "signup form has errors");
            return Ok(html(StatusCode::OK, &SignupPage::new(&form, errors)));
        }
    };
    let composer = state.composer.clone();
    let now = state.clock.now();
    let repeat_email_after = repeat_email_after(&state.settings.signup);
    // Through the one writer on SQLite: many signups at once share a commit.
    // READ COMMITTED on PostgreSQL: see `services::registration`.
    db::write_with(&state.pool, db::Isolation::ReadCommitted, move |conn| {
        register(
            conn,
            &composer,
            (&signup.0, signup.1),
            now,
            repeat_email_after,
        )
    })
    .await?;
    state.wake_mailer();
    Ok(see_other("/signup/check-email"))
}

fn repeat_email_after(settings: &SignupSettings) -> Duration {
    Duration::minutes(i64::from(settings.repeat_email_minutes))
}

/// The same page for every signup, whatever was (or was not) sent.
#[derive(Template)]
#[template(path = "check_email.html")]
struct CheckEmailPage {
    repeat_email_minutes: u32,
}

#[get("/signup/check-email")]
pub async fn check_email(state: web::Data<AppState>) -> HttpResponse {
    let page = CheckEmailPage {
        repeat_email_minutes: state.settings.signup.repeat_email_minutes,
    };
    html(StatusCode::OK, &page)
}
