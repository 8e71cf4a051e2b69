//! `/admin/participants`: find people, see one person's details and rounds,
//! and pause, resume or remove them. Removing erases their personal details
//! as leaving does, after a confirmation page.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::{AdminError, CheckedPost, Chrome, Done, SignedIn};
use crate::db;
use crate::db::participants::{self, OrganiserChange, Outcome, Person, Search, Source, Status};
use crate::db::rounds::{self, Partner};
use crate::domain::{FieldErrors, Met, NoReason, PeopleTime};
use crate::pages::{private_html, see_other, MessagePage};
use crate::services::leaving;
use crate::startup::AppState;

/// The longest search text accepted.
const SEARCH_MAX: usize = 100;

/// The state filter: (value in the query, label).
const STATUSES: [(&str, &str); 6] = [
    ("", "All"),
    ("pending", "Waiting to confirm"),
    ("active", "Taking part"),
    ("paused", "Paused"),
    ("left", "Left"),
    ("bouncing", "Bouncing"),
];

fn status_tag(status: Status) -> (&'static str, &'static str) {
    match status {
        Status::Pending => ("Waiting to confirm", "tag tag--blue"),
        Status::Active => ("Taking part", "tag"),
        Status::Paused => ("Paused", "tag tag--grey"),
        Status::Left => ("Left", "tag tag--red"),
        Status::Bouncing => ("Bouncing", "tag tag--orange"),
    }
}

fn optional_date(time: PeopleTime, at: Option<NaiveDateTime>, otherwise: &str) -> String {
    at.map_or_else(|| otherwise.to_owned(), |at| time.date(at))
}

/// One row of the results table.
struct Row {
    id: i64,
    left: bool,
    name: String,
    email: String,
    organisation: String,
    state: &'static str,
    tag: &'static str,
    cadence: &'static str,
    last_round: String,
    joined: String,
    source: &'static str,
}

fn row(time: PeopleTime, person: Person) -> Row {
    let p = person.participant;
    let status = p.status;
    let (state, tag) = status_tag(status);
    Row {
        id: p.id,
        left: status == Status::Left,
        cadence: p.cadence.label(),
        last_round: optional_date(time, p.last_round_at, "None yet"),
        joined: time.date(p.created_at),
        source: match person.source {
            Source::Signup => "Signed up",
            Source::Import => "Imported",
            Source::ImportConfirmed => "Imported, already confirmed",
        },
        name: p.name,
        email: p.email.unwrap_or_default(),
        organisation: p.organisation,
        state,
        tag,
    }
}

#[derive(Template)]
#[template(path = "admin/participants.html")]
struct ListPage {
    chrome: Chrome,
    errors: FieldErrors,
    removed: bool,
    q: String,
    status: String,
    statuses: [(&'static str, &'static str); 6],
    searched: bool,
    rows: Vec<Row>,
    total: i64,
    first: i64,
    last: i64,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
    status: String,
    page: String,
    removed: String,
}

fn page_link(q: &str, status: &str, page: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if !status.is_empty() {
        query.append_pair("status", status);
    }
    query.append_pair("page", &page.to_string());
    format!("/admin/participants?{}", query.finish())
}

