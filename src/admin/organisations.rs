//! `/admin/organisations`: each organisation's spellings, with how many
//! people use each, and the one shown to others. An organiser can choose
//! which spelling is shown; otherwise it is the most common one.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;

use super::{AdminError, CheckedPost, Chrome, Done, SignedIn};
use crate::db::{self, organisation_names, participants};
use crate::domain::pairing::organisation_key;
use crate::domain::{FieldErrors, OrganisationNames, Spelling};
use crate::pages::{private_html, see_other};
use crate::startup::AppState;

const PAGE: &str = "/admin/organisations";

struct SpellingRow {
    text: String,
    people: i64,
    shown: bool,
}

/// One organisation: its key (the form's hidden field), and its spellings,
/// most used first.
struct Organisation {
    /// A number for the page's ids: the order on the page.
    n: usize,
    key: String,
    shown: String,
    chosen: bool,
    spellings: Vec<SpellingRow>,
}

#[derive(Template)]
#[template(path = "admin/organisations.html")]
struct OrganisationsPage {
    chrome: Chrome,
    errors: FieldErrors,
    notice: bool,
    several: Vec<Organisation>,
    single: Vec<Organisation>,
}

/// Groups the spellings by organisation, in the order of the shown names.
fn organisations(spellings: Vec<Spelling>, chosen: Vec<(String, String)>) -> Vec<Organisation> {
    let chosen_keys: HashMap<String, String> = chosen.iter().cloned().collect();
    let names = OrganisationNames::new(spellings.clone()).choosing(chosen);
    let mut by_key: BTreeMap<String, Vec<Spelling>> = BTreeMap::new();
    for spelling in spellings {
        by_key
            .entry(organisation_key(&spelling.text))
            .or_default()
            .push(spelling);
    }
    let mut all: Vec<Organisation> = by_key
        .into_iter()
        .map(|(key, mut spellings)| {
            spellings.sort_by_key(|s| (-s.people, s.first_id));
            let shown = names.shown(&spellings[0].text);
            Organisation {
                n: 0,
                chosen: chosen_keys.contains_key(&key),
                key,
                spellings: spellings
                    .into_iter()
                    .map(|s| SpellingRow {
                        shown: s.text == shown,
                        text: s.text,
                        people: s.people,
                    })
                    .collect(),
                shown,
            }
        })
        .collect();
    all.sort_by_key(|o| o.shown.to_lowercase());
    for (n, o) in all.iter_mut().enumerate() {
        o.n = n + 1;
    }
    all
}

async fn page(
    signed_in: &SignedIn,
    state: &AppState,
    errors: FieldErrors,
    notice: bool,
) -> Result<OrganisationsPage, AdminError> {
    let (spellings, chosen) = db::run(&state.pool, |conn| {
        Ok((
            participants::organisation_spellings(conn)?,
            organisation_names::chosen(conn)?,
        ))
    })
    .await?;
    let (several, single) = organisations(spellings, chosen)
        .into_iter()
        .partition(|o| o.spellings.len() > 1);
    Ok(OrganisationsPage {
        chrome: Chrome::new(signed_in, "organisations"),
        errors,
        notice,
        several,
        single,
    })
}

#[get("/admin/organisations")]
#[tracing::instrument(name = "admin_organisations", skip_all)]
pub async fn list(
    signed_in: SignedIn,
    query: web::Query<Done>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let page = page(
        &signed_in,
        &state,
        FieldErrors::default(),
        query.done == "1",
    )
    .await?;
    Ok(private_html(StatusCode::OK, &page))
}

/// Stores the spelling chosen (`shown`) for the organisation `key`. Only a
/// spelling someone uses now can be chosen: the form offers nothing else.
#[post("/admin/organisations")]
#[tracing::instrument(name = "admin_organisation_choose", skip_all)]
pub async fn choose(
    post: CheckedPost,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let key = post.form.text("key");
    // Exactly as offered: a spelling's spaces are part of it.
    let shown = post.form.exact("shown").unwrap_or_default().to_owned();
    let (organiser_id, now) = (post.signed_in.organiser_id, state.clock.now());
    let stored = db::write(&state.pool, move |conn| {
        let offered = participants::organisation_spellings(conn)?
            .into_iter()
            .any(|s| s.text == shown && organisation_key(&s.text) == key);
        if offered {
            organisation_names::choose(conn, &key, &shown, organiser_id, now)?;
        }
        Ok(offered)
    })
    .await?;
    if stored {
        tracing::info!(organiser_id, "organisation spelling chosen");
        return Ok(see_other(&format!("{PAGE}?done=1")));
    }
    let mut errors = FieldErrors::default();
    errors.add(
        "organisations",
        "Choose one of the spellings listed for the organisation",
    );
    let page = page(&post.signed_in, &state, errors, false).await?;
    Ok(private_html(StatusCode::OK, &page))
}
