//! `/admin/organisers`: who the organisers are; inviting one by email (a
//! one-time link to set a password, see `invite.rs`); removing one, which
//! ends their sessions. An organiser cannot remove themselves, so there is
//! always someone left to sign in.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;

use super::{AdminError, CheckedPost, Chrome, Done, SignedIn};
use crate::db::{self, organiser_invites, organisers, outbox};
use crate::domain::{Audience, FieldErrors, ParticipantEmail, Token};
use crate::email::organiser_invite::invite_expiry;
use crate::pages::{private_html, see_other};
use crate::startup::AppState;

pub const ORGANISERS_PAGE: &str = "/admin/organisers";

struct Row {
    id: i64,
    email: String,
    added: String,
    is_you: bool,
}

#[derive(Template)]
#[template(path = "admin/organisers.html")]
struct OrganisersPage {
    chrome: Chrome,
    errors: FieldErrors,
    notice: &'static str,
    rows: Vec<Row>,
    email: String,
}

fn notice(done: &str) -> &'static str {
    match done {
        "invited" => "The invitation is on its way. The link in it works once, for 72 hours",
        "removed" => "The organiser is removed and signed out",
        "password" => "Your password is changed. You are signed out everywhere else",
        _ => "",
    }
}

async fn page(
    signed_in: &SignedIn,
    state: &AppState,
    email: String,
    errors: FieldErrors,
    notice: &'static str,
) -> Result<OrganisersPage, AdminError> {
    let time = state.settings.people_time();
    let all = db::run(&state.pool, organisers::list).await?;
    Ok(OrganisersPage {
        chrome: Chrome::new(signed_in, "organisers"),
        errors,
        notice,
        rows: all
            .into_iter()
            .map(|o| Row {
                is_you: o.id == signed_in.organiser_id,
                id: o.id,
                added: time.date(o.created_at),
                email: o.email,
            })
            .collect(),
        email,
    })
}

#[get("/admin/organisers")]
#[tracing::instrument(name = "admin_organisers", skip_all)]
pub async fn list(
    signed_in: SignedIn,
    query: web::Query<Done>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let page = page(
        &signed_in,
        &state,
        String::new(),
        FieldErrors::default(),
        notice(&query.done),
    )
    .await?;
    Ok(private_html(StatusCode::OK, &page))
}

/// What inviting an address did.
enum Invited {
    Sent,
    AlreadyOrganiser,
}

#[post("/admin/organisers/invite")]
#[tracing::instrument(name = "admin_organiser_invite", skip_all)]
pub async fn invite(
    post: CheckedPost,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let typed = post.form.text("email");
    let address = match ParticipantEmail::parse(&typed) {
        Ok(address) => address,
        Err(problem) => {
            let message = if typed.is_empty() {
                "Enter the email address of the person to invite"
            } else {
                problem.message(Audience::Person)
            };
            let mut errors = FieldErrors::default();
            errors.add("email", message);
            let page = page(&post.signed_in, &state, typed, errors, "").await?;
            return Ok(private_html(StatusCode::OK, &page));
        }
    };
    let now = state.clock.now();
    let composer = state.composer.clone();
    let (organiser_id, from) = (post.signed_in.organiser_id, post.signed_in.email.clone());
    let invited = db::write(&state.pool, move |conn| {
        let key = address.key();
        if organisers::find_by_key(conn, &key)?.is_some() {
            return Ok(Invited::AlreadyOrganiser);
        }
        let token = Token::generate();
        let expires_at = invite_expiry(now);
        organiser_invites::store(
            conn,
            &token,
            (address.as_str(), &key),
            organiser_id,
            now,
            expires_at,
        )?;
        let email = composer.organiser_invite(address.as_str(), &from, &token, expires_at)?;
        outbox::enqueue(conn, &email, now)?;
        Ok(Invited::Sent)
    })
    .await?;
    match invited {
        Invited::Sent => {
            state.wake_mailer();
            tracing::info!(organiser_id, "organiser invitation sent");
            Ok(see_other(&format!("{ORGANISERS_PAGE}?done=invited")))
        }
        Invited::AlreadyOrganiser => {
            let mut errors = FieldErrors::default();
            errors.add(
                "email",
                "This email address is already an organiser's. Enter the address of someone who is not an organiser yet",
            );
            let page = page(&post.signed_in, &state, typed, errors, "").await?;
            Ok(private_html(StatusCode::OK, &page))
        }
    }
}

#[post("/admin/organisers/{id}/remove")]
#[tracing::instrument(name = "admin_organiser_remove", skip_all)]
pub async fn remove(
    post: CheckedPost,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let organiser_id = post.signed_in.organiser_id;
    if id == organiser_id {
        let mut errors = FieldErrors::default();
        errors.add(
            "organisers",
            "You cannot remove yourself. Ask another organiser to remove you",
        );
        let page = page(&post.signed_in, &state, String::new(), errors, "").await?;
        return Ok(private_html(StatusCode::OK, &page));
    }
    let removed = db::write(&state.pool, move |conn| organisers::remove_by_id(conn, id)).await?;
    if removed {
        tracing::info!(
            organiser_id,
            removed_organiser_id = id,
            "organiser removed and signed out"
        );
    }
    Ok(see_other(&format!("{ORGANISERS_PAGE}?done=removed")))
}