#[get("/admin/participants")]
#[tracing::instrument(name = "admin_participants", skip_all)]
pub async fn list(
    signed_in: SignedIn,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let q = query.q.trim().to_owned();
    let status = Status::parse_exact(&query.status);
    let status_value = status.map_or("", Status::as_str);
    let page = query
        .page
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1);
    let mut list = ListPage {
        chrome: Chrome::new(&signed_in, "participants"),
        errors: FieldErrors::default(),
        removed: query.removed == "1",
        searched: !q.is_empty() || status.is_some(),
        q,
        status: status_value.to_owned(),
        statuses: STATUSES,
        rows: Vec::new(),
        total: 0,
        first: 0,
        last: 0,
        previous: None,
        next: None,
    };
    if list.q.chars().count() > SEARCH_MAX {
        list.errors.add(
            "q",
            format!("Search text must be {SEARCH_MAX} characters or fewer"),
        );
        return Ok(private_html(StatusCode::OK, &list));
    }
    let search = Search {
        text: list.q.clone(),
        status,
        page,
    };
    let results = db::run(&state.pool, move |conn| participants::search(conn, &search)).await?;
    list.total = results.total;
    list.first = (page - 1) * participants::PAGE_SIZE + 1;
    list.last = list.first + i64::try_from(results.people.len()).unwrap_or(0) - 1;
    let time = state.settings.people_time();
    list.rows = results.people.into_iter().map(|p| row(time, p)).collect();
    list.previous = (page > 1).then(|| page_link(&list.q, status_value, page - 1));
    list.next = (list.last < list.total && !list.rows.is_empty())
        .then(|| page_link(&list.q, status_value, page + 1));
    Ok(private_html(StatusCode::OK, &list))
}

/// One round in a person's history.
struct HistoryRow {
    round_id: i64,
    date: String,
    partners: Vec<Partner>,
    answer: String,
    links: i64,
    note: String,
}

fn answer_label(met: Option<Met>, no_reason: Option<NoReason>) -> String {
    match met {
        Some(Met::Yes) => "Met".to_owned(),
        Some(Met::NotYet) => "Not yet".to_owned(),
        Some(Met::No) => match no_reason {
            Some(reason) => {
                let label = reason.label();
                format!("No: {}{}", label[..1].to_lowercase(), &label[1..])
            }
            None => "No".to_owned(),
        },
        None => "No answer".to_owned(),
    }
}

