//! `/admin/outbox`: what is queued, sent and failed, and sending a failed
//! email again.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

use super::{AdminError, AdminForm, CheckedPost, Chrome, SignedIn};
use crate::db;
use crate::db::outbox::{self, EmailRow, OutboxStatus};
use crate::domain::EmailKind;
use crate::pages::{private_html, see_other};
use crate::startup::AppState;

/// At most this many emails of each state are listed, newest first.
const SHOWN_PER_STATUS: i64 = 200;

/// An email as listed on the outbox and round pages.
pub(super) struct EmailView {
    pub id: i64,
    pub kind: &'static str,
    /// "(left)" once the person has left and their name is erased.
    pub recipient: String,
    pub status: &'static str,
    pub tag_class: &'static str,
    pub failed: bool,
    pub attempts: i32,
    pub next_try: String,
    pub last_error: String,
    pub sent: String,
    pub round_id: Option<i64>,
}

fn kind_label(kind: EmailKind) -> &'static str {
    match kind {
        EmailKind::Confirm => "Confirm email address",
        EmailKind::Manage => "Welcome and manage link",
        EmailKind::Intro => "Introduction",
        EmailKind::Followup => "Follow-up reminder",
        EmailKind::SatOut => "Sat out this round",
        EmailKind::Invite => "Calendar invitation",
        EmailKind::Rematch => "New partner",
        EmailKind::Nudge => "Have you found a time?",
        EmailKind::StillInterested => "Do you still want introductions?",
        EmailKind::Alert => "Bounce alert to organisers",
        EmailKind::OrganiserInvite => "Invitation to become an organiser",
        EmailKind::Event => "Group at an event",
        EmailKind::Test => "Test email",
    }
}

/// A time as organisers read it: in `schedule.timezone`.
pub(super) fn when(state: &AppState, t: NaiveDateTime) -> String {
    state.settings.people_time().date_and_time(t)
}

impl EmailView {
    pub(super) fn new(state: &AppState, row: EmailRow) -> Self {
        let (status, tag_class) = match row.status {
            OutboxStatus::Sent => ("Sent", "tag"),
            OutboxStatus::Failed => ("Failed", "tag tag--red"),
            OutboxStatus::Queued if row.attempts > 0 => ("Retrying", "tag tag--blue"),
            OutboxStatus::Queued => ("Queued", "tag tag--blue"),
        };
        let queued = row.status == OutboxStatus::Queued;
        Self {
            id: row.id,
            kind: kind_label(row.kind),
            recipient: if row.to_name.is_empty() {
                "(left)".to_owned()
            } else {
                row.to_name
            },
            status,
            tag_class,
            failed: row.status == OutboxStatus::Failed,
            attempts: row.attempts,
            next_try: if queued {
                when(state, row.next_attempt_at)
            } else {
                String::new()
            },
            last_error: row.last_error.unwrap_or_default(),
            sent: row.sent_at.map(|t| when(state, t)).unwrap_or_default(),
            round_id: row.round_id,
        }
    }
}

/// One table of the outbox page: the emails in one state.
struct Section {
    caption: &'static str,
    total: i64,
    emails: Vec<EmailView>,
}

/// A filter link above the tables.
struct Filter {
    href: &'static str,
    label: &'static str,
    current: bool,
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    queued: i64,
    sent: i64,
    failed: i64,
    filters: Vec<Filter>,
    sections: Vec<Section>,
    /// Where a Resend button comes back to: this page with this filter.
    back: String,
    resent: Option<i64>,
    shown_per_status: i64,
}

/// `?status=` as one of the three states; anything else shows the default.
fn chosen_status(query: &AdminForm) -> Option<OutboxStatus> {
    query.get("status").and_then(OutboxStatus::parse_exact)
}

