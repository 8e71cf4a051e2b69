//! Secret links: every page reached by a link in someone's own email
//! (`/confirm/{token}`, `/me/{token}/…`, `/followup/{token}`) finds whose link
//! it is through [`SecretLink`]. A link that does not open answers for the
//! route with the "not valid" or "expired" page (a 404, never stored), with
//! advice that works for that kind of link.
//!
//! Each purpose says who holds its links and when they have no page (a
//! person who left has none), so no route repeats those rules.
//!
//! Opening one's own link is also a sign of life: it is recorded as the
//! holder's `last_seen_at` (at most once a day) and answers the "do you
//! still want introductions?" question (see `services::inactive`).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use chrono::NaiveDateTime;

use super::{private_html, MessagePage, PageError};
use crate::db::followups::{self, Membership};
use crate::db::participants::{self, Participant, Status};
use crate::db::tokens::{self, Lookup};
use crate::db::{self, unsubscribe_links, Conn};
use crate::domain::TokenPurpose;
use crate::startup::AppState;

/// The link's holder, found from the `{token}` segment of the route.
pub struct SecretLink<P: LinkPurpose> {
    token: String,
    pub holder: P::Holder,
}

/// A link to confirm a signup; its holder is the person who signed up.
pub type ConfirmLink = SecretLink<Confirm>;
/// A link to one's own page; its holder is a person taking part or paused.
pub type ManageLink = SecretLink<Manage>;
/// A link to one group member's follow-up form; its holder is the membership.
pub type FollowupLink = SecretLink<Followup>;
/// A List-Unsubscribe link; its holder is anyone who has not left.
pub type UnsubscribeLink = SecretLink<Unsubscribe>;
/// A manage link opened at `/me/{token}/stay`: the same holder as
/// [`ManageLink`], but opening it is not yet an answer.
pub type StayLink = SecretLink<Stay>;

impl<P: LinkPurpose> SecretLink<P> {
    /// The token, to build this page's own form actions and redirects.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The token and the holder, for pages that keep both.
    pub fn into_parts(self) -> (String, P::Holder) {
        (self.token, self.holder)
    }

    /// Checks again that the link still opens, inside the transaction that
    /// acts on it: two presses of one button may both have been let in.
    pub fn still_opens(&self, conn: &mut Conn, now: NaiveDateTime) -> anyhow::Result<bool> {
        let lookup = P::lookup(conn, &self.token, now)?;
        Ok(matches!(lookup, Lookup::Valid { .. }))
    }

    /// The page for a link of this purpose that does not open.
    pub fn refused(problem: LinkProblem) -> HttpResponse {
        private_html(StatusCode::NOT_FOUND, &P::advice(problem))
    }
}

/// Why a link does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// Never existed, was used, was replaced, or its holder has no page.
    NotValid,
    Expired,
}

/// A link that is live: whose it is.
#[derive(Debug, Clone, Copy)]
pub struct LiveLink {
    pub participant_id: i64,
    /// Set for follow-up links.
    pub group_member_id: Option<i64>,
}

/// What one kind of secret link opens, for whom, and what to say when it does not.
pub trait LinkPurpose: 'static {
    /// Whose link `raw` is, if it is one of this kind.
    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup>;
    /// What the route gets.
    type Holder: Send + 'static;
    /// The holder of a live link, or `None` when there is no page for them.
    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Self::Holder>>;
    /// The page for a link that does not open: what happened, what to do.
    fn advice(problem: LinkProblem) -> MessagePage;
    /// Whether opening the link counts as a visit: the holder is still
    /// interested.
    const RECORDS_VISIT: bool = true;
}

/// `/confirm/{token}`.
pub enum Confirm {}
/// `/me/{token}` and its sub-pages.
pub enum Manage {}
/// `/followup/{token}`.
pub enum Followup {}
/// `/unsubscribe/{token}`, the List-Unsubscribe link of every email.
pub enum Unsubscribe {}
/// `/me/{token}/stay`, the button of the `still_interested` email.
pub enum Stay {}

fn days(purpose: TokenPurpose) -> i64 {
    purpose.lifetime().num_days()
}

