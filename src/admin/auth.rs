//! `/admin/login` and `/admin/logout`.

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::form::AdminForm;
use super::password;
use super::session::{
    removal_cookie, same_origin, session_cookie, AdminError, CheckedPost, COOKIE,
};
use crate::db::{self, organisers};
use crate::domain::sign_in::FAILURE_WINDOW_MINUTES;
use crate::domain::{ParticipantEmail, Token};
use crate::pages::html;
use crate::startup::AppState;

/// Failures allowed before each try must wait.
const FREE_FAILURES: i64 = 5;
/// The longest wait between tries: a real organiser is never locked out for good.
const MAX_WAIT_SECONDS: i64 = 300;

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    email: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LoginQuery {
    signed_out: String,
    invited: String,
}

fn login_page(status: StatusCode, page: &LoginPage) -> HttpResponse {
    let mut response = html(status, page);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

#[get("/admin/login")]
pub async fn show(query: web::Query<LoginQuery>) -> HttpResponse {
    let notice = if query.signed_out == "1" {
        Some("You have signed out")
    } else if query.invited == "1" {
        Some("Your password is set. You are an organiser now: sign in below")
    } else {
        None
    };
    login_page(
        StatusCode::OK,
        &LoginPage {
            email: String::new(),
            error: None,
            notice,
        },
    )
}

/// How long the next try must wait after `failures` recent failures.
pub fn wait_after(failures: i64) -> Duration {
    if failures < FREE_FAILURES {
        return Duration::zero();
    }
    let doublings = u32::try_from((failures - FREE_FAILURES).min(20)).unwrap_or(20);
    Duration::seconds((1i64 << doublings).min(MAX_WAIT_SECONDS))
}

/// "1 second", "40 seconds", "1 minute", "4 minutes and 16 seconds".
fn duration_in_words(seconds: i64) -> String {
    let unit = |n: i64, one: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {one}s"),
    };
    match (seconds / 60, seconds % 60) {
        (0, s) => unit(s, "second"),
        (m, 0) => unit(m, "minute"),
        (m, s) => format!("{} and {}", unit(m, "minute"), unit(s, "second")),
    }
}

/// A short, one-way tag for an account in logs: never the address itself.
fn account_tag(key: &str) -> String {
    hex::encode(&Sha256::digest(key.as_bytes())[..4])
}

enum Outcome {
    SignedIn { cookie_value: String },
    Refused,
    Throttled { wait: Duration },
}

#[post("/admin/login")]
#[tracing::instrument(name = "admin_login", skip_all)]
pub async fn login(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    if !same_origin(&req) {
        return Err(AdminError::Forbidden);
    }
    let form = AdminForm::parse(&body);
    let email = form.text("email");
    if form.is_unreadable("email") || form.is_unreadable("password") {
        let error = "Your email address or password must not contain characters we cannot read";
        return Ok(login_page(
            StatusCode::OK,
            &LoginPage {
                email,
                error: Some(error.to_owned()),
                notice: None,
            },
        ));
    }
    // Never trimmed: spaces at either end are part of the password, as they
    // were when `organiser add` stored it.
    let password = form.exact("password").unwrap_or_default().to_owned();
    let key = ParticipantEmail::lookup_key(&email);
    let ip = req
        .peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    let old_session = req
        .cookie(COOKIE)
        .and_then(|c| Token::parse(c.value()))
        .map(|t| t.hash());
    let outcome = attempt(&state, key.clone(), password, ip.clone(), old_session).await?;
    let secure = state.composer.base_url().is_https();
    match outcome {
        Outcome::SignedIn { cookie_value } => {
            tracing::info!(account = %account_tag(&key), "organiser signed in");
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/admin"))
                .insert_header(CacheControl(vec![CacheDirective::NoStore]))
                .cookie(session_cookie(&cookie_value, secure))
                .finish())
        }
        Outcome::Refused => {
            tracing::warn!(account = %account_tag(&key), ip = %ip, "failed organiser sign-in");
            let error = Some("Enter a correct email address and password".to_owned());
            Ok(login_page(
                StatusCode::OK,
                &LoginPage {
                    email,
                    error,
                    notice: None,
                },
            ))
        }
        Outcome::Throttled { wait } => {
            tracing::warn!(account = %account_tag(&key), ip = %ip, "organiser sign-in slowed down after repeated failures");
            let seconds = wait.num_seconds().max(1);
            let error = Some(format!(
                "There have been too many attempts to sign in. Wait {}, then try again",
                duration_in_words(seconds)
            ));
            let mut response = login_page(
                StatusCode::TOO_MANY_REQUESTS,
                &LoginPage {
                    email,
                    error,
                    notice: None,
                },
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
            Ok(response)
        }
    }
}

