//! `/me/{token}/stay`: the button of the `still_interested` email, for
//! someone asked whether they still want introductions after
//! `privacy.inactive_months` without a round or a visit. Opening the page
//! changes nothing (mail scanners open links too); pressing the button keeps
//! their place, and they are not asked again until as long passes again.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;

use crate::db::{self, participants};
use crate::pages::secret_link::StayLink;
use crate::pages::{private_html, see_other, PageError};
use crate::services::inactive::ANSWER_DAYS;
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "stay.html")]
struct StayPage {
    token: String,
    /// Whether the question is open: then the page says when the details go.
    asked: bool,
    delete_on: String,
}

#[get("/me/{token}/stay")]
#[tracing::instrument(name = "stay_page", skip_all)]
pub async fn show(link: StayLink, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let (token, person) = link.into_parts();
    let id = person.id;
    let asked_at = db::run(&state.pool, move |conn| participants::asked_at(conn, id)).await?;
    let delete_on = asked_at
        .map(|at| {
            let delete_at = at + chrono::Duration::days(ANSWER_DAYS);
            state.settings.people_time().date(delete_at)
        })
        .unwrap_or_default();
    let page = StayPage {
        token,
        asked: asked_at.is_some(),
        delete_on,
    };
    Ok(private_html(StatusCode::OK, &page))
}

/// Answers the question: seen now, and no longer asked. Pressing it twice,
/// or without having been asked, does no harm.
#[post("/me/{token}/stay")]
#[tracing::instrument(name = "stay", skip_all)]
pub async fn stay(link: StayLink, state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let id = link.holder.id;
    let now = state.clock.now();
    db::write(&state.pool, move |conn| {
        participants::record_visit(conn, id, now)
    })
    .await?;
    tracing::info!(participant_id = id, "staying in UnMentoring");
    Ok(see_other(&format!(
        "/me/{}?done=stayed#main-content",
        link.token()
    )))
}
