//! `/admin/participants/{id}/edit`: an organiser changes a person's details
//! and how often they want a conversation, with the manage page's checks.
//! Unlike the person themselves, an organiser sets a new email address
//! directly: they are vouching for it. It must still be nobody else's.
//!
//! Also `/admin/participants/{id}/resend-confirmation`: a fresh confirmation
//! link for someone still waiting to confirm.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;

use super::{AdminError, CheckedPost, Chrome, SignedIn};
use crate::db::participants::{self, Participant, Status};
use crate::db::{self, email_changes, outbox, tokens};
use crate::domain::{Audience, FieldErrors, FormKind, ParticipantEmail, ProfileForm, TokenPurpose};
use crate::pages::forms::{form_of, profile_fields, read_form, ProfileFields};
use crate::pages::{private_html, see_other, MessagePage};
use crate::startup::AppState;

/// Refused when the address is someone else's.
const TAKEN: &str = "This email address is already used by another participant. Enter a different email address, or find that participant and change theirs first";

#[derive(Template)]
#[template(path = "admin/participant_edit.html")]
struct EditPage {
    chrome: Chrome,
    id: i64,
    name: String,
    errors: FieldErrors,
    email_value: String,
    email_error: Option<String>,
    profile: ProfileFields,
}

impl EditPage {
    fn new(
        signed_in: &SignedIn,
        person: &Participant,
        form: &ProfileForm,
        errors: FieldErrors,
    ) -> Self {
        Self {
            chrome: Chrome::new(signed_in, "participants"),
            id: person.id,
            name: person.name.clone(),
            profile: profile_fields(form, &errors, FormKind::Update),
            email_value: form.email.clone(),
            email_error: errors.get("email").map(str::to_owned),
            errors,
        }
    }
}

fn not_found() -> HttpResponse {
    let page = MessagePage::new(
        "Participant not found",
        &["There is no participant with this number, or they have left and their details are deleted."],
    )
    .with_link("/admin/participants", "Find a participant");
    private_html(StatusCode::NOT_FOUND, &page)
}

/// The person, unless they are unknown or have left (nothing left to edit).
async fn editable(state: &AppState, id: i64) -> Result<Option<Participant>, AdminError> {
    let found = db::run(&state.pool, move |conn| participants::find(conn, id)).await?;
    Ok(found.filter(|p| p.status != Status::Left))
}

#[get("/admin/participants/{id}/edit")]
#[tracing::instrument(name = "admin_participant_edit_page", skip_all)]
pub async fn show(
    signed_in: SignedIn,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let Some(person) = editable(&state, path.into_inner()).await? else {
        return Ok(not_found());
    };
    let page = EditPage::new(
        &signed_in,
        &person,
        &form_of(&person),
        FieldErrors::default(),
    );
    Ok(private_html(StatusCode::OK, &page))
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

/// What saving did.
enum Saved {
    Changed { email_changed: bool },
    Taken,
}

#[post("/admin/participants/{id}/edit")]
#[tracing::instrument(name = "admin_participant_edit", skip_all)]
pub async fn save(
    post: CheckedPost,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let Some(person) = editable(&state, path.into_inner()).await? else {
        return Ok(not_found());
    };
    let form: ProfileForm = read_form(post.form.encoded().as_bytes());
    let email = ParticipantEmail::parse(&form.email).map_err(|p| match form.email.trim() {
        "" => "Enter their email address",
        _ => p.message(Audience::Person),
    });
    let (profile, email) = match (form.validate(FormKind::Update), email) {
        (Ok(profile), Ok(email)) => (profile, email),
        (profile, email) => {
            let errors = email_first(email.err(), profile.err().unwrap_or_default());
            let page = EditPage::new(&post.signed_in, &person, &form, errors);
            return Ok(private_html(StatusCode::OK, &page));
        }
    };
    let (id, now) = (person.id, state.clock.now());
    let availability = form.availability().unwrap_or_default().to_stored();
    let current_key = person.email.as_deref().map(ParticipantEmail::lookup_key);
    let saved = db::write(&state.pool, move |conn| {
        let key = email.key();
        let email_changed = current_key.as_deref() != Some(key.as_str());
        if email_changed {
            // Checked inside the transaction: the key is unique, and two
            // organisers may be saving at once.
            if participants::find_by_email_key(conn, &key)?.is_some_and(|p| p.id != id) {
                return Ok(Saved::Taken);
            }
            email_changes::set_email(conn, id, email.as_str(), &key, now)?;
            // The old address bounced, perhaps; this one is vouched for.
            participants::end_bouncing(conn, id, now)?;
        }
        participants::update_details(conn, id, &profile, now)?;
        participants::set_availability(conn, id, availability.as_deref())?;
        Ok(Saved::Changed { email_changed })
    })
    .await?;
    match saved {
        Saved::Taken => {
            let errors = email_first(Some(TAKEN), FieldErrors::default());
            let page = EditPage::new(&post.signed_in, &person, &form, errors);
            Ok(private_html(StatusCode::OK, &page))
        }
        Saved::Changed { email_changed } => {
            tracing::info!(
                participant_id = id,
                organiser_id = post.signed_in.organiser_id,
                email_changed,
                "participant's details changed by an organiser"
            );
            Ok(see_other(&format!("/admin/participants/{id}?done=edited")))
        }
    }
}

/// A new confirmation link (kind `confirm`) for someone still waiting to
/// confirm, as a repeat signup sends one. It confirms the details stored
/// for them, which are what the console shows (what they signed up with,
/// and any corrections by an organiser). Anyone else: nothing is sent.
#[post("/admin/participants/{id}/resend-confirmation")]
#[tracing::instrument(name = "admin_participant_resend_confirmation", skip_all)]
pub async fn resend_confirmation(
    post: CheckedPost,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let (now, composer) = (state.clock.now(), state.composer.clone());
    let sent = db::write(&state.pool, move |conn| {
        let Some(person) = participants::find(conn, id)? else {
            return Ok(None);
        };
        if person.status != Status::Pending {
            return Ok(Some(false));
        }
        let token = tokens::issue(conn, id, TokenPurpose::Confirm, now)?;
        outbox::enqueue(conn, &composer.confirm(&person, &token)?, now)?;
        // The signup form's limit on repeat emails counts this one too.
        participants::note_signup_email(conn, id, now)?;
        Ok(Some(true))
    })
    .await?;
    Ok(match sent {
        None => not_found(),
        Some(false) => see_other(&format!("/admin/participants/{id}")),
        Some(true) => {
            state.wake_mailer();
            tracing::info!(
                participant_id = id,
                organiser_id = post.signed_in.organiser_id,
                "confirmation email sent again by an organiser"
            );
            see_other(&format!("/admin/participants/{id}?done=resent"))
        }
    })
}
