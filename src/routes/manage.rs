//! `/me/{token}`: a participant's own page, reached from the link in their
//! emails: see and change details, pause, resume, leave.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::participants::{Participant, Status};
use crate::db::{self, participants};
use crate::domain::{
    parse_pause_until, Audience, FieldErrors, FormKind, ParticipantEmail, PeopleTime, ProfileForm,
};
use crate::pages::forms::{form_of, profile_fields, read_form, ProfileFields};
use crate::pages::secret_link::ManageLink;
use crate::pages::{private_html, see_other, MessagePage, PageError};
use crate::services::email_change::{self, Change};
use crate::services::leaving;
use crate::startup::AppState;

/// Refused when the new address is someone else's.
const TAKEN: &str = "This email address is already used by someone else in UnMentoring. Enter a different email address";

#[derive(Template)]
#[template(path = "manage.html")]
struct ManagePage {
    token: String,
    errors: FieldErrors,
    notice: Option<&'static str>,
    email: String,
    /// Email to them bounces: the page says so, and asks for a new address.
    bouncing: bool,
    /// The `email` field: the current address, or what they typed.
    email_value: String,
    email_error: Option<String>,
    cadence_label: &'static str,
    /// Some("") when paused until resumed, Some(date) when paused until a date.
    paused_until: Option<String>,
    /// The day they used a List-Unsubscribe link, until they resume.
    unsubscribed_on: Option<String>,
    profile: ProfileFields,
    pause_error: Option<String>,
    pause_day: String,
    pause_month: String,
    pause_year: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PauseForm {
    pause_day: String,
    pause_month: String,
    pause_year: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    done: String,
}

impl ManagePage {
    fn new(
        token: String,
        person: &Participant,
        form: &ProfileForm,
        errors: FieldErrors,
        today: NaiveDate,
    ) -> Self {
        Self {
            token,
            profile: profile_fields(form, &errors, FormKind::Update),
            email_error: errors.get("email").map(str::to_owned),
            errors,
            notice: None,
            email: person.email.clone().unwrap_or_default(),
            bouncing: person.status == Status::Bouncing,
            email_value: form.email.clone(),
            cadence_label: match person.cadence.as_str() {
                "quarterly" => "every three months",
                "every_two_months" => "every two months",
                _ => "once a month",
            },
            paused_until: person.is_paused_on(today).then(|| {
                person
                    .paused_until
                    .map(PeopleTime::calendar_date)
                    .unwrap_or_default()
            }),
            unsubscribed_on: person
                .unsubscribed_at
                .map(|at| PeopleTime::calendar_date(at.date())),
            pause_error: None,
            pause_day: String::new(),
            pause_month: String::new(),
            pause_year: String::new(),
        }
    }
}

#[get("/me/{token}")]
#[tracing::instrument(name = "manage_page", skip_all)]
pub async fn show(
    link: ManageLink,
    query: web::Query<Done>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (token, person) = link.into_parts();
    let mut page = ManagePage::new(
        token,
        &person,
        &form_of(&person),
        FieldErrors::default(),
        state.clock.today(),
    );
    page.notice = match query.done.as_str() {
        "details" => Some("Your details have been saved"),
        "paused" => Some("You are paused"),
        "resumed" => Some("You are taking part again"),
        "stayed" => Some("You are staying in UnMentoring"),
        "email" => Some(
            "We have emailed a link to your new address. Follow it to start using that address",
        ),
        _ => None,
    };
    private_html(StatusCode::OK, &page)
}

#[post("/me/{token}")]
#[tracing::instrument(name = "manage_update", skip_all)]
pub async fn update(
    link: ManageLink,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (token, person) = link.into_parts();
    let form: ProfileForm = read_form(&body);
    let today = state.clock.today();
    let (profile, new_email) = match (form.validate(FormKind::Update), new_address(&form, &person))
    {
        (Ok(profile), Ok(new_email)) => (profile, new_email),
        (profile, new_email) => {
            let errors = email_first(new_email.err(), profile.err().unwrap_or_default());
            let page = ManagePage::new(token, &person, &form, errors, today);
            return Ok(private_html(StatusCode::OK, &page));
        }
    };
    let (id, now, composer) = (person.id, state.clock.now(), state.composer.clone());
    let asked = person.clone();
    let availability = form.availability().unwrap_or_default().to_stored();
    let change = db::write(&state.pool, move |conn| {
        // The address first: if it is taken, nothing is saved.
        let change = match &new_email {
            Some(new) => Some(email_change::request(conn, &composer, &asked, new, now)?),
            None => None,
        };
        if change != Some(Change::Taken) {
            participants::update_details(conn, id, &profile, now)?;
            participants::set_availability(conn, id, availability.as_deref())?;
        }
        Ok(change)
    })
    .await?;
    let done = match change {
        Some(Change::Taken) => {
            let errors = email_first(Some(TAKEN), FieldErrors::default());
            let page = ManagePage::new(token, &person, &form, errors, today);
            return Ok(private_html(StatusCode::OK, &page));
        }
        Some(Change::LinkSent) => {
            state.wake_mailer();
            tracing::info!(participant_id = id, "new email address to confirm");
            "email"
        }
        None => "details",
    };
    tracing::info!(participant_id = id, "details changed");
    Ok(see_other(&format!("/me/{token}?done={done}#main-content")))
}

/// The address typed in the `email` field, if it is a new one (or, for a
/// bouncing person, any address: one that bounced may work again, and the
/// link sent to it checks that). Left empty (or out of the form), it keeps
/// the current address.
fn new_address(
    form: &ProfileForm,
    person: &Participant,
) -> Result<Option<ParticipantEmail>, &'static str> {
    let typed = form.email.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let new = ParticipantEmail::parse(typed).map_err(|p| p.message(Audience::Person))?;
    let current = person.email.as_deref().map(ParticipantEmail::lookup_key);
    let unchanged = current.as_deref() == Some(new.key().as_str());
    Ok((!unchanged || person.status == Status::Bouncing).then_some(new))
}

