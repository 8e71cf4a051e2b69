//! Drawing and sending a round from the console: "Preview" draws the
//! groups and keeps them as a draft; the draft page shows them with their
//! figures, lets an organiser swap two people, and sends exactly those
//! groups (see `services::round_drafts`).

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;

use super::outbox::when;
use super::round_pages::{arm_label, message, Group, Person};
use super::{AdminError, AdminForm, CheckedPost, Chrome, SignedIn};
use crate::db::{self, rounds};
use crate::domain::experiment::Arm;
use crate::domain::pairing::PairingStats;
use crate::pages::{private_html, see_other};
use crate::services::round_drafts::{self as drafts, Sent, SwapRefused};
use crate::services::round_runner::{
    Grouping, RoundPlan, MIN_MINUTES_BETWEEN_MANUAL_ROUNDS as MIN_MINUTES,
};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "admin/round_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    all: bool,
}

#[get("/admin/rounds/preview")]
#[tracing::instrument(name = "admin_round_preview", skip_all)]
pub async fn preview(req: HttpRequest, signed_in: SignedIn) -> HttpResponse {
    let query = AdminForm::parse(req.query_string().as_bytes());
    let page = PreviewPage {
        chrome: Chrome::new(&signed_in, "rounds"),
        all: query.get("all") == Some("yes"),
    };
    private_html(StatusCode::OK, &page)
}

#[post("/admin/rounds/drafts")]
#[tracing::instrument(name = "admin_round_draw", skip_all)]
pub async fn draw(
    CheckedPost { signed_in, form }: CheckedPost,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let all = form.get("all") == Some("yes");
    let grouping = Grouping::from_settings(&state.settings);
    let after_days = state.settings.followup.after_days;
    let (by, now) = (Some(signed_in.organiser_id), state.clock.now());
    let (id, _) = db::write(&state.pool, move |conn| {
        drafts::draw(conn, all, grouping, after_days, by, now)
    })
    .await?;
    Ok(see_other(&format!("/admin/rounds/drafts/{id}")))
}

/// A person to choose in the swap form.
struct Choice {
    id: i64,
    label: String,
    checked_first: bool,
    checked_second: bool,
}

#[derive(Template)]
#[template(path = "admin/round_draft.html")]
struct DraftPage {
    chrome: Chrome,
    errors: Vec<(String, String)>,
    error_field: String,
    id: i64,
    notice: &'static str,
    sent_round: Option<i64>,
    expired: bool,
    all: bool,
    swaps: usize,
    groups: Vec<Group>,
    sat_out: Option<Person>,
    left_out: Vec<Person>,
    choices: Vec<Choice>,
    stats: PairingStats,
    recent_round: Option<String>,
    minutes: i64,
}

/// Why sending or swapping was refused, for the error summary.
fn refusal(field: &str, text: String) -> Vec<(String, String)> {
    vec![(field.to_owned(), text)]
}

async fn draft_page(
    state: &AppState,
    signed_in: &SignedIn,
    id: i64,
    notice: &'static str,
    errors: Vec<(String, String)>,
    chosen: (Option<i64>, Option<i64>),
) -> Result<HttpResponse, AdminError> {
    let now = state.clock.now();
    let found = db::run(&state.pool, move |conn| {
        Ok((drafts::find(conn, id)?, rounds::latest(conn)?))
    })
    .await?;
    let (Some((draft, plan)), latest) = found else {
        return Ok(message(
            StatusCode::NOT_FOUND,
            "Draft not found",
            "There is no draft round with this number. Preview the next round to draw one.",
        ));
    };
    let recent_round = latest
        .filter(|last| now - last.started_at < chrono::Duration::minutes(MIN_MINUTES))
        .map(|last| format!("Round {} ran on {}", last.id, when(state, last.started_at)));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    let page = DraftPage {
        chrome: Chrome::new(signed_in, "rounds"),
        error_field: errors.first().map(|e| e.0.clone()).unwrap_or_default(),
        errors,
        id,
        notice,
        sent_round: draft.round_id,
        expired: now >= draft.expires_at,
        all: draft.include_all,
        swaps: draft.edits.len(),
        choices: choices(&plan, chosen),
        groups: groups_of(&plan),
        sat_out: plan.sat_out.as_ref().map(Person::from),
        left_out: plan.left_out.iter().map(Person::from).collect(),
        stats: plan.stats,
        recent_round,
        minutes: MIN_MINUTES,
    };
    Ok(private_html(status, &page))
}

fn groups_of(plan: &RoundPlan) -> Vec<Group> {
    let drawn = &plan.draw.drawn;
    let arms: Vec<(usize, Arm)> = (0..plan.groups.len())
        .map(|i| (i + 1, drawn.arm(i)))
        .collect();
    plan.groups
        .iter()
        .enumerate()
        .map(|(i, g)| Group {
            number: i + 1,
            people: g.iter().map(Person::from).collect(),
            arm: arm_label(&arms, i + 1),
        })
        .collect()
}