impl LinkPurpose for Confirm {
    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
        tokens::lookup(conn, raw, TokenPurpose::Confirm, now)
    }
    type Holder = Participant;

    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Participant>> {
        participants::find(conn, link.participant_id)
    }

    /// Signing up again sends a new confirmation link.
    fn advice(problem: LinkProblem) -> MessagePage {
        match problem {
            LinkProblem::Expired => MessagePage::new(
                "This link has expired",
                &[
                    &format!(
                        "Confirmation links work for {} days, to keep your details safe.",
                        days(TokenPurpose::Confirm)
                    ),
                    "Sign up again with the same email address and we will send you a new confirmation link.",
                ],
            ),
            LinkProblem::NotValid => MessagePage::new(
                "This link is not valid",
                &[
                    "It may have been used already, or it may not have been copied in full.",
                    "If you have already confirmed your place, there is nothing more to do: the link to your details is in the email we sent when you joined. If not, sign up again with the same email address and we will send you a new confirmation link.",
                ],
            ),
        }
        .with_link("/#signup", "Sign up again")
    }
}

impl LinkPurpose for Manage {
    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
        tokens::lookup(conn, raw, TokenPurpose::Manage, now)
    }
    type Holder = Participant;

    /// People who left have no page: their details are gone. A bouncing
    /// person's page is where they give an address that works.
    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Participant>> {
        Ok(participants::find(conn, link.participant_id)?
            .filter(|p| matches!(p.status, Status::Active | Status::Paused | Status::Bouncing)))
    }

    /// Signing up again with a known address sends a fresh manage link.
    fn advice(problem: LinkProblem) -> MessagePage {
        let again = "Sign up again with the same email address and we will email you a new link to your details. If you are already taking part, you will not lose your place.";
        match problem {
            LinkProblem::Expired => MessagePage::new(
                "This link has expired",
                &[
                    &format!("Links to your details work for {} days, to keep your details safe.", days(TokenPurpose::Manage)),
                    again,
                ],
            ),
            LinkProblem::NotValid => MessagePage::new(
                "This link is not valid",
                &[
                    "Only the link in the newest email we sent you works, and it may not have been copied in full. If you have left UnMentoring, your details have been deleted.",
                    again,
                ],
            ),
        }
        .with_link("/#signup", "Sign up again")
    }
}

impl LinkPurpose for Followup {
    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
        tokens::lookup(conn, raw, TokenPurpose::Followup, now)
    }
    type Holder = Membership;

    /// People who left have no follow-up page.
    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Membership>> {
        membership_of(conn, link)
    }

    /// Signing up again sends no follow-up link: the reminder has a fresh one.
    fn advice(problem: LinkProblem) -> MessagePage {
        let newest = format!(
            "Use the link in the most recent email we sent you about this introduction: the reminder has a fresh link. Links to the follow-up form work for {} days.",
            days(TokenPurpose::Followup)
        );
        match problem {
            LinkProblem::Expired => MessagePage::new("This link has expired", &[&newest]),
            LinkProblem::NotValid => MessagePage::new(
                "This link is not valid",
                &[
                    "It may not have been copied in full, or you may have left UnMentoring.",
                    &newest,
                ],
            ),
        }
        .with_link("/", "Go to the UnMentoring home page")
    }
}

impl LinkPurpose for Stay {
    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
        Manage::lookup(conn, raw, now)
    }
    type Holder = Participant;

    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Participant>> {
        Manage::holder(conn, link)
    }

    fn advice(problem: LinkProblem) -> MessagePage {
        Manage::advice(problem)
    }

    /// Mail scanners open the links in an email before its reader does: the
    /// answer is pressing the button, which records the visit itself.
    const RECORDS_VISIT: bool = false;
}

impl LinkPurpose for Unsubscribe {
    type Holder = Participant;

    /// Unsubscribing says "no more email", not "keep my details": it must
    /// not answer the question that asks whether to keep them. A mail
    /// program may also press it without its reader.
    const RECORDS_VISIT: bool = false;

    fn lookup(conn: &mut Conn, raw: &str, now: NaiveDateTime) -> anyhow::Result<Lookup> {
        unsubscribe_links::lookup(conn, raw, now)
    }

