//! `/no-reply/{token}`: "my partner hasn't replied", linked from the nudge.
//! The token is the member's follow-up token. GET explains; POST puts the
//! reporter into the round's rematch pool (they leave the group). The
//! silent partner stays in the group, so their unanswered membership counts
//! toward the ghost rule; in a trio the other two stay a pair. Reporting
//! twice, or after leaving the group, changes nothing and says so.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::db::followups::{in_group, Membership};
use crate::db::participants::Participant;
use crate::db::tokens::{self, Lookup};
use crate::db::{self, meetings, rematches, Conn};
use crate::domain::{LeftReason, RematchReason, TokenPurpose};
use crate::email::nudge::partner_names;
use crate::pages::secret_link::{
    membership_of, Followup, LinkProblem, LinkPurpose, LiveLink, SecretLink,
};
use crate::pages::{private_html, see_other, MessagePage, PageError};
use crate::services::rematch;
use crate::startup::AppState;

/// `/no-reply/{token}`: a follow-up token, with what the page needs.
pub enum NoReply {}

/// Where the member stands in their group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    InGroup,
    /// In the rematch pool: they reported, or their partner left.
    Rematching,
    /// Left for another reason (declined, bounced, nobody found).
    Left,
}

/// The member who holds the link.
pub struct Reporter {
    pub membership: Membership,
    /// The others still in the group.
    pub partners: Vec<Participant>,
    pub standing: Standing,
    /// When the group was introduced.
    pub introduced_at: chrono::NaiveDateTime,
}

impl LinkPurpose for NoReply {
    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
        tokens::lookup(conn, raw, TokenPurpose::Followup, now)
    }
    type Holder = Reporter;

    /// People who left UnMentoring have no page, as for the follow-up form.
    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Reporter>> {
        let Some(membership) = membership_of(conn, link)? else {
            return Ok(None);
        };
        let member_id = membership.member_id;
        let standing = standing_of(conn, member_id)?;
        let introduced_at = meetings::of_member(conn, member_id)?
            .map_or(membership.round_started_at, |m| m.created_at);
        Ok(Some(Reporter {
            partners: in_group::partners_of(conn, member_id)?,
            membership,
            standing,
            introduced_at,
        }))
    }

    /// The same advice as the follow-up form's: the newest email's link.
    fn advice(problem: LinkProblem) -> MessagePage {
        Followup::advice(problem)
    }
}

type NoReplyLink = SecretLink<NoReply>;

fn standing_of(conn: &mut Conn, member_id: i64) -> anyhow::Result<Standing> {
    Ok(match in_group::departure(conn, member_id)? {
        None => Standing::InGroup,
        Some((_, Some(LeftReason::Rematching))) => Standing::Rematching,
        Some(_) => Standing::Left,
    })
}

#[derive(Template)]
#[template(path = "no_reply.html")]
struct AskPage {
    token: String,
    partners: String,
    intro_date: String,
    trio: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    done: String,
}

fn done_page() -> MessagePage {
    MessagePage::new(
        "We will look for someone new for you",
        &[
            "Thank you for telling us. We will email you as soon as we have found someone new for you to meet this round.",
            "If we cannot find anyone in time, we will tell you, and you will not sit out the next round.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page")
}

fn already_page() -> MessagePage {
    MessagePage::new(
        "You are already waiting for someone new",
        &[
            "You have left this group, and we are looking for someone new for you to meet this round. Nothing has changed.",
            "We will email you as soon as we have found someone.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page")
}

fn left_page() -> MessagePage {
    MessagePage::new(
        "You are no longer in this group",
        &[
            "You have left this introduction, so there is nothing to report and nothing has changed.",
            "If you are still taking part, we will introduce you to someone in a coming round.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page")
}

/// The page for someone no longer in the group.
fn not_in_group(standing: Standing, done: bool) -> MessagePage {
    match (standing, done) {
        (Standing::Rematching, true) => done_page(),
        (Standing::Rematching, false) => already_page(),
        _ => left_page(),
    }
}

#[get("/no-reply/{token}")]
#[tracing::instrument(name = "no_reply_page", skip_all)]
pub async fn show(
    link: NoReplyLink,
    query: web::Query<Done>,
    state: web::Data<AppState>,
) -> HttpResponse {
    let (token, reporter) = link.into_parts();
    if reporter.standing != Standing::InGroup {
        let page = not_in_group(reporter.standing, query.done == "1");
        return private_html(StatusCode::OK, &page);
    }
    let page = AskPage {
        token,
        partners: partner_names(&reporter.partners),
        intro_date: state.settings.people_time().date(reporter.introduced_at),
        trio: reporter.partners.len() > 1,
    };
    private_html(StatusCode::OK, &page)
}

#[post("/no-reply/{token}")]
#[tracing::instrument(name = "no_reply_report", skip_all)]
pub async fn report(
    link: NoReplyLink,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (token, reporter) = link.into_parts();
    let member_id = reporter.membership.member_id;
    let now = state.clock.now();
    let (composer, settings) = (state.composer.clone(), state.settings.clone());
    // Leaving the group, joining the pool and, if someone is free, the new
    // introduction happen together or not at all; a member who already left
    // (a second press) is not moved again.
    let refused = db::write(&state.pool, move |conn| {
        if rematches::enter_pool(conn, member_id, RematchReason::PartnerSilent, now)? {
            rematch::match_waiting(conn, &composer, &settings, now)?;
            return Ok(None);
        }
        Ok(Some(standing_of(conn, member_id)?))
    })
    .await?;
    if let Some(standing) = refused {
        let page = not_in_group(standing, false);
        return Ok(private_html(StatusCode::OK, &page));
    }
    state.wake_mailer();
    tracing::info!(member_id, "a member reported a silent partner");
    Ok(see_other(&format!("/no-reply/{token}?done=1#main-content")))
}
