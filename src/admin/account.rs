//! `/admin/password`: an organiser changes their own password. The current
//! password is asked for, so that someone at an unlocked computer cannot
//! take the account over; every other session of theirs then ends.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;

use super::organisers::ORGANISERS_PAGE;
use super::{password, AdminError, CheckedPost, Chrome, SignedIn};
use crate::db::{self, organisers};
use crate::domain::FieldErrors;
use crate::pages::{private_html, see_other};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    chrome: Chrome,
    errors: FieldErrors,
}

#[get("/admin/password")]
#[tracing::instrument(name = "admin_password_page", skip_all)]
pub async fn show(signed_in: SignedIn) -> HttpResponse {
    let page = PasswordPage {
        chrome: Chrome::new(&signed_in, "organisers"),
        errors: FieldErrors::default(),
    };
    private_html(StatusCode::OK, &page)
}

#[post("/admin/password")]
#[tracing::instrument(name = "admin_password_change", skip_all)]
pub async fn change(
    post: CheckedPost,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let form = &post.form;
    let fields = ["current_password", "new_password", "confirm_password"];
    // Never trimmed: spaces are part of a password, as at sign-in.
    let [current, new, again] = fields.map(|f| form.exact(f).unwrap_or_default().to_owned());
    let mut errors = FieldErrors::default();
    if fields.iter().any(|f| form.is_unreadable(f)) {
        errors.add(
            "current_password",
            "Passwords must not contain characters we cannot read",
        );
    }
    let id = post.signed_in.organiser_id;
    let stored = db::run(&state.pool, move |conn| organisers::find(conn, id))
        .await?
        .map(|o| o.password_hash);
    if errors.is_empty() {
        if current.is_empty() {
            errors.add("current_password", "Enter your current password");
        } else {
            let matches =
                tokio::task::spawn_blocking(move || password::verify(&current, stored.as_deref()))
                    .await
                    .map_err(anyhow::Error::from)?;
            if !matches {
                errors.add("current_password", "Your current password is not right");
            }
        }
        password::check_typed_twice(&new, &again, &mut errors);
    }
    if !errors.is_empty() {
        tracing::info!(
            organiser_id = id,
            "password not changed: the form had errors"
        );
        let page = PasswordPage {
            chrome: Chrome::new(&post.signed_in, "organisers"),
            errors,
        };
        return Ok(private_html(StatusCode::OK, &page));
    }
    let hash = tokio::task::spawn_blocking(move || password::hash(&new))
        .await
        .map_err(anyhow::Error::from)??;
    let keep = post.signed_in.session_hash().to_owned();
    let ended = db::write(&state.pool, move |conn| {
        organisers::set_password(conn, id, &hash)?;
        organisers::end_sessions_of(conn, id, Some(&keep))
    })
    .await?;
    tracing::info!(
        organiser_id = id,
        ended_sessions = ended,
        "organiser changed their password"
    );
    Ok(see_other(&format!("{ORGANISERS_PAGE}?done=password")))
}
