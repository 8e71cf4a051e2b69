//! `POST /signup`: a new signup, or a repeat of a known address. Both end on
//! the same "check your email" page, so the page never tells whether an
//! address is known.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse, ResponseError};
use askama::Template;
use chrono::NaiveDateTime;

use super::SignupPage;
use crate::db::participants::Status;
use crate::db::{self, outbox, participants, tokens, Conn};
use crate::domain::{FormKind, ProfileForm, TokenPurpose, ValidProfile};
use crate::email::Composer;
use crate::startup::AppState;
use crate::web::{html, see_other, server_error};

#[derive(Debug, thiserror::Error)]
pub enum SignupError {
    #[error("could not store a signup")]
    Unexpected(#[from] anyhow::Error),
}

impl ResponseError for SignupError {
    fn error_response(&self) -> HttpResponse {
        let Self::Unexpected(e) = self;
        tracing::error!(error = %format!("{e:#}"), "signup failed");
        server_error()
    }
}

#[post("/signup")]
#[tracing::instrument(name = "signup", skip(form, state))]
pub async fn signup(
    form: web::Form<ProfileForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, SignupError> {
    let form = form.into_inner();
    let profile = match form.validate(FormKind::Signup) {
        Ok(profile) => profile,
        Err(errors) => {
            tracing::info!(fields = ?errors.iter().map(|(f, _)| f).collect::<Vec<_>>(), "signup form has errors");
            return Ok(html(StatusCode::OK, &SignupPage::new(&form, errors)));
        }
    };
    let composer = state.composer.clone();
    let now = state.clock.now();
    db::run(&state.pool, move |conn| {
        register(conn, &composer, &profile, now)
    })
    .await?;
    state.wake_mailer();
    Ok(see_other("/signup/check-email"))
}

#[derive(Template)]
#[template(path = "check_email.html")]
struct CheckEmailPage;

#[get("/signup/check-email")]
pub async fn check_email() -> HttpResponse {
    html(StatusCode::OK, &CheckEmailPage)
}

/// Stores the signup and queues the right email, in one transaction:
/// - a new address: a pending participant and a confirmation link;
/// - an address still waiting for confirmation: its details replaced, a fresh link;
/// - an address already taking part: their own manage link, nothing changed.
pub fn register(
    conn: &mut Conn,
    composer: &Composer,
    profile: &ValidProfile,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let key = profile
        .email
        .as_ref()
        .map(|e| e.key())
        .ok_or_else(|| anyhow::anyhow!("a signup needs an email address"))?;
    conn.immediate_transaction(|conn| {
        let email = match participants::find_by_email_key(conn, &key)? {
            None => {
                let person = participants::insert_pending(conn, profile, now)?;
                let token = tokens::issue(conn, person.id, TokenPurpose::Confirm, now)?;
                tracing::info!(participant_id = person.id, "new signup");
                composer.confirm(&person, &token)?
            }
            Some(known) if known.status() == Status::Pending => {
                // Earlier links stay valid: people click whichever email they open first.
                participants::update_details(conn, known.id, profile, now)?;
                let token = tokens::issue(conn, known.id, TokenPurpose::Confirm, now)?;
                let person = participants::find(conn, known.id)?
                    .ok_or_else(|| anyhow::anyhow!("a pending signup vanished"))?;
                tracing::info!(
                    participant_id = person.id,
                    "repeat of an unconfirmed signup"
                );
                composer.confirm(&person, &token)?
            }
            Some(known) => {
                let token = tokens::issue(conn, known.id, TokenPurpose::Manage, now)?;
                tracing::info!(
                    participant_id = known.id,
                    "repeat signup of a confirmed participant"
                );
                composer.manage(&known, &token)?
            }
        };
        outbox::enqueue(conn, &email, now)
    })
}
