//! `/admin/results`: the experiment for organisers, every round included
//! (the public `/results` leaves out rounds with few groups). The figures
//! and what they mean are those of `report --experiment`
//! ([`crate::domain::experiment::summary`]).

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::{AdminError, Chrome, SignedIn};
use crate::db;
use crate::domain::experiment::analysis::{Figures, Results};
use crate::domain::experiment::summary::{self, round_arms, total_arms, FIGURE_ROWS, MEANINGS};
use crate::domain::PeopleTime;
use crate::pages::private_html;
use crate::services::experiment;
use crate::startup::AppState;

/// One figure across the arms.
struct FigureRow {
    label: &'static str,
    values: Vec<String>,
}

/// One arm of one round.
struct RoundRow {
    id: i64,
    date: String,
    arm: &'static str,
    groups: String,
    people: String,
    met: String,
    challenge: String,
}

#[derive(Template)]
#[template(path = "admin/results.html")]
struct ResultsPage {
    chrome: Chrome,
    hypothesis: String,
    matched_share: String,
    comparing: bool,
    arms: Vec<&'static str>,
    figures: Vec<FigureRow>,
    comparison: Vec<(&'static str, String)>,
    verdict: Option<String>,
    rounds: Vec<RoundRow>,
    meanings: &'static [(&'static str, &'static str)],
}

/// An arm's name as a column heading.
fn heading(arm: &str) -> &'static str {
    match arm {
        "random" => "Paired at random",
        "matched" => "Paired by interests",
        _ => "Everyone",
    }
}

fn figure_rows(arms: &[(&'static str, &Figures)]) -> Vec<FigureRow> {
    let shown: Vec<[String; FIGURE_ROWS]> =
        arms.iter().map(|(_, f)| summary::arm_display(f)).collect();
    summary::figure_labels()
        .enumerate()
        .map(|(i, label)| FigureRow {
            label,
            values: shown.iter().map(|cells| cells[i].clone()).collect(),
        })
        .collect()
}

fn round_rows(results: &Results, time: &PeopleTime) -> Vec<RoundRow> {
    let mut rows = Vec::new();
    for r in &results.rounds {
        for (arm, f) in round_arms(results.comparing, r) {
            let [groups, people, met, challenge] = summary::round_display(f);
            rows.push(RoundRow {
                id: r.round_id,
                date: time.date(r.started_at),
                arm: heading(arm),
                groups,
                people,
                met,
                challenge,
            });
        }
    }
    rows
}

fn matched_share(share: f64) -> String {
    if share > 0.0 {
        format!(
            "{}% of each round's people are paired by interests; the rest are paired at random.",
            (share * 100.0).round()
        )
    } else {
        "0: everyone is paired at random, so no comparison is running.".to_owned()
    }
}

#[get("/admin/results")]
#[tracing::instrument(name = "admin_results", skip_all)]
pub async fn show(
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let settings = state.settings.experiment.clone();
    let results = db::run(&state.pool, move |conn| {
        experiment::results(conn, &settings)
    })
    .await?;
    let setup = &state.settings.experiment;
    let arms = total_arms(&results);
    let page = ResultsPage {
        chrome: Chrome::new(&signed_in, "results"),
        hypothesis: setup.hypothesis.clone(),
        matched_share: matched_share(setup.matched_share),
        comparing: results.comparing,
        arms: arms.iter().map(|(arm, _)| heading(arm)).collect(),
        figures: figure_rows(&arms),
        comparison: results
            .comparison
            .as_ref()
            .map(|c| summary::comparison_display(c).to_vec())
            .unwrap_or_default(),
        verdict: results.comparison.as_ref().map(|c| c.verdict.clone()),
        rounds: round_rows(&results, &state.settings.people_time()),
        meanings: &MEANINGS,
    };
    Ok(private_html(StatusCode::OK, &page))
}
