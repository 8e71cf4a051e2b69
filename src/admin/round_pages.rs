//! `/admin/rounds`: the rounds so far, a dry run of the next one, running it,
//! and each round's groups, emails and follow-up answers.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;

use std::collections::HashSet;

use super::outbox::{when, EmailView};
use super::{AdminError, AdminForm, CheckedPost, Chrome, SignedIn};
use crate::db::participants::{self, Participant};
use crate::db::rounds::{self, MemberRow, Round};
use crate::db::{self, outbox, rematches};
use crate::domain::pairing::{OddOneOut, PairingStats};
use crate::domain::Met;
use crate::domain::OrganisationNames;
use crate::pages::{private_html, see_other, MessagePage};
use crate::services::round_changes::{self, ChangeRow};
use crate::services::round_runner::MIN_MINUTES_BETWEEN_MANUAL_ROUNDS as MIN_MINUTES;
use crate::services::round_runner::{self as runner, RoundOptions, RoundOutcome, Trigger};
use crate::startup::AppState;

/// The longest `round_key` a form may send.
const MAX_KEY_LENGTH: usize = 100;

/// A person as listed: people who left have no name any more.
struct Person {
    name: String,
    organisation: String,
}

impl Person {
    fn new(name: &str, organisation: &str) -> Self {
        Self {
            name: if name.is_empty() { "(left)" } else { name }.to_owned(),
            organisation: organisation.to_owned(),
        }
    }
}

impl From<&Participant> for Person {
    fn from(p: &Participant) -> Self {
        Self::new(&p.name, &p.organisation)
    }
}

struct Group {
    number: usize,
    people: Vec<Person>,
}

struct RoundRow {
    round: Round,
    date: String,
}

#[derive(Template)]
#[template(path = "admin/rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    rounds: Vec<RoundRow>,
}

#[get("/admin/rounds")]
#[tracing::instrument(name = "admin_rounds", skip_all)]
pub async fn list(
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let found = db::run(&state.pool, |conn| rounds::list(conn, i64::MAX)).await?;
    let rounds = found
        .into_iter()
        .map(|round| RoundRow {
            date: when(&state, round.started_at),
            round,
        })
        .collect();
    let page = RoundsPage {
        chrome: Chrome::new(&signed_in, "rounds"),
        rounds,
    };
    Ok(private_html(StatusCode::OK, &page))
}

#[derive(Template)]
#[template(path = "admin/round_preview.html")]
struct PreviewPage {
    chrome: Chrome,
    /// (field id, message) for the error summary.
    errors: Vec<(String, String)>,
    /// The field the error is about: "all", "force" or none.
    error_field: String,
    all: bool,
    round_key: String,
    groups: Vec<Group>,
    sat_out: Option<Person>,
    /// Left out: every group for them would break a never-pair rule.
    left_out: Vec<Person>,
    stats: PairingStats,
    /// "Round 4 ran on … (3 minutes ago)", when that was under 10 minutes ago.
    recent_round: Option<String>,
    force: bool,
    minutes: i64,
}

/// Why a run was refused, shown in the error summary.
enum Refusal {
    TooSoon(Round),
    NotEnoughPeople(usize),
}

