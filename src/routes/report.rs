//! `/report/{token}`: a group member tells the organisers about a problem
//! with their introduction (linked from the introduction and the follow-up
//! page, with the member's follow-up link). The report is stored for the
//! organisers, the two are never paired again, and the other person is not
//! told.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;

use crate::db;
use crate::db::followups::{self, Membership};
use crate::db::participants::{Participant, Status};
use crate::domain::{parse_concern, FieldErrors};
use crate::pages::secret_link::FollowupLink;
use crate::pages::{private_html, MessagePage, PageError};
use crate::services::concerns::{self, Report};
use crate::startup::AppState;

/// One partner the report can be about (a trio has two).
struct PartnerChoice {
    id: i64,
    name: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    token: String,
    errors: FieldErrors,
    /// Only when there is more than one partner to choose from.
    choices: Vec<PartnerChoice>,
    about_error: Option<String>,
    partner_name: String,
    concern: String,
    concern_error: Option<String>,
}

impl ReportPage {
    fn new(token: String, partners: &[Participant], sent: &Sent, errors: FieldErrors) -> Self {
        let choices = if partners.len() > 1 {
            partners
                .iter()
                .map(|p| PartnerChoice {
                    id: p.id,
                    name: p.name.clone(),
                    checked: sent.about == Some(p.id),
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            token,
            choices,
            about_error: errors.get("about").map(str::to_owned),
            partner_name: crate::email::nudge::partner_names(partners),
            concern: sent.concern.clone(),
            concern_error: errors.get("concern").map(str::to_owned),
            errors,
        }
    }
}

/// What the form sent.
#[derive(Default)]
struct Sent {
    concern: String,
    about: Option<i64>,
}

impl Sent {
    fn parse(body: &[u8]) -> Self {
        let mut sent = Sent::default();
        for (key, value) in url::form_urlencoded::parse(body) {
            match key.as_ref() {
                "concern" => sent.concern = value.into_owned(),
                "about" => sent.about = value.trim().parse().ok(),
                _ => {}
            }
        }
        sent
    }

    /// The partner it is about and the concern, or what to fix.
    fn validate(&self, partners: &[Participant]) -> Result<(i64, String), FieldErrors> {
        let mut errors = FieldErrors::default();
        let about = match partners {
            [only] => Some(only.id),
            partners => self.about.filter(|id| partners.iter().any(|p| p.id == *id)),
        };
        if about.is_none() {
            let first = partners.first().map_or(0, |p| p.id);
            errors.add(format!("about-{first}"), "Select who it is about");
        }
        let concern = parse_concern(&self.concern).map_err(|e| errors.add("concern", e));
        match (about, concern) {
            (Some(about), Ok(concern)) if errors.is_empty() => Ok((about, concern)),
            _ => Err(errors),
        }
    }
}

/// Who the member can report: the others in their group, or, once those
/// have all gone from it (declined, bounced, reported silent), the people
/// they were introduced to; never anyone who has left UnMentoring.
async fn reportable(state: &AppState, membership: &Membership) -> anyhow::Result<Vec<Participant>> {
    let member_id = membership.member_id;
    let partners = db::run(&state.pool, move |conn| {
        followups::in_group::partners_of(conn, member_id)
    })
    .await?;
    Ok(partners
        .into_iter()
        .filter(|p| p.status != Status::Left)
        .collect())
}

/// For a member whose partners have all left: there is nobody to report,
/// and the organisers can still be written to.
fn nobody_left() -> HttpResponse {
    let page = MessagePage::new(
        "The people in your group have left",
        &[
            "Everyone you were introduced to in this round has left UnMentoring, and their details have been deleted, so you will not be paired with them again.",
            "If you still want to tell the organisers what happened, you can write to them.",
        ],
    )
    .with_link("/contact", "Contact the organisers");
    private_html(StatusCode::OK, &page)
}

#[get("/report/{token}")]
#[tracing::instrument(name = "report_page", skip_all)]
pub async fn show(
    link: FollowupLink,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (token, membership) = link.into_parts();
    let partners = reportable(&state, &membership).await?;
    if partners.is_empty() {
        return Ok(nobody_left());
    }
    let page = ReportPage::new(token, &partners, &Sent::default(), FieldErrors::default());
    Ok(private_html(StatusCode::OK, &page))
}

#[post("/report/{token}")]
#[tracing::instrument(name = "report", skip_all)]
pub async fn report(
    link: FollowupLink,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (token, membership) = link.into_parts();
    let partners = reportable(&state, &membership).await?;
    if partners.is_empty() {
        return Ok(nobody_left());
    }
    let sent = Sent::parse(&body);
    let (about_id, concern) = match sent.validate(&partners) {
        Ok(valid) => valid,
        Err(errors) => {
            let page = ReportPage::new(token, &partners, &sent, errors);
            return Ok(private_html(StatusCode::OK, &page));
        }
    };
    let about_name = partners
        .iter()
        .find(|p| p.id == about_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let (reporter_id, round_id) = (membership.person.id, membership.round_id);
    let now = state.clock.now();
    let (composer, settings) = (state.composer.clone(), state.settings.clone());
    db::write(&state.pool, move |conn| {
        let report = Report {
            reporter_id,
            about_id,
            round_id,
            concern: &concern,
        };
        concerns::report(conn, &composer, &settings, &report, now)
    })
    .await?;
    state.wake_mailer();
    Ok(private_html(
        StatusCode::OK,
        &what_happens_next(&about_name),
    ))
}

/// The reporter's answer: what we did, and what happens now.
fn what_happens_next(about: &str) -> MessagePage {
    MessagePage::new(
        "Thank you for telling us",
        &[
            "The organisers will read what you wrote and may email you to find out more or to tell you what they have done.",
            &format!("We will not pair you with {about} again. They have not been told about your report."),
            "If you think someone is in immediate danger, call 999.",
        ],
    )
    .with_link("/contact", "Contact the organisers")
}
