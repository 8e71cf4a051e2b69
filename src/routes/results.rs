//! `/results` and `/results.json`: the experiment's results for the public.
//! Only rounds with at least `MIN_GROUPS_PUBLISHED` groups count, overall
//! figures and comparison included, so that nobody's answers can be singled
//! out; and only counts: never a name, an email address or an organisation.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;

use crate::db;
use crate::domain::experiment::analysis::MIN_GROUPS_PUBLISHED;
use crate::domain::experiment::summary::to_public_json;
use crate::domain::experiment::Results;
use crate::pages::results_view::ResultsView;
use crate::pages::{html, PageError};
use crate::services::experiment::public_results;
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "results.html")]
struct ResultsPage {
    hypothesis: String,
    min_groups: u64,
    view: ResultsView,
}

#[get("/results")]
#[tracing::instrument(name = "results", skip(state))]
pub async fn page(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let results = read(&state).await?;
    let page = ResultsPage {
        hypothesis: state.settings.experiment.hypothesis.clone(),
        min_groups: MIN_GROUPS_PUBLISHED,
        view: ResultsView::new(&results, state.settings.people_time()),
    };
    Ok(html(StatusCode::OK, &page))
}

#[get("/results.json")]
#[tracing::instrument(name = "results as JSON", skip(state))]
pub async fn json(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let results = read(&state).await?;
    let experiment = &state.settings.experiment;
    let document = to_public_json(&results, &experiment.hypothesis, experiment.matched_share);
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .json(document))
}

async fn read(state: &web::Data<AppState>) -> Result<Results, PageError> {
    let experiment = state.settings.experiment.clone();
    Ok(db::run(&state.pool, move |conn| public_results(conn, &experiment)).await?)
}
