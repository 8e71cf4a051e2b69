//! `/arranged/{token}`: one member of a group says "we've arranged a time",
//! with the date and time if they like. GET shows the form; POST marks the
//! group arranged and, for a new time, sends everyone still in the group a
//! calendar invitation (an update, same UID and a higher SEQUENCE, when the
//! time changes). The link is the member's follow-up link.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::db::followups::Membership;
use crate::db::meetings::{self, Arranged, Meeting};
use crate::db::participants::Participant;
use crate::db::tokens::{self, Lookup};
use crate::db::{self, outbox, Conn};
use crate::domain::{ArrangeForm, FieldErrors, PeopleTime, TokenPurpose};
use crate::email::invite::Invite;
use crate::email::nudge::partner_names;
use crate::email::Composer;
use crate::pages::forms::{read_form, TextField};
use crate::pages::secret_link::{
    membership_of, Followup, LinkProblem, LinkPurpose, LiveLink, SecretLink,
};
use crate::pages::{private_html, see_other, MessagePage, PageError};
use crate::startup::AppState;

/// `/arranged/{token}`: a follow-up token.
pub enum ArrangedPurpose {}

/// The member, their group's meeting, and whether they are still in it.
pub struct ArrangeHolder {
    membership: Membership,
    meeting: Meeting,
    left_group: bool,
}

type ArrangedLink = SecretLink<ArrangedPurpose>;

impl LinkPurpose for ArrangedPurpose {
    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
        tokens::lookup(conn, raw, TokenPurpose::Followup, now)
    }
    type Holder = ArrangeHolder;

    /// People who left UnMentoring have no page; people who left only the
    /// group are told so by the route.
    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<ArrangeHolder>> {
        let Some(mut membership) = membership_of(conn, link)? else {
            return Ok(None);
        };
        let member_id = membership.member_id;
        let Some(meeting) = meetings::of_member(conn, member_id)? else {
            return Ok(None);
        };
        // The partners still in the group, the ones the invitation goes to.
        membership.partners = meetings::attendees(conn, &meeting)?
            .into_iter()
            .filter(|a| a.member_id != member_id)
            .map(|a| a.person)
            .collect();
        let left_group = meetings::left_at(conn, member_id)?.is_some();
        Ok(Some(ArrangeHolder {
            membership,
            meeting,
            left_group,
        }))
    }

    /// The same advice as the follow-up form's: it is the same link.
    fn advice(problem: LinkProblem) -> MessagePage {
        Followup::advice(problem)
    }
}

#[derive(Template)]
#[template(path = "arranged.html")]
struct ArrangedPage {
    token: String,
    errors: FieldErrors,
    saved: bool,
    partners: String,
    /// "you both", or "all of you" in a group of three.
    everyone: &'static str,
    /// "8 December 2026 at 14:30", when a time is stored.
    agreed: Option<String>,
    arranged: bool,
    /// `schedule.timezone`, the zone the time is read in.
    zone: String,
    date: TextField,
    time: TextField,
}

fn field(id: &'static str, label: &'static str, hint: &'static str) -> TextField {
    TextField {
        id,
        label,
        hint: Some(hint),
        value: String::new(),
        error: None,
        optional: true,
        autocomplete: "",
        input_type: id,
        width: "input--width-10",
        spellcheck: false,
    }
}

impl ArrangedPage {
    fn new(token: String, holder: &ArrangeHolder, state: &AppState, form: &ArrangeForm) -> Self {
        let time = state.settings.people_time();
        let mut date = field("date", "Date", "For example, 2026-12-08");
        date.value = form.date.clone();
        let mut clock = field("time", "Time", "On a 24-hour clock, for example 14:30");
        clock.value = form.time.clone();
        Self {
            token,
            errors: FieldErrors::default(),
            saved: false,
            partners: partner_names(&holder.membership.partners),
            everyone: if holder.membership.partners.len() > 1 {
                "all of you"
            } else {
                "you both"
            },
            agreed: holder.meeting.starts_at.map(|at| time.date_and_time(at)),
            arranged: holder.meeting.arranged_at.is_some(),
            zone: state.settings.schedule.timezone.name().to_owned(),
            date,
            time: clock,
        }
    }

    fn with_errors(mut self, errors: FieldErrors) -> Self {
        self.date.error = errors.get("date").map(str::to_owned);
        self.time.error = errors.get("time").map(str::to_owned);
        self.errors = errors;
        self
    }
}

/// The stored time as the form shows it, in the people's zone.
fn form_of(meeting: &Meeting, time: PeopleTime) -> ArrangeForm {
    meeting
        .starts_at
        .map(|at| {
            let local = time.local(at);
            ArrangeForm {
                date: local.format("%Y-%m-%d").to_string(),
                time: local.format("%H:%M").to_string(),
            }
        })
        .unwrap_or_default()
}

