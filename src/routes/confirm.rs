//! `/confirm/{token}`: the double opt-in link. Opening it shows the details
//! this link would confirm, and a button; the POST confirms, because mail
//! scanners open links. Each link confirms the details submitted with it.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse, ResponseError};
use askama::Template;

use crate::db::participants::{Participant, Status};
use crate::db::pending_signups::{self, Submission};
use crate::db::tokens::Lookup;
use crate::db::{self, outbox, participants, tokens, Conn};
use crate::domain::{TokenPurpose, ValidProfile};
use crate::pages::{private_html, server_error, MessagePage};
use crate::startup::AppState;

#[derive(Debug, thiserror::Error)]
pub enum ConfirmError {
    #[error("could not confirm a signup")]
    Unexpected(#[from] anyhow::Error),
}

impl ResponseError for ConfirmError {
    fn error_response(&self) -> HttpResponse {
        let Self::Unexpected(e) = self;
        tracing::error!(error = %format!("{e:#}"), "confirmation failed");
        server_error()
    }
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    /// (label, value) rows of the "Check your details" list.
    details: Vec<(&'static str, String)>,
    token: String,
}

/// The rows the confirm page lists: what this link will confirm.
fn summary(email: &str, profile: &ValidProfile) -> Vec<(&'static str, String)> {
    let optional = |value: &Option<String>| value.clone().unwrap_or_else(|| "Not given".into());
    vec![
        ("Full name", profile.name.clone()),
        ("Email address", email.to_owned()),
        ("Phone number", profile.phone.clone()),
        ("Organisation", profile.organisation.clone()),
        ("Google ID", optional(&profile.google_id)),
        ("Skype name", optional(&profile.skype)),
        (
            "What you would like to talk about",
            optional(&profile.topics),
        ),
        ("How often", profile.cadence.label().to_owned()),
    ]
}

/// The details a confirmation link stands for: those submitted with it or,
/// for a link made without a signup (an organiser's import), the person's own.
fn details_for(person: &Participant, submission: Option<Submission>) -> ValidProfile {
    submission.map_or_else(
        || ValidProfile {
            name: person.name.clone(),
            email: None,
            phone: person.phone.clone().unwrap_or_default(),
            organisation: person.organisation.clone(),
            google_id: person.google_id.clone(),
            skype: person.skype.clone(),
            topics: person.topics.clone(),
            cadence: person.cadence,
        },
        |s| s.profile(),
    )
}

/// The page for a link that has run out or never existed. Both offer a fresh start.
pub fn link_problem(lookup: Lookup) -> HttpResponse {
    let page = match lookup {
        Lookup::Expired => MessagePage::new(
            "This link has expired",
            &[
                "Links in our emails work for a limited time, to keep your details safe.",
                "Sign up again with the same email address and we will send you a new link. If you are already taking part, you will not lose your place.",
            ],
        ),
        _ => MessagePage::new(
            "This link is not valid",
            &[
                "It may have been used already, or it may not have been copied in full.",
                "If you have already confirmed your place, there is nothing more to do. To get a new link, sign up again with the same email address.",
            ],
        ),
    }
    .with_link("/#signup", "Sign up again");
    private_html(StatusCode::NOT_FOUND, &page)
}

#[get("/confirm/{token}")]
#[tracing::instrument(name = "confirm_page", skip_all)]
pub async fn show(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConfirmError> {
    let token = path.into_inner();
    let raw = token.clone();
    let now = state.clock.now();
    let found = db::run(&state.pool, move |conn| {
        let lookup = tokens::lookup(conn, &raw, TokenPurpose::Confirm, now)?;
        let Lookup::Valid { participant_id, .. } = lookup else {
            return Ok(Err(lookup));
        };
        let Some(person) = participants::find(conn, participant_id)? else {
            return Ok(Err(Lookup::Unknown));
        };
        let profile = details_for(&person, pending_signups::for_link(conn, &raw)?);
        Ok(Ok(summary(
            person.email.as_deref().unwrap_or_default(),
            &profile,
        )))
    })
    .await?;
    Ok(match found {
        Ok(details) => private_html(StatusCode::OK, &ConfirmPage { details, token }),
        Err(lookup) => link_problem(lookup),
    })
}

#[derive(Template)]
#[template(path = "confirmed.html")]
struct ConfirmedPage {
    manage_link: String,
}

#[post("/confirm/{token}")]
#[tracing::instrument(name = "confirm", skip_all)]
pub async fn confirm(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ConfirmError> {
    let raw = path.into_inner();
    let composer = state.composer.clone();
    let now = state.clock.now();
    let outcome = db::write(&state.pool, move |conn| {
        let lookup = tokens::lookup(conn, &raw, TokenPurpose::Confirm, now)?;
        let Lookup::Valid { participant_id, .. } = lookup else {
            return Ok(Err(lookup));
        };
        take_up_details(conn, participant_id, &raw, now)?;
        participants::confirm(conn, participant_id, now)?;
        // Other signups' details, and their links, are no longer needed.
        pending_signups::delete_for(conn, participant_id)?;
        tokens::revoke(conn, participant_id, TokenPurpose::Confirm)?;
        let person = participants::find(conn, participant_id)?
            .ok_or_else(|| anyhow::anyhow!("a confirmed participant vanished"))?;
        let manage = tokens::issue(conn, participant_id, TokenPurpose::Manage, now)?;
        outbox::enqueue(conn, &composer.welcome(&person, &manage)?, now)?;
        tracing::info!(participant_id, "signup confirmed");
        Ok(Ok(manage))
    })
    .await?;
    match outcome {
        Ok(manage) => {
            state.wake_mailer();
            Ok(private_html(
                StatusCode::OK,
                &ConfirmedPage {
                    manage_link: format!("/me/{}", manage.as_str()),
                },
            ))
        }
        Err(lookup) => Ok(link_problem(lookup)),
    }
}

/// A pending person takes the details submitted with the link they confirm.
fn take_up_details(
    conn: &mut Conn,
    participant_id: i64,
    raw: &str,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    let pending =
        participants::find(conn, participant_id)?.is_some_and(|p| p.status == Status::Pending);
    if let (true, Some(submission)) = (pending, pending_signups::for_link(conn, raw)?) {
        participants::update_details(conn, participant_id, &submission.profile(), now)?;
    }
    Ok(())
}