async fn attempt(
    state: &AppState,
    key: String,
    password: String,
    ip: String,
    old_session: Option<String>,
) -> anyhow::Result<Outcome> {
    let now = state.clock.now();
    let (lookup_key, lookup_ip) = (key.clone(), ip.clone());
    let (organiser, failures, last_failure) = db::run(&state.pool, move |conn| {
        let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
        let (failures, last) = organisers::recent_failures(conn, &lookup_key, &lookup_ip, since)?;
        Ok((organisers::find_by_key(conn, &lookup_key)?, failures, last))
    })
    .await?;
    if let Some(wait) = still_waiting(failures, last_failure, now) {
        return Ok(Outcome::Throttled { wait });
    }
    let stored = organiser.as_ref().map(|o| o.password_hash.clone());
    let matches =
        tokio::task::spawn_blocking(move || password::verify(&password, stored.as_deref())).await?;
    let session = Token::generate();
    let csrf = Token::generate();
    let organiser_id = organiser.map(|o| o.id);
    let checked_at = state.clock.now();
    let session_hash = session.hash();
    db::write(&state.pool, move |conn| match (matches, organiser_id) {
        (true, Some(id)) => {
            if let Some(old) = &old_session {
                organisers::end_session(conn, old)?;
            }
            organisers::clear_failures(conn, &key)?;
            organisers::create_session(conn, &session_hash, id, csrf.as_str(), now)
        }
        // The failure counts from now, after the slow password check, so
        // the wait is as long as it says however long hashing took.
        _ => organisers::record_failure(conn, &key, &ip, checked_at),
    })
    .await?;
    Ok(if matches && organiser_id.is_some() {
        Outcome::SignedIn {
            cookie_value: session.as_str().to_owned(),
        }
    } else {
        Outcome::Refused
    })
}

/// After too many failures, the time still to wait before another try.
fn still_waiting(
    failures: i64,
    last: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> Option<Duration> {
    let wait = wait_after(failures);
    let last = last?;
    let remaining = last + wait - now;
    (remaining > Duration::zero()).then_some(remaining)
}

#[post("/admin/logout")]
#[tracing::instrument(name = "admin_logout", skip_all)]
pub async fn logout(
    post: CheckedPost,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let hash = post.signed_in.session_hash().to_owned();
    db::run(&state.pool, move |conn| {
        organisers::end_session(conn, &hash)
    })
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/admin/login?signed_out=1"))
        .cookie(removal_cookie(state.composer.base_url().is_https()))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_five_failures_and_stay_bounded() {
        assert_eq!(wait_after(4), Duration::zero());
        assert_eq!(wait_after(5), Duration::seconds(1));
        assert_eq!(wait_after(7), Duration::seconds(4));
        assert_eq!(wait_after(1000), Duration::seconds(MAX_WAIT_SECONDS));
    }

    #[test]
    fn waits_are_said_in_words() {
        assert_eq!(duration_in_words(1), "1 second");
        assert_eq!(duration_in_words(40), "40 seconds");
        assert_eq!(duration_in_words(60), "1 minute");
        assert_eq!(duration_in_words(300), "5 minutes");
        assert_eq!(duration_in_words(61), "1 minute and 1 second");
        assert_eq!(duration_in_words(256), "4 minutes and 16 seconds");
    }
}
