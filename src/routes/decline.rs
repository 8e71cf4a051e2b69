//! `/decline/{token}`: "I can't take part this round". GET explains what
//! happens; POST acts: the member leaves the group (not as a ghost), and a
//! partner left alone goes into the rematch pool and is rematched at once if
//! anyone can be found. A trio member declining leaves a pair: nobody is
//! rematched. The token is the member's follow-up token.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

use crate::db::followups::Membership;
use crate::db::rematches::{self, Place};
use crate::db::tokens::{self, Lookup};
use crate::db::{self, Conn};
use crate::domain::{LeftReason, RematchReason, TokenPurpose};
use crate::email::Composer;
use crate::pages::secret_link::{membership_of, LinkProblem, LinkPurpose, LiveLink, SecretLink};
use crate::pages::{private_html, MessagePage, PageError};
use crate::services::rematch;
use crate::startup::AppState;

/// `/decline/{token}`.
pub enum Decline {}

/// A member and where they are now.
pub struct Declining {
    membership: Membership,
    place: Place,
}

impl LinkPurpose for Decline {
    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
        tokens::lookup(conn, raw, TokenPurpose::Followup, now)
    }
    type Holder = Declining;

    /// People who left UnMentoring have no page.
    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Declining>> {
        let Some(membership) = membership_of(conn, link)? else {
            return Ok(None);
        };
        let member_id = membership.member_id;
        Ok(rematches::place(conn, member_id)?.map(|place| Declining { membership, place }))
    }

    fn advice(problem: LinkProblem) -> MessagePage {
        let newest = "Use the link in the most recent email we sent you about this round. If we have introduced you to someone new since, the links in that email replace the earlier ones.";
        match problem {
            LinkProblem::Expired => MessagePage::new("This link has expired", &[newest]),
            LinkProblem::NotValid => MessagePage::new(
                "This link is not valid",
                &[
                    "It may not have been copied in full, or you may have left UnMentoring.",
                    newest,
                ],
            ),
        }
        .with_link("/", "Go to the UnMentoring home page")
    }
}

type DeclineLink = SecretLink<Decline>;

#[derive(Template)]
#[template(path = "decline.html")]
struct DeclinePage {
    token: String,
    round_date: String,
    partners: String,
    /// A pair: the partner is rematched. A trio: the other two carry on.
    rematch: bool,
    group: i32,
    partner_count: usize,
}

fn names(membership: &Membership) -> String {
    let names: Vec<&str> = membership
        .partners
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    match names.as_slice() {
        [] => "your partner".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

/// Why there is nothing to decline, if there is not.
fn nothing_to_decline(place: &Place, membership: &Membership) -> Option<MessagePage> {
    match place.left_reason {
        Some(LeftReason::Declined) => Some(already_declined()),
        Some(_) => Some(group_changed()),
        None if membership.partners.is_empty() => Some(group_changed()),
        None => None,
    }
}

fn already_declined() -> MessagePage {
    MessagePage::new(
        "You have already told us you can’t take part this round",
        &[
            "You are no longer in this round’s group, and there is nothing more to do.",
            "You are still in UnMentoring: we will pair you in the next round as usual.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page")
}

fn group_changed() -> MessagePage {
    MessagePage::new(
        "Your group has changed",
        &[
            "Someone in your group has left it since we introduced you, so nothing has been changed.",
            "If we have introduced you to someone new, use the links in that email. You are still in UnMentoring: we will pair you in the next round as usual.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page")
}

#[get("/decline/{token}")]
#[tracing::instrument(name = "decline_page", skip_all)]
pub async fn show(link: DeclineLink, state: web::Data<AppState>) -> HttpResponse {
    let (token, Declining { membership, place }) = link.into_parts();
    if let Some(page) = nothing_to_decline(&place, &membership) {
        return private_html(StatusCode::OK, &page);
    }
    let page = DeclinePage {
        round_date: state
            .settings
            .people_time()
            .date(membership.round_started_at),
        partners: names(&membership),
        rematch: membership.partners.len() == 1,
        group: place.group_number,
        partner_count: membership.partners.len(),
        token,
    };
    private_html(StatusCode::OK, &page)
}

/// What the form says the member saw: their group and how many were in it.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Seen {
    group: String,
    partners: String,
}

/// What the POST did.
enum Outcome {
    Declined { partner_rematched: bool },
    AlreadyDeclined,
    Changed,
}

#[post("/decline/{token}")]
#[tracing::instrument(name = "decline", skip_all)]
pub async fn decline(
    link: DeclineLink,
    form: Option<web::Form<Seen>>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let seen = form.map(web::Form::into_inner).unwrap_or_default();
    let member_id = link.holder.place.id;
    let now = state.clock.now();
    let composer = state.composer.clone();
    let settings = state.settings.clone();
    let outcome = db::write(&state.pool, move |conn| {
        // Two presses of the button may both have been let in.
        if !link.still_opens(conn, now)? {
            return Ok(Outcome::Changed);
        }
        act(conn, &composer, &settings, member_id, &seen, now)
    })
    .await?;
    let page = match outcome {
        Outcome::Declined { partner_rematched } => {
            state.wake_mailer();
            tracing::info!(member_id, partner_rematched, "declined this round");
            done_page(partner_rematched)
        }
        Outcome::AlreadyDeclined => already_declined(),
        Outcome::Changed => group_changed(),
    };
    Ok(private_html(StatusCode::OK, &page))
}

/// Inside the transaction: checks the group is as the member saw it, then
/// acts. A partner left alone enters the pool and is matched if possible.
fn act(
    conn: &mut Conn,
    composer: &Composer,
    settings: &crate::configuration::Settings,
    member_id: i64,
    seen: &Seen,
    now: NaiveDateTime,
) -> anyhow::Result<Outcome> {
    let Some(place) = rematches::place(conn, member_id)? else {
        return Ok(Outcome::Changed);
    };
    match place.left_reason {
        Some(LeftReason::Declined) => return Ok(Outcome::AlreadyDeclined),
        Some(_) => return Ok(Outcome::Changed),
        None => {}
    }
    let others: Vec<i64> = rematches::still_in_group(conn, place.round_id, place.group_number)?
        .into_iter()
        .filter(|&id| id != member_id)
        .collect();
    let as_seen =
        seen.group == place.group_number.to_string() && seen.partners == others.len().to_string();
    if !as_seen || others.is_empty() {
        return Ok(Outcome::Changed);
    }
    rematches::leave_group(conn, member_id, LeftReason::Declined, now)?;
    let partner_rematched = match others.as_slice() {
        [partner] => rematches::enter_pool(conn, *partner, RematchReason::PartnerDeclined, now)?,
        _ => false,
    };
    if partner_rematched {
        rematch::match_waiting(conn, composer, settings, now)?;
    }
    Ok(Outcome::Declined { partner_rematched })
}

fn done_page(partner_rematched: bool) -> MessagePage {
    let partner = if partner_rematched {
        "We will find your partner someone new to meet this round, and let them know."
    } else {
        "The other two in your group carry on as a pair."
    };
    MessagePage::new(
        "You have left this round’s group",
        &[
            "Thank you for letting us know.",
            partner,
            "You are still in UnMentoring: we will pair you in the next round as usual. This does not count as going silent.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page")
}
