//! `/admin/concerns`: what participants reported about their introductions,
//! until an organiser marks each dealt with; and the never-pair rules, which
//! organisers can add (by the two email addresses) or remove.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;

use super::{AdminError, CheckedPost, Chrome, Done, SignedIn};
use crate::db::{self, concerns, never_pairs, participants};
use crate::domain::{FieldErrors, NeverPairSource, ParticipantEmail, PeopleTime};
use crate::email::concern_alert::CONCERNS_PAGE;
use crate::pages::{private_html, see_other};
use crate::startup::AppState;

struct ConcernRow {
    id: i64,
    reported: String,
    reporter: (i64, String),
    about: (i64, String),
    round: String,
    concern: String,
}

struct RuleRow {
    id: i64,
    first: (i64, String),
    second: (i64, String),
    why: &'static str,
    since: String,
}

#[derive(Template)]
#[template(path = "admin/concerns.html")]
struct ConcernsPage {
    chrome: Chrome,
    errors: FieldErrors,
    done: &'static str,
    concerns: Vec<ConcernRow>,
    rules: Vec<RuleRow>,
    first_email: String,
    second_email: String,
}

/// The page's success notice for `?done=`.
fn notice(done: &str) -> &'static str {
    match done {
        "dealt-with" => "The concern is marked as dealt with",
        "added" => "The two will not be paired with each other",
        "removed" => "The rule is removed: the two may be paired again",
        _ => "",
    }
}

/// The page as it is now, with the add form's values and errors.
async fn page(
    signed_in: &SignedIn,
    state: &AppState,
    form: (String, String),
    errors: FieldErrors,
    done: &'static str,
) -> Result<ConcernsPage, AdminError> {
    let time = state.settings.people_time();
    let (open, rules) = db::run(&state.pool, |conn| {
        Ok((concerns::open(conn)?, never_pairs::listed(conn)?))
    })
    .await?;
    Ok(ConcernsPage {
        chrome: Chrome::new(signed_in, "concerns"),
        errors,
        done,
        concerns: open.into_iter().map(|c| concern_row(time, c)).collect(),
        rules: rules
            .into_iter()
            .map(|r| RuleRow {
                id: r.id,
                first: r.first,
                second: r.second,
                why: r.source.label(),
                since: time.date(r.created_at),
            })
            .collect(),
        first_email: form.0,
        second_email: form.1,
    })
}

fn concern_row(time: PeopleTime, c: concerns::OpenConcern) -> ConcernRow {
    ConcernRow {
        id: c.id,
        reported: time.date_and_time(c.created_at),
        reporter: c.reporter,
        about: c.about,
        round: time.date(c.round_started_at),
        concern: c.concern,
    }
}

#[get("/admin/concerns")]
#[tracing::instrument(name = "admin_concerns", skip_all)]
pub async fn show(
    signed_in: SignedIn,
    query: web::Query<Done>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let done = notice(&query.done);
    let page = page(
        &signed_in,
        &state,
        Default::default(),
        FieldErrors::default(),
        done,
    )
    .await?;
    Ok(private_html(StatusCode::OK, &page))
}

#[post("/admin/concerns/{id}/dealt-with")]
#[tracing::instrument(name = "admin_concern_dealt_with", skip_all)]
pub async fn dealt_with(
    post: CheckedPost,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let (id, organiser_id, now) = (
        path.into_inner(),
        post.signed_in.organiser_id,
        state.clock.now(),
    );
    let changed = db::write(&state.pool, move |conn| {
        concerns::mark_dealt_with(conn, id, organiser_id, now)
    })
    .await?;
    if changed {
        tracing::info!(concern_id = id, organiser_id, "concern dealt with");
    }
    Ok(see_other(&format!("{CONCERNS_PAGE}?done=dealt-with")))
}

/// Finds who an address in the add form belongs to, or says what is wrong.
fn person_for(
    conn: &mut db::Conn,
    raw: &str,
    field: &str,
    errors: &mut FieldErrors,
) -> anyhow::Result<Option<i64>> {
    if raw.trim().is_empty() {
        errors.add(field, "Enter the email address of a participant");
        return Ok(None);
    }
    let key = ParticipantEmail::lookup_key(raw);
    let found = participants::find_by_email_key(conn, &key)?;
    if found.is_none() {
        errors.add(field, "There is no participant with this email address");
    }
    Ok(found.map(|p| p.id))
}

#[post("/admin/never-pairs")]
#[tracing::instrument(name = "admin_never_pair_add", skip_all)]
pub async fn add_rule(
    post: CheckedPost,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let form = (
        post.form.text("first_email"),
        post.form.text("second_email"),
    );
    let (first, second) = form.clone();
    let now = state.clock.now();
    let errors = db::write(&state.pool, move |conn| {
        let mut errors = FieldErrors::default();
        let a = person_for(conn, &first, "first_email", &mut errors)?;
        let b = person_for(conn, &second, "second_email", &mut errors)?;
        if let (Some(a), Some(b)) = (a, b) {
            if a == b {
                errors.add(
                    "second_email",
                    "Enter the email address of a different participant",
                );
            } else {
                never_pairs::add(conn, a, b, NeverPairSource::Organiser, now)?;
            }
        }
        Ok(errors)
    })
    .await?;
    if errors.is_empty() {
        tracing::info!(
            organiser_id = post.signed_in.organiser_id,
            "never-pair rule added"
        );
        return Ok(see_other(&format!(
            "{CONCERNS_PAGE}?done=added#never-pairs"
        )));
    }
    let page = page(&post.signed_in, &state, form, errors, "").await?;
    Ok(private_html(StatusCode::OK, &page))
}

#[post("/admin/never-pairs/{id}/remove")]
#[tracing::instrument(name = "admin_never_pair_remove", skip_all)]
pub async fn remove_rule(
    post: CheckedPost,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    if db::write(&state.pool, move |conn| never_pairs::remove(conn, id)).await? {
        tracing::info!(
            rule_id = id,
            organiser_id = post.signed_in.organiser_id,
            "never-pair rule removed"
        );
    }
    Ok(see_other(&format!(
        "{CONCERNS_PAGE}?done=removed#never-pairs"
    )))
}
