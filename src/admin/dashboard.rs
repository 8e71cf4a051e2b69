//! `/admin`: who is taking part, when the next round runs, and how recent
//! rounds went.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::bouncing::Bouncing;
use super::chart::{self, Point};
use super::{AdminError, Chrome, SignedIn};
use crate::db::participants::{self, Status};
use crate::db::rounds::days::Days;
use crate::db::{self, rounds::figures};
use crate::pages::private_html;
use crate::services::scheduler::next_slot;
use crate::startup::AppState;

/// One row of the recent-rounds table.
struct RoundRow {
    id: i64,
    date: String,
    people: u64,
    groups: u64,
    answered: String,
    met: String,
    shared: u64,
}

/// One row of the "from introduction to conversation" table.
struct StepsRow {
    /// "Round 3", or "All 12 rounds".
    label: String,
    /// The round's page, for a round's row.
    link: Option<i64>,
    arranged: String,
    declined: u64,
    rematched: u64,
    bounced: u64,
    nudged: u64,
    days_to_arranged: String,
    days_to_met: String,
}

impl StepsRow {
    fn new(label: String, link: Option<i64>, f: &figures::Figures, d: &Days) -> Self {
        Self {
            label,
            link,
            arranged: format!("{} ({})", f.arranged, percent(f.arranged_pct())),
            declined: f.declined,
            rematched: f.rematched,
            bounced: f.bounced,
            nudged: f.nudged,
            days_to_arranged: days(d.median_to_arranged()),
            days_to_met: days(d.median_to_met()),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    awaiting: i64,
    active: i64,
    paused: i64,
    left: i64,
    next_round: String,
    rounds: Vec<RoundRow>,
    steps: Vec<StepsRow>,
    chart: String,
    chart_text: String,
    chart_legend: &'static str,
    bouncing: Bouncing,
}

fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.0}%"))
}

/// A median number of days, to one decimal.
fn days(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

/// The recent rounds' steps from introduction to conversation, newest
/// first, and then every round together.
fn steps(recent: &[&figures::RoundReport], all: &[figures::RoundReport]) -> Vec<StepsRow> {
    let mut rows: Vec<StepsRow> = recent
        .iter()
        .map(|r| StepsRow::new(format!("Round {}", r.id), Some(r.id), &r.figures, &r.days))
        .collect();
    let total = figures::total(all);
    let days = figures::total_days(all);
    let label = match all.len() {
        1 => "The 1 round".to_owned(),
        n => format!("All {n} rounds"),
    };
    rows.push(StepsRow::new(label, None, &total, &days));
    rows
}

/// How many recent rounds the dashboard shows.
const RECENT: usize = 10;

#[get("/admin")]
#[tracing::instrument(name = "admin_dashboard", skip_all)]
pub async fn dashboard(
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let time = state.settings.people_time();
    let (counts, reports, bouncing) = db::run(&state.pool, move |conn| {
        Ok((
            participants::count_by_status(conn)?,
            figures::load(conn, None)?,
            Bouncing::load(conn, time)?,
        ))
    })
    .await?;
    let count = |status: Status| {
        counts
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    };
    let recent: Vec<&figures::RoundReport> = reports.iter().rev().take(RECENT).collect();
    let rounds: Vec<RoundRow> = recent
        .iter()
        .map(|r| RoundRow {
            id: r.id,
            date: time.date(r.started_at),
            people: r.figures.members,
            groups: r.figures.groups,
            answered: percent(r.figures.answered_pct()),
            met: percent(r.figures.of_answered(r.figures.met_yes)),
            shared: r.figures.outputs_shared,
        })
        .collect();
    let steps = steps(&recent, &reports);
    let points: Vec<Point> = recent
        .iter()
        .rev()
        .map(|r| Point {
            label: format!("Round {}", r.id),
            people: r.figures.members,
            meet_rate: r.figures.of_answered(r.figures.met_yes),
        })
        .collect();
    let schedule = &state.settings.schedule;
    let next_round = if schedule.enabled {
        next_slot(schedule, state.clock.now_utc()).map_or_else(
            || "No more rounds are scheduled".to_owned(),
            |slot| time.date_and_time_of(&slot),
        )
    } else {
        "Rounds are not scheduled (schedule.enabled is off): run them from the Rounds page"
            .to_owned()
    };
    let page = DashboardPage {
        chrome: Chrome::new(&signed_in, "dashboard"),
        awaiting: count(Status::Pending),
        active: count(Status::Active),
        paused: count(Status::Paused),
        left: count(Status::Left),
        next_round,
        rounds,
        steps,
        chart: chart::render(&points),
        chart_text: chart::description(&points),
        chart_legend: chart::legend(&points),
        bouncing,
    };
    Ok(private_html(StatusCode::OK, &page))
}