/// The dry run, with the form that runs the round for real.
async fn preview_page(
    state: &web::Data<AppState>,
    signed_in: &SignedIn,
    all: bool,
    round_key: String,
    force: bool,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, AdminError> {
    let odd = state.settings.pairing.odd_one_out;
    let group_size = state.settings.pairing.group_size;
    let after_days = state.settings.followup.after_days;
    let now = state.clock.now();
    let (plan, latest) = db::run(&state.pool, move |conn| {
        let ghosts = runner::ghosts(conn, now, after_days)?;
        let plan = runner::plan(conn, now, all, odd, group_size, &ghosts, runner::new_seed())?;
        Ok((plan, rounds::latest(conn)?))
    })
    .await?;
    let recent_round = latest
        .filter(|last| now - last.started_at < chrono::Duration::minutes(MIN_MINUTES))
        .map(|last| {
            let ago = (now - last.started_at).num_minutes();
            format!(
                "Round {} ran on {} ({} minute{} ago)",
                last.id,
                when(state, last.started_at),
                ago,
                if ago == 1 { "" } else { "s" }
            )
        });
    let errors = match refusal {
        None => Vec::new(),
        Some(Refusal::TooSoon(last)) => vec![(
            "force".to_owned(),
            format!(
                "Round {} ran on {}, less than {MIN_MINUTES} minutes ago. To run another round anyway, select “Run even though a round ran in the last {MIN_MINUTES} minutes”",
                last.id,
                when(state, last.started_at)
            ),
        )],
        Some(Refusal::NotEnoughPeople(due)) => vec![(
            "all".to_owned(),
            format!(
                "Only {due} {} due for a round, and a round needs at least 2. To include everyone taking part, select “Include everyone taking part” and preview again",
                if due == 1 { "person is" } else { "people are" }
            ),
        )],
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::CONFLICT
    };
    let page = PreviewPage {
        chrome: Chrome::new(signed_in, "rounds"),
        error_field: errors.first().map(|e| e.0.clone()).unwrap_or_default(),
        errors,
        all,
        round_key,
        groups: plan
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| Group {
                number: i + 1,
                people: g.iter().map(Person::from).collect(),
            })
            .collect(),
        sat_out: plan.sat_out.as_ref().map(Person::from),
        left_out: plan.left_out.iter().map(Person::from).collect(),
        stats: plan.stats,
        recent_round,
        force,
        minutes: MIN_MINUTES,
    };
    Ok(private_html(status, &page))
}

/// A fresh key for one press of "Run this round": the same form sent twice
/// makes one round.
fn new_round_key() -> String {
    format!("manual:{}", uuid::Uuid::new_v4())
}

fn valid_round_key(key: &str) -> bool {
    key.len() > "manual:".len() && key.len() <= MAX_KEY_LENGTH && key.starts_with("manual:")
}

#[get("/admin/rounds/preview")]
#[tracing::instrument(name = "admin_round_preview", skip_all)]
pub async fn preview(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let query = AdminForm::parse(req.query_string().as_bytes());
    let all = query.get("all") == Some("yes");
    preview_page(&state, &signed_in, all, new_round_key(), false, None).await
}

#[post("/admin/rounds")]
#[tracing::instrument(name = "admin_round_run", skip_all)]
pub async fn run(
    CheckedPost { signed_in, form }: CheckedPost,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let key = form.text("round_key");
    if !valid_round_key(&key) {
        return Ok(message(
            StatusCode::BAD_REQUEST,
            "This round could not be run",
            "The form was not complete. Preview the round again, then run it from the preview.",
        ));
    }
    let all = form.get("all") == Some("yes");
    let force = form.get("force") == Some("yes");
    let options = RoundOptions {
        key: key.clone(),
        trigger: Trigger::Manual,
        include_all: all,
        force,
        odd_one_out: state.settings.pairing.odd_one_out,
        group_size: state.settings.pairing.group_size,
        followup_after_days: state.settings.followup.after_days,
    };
    let composer = state.composer.clone();
    let now = state.clock.now();
    let outcome = db::run(&state.pool, move |conn| {
        runner::run(conn, &composer, &options, now)
    })
    .await?;
    match outcome {
        RoundOutcome::Ran { round, .. } => {
            tracing::info!(round_id = round.id, "an organiser ran a round");
            state.wake_mailer();
            Ok(see_other(&format!("/admin/rounds/{}?ran=1", round.id)))
        }
        RoundOutcome::AlreadyRan(round) => Ok(see_other(&format!("/admin/rounds/{}", round.id))),
        RoundOutcome::TooSoon { last } => {
            let refusal = Some(Refusal::TooSoon(last));
            preview_page(&state, &signed_in, all, key, force, refusal).await
        }
        RoundOutcome::NotEnoughPeople { due } => {
            let refusal = Some(Refusal::NotEnoughPeople(due));
            preview_page(&state, &signed_in, all, key, force, refusal).await
        }
    }
}

fn message(status: StatusCode, heading: &str, text: &str) -> HttpResponse {
    private_html(
        status,
        &MessagePage::new(heading, &[text]).with_link("/admin/rounds", "Go to the rounds"),
    )
}

/// One member's follow-up answer as shown.
struct AnswerRow {
    group: i32,
    person: Person,
    met: &'static str,
    note: String,
    links: i64,
    challenged: String,
    publish: &'static str,
}