#[derive(Template)]
#[template(path = "admin/participant.html")]
struct PersonPage {
    chrome: Chrome,
    id: i64,
    name: String,
    left: bool,
    left_on: String,
    notice: Option<&'static str>,
    details: Vec<(&'static str, String)>,
    state: String,
    tag: &'static str,
    can_pause: bool,
    can_resume: bool,
    pending: bool,
    history: Vec<HistoryRow>,
    bounces: Vec<super::bouncing::BounceRow>,
}

fn details(time: PeopleTime, person: &Person, state: &str) -> Vec<(&'static str, String)> {
    let p = &person.participant;
    let given = |v: &Option<String>| v.clone().unwrap_or_else(|| "Not given".to_owned());
    let source = match person.source {
        Source::Signup => "Signed up on the website",
        Source::Import => "Imported by an organiser, and asked to confirm their email address",
        Source::ImportConfirmed => "Imported by an organiser who confirmed they had opted in",
    };
    vec![
        ("Name", p.name.clone()),
        ("Email address", given(&p.email)),
        ("Phone", given(&p.phone)),
        ("Organisation", p.organisation.clone()),
        ("Google ID", given(&p.google_id)),
        ("Skype", given(&p.skype)),
        ("Topics", given(&p.topics)),
        ("How often", p.cadence.label().to_owned()),
        ("State", state.to_owned()),
        ("Joined", time.date(p.created_at)),
        ("Confirmed", optional_date(time, p.confirmed_at, "Not yet")),
        ("Source", source.to_owned()),
    ]
}

fn not_found() -> HttpResponse {
    let page = MessagePage::new(
        "Participant not found",
        &["There is no participant with this number. People who never confirmed their email address are deleted after a while."],
    )
    .with_link("/admin/participants", "Find a participant");
    private_html(StatusCode::NOT_FOUND, &page)
}

#[get("/admin/participants/{id}")]
#[tracing::instrument(name = "admin_participant", skip_all)]
pub async fn show(
    signed_in: SignedIn,
    path: web::Path<i64>,
    query: web::Query<Done>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let time = state.settings.people_time();
    let found = db::run(&state.pool, move |conn| {
        let Some(person) = participants::find_person(conn, id)? else {
            return Ok(None);
        };
        let bounces = super::bouncing::of_person(conn, id, time)?;
        Ok(Some((person, rounds::rounds_of(conn, id)?, bounces)))
    })
    .await?;
    let Some((person, history, bounces)) = found else {
        return Ok(not_found());
    };
    let status = person.participant.status;
    let (label, tag) = status_tag(status);
    let state_text = match (status, person.participant.paused_until) {
        (Status::Paused, Some(until)) => {
            format!("Paused until {}", PeopleTime::calendar_date(until))
        }
        (Status::Paused, None) => "Paused until they resume".to_owned(),
        _ => label.to_owned(),
    };
    let page = PersonPage {
        chrome: Chrome::new(&signed_in, "participants"),
        id,
        name: person.participant.name.clone(),
        left: status == Status::Left,
        left_on: optional_date(time, person.left_at, "an unknown date"),
        notice: match query.done.as_str() {
            "paused" => Some("They are paused until someone resumes them"),
            "resumed" => Some("They are taking part again"),
            "edited" => Some("Their details are saved"),
            "resent" => Some("A new confirmation email is on its way to them"),
            _ => None,
        },
        details: details(time, &person, &state_text),
        state: state_text,
        tag,
        can_pause: status == Status::Active,
        can_resume: status == Status::Paused,
        pending: status == Status::Pending,
        history: history
            .into_iter()
            .map(|r| HistoryRow {
                round_id: r.round_id,
                date: time.date(r.started_at),
                answer: answer_label(r.met, r.no_reason),
                partners: r.partners,
                links: r.links,
                note: r.note.unwrap_or_default(),
            })
            .collect(),
        bounces,
    };
    Ok(private_html(StatusCode::OK, &page))
}

/// Pause, resume or remove (after the confirmation page): one change, in an
/// immediate transaction, then back to the person (or the list) with a banner.
#[post("/admin/participants/{id}/{action:pause|resume|remove}")]
#[tracing::instrument(name = "admin_participant_change", skip_all)]
pub async fn change(
    post: CheckedPost,
    path: web::Path<(i64, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let (id, action) = path.into_inner();
    let (change, done) = match action.as_str() {
        "pause" => (OrganiserChange::Pause, "paused"),
        "resume" => (OrganiserChange::Resume, "resumed"),
        _ => (OrganiserChange::Remove, "removed"),
    };
    let now = state.clock.now();
    let (composer, settings) = (state.composer.clone(), state.settings.clone());
    let outcome = db::write(&state.pool, move |conn| {
        if change == OrganiserChange::Remove {
            leaving::free_partner(conn, &composer, &settings, id, now)?;
        }
        participants::change_by_organiser(conn, id, change, now)
    })
    .await?;
    state.wake_mailer();
    Ok(match outcome {
        Outcome::Missing => not_found(),
        Outcome::Unchanged => see_other(&format!("/admin/participants/{id}")),
        Outcome::Changed => {
            tracing::info!(
                participant_id = id,
                organiser_id = post.signed_in.organiser_id,
                change = done,
                "participant changed by an organiser"
            );
            if done == "removed" {
                see_other("/admin/participants?removed=1")
            } else {
                see_other(&format!("/admin/participants/{id}?done={done}"))
            }
        }
    })
}

#[derive(Template)]
#[template(path = "admin/participant_remove.html")]
struct RemovePage {
    chrome: Chrome,
    id: i64,
    name: String,
    organisation: String,
    pending: bool,
}

#[get("/admin/participants/{id}/remove")]
#[tracing::instrument(name = "admin_participant_remove_page", skip_all)]
pub async fn remove_page(
    signed_in: SignedIn,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let found = db::run(&state.pool, move |conn| participants::find(conn, id)).await?;
    let Some(person) = found else {
        return Ok(not_found());
    };
    if person.status == Status::Left {
        return Ok(see_other(&format!("/admin/participants/{id}")));
    }
    let page = RemovePage {
        chrome: Chrome::new(&signed_in, "participants"),
        id,
        pending: person.status == Status::Pending,
        name: person.name,
        organisation: person.organisation,
    };
    Ok(private_html(StatusCode::OK, &page))
}
