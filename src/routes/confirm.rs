//! `/confirm/{token}`: the double opt-in link. Opening it shows the details
//! this link would confirm, and a button; the POST confirms, because mail
//! scanners open links. Each link confirms the details submitted with it.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;

use crate::db::participants::{Participant, Status};
use crate::db::pending_signups::{self, Submission};
use crate::db::{self, email_changes, outbox, participants, tokens, Conn};
use crate::domain::{TokenPurpose, ValidProfile};
use crate::pages::secret_link::{ConfirmLink, LinkProblem};
use crate::pages::{html, private_html, see_other, MessagePage, PageError};
use crate::services::email_change::{self, Confirmed};
use crate::startup::AppState;

/// Where a confirmation ends: a page that needs no link, so that reloading
/// it shows it again. Anyone can open it, so it says nothing personal.
pub const CONFIRMED: &str = "/confirmed";

/// Where confirming a new email address ends, for the same reasons.
pub const EMAIL_CONFIRMED: &str = "/confirmed/email";

/// "Confirm your new email address": for a link sent from the manage page.
#[derive(Template)]
#[template(path = "confirm_email.html")]
struct ConfirmEmailPage {
    email: String,
    token: String,
}

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    /// (label, value) rows of the "Check your details" list.
    details: Vec<(&'static str, String)>,
    token: String,
}

/// The rows the confirm page lists: what this link will confirm.
fn summary(email: &str, profile: &ValidProfile) -> Vec<(&'static str, String)> {
    let optional = |value: &Option<String>| value.clone().unwrap_or_else(|| "Not given".into());
    vec![
        ("Full name", profile.name.clone()),
        ("Email address", email.to_owned()),
        ("Phone number", profile.phone.clone()),
        (
            "Partners see your phone number",
            if profile.share_phone { "Yes" } else { "No" }.to_owned(),
        ),
        ("Organisation", profile.organisation.clone()),
        ("Google ID", optional(&profile.google_id)),
        ("Skype name", optional(&profile.skype)),
        (
            "What you would like to talk about",
            optional(&profile.topics),
        ),
        ("How often", profile.cadence.label().to_owned()),
    ]
}

/// The details a confirmation link stands for: those submitted with it or,
/// for a link made without a signup (an organiser's import), the person's own.
fn details_for(person: &Participant, submission: Option<Submission>) -> ValidProfile {
    submission.map_or_else(
        || ValidProfile {
            name: person.name.clone(),
            email: None,
            phone: person.phone.clone().unwrap_or_default(),
            organisation: person.organisation.clone(),
            google_id: person.google_id.clone(),
            skype: person.skype.clone(),
            topics: person.topics.clone(),
            cadence: person.cadence,
            share_phone: person.share_phone,
        },
        |s| s.profile(),
    )
}

#[get("/confirm/{token}")]
#[tracing::instrument(name = "confirm_page", skip_all)]
pub async fn show(
    link: ConfirmLink,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (token, person) = link.into_parts();
    let raw = token.clone();
    let (submission, new_email) = db::run(&state.pool, move |conn| {
        Ok((
            pending_signups::for_link(conn, &raw)?,
            email_changes::for_link(conn, &raw)?,
        ))
    })
    .await?;
    if let Some(email) = new_email {
        return Ok(private_html(
            StatusCode::OK,
            &ConfirmEmailPage { email, token },
        ));
    }
    let profile = details_for(&person, submission);
    let details = summary(person.email.as_deref().unwrap_or_default(), &profile);
    Ok(private_html(
        StatusCode::OK,
        &ConfirmPage { details, token },
    ))
}

#[post("/confirm/{token}")]
#[tracing::instrument(name = "confirm", skip_all)]
pub async fn confirm(
    link: ConfirmLink,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let raw = link.token().to_owned();
    let new_email = db::run(&state.pool, move |conn| email_changes::for_link(conn, &raw)).await?;
    if let Some(email) = new_email {
        return confirm_new_email(link, email, state).await;
    }
    let composer = state.composer.clone();
    let now = state.clock.now();
    let participant_id = link.holder.id;
    let done = db::write(&state.pool, move |conn| {
        if !link.still_opens(conn, now)? {
            return Ok(false);
        }
        take_up_details(conn, participant_id, link.token(), now)?;
        participants::confirm(conn, participant_id, now)?;
        // Other signups' details, and their links, are no longer needed.
        pending_signups::delete_for(conn, participant_id)?;
        tokens::revoke(conn, participant_id, TokenPurpose::Confirm)?;
        let person = participants::find(conn, participant_id)?
            .ok_or_else(|| anyhow::anyhow!("a confirmed participant vanished"))?;
        let manage = tokens::issue(conn, participant_id, TokenPurpose::Manage, now)?;
        outbox::enqueue(conn, &composer.welcome(&person, &manage)?, now)?;
        tracing::info!(participant_id, "signup confirmed");
        Ok(true)
    })
    .await?;
    if !done {
        // Confirmed by another press of the button a moment ago.
        return Ok(ConfirmLink::refused(LinkProblem::NotValid));
    }
    state.wake_mailer();
    Ok(see_other(CONFIRMED))
}

/// The link sent to a new address was followed: the address is stored, and
/// a bouncing person takes part again.
async fn confirm_new_email(
    link: ConfirmLink,
    email: String,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let now = state.clock.now();
    let participant_id = link.holder.id;
    let done = db::write(&state.pool, move |conn| {
        if !link.still_opens(conn, now)? {
            return Ok(None);
        }
        email_change::confirm(conn, participant_id, &email, now).map(Some)
    })
    .await?;
    Ok(match done {
        None => ConfirmLink::refused(LinkProblem::NotValid),
        Some(Confirmed::Taken) => {
            let page = MessagePage::new(
                "This email address is already in use",
                &[
                    "Someone else in UnMentoring has started using this email address since we sent you the link, so we have not changed yours.",
                    "Open the link to your details in an earlier email from us and give a different email address.",
                ],
            );
            private_html(StatusCode::CONFLICT, &page)
        }
        Some(Confirmed::Changed) => {
            tracing::info!(participant_id, "new email address confirmed");
            see_other(EMAIL_CONFIRMED)
        }
    })
}

/// "Your email address is changed": the same for everyone, so it needs no link.
#[get("/confirmed/email")]
#[tracing::instrument(name = "email_confirmed")]
pub async fn email_confirmed() -> HttpResponse {
    let page = MessagePage::new(
        "Your email address is changed",
        &[
            "We will send your UnMentoring emails to your new address from now on.",
            "If our emails were not reaching you before, you are taking part again and will be paired in the next round.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page");
    html(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "confirmed.html")]
struct ConfirmedPage;

/// "You have confirmed your place": the same for everyone, however often
/// it is reloaded.
#[get("/confirmed")]
#[tracing::instrument(name = "confirmed")]
pub async fn confirmed() -> HttpResponse {
    html(StatusCode::OK, &ConfirmedPage)
}

/// A pending person takes the details submitted with the link they confirm.
fn take_up_details(
    conn: &mut Conn,
    participant_id: i64,
    raw: &str,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    let pending =
        participants::find(conn, participant_id)?.is_some_and(|p| p.status == Status::Pending);
    if let (true, Some(submission)) = (pending, pending_signups::for_link(conn, raw)?) {
        participants::update_details(conn, participant_id, &submission.profile(), now)?;
        participants::set_availability(conn, participant_id, submission.availability.as_deref())?;
    }
    Ok(())
}