    /// Anyone we still email: not people who left (their links are gone).
    fn holder(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Participant>> {
        Ok(participants::find(conn, link.participant_id)?.filter(|p| p.status != Status::Left))
    }

    /// An old link: the newest email's works, or the organisers can help.
    fn advice(problem: LinkProblem) -> MessagePage {
        let what = match problem {
            LinkProblem::Expired => format!(
                "Unsubscribe links work for {} days.",
                unsubscribe_links::LIFETIME_DAYS
            ),
            LinkProblem::NotValid => "It may not have been copied in full. If you have left UnMentoring, your details have been deleted and we will not email you again.".to_owned(),
        };
        MessagePage::new(
            "This unsubscribe link does not work",
            &[
                &what,
                "Use the unsubscribe link in the most recent email we sent you, or contact the organisers and they will stop our emails to you.",
            ],
        )
        .with_link("/contact", "Contact the organisers")
    }
}

/// The group membership a member's link (`/followup/`, `/arranged/`,
/// `/decline/`, `/no-reply/`) belongs to; none for people who left
/// UnMentoring: they have no such pages.
pub fn membership_of(conn: &mut Conn, link: LiveLink) -> anyhow::Result<Option<Membership>> {
    let Some(member_id) = link.group_member_id else {
        return Ok(None);
    };
    Ok(followups::membership(conn, member_id)?.filter(|m| m.person.status != Status::Left))
}

/// Why a secret-link page was not shown.
pub enum LinkError {
    /// The link does not open: the advice page for its purpose.
    Refused(Box<MessagePage>),
    Failed(PageError),
}

impl From<anyhow::Error> for LinkError {
    fn from(error: anyhow::Error) -> Self {
        Self::Failed(error.into())
    }
}

impl std::fmt::Debug for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(page) => write!(f, "Refused({:?})", page.heading),
            Self::Failed(e) => write!(f, "Failed({e:?})"),
        }
    }
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(page) => f.write_str(&page.heading),
            Self::Failed(e) => write!(f, "{e}"),
        }
    }
}

impl ResponseError for LinkError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Refused(_) => StatusCode::NOT_FOUND,
            Self::Failed(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Refused(page) => private_html(StatusCode::NOT_FOUND, page.as_ref()),
            Self::Failed(e) => e.error_response(),
        }
    }
}

impl<P: LinkPurpose> FromRequest for SecretLink<P> {
    type Error = LinkError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, LinkError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = req.match_info().get("token").map(str::to_owned);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let token =
                token.ok_or_else(|| anyhow::anyhow!("a secret-link route without {{token}}"))?;
            let state = state.ok_or_else(|| anyhow::anyhow!("no application state"))?;
            let raw = token.clone();
            let now = state.clock.now();
            let found = db::run(&state.pool, move |conn| open::<P>(conn, &raw, now)).await?;
            match found {
                Ok((holder, visitor)) => {
                    if let Some(id) = visitor {
                        record_visit(&state, id, now).await;
                    }
                    Ok(Self { token, holder })
                }
                Err(problem) => Err(LinkError::Refused(Box::new(P::advice(problem)))),
            }
        })
    }
}

/// Records that person `id` opened one of their links. The page does not
/// depend on it: if the write fails, the next visit records it.
async fn record_visit(state: &AppState, id: i64, now: NaiveDateTime) {
    let recorded = db::write(&state.pool, move |conn| {
        participants::record_visit(conn, id, now)
    })
    .await;
    if let Err(e) = recorded {
        tracing::warn!(participant_id = id, error = %format!("{e:#}"), "could not record a visit");
    }
}

/// A link's holder, and their id when their visit needs writing.
type Opened<H> = (H, Option<i64>);

/// Whose link `raw` is, for purpose `P`, or why it does not open; with the
/// holder's id when their visit needs writing (see
/// [`participants::visit_due`]), so that most views are reads only.
fn open<P: LinkPurpose>(
    conn: &mut Conn,
    raw: &str,
    now: NaiveDateTime,
) -> anyhow::Result<Result<Opened<P::Holder>, LinkProblem>> {
    let link = match P::lookup(conn, raw, now)? {
        Lookup::Valid {
            participant_id,
            group_member_id,
        } => LiveLink {
            participant_id,
            group_member_id,
        },
        Lookup::Expired => return Ok(Err(LinkProblem::Expired)),
        Lookup::Unknown => return Ok(Err(LinkProblem::NotValid)),
    };
    let Some(holder) = P::holder(conn, link)? else {
        return Ok(Err(LinkProblem::NotValid));
    };
    let due = P::RECORDS_VISIT && participants::visit_due(conn, link.participant_id, now)?;
    Ok(Ok((holder, due.then_some(link.participant_id))))
}
