//! `POST /signup`: a new signup, or a repeat of a known address. Both end on
//! the same "check your email" page, so the page never tells whether an
//! address is known.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse, ResponseError};
use askama::Template;
use chrono::{Duration, NaiveDateTime};

use super::SignupPage;
use crate::configuration::SignupSettings;
use crate::db::outbox::NewEmail;
use crate::db::participants::{Participant, Status};
use crate::db::{self, outbox, participants, pending_signups, tokens, Conn};
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
    let repeat_email_after = repeat_email_after(&state.settings.signup);
    db::run(&state.pool, move |conn| {
        register(conn, &composer, &profile, now, repeat_email_after)
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

/// Stores the signup and queues the right email, in one transaction:
/// - a new address: a pending participant and a confirmation link;
/// - an address still waiting for confirmation: a fresh link, which confirms
///   the details submitted with it (earlier links keep confirming theirs);
/// - an address already taking part: their own manage link, nothing changed.
///
/// Whatever the case, the signup form emails an address at most once per
/// `repeat_email_after`: a repeat sooner than that stores and sends nothing.
pub fn register(
    conn: &mut Conn,
    composer: &Composer,
    profile: &ValidProfile,
    now: NaiveDateTime,
    repeat_email_after: Duration,
) -> anyhow::Result<()> {
    let key = profile
        .email
        .as_ref()
        .map(|e| e.key())
        .ok_or_else(|| anyhow::anyhow!("a signup needs an email address"))?;
    conn.immediate_transaction(|conn| {
        let (participant_id, email) = match participants::find_by_email_key(conn, &key)? {
            None => new_signup(conn, composer, profile, now)?,
            Some(known) if emailed_since(conn, known.id, now - repeat_email_after)? => {
                tracing::info!(
                    participant_id = known.id,
                    "repeat signup soon after the last email: nothing sent"
                );
                return Ok(());
            }
            Some(known) if known.status() == Status::Pending => {
                repeat_pending(conn, composer, known, profile, now)?
            }
            Some(known) => repeat_confirmed(conn, composer, known, now)?,
        };
        participants::note_signup_email(conn, participant_id, now)?;
        outbox::enqueue(conn, &email, now)
    })
}

fn emailed_since(conn: &mut Conn, id: i64, since: NaiveDateTime) -> anyhow::Result<bool> {
    Ok(participants::signup_email_at(conn, id)?.is_some_and(|at| at > since))
}

fn new_signup(
    conn: &mut Conn,
    composer: &Composer,
    profile: &ValidProfile,
    now: NaiveDateTime,
) -> anyhow::Result<(i64, NewEmail)> {
    let person = participants::insert_pending(conn, profile, now)?;
    let token = tokens::issue(conn, person.id, TokenPurpose::Confirm, now)?;
    pending_signups::store(conn, &token, person.id, profile, now)?;
    tracing::info!(participant_id = person.id, "new signup");
    Ok((person.id, composer.confirm(&person, &token)?))
}

/// The person's details stay as they are: the new ones wait with the new
/// link. The email greets whoever this signup says they are, as its link
/// would confirm that.
fn repeat_pending(
    conn: &mut Conn,
    composer: &Composer,
    mut known: Participant,
    profile: &ValidProfile,
    now: NaiveDateTime,
) -> anyhow::Result<(i64, NewEmail)> {
    let token = tokens::issue(conn, known.id, TokenPurpose::Confirm, now)?;
    pending_signups::store(conn, &token, known.id, profile, now)?;
    tracing::info!(participant_id = known.id, "repeat of an unconfirmed signup");
    known.name.clone_from(&profile.name);
    Ok((known.id, composer.confirm(&known, &token)?))
}

fn repeat_confirmed(
    conn: &mut Conn,
    composer: &Composer,
    known: Participant,
    now: NaiveDateTime,
) -> anyhow::Result<(i64, NewEmail)> {
    let token = tokens::issue(conn, known.id, TokenPurpose::Manage, now)?;
    tracing::info!(
        participant_id = known.id,
        "repeat signup of a confirmed participant"
    );
    Ok((known.id, composer.manage(&known, &token)?))
}
