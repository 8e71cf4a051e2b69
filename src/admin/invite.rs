//! `/admin/invite/{token}`: the page an invitation's link opens, where the
//! invitee chooses a password and so becomes an organiser. No session is
//! needed (they have none yet): the link is the secret, it works once and
//! for 72 hours, and the form must come from this site.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;

use super::form::AdminForm;
use super::password;
use super::session::{same_origin, AdminError};
use crate::db::organiser_invites::{self, Invite, Lookup};
use crate::db::{self, organisers};
use crate::domain::FieldErrors;
use crate::pages::{private_html, see_other, MessagePage};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "admin/invite.html")]
struct InvitePage {
    token: String,
    email: String,
    errors: FieldErrors,
}

/// The page for a link that cannot be used, saying why.
fn unusable(lookup: &Lookup) -> HttpResponse {
    let (status, heading, why) = match lookup {
        Lookup::Used => (
            StatusCode::GONE,
            "This invitation has been used",
            "Each invitation link works once. If you set your password with it, sign in with your email address and that password.",
        ),
        Lookup::Expired => (
            StatusCode::GONE,
            "This invitation has expired",
            "Invitation links work for 72 hours. Ask an organiser to invite you again.",
        ),
        _ => (
            StatusCode::NOT_FOUND,
            "This invitation link is not valid",
            "Check that you copied the whole link from the email. If it still does not work, ask an organiser to invite you again.",
        ),
    };
    let page =
        MessagePage::new(heading, &[why]).with_link("/admin/login", "Go to the sign-in page");
    private_html(status, &page)
}

async fn find(state: &AppState, token: String) -> Result<Lookup, AdminError> {
    let now = state.clock.now();
    Ok(db::run(&state.pool, move |conn| {
        organiser_invites::lookup(conn, &token, now)
    })
    .await?)
}

#[get("/admin/invite/{token}")]
#[tracing::instrument(name = "admin_invite_page", skip_all)]
pub async fn show(
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let token = path.into_inner();
    let lookup = find(&state, token.clone()).await?;
    let Lookup::Valid(invite) = lookup else {
        return Ok(unusable(&lookup));
    };
    Ok(private_html(
        StatusCode::OK,
        &InvitePage {
            token,
            email: invite.email,
            errors: FieldErrors::default(),
        },
    ))
}

/// What using the link did.
enum Accepted {
    Added,
    /// Someone used the link (or it expired) between the check and now.
    TooLate,
    /// The address became an organiser's some other way meanwhile.
    AlreadyOrganiser,
}

#[post("/admin/invite/{token}")]
#[tracing::instrument(name = "admin_invite_accept", skip_all)]
pub async fn accept(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    if !same_origin(&req) {
        return Err(AdminError::Forbidden);
    }
    let token = path.into_inner();
    let lookup = find(&state, token.clone()).await?;
    let Lookup::Valid(invite) = lookup else {
        return Ok(unusable(&lookup));
    };
    let form = AdminForm::parse(&body);
    let mut errors = FieldErrors::default();
    if form.is_unreadable("new_password") || form.is_unreadable("confirm_password") {
        errors.add(
            "new_password",
            "The password must not contain characters we cannot read",
        );
    } else {
        // Never trimmed: spaces are part of a password, as at sign-in.
        let new = form.exact("new_password").unwrap_or_default();
        let again = form.exact("confirm_password").unwrap_or_default();
        password::check_typed_twice(new, again, &mut errors);
    }
    if !errors.is_empty() {
        let page = InvitePage {
            token,
            email: invite.email,
            errors,
        };
        return Ok(private_html(StatusCode::OK, &page));
    }
    let secret = form.exact("new_password").unwrap_or_default().to_owned();
    let hash = tokio::task::spawn_blocking(move || password::hash(&secret))
        .await
        .map_err(anyhow::Error::from)??;
    let now = state.clock.now();
    let Invite {
        token_hash,
        email,
        email_key,
        ..
    } = invite;
    let accepted = db::write(&state.pool, move |conn| {
        if !organiser_invites::mark_used(conn, &token_hash, now)? {
            return Ok(Accepted::TooLate);
        }
        Ok(if organisers::add(conn, &email, &email_key, &hash, now)? {
            Accepted::Added
        } else {
            Accepted::AlreadyOrganiser
        })
    })
    .await?;
    Ok(match accepted {
        Accepted::Added => {
            tracing::info!("an invitation was accepted: new organiser");
            see_other("/admin/login?invited=1")
        }
        Accepted::TooLate => unusable(&Lookup::Used),
        Accepted::AlreadyOrganiser => {
            let page = MessagePage::new(
                "You are already an organiser",
                &["This email address already belongs to an organiser, so your password has not been changed. Sign in with the password you have."],
            )
            .with_link("/admin/login", "Go to the sign-in page");
            private_html(StatusCode::OK, &page)
        }
    })
}
