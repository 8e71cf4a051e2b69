//! Who is signed in: the session cookie, checked on every `/admin` request,
//! and the CSRF check every state-changing request must pass.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use chrono::Duration;

use super::form::AdminForm;
use crate::db::{self, organisers};
use crate::domain::sign_in::SESSION_IDLE_HOURS as IDLE_HOURS;
use crate::domain::Token;
use crate::startup::AppState;

pub const COOKIE: &str = "unmentoring_admin";

/// `last_seen_at` is written at most this often, to spare the database.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// A signed-in organiser, extracted from the session cookie.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub organiser_id: i64,
    pub email: String,
    pub csrf_token: String,
    session_hash: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("the request did not come from our own form")]
    Forbidden,
    #[error("unexpected: {0:#}")]
    Unexpected(#[from] anyhow::Error),
}

impl ResponseError for AdminError {
    fn error_response(&self) -> HttpResponse {
        match self {
            Self::NotSignedIn => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/admin/login"))
                .finish(),
            Self::Forbidden => {
                tracing::warn!(
                    "refused an organiser request without a valid form token or from another site"
                );
                let mut page = crate::pages::html(
                    actix_web::http::StatusCode::FORBIDDEN,
                    &crate::pages::MessagePage::new(
                        "This form could not be accepted",
                        &["It may have expired, or it was sent from another website. Go back, reload the page and try again."],
                    )
                    .with_link("/admin", "Go to the organiser dashboard"),
                );
                *page.status_mut() = actix_web::http::StatusCode::FORBIDDEN;
                page
            }
            Self::Unexpected(e) => {
                tracing::error!(error = %format!("{e:#}"), "organiser request failed");
                crate::pages::server_error()
            }
        }
    }
}

impl SignedIn {
    /// Refuses the request unless it carries this session's form token and,
    /// when the browser says where it came from, comes from this site.
    pub fn check_form(
        &self,
        req: &HttpRequest,
        submitted_token: Option<&str>,
    ) -> Result<(), AdminError> {
        let token_ok = submitted_token
            .is_some_and(|t| constant_time_eq(t.as_bytes(), self.csrf_token.as_bytes()));
        if token_ok && same_origin(req) {
            Ok(())
        } else {
            Err(AdminError::Forbidden)
        }
    }

    pub fn session_hash(&self) -> &str {
        &self.session_hash
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The origin of `server.base_url`, like `https://unmentoring.example.org`.
fn own_origin(req: &HttpRequest) -> Option<String> {
    let state = req.app_data::<web::Data<AppState>>()?;
    let url = url::Url::parse(state.composer.base_url().as_str()).ok()?;
    Some(url.origin().ascii_serialization())
}

/// A browser's `Origin` (or, failing that, `Referer`) must be this site when
/// it is sent. Requests without either (scripts) rely on the form token.
pub fn same_origin(req: &HttpRequest) -> bool {
    let Some(own) = own_origin(req) else {
        return false;
    };
    let headers = req.headers();
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return origin == own;
    }
    if let Some(referer) = headers.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        return referer == own || referer.starts_with(&format!("{own}/"));
    }
    true
}

/// The session cookie for a new session.
pub fn session_cookie(value: &str, secure: bool) -> Cookie<'static> {
    Cookie::build(COOKIE, value.to_owned())
        .path("/admin")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .finish()
}

/// A cookie that makes the browser forget the session.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut cookie = session_cookie("", secure);
    cookie.make_removal();
    cookie
}

impl FromRequest for SignedIn {
    type Error = AdminError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let cookie = req.cookie(COOKIE).map(|c| c.value().to_owned());
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(raw), Some(state)) = (cookie, state) else {
                return Err(AdminError::NotSignedIn);
            };
            let Some(token) = Token::parse(&raw) else {
                return Err(AdminError::NotSignedIn);
            };
            let hash = token.hash();
            let lookup = hash.clone();
            let now = state.clock.now();
            let session = db::run(&state.pool, move |conn| {
                let found =
                    organisers::find_session(conn, &lookup, now - Duration::hours(IDLE_HOURS))?;
                if let Some(s) = &found {
                    if now - s.last_seen_at > Duration::seconds(TOUCH_EVERY_SECONDS) {
                        organisers::touch_session(conn, &lookup, now)?;
                    }
                }
                Ok(found)
            })
            .await?;
            let session = session.ok_or(AdminError::NotSignedIn)?;
            Ok(SignedIn {
                organiser_id: session.organiser_id,
                email: session.email,
                csrf_token: session.csrf_token,
                session_hash: hash,
            })
        })
    }
}

/// A form POSTed by a signed-in organiser that passed the CSRF check (its
/// form token and the Origin/Referer): every state-changing console form but
/// the upload comes in through this.
pub struct CheckedPost {
    pub signed_in: SignedIn,
    pub form: AdminForm,
}

impl FromRequest for CheckedPost {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        let body = web::Bytes::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let signed_in = signed_in.await?;
            let form = AdminForm::parse(&body.await?);
            signed_in.check_form(&req, form.csrf_token())?;
            Ok(Self { signed_in, form })
        })
    }
}
