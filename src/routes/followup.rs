//! `/followup/{token}`: one member of one group says whether they met and
//! shares what they learned. GET shows the form with what they said before;
//! POST records. Nothing entered before is lost; one member's answer never
//! touches another's.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::db::followups::{self, Answer, Membership, SharedLink};
use crate::db::{self, never_pairs};
use crate::domain::{
    FieldErrors, FollowUpUrl, FollowupForm, Met, NeverPairSource, NoReason, PeopleTime, URL_SLOTS,
};
use crate::email::nudge::partner_names;
use crate::pages::forms::RadioOption;
use crate::pages::secret_link::FollowupLink;
use crate::pages::{private_html, see_other, PageError};
use crate::startup::AppState;

/// A stored link, shown with a box to remove it.
struct LinkRow {
    id: i64,
    url: String,
    display: String,
}

/// A link box: its id (`url-1`...), what is in it, its error.
struct UrlBox {
    id: String,
    value: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "followup.html")]
struct FollowupPage {
    token: String,
    errors: FieldErrors,
    saved: bool,
    partners: String,
    round_date: String,
    met: Vec<RadioOption>,
    met_error: Option<String>,
    reasons: Vec<RadioOption>,
    reason_error: Option<String>,
    links: Vec<LinkRow>,
    boxes: Vec<UrlBox>,
    note: String,
    note_error: Option<String>,
    publish: Vec<RadioOption>,
    publish_error: Option<String>,
    scores: Vec<RadioOption>,
    challenged_error: Option<String>,
    would_repeat: Vec<RadioOption>,
    would_repeat_error: Option<String>,
    new_connection: Vec<RadioOption>,
    new_connection_error: Option<String>,
    /// The `avoid_partner` box: ticked when sent ticked.
    avoid_partner: bool,
    /// They asked already: the partners are never paired with them again.
    avoided: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Saved {
    saved: String,
}

const PUBLISH: [(&str, &str); 2] = [
    (
        "yes",
        "Yes, publish my links and note with my name and organisation",
    ),
    ("no", "No, keep them private"),
];
const YES_NO: [(&str, &str); 2] = [("yes", "Yes"), ("no", "No")];
const SCORES: [(&str, &str); 5] = [
    ("1", "1 – not at all"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 – a lot"),
];

fn radios(options: &[(&'static str, &'static str)], chosen: Option<&str>) -> Vec<RadioOption> {
    options
        .iter()
        .map(|&(value, label)| RadioOption {
            value,
            label,
            checked: chosen == Some(value),
        })
        .collect()
}

impl FollowupPage {
    /// The page for `form` (what was sent, or what was stored) and `errors`;
    /// the round's date is the day it started in `schedule.timezone`.
    fn new(
        token: String,
        time: PeopleTime,
        membership: &Membership,
        form: &FollowupForm,
        links: Vec<SharedLink>,
        errors: FieldErrors,
    ) -> Self {
        let met_options: Vec<(&'static str, &'static str)> =
            Met::ALL.iter().map(|m| (m.as_str(), m.label())).collect();
        let reason_options: Vec<(&'static str, &'static str)> = NoReason::ALL
            .iter()
            .map(|r| (r.as_str(), r.label()))
            .collect();
        let slots = form.urls.len().max(URL_SLOTS);
        let boxes = (0..slots)
            .map(|i| {
                let id = format!("url-{}", i + 1);
                UrlBox {
                    value: form.urls.get(i).cloned().unwrap_or_default(),
                    error: errors.get(&id).map(str::to_owned),
                    id,
                }
            })
            .collect();
        Self {
            token,
            saved: false,
            partners: partner_names(&membership.partners),
            round_date: time.date(membership.round_started_at),
            met: radios(&met_options, form.met.as_deref()),
            met_error: errors.get("met").map(str::to_owned),
            reasons: radios(&reason_options, form.no_reason.as_deref()),
            reason_error: errors.get("no_reason").map(str::to_owned),
            links: links
                .into_iter()
                .map(|l| LinkRow {
                    id: l.id,
                    display: FollowUpUrl::parse(&l.url)
                        .map(|u| u.display())
                        .unwrap_or_else(|_| l.url.clone()),
                    url: l.url,
                })
                .collect(),
            boxes,
            note: form.note.clone().unwrap_or_default(),
            note_error: errors.get("note").map(str::to_owned),
            publish: radios(&PUBLISH, Some(form.publish.as_deref().unwrap_or("no"))),
            publish_error: errors.get("publish").map(str::to_owned),
            scores: radios(&SCORES, form.challenged.as_deref()),
            challenged_error: errors.get("challenged").map(str::to_owned),
            would_repeat: radios(&YES_NO, form.would_repeat.as_deref()),
            would_repeat_error: errors.get("would_repeat").map(str::to_owned),
            new_connection: radios(&YES_NO, form.new_connection.as_deref()),
            new_connection_error: errors.get("new_connection").map(str::to_owned),
            errors,
            avoid_partner: false,
            avoided: false,
        }
    }
}

/// The stored answer as a form, to show it again.
fn form_of(answer: Option<&Answer>) -> FollowupForm {
    FollowupForm {
        met: answer.map(|a| a.met.as_str().to_owned()),
        no_reason: answer
            .and_then(|a| a.no_reason)
            .map(|r| r.as_str().to_owned()),
        urls: Vec::new(),
        note: answer.and_then(|a| a.note.clone()),
        publish: answer.map(|a| if a.publish { "yes" } else { "no" }.to_owned()),
        challenged: answer.and_then(|a| a.challenged).map(|c| c.to_string()),
        would_repeat: answer.and_then(|a| a.would_repeat).map(yes_no),
        new_connection: answer.and_then(|a| a.new_connection).map(yes_no),
        remove: Vec::new(),
    }
}

fn yes_no(answer: bool) -> String {
    if answer { "yes" } else { "no" }.to_owned()
}

/// What a member shared before: their answer, their links, and whether
/// they asked not to be paired with their partners again.
async fn shared_before(
    state: &AppState,
    membership: &Membership,
) -> anyhow::Result<(Option<Answer>, Vec<SharedLink>, bool)> {
    let member_id = membership.member_id;
    let me = membership.person.id;
    let partners: Vec<i64> = membership.partners.iter().map(|p| p.id).collect();
    db::run(&state.pool, move |conn| {
        let mut avoided = !partners.is_empty();
        for partner in &partners {
            avoided &= never_pairs::exists(conn, me, *partner)?;
        }
        Ok((
            followups::answer(conn, member_id)?,
            followups::links(conn, member_id)?,
            avoided,
        ))
    })
    .await
}

/// Whether the form's `avoid_partner` box was ticked.
fn avoid_partner_ticked(body: &[u8]) -> bool {
    url::form_urlencoded::parse(body).any(|(k, v)| k == "avoid_partner" && v == "yes")
}

#[get("/followup/{token}")]
#[tracing::instrument(name = "followup_page", skip_all)]
pub async fn show(
    link: FollowupLink,
    query: web::Query<Saved>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (token, membership) = link.into_parts();
    let (answer, links, avoided) = shared_before(&state, &membership).await?;
    let mut page = FollowupPage::new(
        token,
        state.settings.people_time(),
        &membership,
        &form_of(answer.as_ref()),
        links,
        FieldErrors::default(),
    );
    page.saved = query.saved == "1";
    page.avoided = avoided;
    Ok(private_html(StatusCode::OK, &page))
}

#[post("/followup/{token}")]
#[tracing::instrument(name = "followup_save", skip_all)]
pub async fn save(
    link: FollowupLink,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (token, membership) = link.into_parts();
    let form = FollowupForm::from_pairs(url::form_urlencoded::parse(&body));
    let avoid_partner = avoid_partner_ticked(&body);
    let answer = match form.validate() {
        Ok(answer) => answer,
        Err(errors) => {
            let (_, links, avoided) = shared_before(&state, &membership).await?;
            let time = state.settings.people_time();
            let mut page = FollowupPage::new(token, time, &membership, &form, links, errors);
            (page.avoid_partner, page.avoided) = (avoid_partner, avoided);
            return Ok(private_html(StatusCode::OK, &page));
        }
    };
    let member_id = membership.member_id;
    let me = membership.person.id;
    let partners: Vec<i64> = membership.partners.iter().map(|p| p.id).collect();
    let now = state.clock.now();
    db::write(&state.pool, move |conn| {
        followups::save(conn, member_id, &answer, now)?;
        if avoid_partner {
            for partner in &partners {
                never_pairs::add(conn, me, *partner, NeverPairSource::Avoid, now)?;
            }
        }
        Ok(())
    })
    .await?;
    tracing::info!(member_id, avoid_partner, "follow-up recorded");
    Ok(see_other(&format!(
        "/followup/{token}?saved=1#main-content"
    )))
}