/// The email field comes first on the form, so its error comes first too.
fn email_first(email: Option<&str>, others: FieldErrors) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if let Some(message) = email {
        errors.add("email", message);
    }
    for (field, message) in others.iter() {
        errors.add(field, message);
    }
    errors
}

#[post("/me/{token}/pause")]
#[tracing::instrument(name = "manage_pause", skip_all)]
pub async fn pause(
    link: ManageLink,
    form: web::Form<PauseForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (token, person) = link.into_parts();
    let today = state.clock.today();
    let until = match parse_pause_until(&form.pause_day, &form.pause_month, &form.pause_year, today)
    {
        Ok(until) => until,
        Err(message) => {
            let mut errors = FieldErrors::default();
            errors.add("pause", message);
            let mut page = ManagePage::new(token, &person, &form_of(&person), errors, today);
            page.pause_error = Some(message.to_owned());
            page.pause_day = form.pause_day.clone();
            page.pause_month = form.pause_month.clone();
            page.pause_year = form.pause_year.clone();
            return Ok(private_html(StatusCode::OK, &page));
        }
    };
    let id = person.id;
    let now = state.clock.now();
    db::write(&state.pool, move |conn| {
        participants::pause(conn, id, until, now)
    })
    .await?;
    tracing::info!(participant_id = id, "paused");
    Ok(see_other(&format!("/me/{token}?done=paused#main-content")))
}

#[post("/me/{token}/resume")]
#[tracing::instrument(name = "manage_resume", skip_all)]
pub async fn resume(
    link: ManageLink,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = link.holder.id;
    let now = state.clock.now();
    db::write(&state.pool, move |conn| participants::resume(conn, id, now)).await?;
    tracing::info!(participant_id = id, "resumed");
    Ok(see_other(&format!(
        "/me/{}?done=resumed#main-content",
        link.token()
    )))
}

#[derive(Template)]
#[template(path = "resume.html")]
struct ResumePage {
    token: String,
}

/// The page the "paused for silence" email links to: one button to resume.
#[get("/me/{token}/resume")]
#[tracing::instrument(name = "manage_resume_page", skip_all)]
pub async fn resume_page(link: ManageLink) -> HttpResponse {
    let (token, _) = link.into_parts();
    private_html(StatusCode::OK, &ResumePage { token })
}

#[derive(Template)]
#[template(path = "leave.html")]
struct LeavePage {
    token: String,
}

#[get("/me/{token}/leave")]
#[tracing::instrument(name = "manage_leave_page", skip_all)]
pub async fn leave_page(link: ManageLink) -> HttpResponse {
    let (token, _) = link.into_parts();
    private_html(StatusCode::OK, &LeavePage { token })
}

#[post("/me/{token}/leave")]
#[tracing::instrument(name = "manage_leave", skip_all)]
pub async fn leave(
    link: ManageLink,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = link.holder.id;
    let now = state.clock.now();
    let (composer, settings) = (state.composer.clone(), state.settings.clone());
    db::write(&state.pool, move |conn| {
        leaving::leave(conn, &composer, &settings, id, now)
    })
    .await?;
    state.wake_mailer();
    tracing::info!(participant_id = id, "left; personal data erased");
    let page = MessagePage::new(
        "You have left UnMentoring",
        &[
            "We have deleted your name, email address, phone number and the other details you gave us. You will not be paired again.",
            "Thank you for taking part.",
        ],
    )
    .with_link("/#signup", "Sign up again");
    Ok(private_html(StatusCode::OK, &page))
}
