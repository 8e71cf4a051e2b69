//! `/admin/events`: small groups on the day of an event. An organiser
//! pastes the list of attendees, chooses a group size, and gets numbered
//! groups, a printable page for the room, and a button that emails each
//! attendee their group. The groups are made again from the same list and
//! seed at each step, so nothing needs storing in between.

use actix_web::http::StatusCode;
use actix_web::{get, post, HttpResponse};
use askama::Template;

use super::{AdminError, CheckedPost, Chrome, SignedIn};
use crate::db;
use crate::domain::{read_list, Attendee};
use crate::pages::private_html;
use crate::services::events::{self, Groups};
use crate::startup::AppState;

/// (field, message) pairs for the error summary.
type Errors = Vec<(String, String)>;

/// The form, as sent (kept when it comes back with errors).
#[derive(Default, Clone)]
struct EventForm {
    event_name: String,
    size: String,
    seed: String,
    people: String,
}

impl EventForm {
    fn read(post: &CheckedPost) -> Self {
        let form = &post.form;
        Self {
            event_name: form.text("event_name"),
            size: form.text("size"),
            seed: form.text("seed"),
            people: form.exact("people").unwrap_or_default().to_owned(),
        }
    }

    /// The size, seed and attendees, or what is wrong, by field.
    fn validate(&self) -> Result<(usize, u64, Vec<Attendee>), Errors> {
        let mut errors = Vec::new();
        let size = self
            .size
            .parse::<usize>()
            .ok()
            .filter(|s| events::SIZES.contains(s));
        if size.is_none() {
            errors.push((
                "size".to_owned(),
                "Enter a group size from 2 to 8".to_owned(),
            ));
        }
        let seed = if self.seed.is_empty() {
            Some(crate::services::round_runner::new_seed())
        } else {
            self.seed.parse::<u64>().ok()
        };
        if seed.is_none() {
            errors.push((
                "seed".to_owned(),
                "The seed must be a whole number, or left empty".to_owned(),
            ));
        }
        let attendees = match read_list(&self.people) {
            Ok(list) => Some(list),
            Err(problems) => {
                errors.extend(problems.into_iter().map(|p| ("people".to_owned(), p)));
                None
            }
        };
        match (size, seed, attendees) {
            (Some(size), Some(seed), Some(list)) if errors.is_empty() => Ok((size, seed, list)),
            _ => Err(errors),
        }
    }
}

/// One group as shown.
struct GroupView {
    number: usize,
    people: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/events.html")]
struct EventsPage {
    chrome: Chrome,
    errors: Vec<(String, String)>,
    form: EventForm,
    groups: Vec<GroupView>,
    people_count: usize,
    emailed: Option<usize>,
}

impl EventsPage {
    fn error(&self, field: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .errors
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join(". "))
    }
}

#[derive(Template)]
#[template(path = "admin/event_print.html")]
struct PrintPage {
    chrome: Chrome,
    event_name: String,
    groups: Vec<GroupView>,
}

fn views(attendees: &[Attendee], groups: &Groups) -> Vec<GroupView> {
    groups
        .iter()
        .enumerate()
        .map(|(i, group)| GroupView {
            number: i + 1,
            people: group
                .iter()
                .map(|&a| {
                    let p = &attendees[a];
                    if p.organisation.is_empty() {
                        p.name.clone()
                    } else {
                        format!("{} ({})", p.name, p.organisation)
                    }
                })
                .collect(),
        })
        .collect()
}

fn page(signed_in: &SignedIn, form: EventForm) -> EventsPage {
    EventsPage {
        chrome: Chrome::new(signed_in, "events"),
        errors: Vec::new(),
        form,
        groups: Vec::new(),
        people_count: 0,
        emailed: None,
    }
}

#[get("/admin/events")]
#[tracing::instrument(name = "admin_events", skip_all)]
pub async fn show(signed_in: SignedIn) -> HttpResponse {
    let form = EventForm {
        size: "4".to_owned(),
        people: "name,email,organisation\n".to_owned(),
        ..EventForm::default()
    };
    private_html(StatusCode::OK, &page(&signed_in, form))
}

/// What the three buttons do with the groups.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Then {
    Show,
    Print,
    Email,
}

async fn groups_then(
    post: CheckedPost,
    state: actix_web::web::Data<AppState>,
    then: Then,
) -> Result<HttpResponse, AdminError> {
    let mut form = EventForm::read(&post);
    let (size, seed, attendees) = match form.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            let mut page = page(&post.signed_in, form);
            page.errors = errors;
            return Ok(private_html(StatusCode::OK, &page));
        }
    };
    form.seed = seed.to_string();
    let (composer, now) = (state.composer.clone(), state.clock.now());
    let (list, name) = (attendees.clone(), form.event_name.clone());
    let (groups, emailed) = db::write(&state.pool, move |conn| {
        let groups = events::make_groups(conn, &list, size, seed)?;
        let emailed = if then == Then::Email {
            Some(events::email_groups(
                conn, &composer, &name, &list, &groups, now,
            )?)
        } else {
            None
        };
        Ok((groups, emailed))
    })
    .await?;
    if emailed.is_some() {
        state.wake_mailer();
        tracing::info!(
            organiser_id = post.signed_in.organiser_id,
            "event groups emailed"
        );
    }
    if then == Then::Print {
        let print = PrintPage {
            chrome: Chrome::new(&post.signed_in, "events"),
            event_name: form.event_name.clone(),
            groups: views(&attendees, &groups),
        };
        return Ok(private_html(StatusCode::OK, &print));
    }
    let mut page = page(&post.signed_in, form);
    page.groups = views(&attendees, &groups);
    page.people_count = attendees.len();
    page.emailed = emailed;
    Ok(private_html(StatusCode::OK, &page))
}

#[post("/admin/events")]
#[tracing::instrument(name = "admin_event_groups", skip_all)]
pub async fn make(
    post: CheckedPost,
    state: actix_web::web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    groups_then(post, state, Then::Show).await
}

#[post("/admin/events/print")]
#[tracing::instrument(name = "admin_event_print", skip_all)]
pub async fn print_page(
    post: CheckedPost,
    state: actix_web::web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    groups_then(post, state, Then::Print).await
}

#[post("/admin/events/email")]
#[tracing::instrument(name = "admin_event_email", skip_all)]
pub async fn email_all(
    post: CheckedPost,
    state: actix_web::web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    groups_then(post, state, Then::Email).await
}