/// For a member who has left the group: nothing to arrange.
fn left_group_page() -> HttpResponse {
    let page = MessagePage::new(
        "You are no longer in this group",
        &[
            "You have left this introduction, so there is no time to arrange here.",
            "If we introduce you to someone new, the email we send you has new links.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page");
    private_html(StatusCode::OK, &page)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

#[get("/arranged/{token}")]
#[tracing::instrument(name = "arranged_page", skip_all)]
pub async fn show(
    link: ArrangedLink,
    query: web::Query<Saved>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (token, holder) = link.into_parts();
    if holder.left_group {
        return left_group_page();
    }
    let stored = form_of(&holder.meeting, state.settings.people_time());
    let mut page = ArrangedPage::new(token, &holder, &state, &stored);
    page.saved = query.saved == "1";
    private_html(StatusCode::OK, &page)
}

#[post("/arranged/{token}")]
#[tracing::instrument(name = "arranged_save", skip_all)]
pub async fn save(
    link: ArrangedLink,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    if link.holder.left_group {
        return Ok(left_group_page());
    }
    let form: ArrangeForm = read_form(&body);
    let starts_at = match form.validate(state.settings.schedule.timezone) {
        Ok(starts_at) => starts_at,
        Err(errors) => {
            let (token, holder) = link.into_parts();
            let page = ArrangedPage::new(token, &holder, &state, &form).with_errors(errors);
            return Ok(private_html(StatusCode::OK, &page));
        }
    };
    let composer = state.composer.clone();
    let now = state.clock.now();
    let token = link.token().to_owned();
    let outcome = db::write(&state.pool, move |conn| {
        if !link.still_opens(conn, now)? {
            return Ok(None);
        }
        let member_id = link.holder.membership.member_id;
        arrange(conn, &composer, member_id, starts_at, now).map(Some)
    })
    .await?;
    match outcome {
        None => Ok(ArrangedLink::refused(LinkProblem::NotValid)),
        Some(Saving::LeftGroup) => Ok(left_group_page()),
        Some(Saving::Saved) => {
            state.wake_mailer();
            Ok(see_other(&format!(
                "/arranged/{token}?saved=1#main-content"
            )))
        }
    }
}

enum Saving {
    Saved,
    /// They left the group since the page was opened.
    LeftGroup,
}

/// Marks the member's group arranged and, for a new time, queues everyone's
/// invitation; in the caller's transaction.
fn arrange(
    conn: &mut Conn,
    composer: &Composer,
    member_id: i64,
    starts_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> anyhow::Result<Saving> {
    // Read again inside the transaction: another member may have just saved.
    let meeting = meetings::of_member(conn, member_id)?
        .ok_or_else(|| anyhow::anyhow!("a group member has no meeting"))?;
    if meetings::left_at(conn, member_id)?.is_some() {
        return Ok(Saving::LeftGroup);
    }
    let sequence = match meetings::arrange(conn, &meeting, member_id, starts_at, now)? {
        Arranged::NoNewTime => {
            tracing::info!(meeting_id = meeting.id, "group arranged, no new time");
            return Ok(Saving::Saved);
        }
        Arranged::NewTime { sequence } => sequence,
    };
    let at = starts_at.ok_or_else(|| anyhow::anyhow!("a new time without a time"))?;
    queue_invitations(conn, composer, &meeting, at, sequence, now)?;
    tracing::info!(
        meeting_id = meeting.id,
        sequence,
        "group arranged a time; invitations queued"
    );
    Ok(Saving::Saved)
}

/// One invitation per member still in the group, each with their own fresh
/// follow-up link.
fn queue_invitations(
    conn: &mut Conn,
    composer: &Composer,
    meeting: &Meeting,
    starts_at: NaiveDateTime,
    sequence: i32,
    now: NaiveDateTime,
) -> anyhow::Result<()> {
    let attendees = meetings::attendees(conn, meeting)?;
    let holders: Vec<(i64, i64)> = attendees
        .iter()
        .map(|a| (a.person.id, a.member_id))
        .collect();
    let links = tokens::issue_followups(conn, &holders, now)?;
    let group: Vec<Participant> = attendees.into_iter().map(|a| a.person).collect();
    let emails = group
        .iter()
        .zip(&links)
        .map(|(recipient, link)| {
            composer.invite(&Invite {
                recipient,
                group: &group,
                meeting_id: meeting.id,
                room: meeting.room.as_deref(),
                starts_at,
                sequence,
                link,
                now,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    outbox::enqueue_all(conn, &emails, now)
}
