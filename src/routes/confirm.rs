//! `/confirm/{token}`: the double opt-in link. Opening it only shows a button;
//! the POST confirms, because mail scanners open links.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse, ResponseError};
use askama::Template;

use crate::db::tokens::Lookup;
use crate::db::{self, outbox, participants, tokens};
use crate::domain::TokenPurpose;
use crate::startup::AppState;
use crate::web::{private_html, server_error, MessagePage};

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
    name: String,
    organisation: String,
    token: String,
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
        let person = match lookup {
            Lookup::Valid { participant_id, .. } => participants::find(conn, participant_id)?,
            _ => None,
        };
        Ok((lookup, person))
    })
    .await?;
    Ok(match found {
        (Lookup::Valid { .. }, Some(person)) => private_html(
            StatusCode::OK,
            &ConfirmPage {
                name: person.name,
                organisation: person.organisation,
                token,
            },
        ),
        (lookup, _) => link_problem(lookup),
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
    let outcome = db::run(&state.pool, move |conn| {
        conn.immediate_transaction(|conn| {
            let Lookup::Valid { participant_id, .. } =
                tokens::lookup(conn, &raw, TokenPurpose::Confirm, now)?
            else {
                return Ok(Err(tokens::lookup(conn, &raw, TokenPurpose::Confirm, now)?));
            };
            participants::confirm(conn, participant_id, now)?;
            tokens::revoke(conn, participant_id, TokenPurpose::Confirm)?;
            let person = participants::find(conn, participant_id)?
                .ok_or_else(|| anyhow::anyhow!("a confirmed participant vanished"))?;
            let manage = tokens::issue(conn, participant_id, TokenPurpose::Manage, now)?;
            outbox::enqueue(conn, &composer.welcome(&person, &manage)?, now)?;
            tracing::info!(participant_id, "signup confirmed");
            Ok::<_, anyhow::Error>(Ok(manage))
        })
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