/// Everyone in a group, as "Name (group N)", for the swap form.
fn choices(plan: &RoundPlan, chosen: (Option<i64>, Option<i64>)) -> Vec<Choice> {
    let mut all = Vec::new();
    for (i, group) in plan.groups.iter().enumerate() {
        for person in group {
            all.push(Choice {
                id: person.id,
                label: format!("{} (group {})", person.name, i + 1),
                checked_first: chosen.0 == Some(person.id),
                checked_second: chosen.1 == Some(person.id),
            });
        }
    }
    all
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Done {
    swapped: String,
}

#[get("/admin/rounds/drafts/{id}")]
#[tracing::instrument(name = "admin_round_draft", skip_all)]
pub async fn show(
    signed_in: SignedIn,
    path: web::Path<i64>,
    query: web::Query<Done>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let notice = if query.swapped == "1" {
        "The two people have swapped groups"
    } else {
        ""
    };
    draft_page(
        &state,
        &signed_in,
        path.into_inner(),
        notice,
        Vec::new(),
        (None, None),
    )
    .await
}

#[post("/admin/rounds/drafts/{id}/swap")]
#[tracing::instrument(name = "admin_round_draft_swap", skip_all)]
pub async fn swap(
    CheckedPost { signed_in, form }: CheckedPost,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let first = form.get("first").and_then(|v| v.parse::<i64>().ok());
    let second = form.get("second").and_then(|v| v.parse::<i64>().ok());
    let (Some(a), Some(b)) = (first, second) else {
        let field = if first.is_none() { "first" } else { "second" };
        let errors = refusal(field, "Choose two people to swap".to_owned());
        return draft_page(&state, &signed_in, id, "", errors, (first, second)).await;
    };
    let (by, now) = (Some(signed_in.organiser_id), state.clock.now());
    let done = db::write(&state.pool, move |conn| {
        drafts::swap(conn, id, a, b, by, now)
    })
    .await?;
    let text = match done {
        Ok(()) => {
            tracing::info!(
                draft_id = id,
                organiser_id = signed_in.organiser_id,
                "two people swapped in a draft"
            );
            return Ok(see_other(&format!(
                "/admin/rounds/drafts/{id}?swapped=1#groups-caption"
            )));
        }
        Err(SwapRefused::NotInTwoGroups) => "Choose two people in different groups",
        Err(SwapRefused::NeverPair) => {
            "This swap would put two people together who must never be paired. Choose someone else"
        }
        Err(SwapRefused::Sent) => "This draft has been sent already: its groups cannot change",
        Err(SwapRefused::Missing) => "There is no such draft",
    };
    let errors = refusal("first", text.to_owned());
    draft_page(&state, &signed_in, id, "", errors, (first, second)).await
}

#[post("/admin/rounds/drafts/{id}/send")]
#[tracing::instrument(name = "admin_round_draft_send", skip_all)]
pub async fn send(
    CheckedPost { signed_in, form }: CheckedPost,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let force = form.get("force") == Some("yes");
    let options = drafts::manual_options(
        id,
        force,
        state.settings.pairing.odd_one_out,
        state.settings.followup.after_days,
    );
    let (composer, now) = (state.composer.clone(), state.clock.now());
    let sent = db::run(&state.pool, move |conn| {
        drafts::send(conn, &composer, id, &options, now)
    })
    .await?;
    let errors = match sent {
        Sent::Ran(round) => {
            tracing::info!(round_id = round.id, organiser_id = signed_in.organiser_id, "an organiser sent a round");
            state.wake_mailer();
            return Ok(see_other(&format!("/admin/rounds/{}?ran=1", round.id)));
        }
        Sent::AlreadySent(round) => return Ok(see_other(&format!("/admin/rounds/{round}"))),
        Sent::Missing => Vec::new(),
        Sent::Expired => refusal(
            "draw",
            format!(
                "This draft is more than {} hours old. Draw the groups again",
                db::round_drafts::LIFETIME_HOURS
            ),
        ),
        Sent::TooSoon(last) => refusal(
            "force",
            format!(
                "Round {} ran less than {MIN_MINUTES} minutes ago. To send another round anyway, select “Send even though a round ran in the last {MIN_MINUTES} minutes”",
                last.id
            ),
        ),
        Sent::Changed { joined, gone } => changed(&joined, &gone),
    };
    draft_page(&state, &signed_in, id, "", errors, (None, None)).await
}

/// The error for a draft whose people changed: who, and what to do.
fn changed(
    joined: &[crate::db::participants::Participant],
    gone: &[crate::db::participants::Participant],
) -> Vec<(String, String)> {
    let names = |people: &[crate::db::participants::Participant]| {
        people
            .iter()
            .map(|p| Person::from(p).name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut text = "Who is due has changed since these groups were drawn".to_owned();
    if !joined.is_empty() {
        text.push_str(&format!(". Due now: {}", names(joined)));
    }
    if !gone.is_empty() {
        text.push_str(&format!(". No longer due: {}", names(gone)));
    }
    text.push_str(". Draw the groups again");
    refusal("draw", text)
}