#[get("/admin/outbox")]
#[tracing::instrument(name = "admin_outbox", skip_all)]
pub async fn list(
    req: HttpRequest,
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let query = AdminForm::parse(req.query_string().as_bytes());
    let chosen = chosen_status(&query);
    let resent = query.get("resent").and_then(|v| v.parse().ok());
    let statuses: Vec<OutboxStatus> = match chosen {
        Some(status) => vec![status],
        None => vec![OutboxStatus::Failed, OutboxStatus::Queued],
    };
    let wanted = statuses.clone();
    let (counts, found) = db::run(&state.pool, move |conn| {
        let found = wanted
            .iter()
            .map(|status| outbox::newest(conn, *status, SHOWN_PER_STATUS))
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok((outbox::counts(conn)?, found))
    })
    .await?;
    let count = |status: OutboxStatus| counts.get(&status).copied().unwrap_or(0);
    let sections = statuses
        .iter()
        .zip(found)
        .map(|(status, rows)| Section {
            caption: match status {
                OutboxStatus::Failed => "Failed emails",
                OutboxStatus::Sent => "Sent emails",
                OutboxStatus::Queued => "Queued emails",
            },
            total: count(*status),
            emails: rows
                .into_iter()
                .map(|r| EmailView::new(&state, r))
                .collect(),
        })
        .collect();
    let filters = [
        (None, "/admin/outbox", "Queued and failed"),
        (
            Some(OutboxStatus::Queued),
            "/admin/outbox?status=queued",
            "Queued",
        ),
        (
            Some(OutboxStatus::Sent),
            "/admin/outbox?status=sent",
            "Sent",
        ),
        (
            Some(OutboxStatus::Failed),
            "/admin/outbox?status=failed",
            "Failed",
        ),
    ]
    .into_iter()
    .map(|(status, href, label)| Filter {
        href,
        label,
        current: status == chosen,
    })
    .collect();
    let back = chosen.map_or_else(
        || "/admin/outbox".to_owned(),
        |s| format!("/admin/outbox?status={}", s.as_str()),
    );
    let page = OutboxPage {
        chrome: Chrome::new(&signed_in, "outbox"),
        queued: count(OutboxStatus::Queued),
        sent: count(OutboxStatus::Sent),
        failed: count(OutboxStatus::Failed),
        filters,
        sections,
        back,
        resent,
        shown_per_status: SHOWN_PER_STATUS,
    };
    Ok(private_html(StatusCode::OK, &page))
}

/// Where to go back to after a resend: an organiser page, never elsewhere.
fn back_to(form: &AdminForm) -> &str {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/?=&-_".contains(c);
    match form.get("back") {
        Some(back)
            if back.starts_with("/admin/")
                && !back.contains("//")
                && back.len() <= 200
                && back.chars().all(allowed) =>
        {
            back
        }
        _ => "/admin/outbox",
    }
}

#[post("/admin/outbox/{id:\\d+}/retry")]
#[tracing::instrument(name = "admin_outbox_retry", skip_all)]
pub async fn retry(
    CheckedPost { form, .. }: CheckedPost,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let now = state.clock.now();
    let requeued = db::run(&state.pool, move |conn| outbox::retry_now(conn, id, now)).await?;
    let back = back_to(&form);
    if !requeued {
        // Already queued again (a double click) or not failed: nothing to do.
        return Ok(see_other(back));
    }
    tracing::info!(outbox_id = id, "an organiser queued a failed email again");
    state.wake_mailer();
    let separator = if back.contains('?') { '&' } else { '?' };
    Ok(see_other(&format!("{back}{separator}resent={id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goes_back_only_to_organiser_pages() {
        let back = |v: &str| {
            let body = format!(
                "back={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            );
            back_to(&AdminForm::parse(body.as_bytes())).to_owned()
        };
        assert_eq!(back("/admin/rounds/3"), "/admin/rounds/3");
        assert_eq!(
            back("/admin/outbox?status=failed"),
            "/admin/outbox?status=failed"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/admin//evil",
            "/admin/x\r\nSet-Cookie: a",
            "/other",
            "",
        ] {
            assert_eq!(back(bad), "/admin/outbox", "{bad:?}");
        }
    }
}