impl From<MemberRow> for AnswerRow {
    fn from(m: MemberRow) -> Self {
        let answer = m.answer.as_ref();
        Self {
            group: m.group_number,
            person: Person::new(&m.name, &m.organisation),
            met: match answer.map(|a| a.met) {
                None => "Not answered",
                Some(Met::Yes) => "Yes",
                Some(Met::NotYet) => "Not yet",
                Some(Met::No) => "No",
            },
            note: answer.and_then(|a| a.note.clone()).unwrap_or_default(),
            links: m.links,
            challenged: answer
                .and_then(|a| a.challenged)
                .map_or_else(String::new, |c| format!("{c} out of 5")),
            publish: match answer.map(|a| a.publish) {
                None => "",
                Some(true) => "Yes",
                Some(false) => "No",
            },
        }
    }
}

#[derive(Template)]
#[template(path = "admin/round.html")]
struct RoundPage {
    chrome: Chrome,
    ran: bool,
    resent: Option<i64>,
    round: Round,
    started: String,
    /// The seed's bits as the unsigned number the CLI shows.
    seed: u64,
    odd_one_out: &'static str,
    sat_out_person: Option<Person>,
    groups: Vec<Group>,
    emails: Vec<EmailView>,
    answers: Vec<AnswerRow>,
    answered: usize,
    changes: Vec<ChangeRow>,
}

#[get("/admin/rounds/{id:\\d+}")]
#[tracing::instrument(name = "admin_round", skip_all)]
pub async fn show(
    req: HttpRequest,
    signed_in: SignedIn,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let query = AdminForm::parse(req.query_string().as_bytes());
    let found = db::run(&state.pool, move |conn| {
        let Some(round) = rounds::find(conn, id)? else {
            return Ok(None);
        };
        // Organisations as the members saw them in their introductions.
        let names = OrganisationNames::new(participants::organisation_spellings(conn)?);
        let sat_out = match round.sat_out_participant_id {
            Some(p) => participants::name_of(conn, p)?.map(|(name, org)| (name, names.shown(&org))),
            None => None,
        };
        let mut members = rounds::round_members(conn, id)?;
        for m in &mut members {
            m.organisation = names.shown(&m.organisation);
        }
        let emails = outbox::round_emails(conn, id)?;
        let places = rematches::places_of_round(conn, id)?;
        let requests = rematches::of_round(conn, id)?;
        Ok(Some((round, sat_out, members, emails, places, requests)))
    })
    .await?;
    let Some((round, sat_out, members, emails, places, requests)) = found else {
        return Ok(message(
            StatusCode::NOT_FOUND,
            "There is no such round",
            "Check the round's number in the list of rounds.",
        ));
    };
    let changes = round_changes::changes(&places, &requests, |t| when(&state, t));
    // Groups as they are now: without members who left them.
    let left: HashSet<i64> = places
        .iter()
        .filter(|(p, _)| p.left_at.is_some())
        .map(|(p, _)| p.id)
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    for m in members.iter().filter(|m| !left.contains(&m.member_id)) {
        let number = usize::try_from(m.group_number).unwrap_or(0);
        if groups.last().is_none_or(|g| g.number != number) {
            groups.push(Group {
                number,
                people: Vec::new(),
            });
        }
        if let Some(group) = groups.last_mut() {
            group.people.push(Person::new(&m.name, &m.organisation));
        }
    }
    let answered = members.iter().filter(|m| m.answer.is_some()).count();
    let page = RoundPage {
        chrome: Chrome::new(&signed_in, "rounds"),
        ran: query.get("ran") == Some("1"),
        resent: query.get("resent").and_then(|v| v.parse().ok()),
        started: when(&state, round.started_at),
        seed: round.seed as u64,
        odd_one_out: match round.odd_one_out {
            OddOneOut::Trio => "Makes a trio",
            OddOneOut::SitOut => "Sits out",
        },
        sat_out_person: sat_out.map(|(name, org)| Person::new(&name, &org)),
        groups,
        emails: emails
            .into_iter()
            .map(|e| EmailView::new(&state, e))
            .collect(),
        answers: members.into_iter().map(AnswerRow::from).collect(),
        answered,
        changes,
        round,
    };
    Ok(private_html(StatusCode::OK, &page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_keys_must_be_manual_and_short() {
        assert!(valid_round_key(&new_round_key()));
        assert!(!valid_round_key("manual:"));
        assert!(!valid_round_key("schedule:2026-01-01T09:00"));
        assert!(!valid_round_key(&format!("manual:{}", "x".repeat(100))));
    }
}
