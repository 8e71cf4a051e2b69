//! `/admin/rounds`: the rounds so far, and each round's groups, emails and
//! follow-up answers. Drawing and sending a round: `round_drafts`.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpRequest, HttpResponse};
use askama::Template;

use std::collections::HashSet;

use super::outbox::{when, EmailView};
use super::{AdminError, AdminForm, Chrome, SignedIn};
use crate::db::participants::{self, Participant};
use crate::db::rounds::{self, MemberRow, Round};
use crate::db::{self, outbox, rematches};
use crate::domain::experiment::Arm;
use crate::domain::pairing::OddOneOut;
use crate::domain::Met;
use crate::pages::{private_html, MessagePage};
use crate::services::round_changes::{self, ChangeRow};
use crate::startup::AppState;

/// A person as listed: people who left have no name any more.
pub(super) struct Person {
    pub(super) name: String,
    pub(super) organisation: String,
}

impl Person {
    pub(super) fn new(name: &str, organisation: &str) -> Self {
        Self {
            name: if name.is_empty() { "(left)" } else { name }.to_owned(),
            organisation: organisation.to_owned(),
        }
    }
}

impl From<&Participant> for Person {
    fn from(p: &Participant) -> Self {
        Self::new(&p.name, &p.organisation)
    }
}

pub(super) struct Group {
    pub(super) number: usize,
    pub(super) people: Vec<Person>,
    /// The experiment's arm in words ([`Arm::label`]); only when some group
    /// of the round was matched by interests, and then for every group.
    pub(super) arm: Option<&'static str>,
}

/// The arm label of group `number` (from 1) given every group's arm, if any
/// group is matched.
pub(super) fn arm_label(arms: &[(usize, Arm)], number: usize) -> Option<&'static str> {
    let any_matched = arms.iter().any(|&(_, arm)| arm == Arm::Matched);
    let arm = arms
        .iter()
        .find(|(n, _)| *n == number)
        .map_or(Arm::Random, |a| a.1);
    any_matched.then(|| arm.label())
}

struct RoundRow {
    round: Round,
    date: String,
}

#[derive(Template)]
#[template(path = "admin/rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    rounds: Vec<RoundRow>,
}

#[get("/admin/rounds")]
#[tracing::instrument(name = "admin_rounds", skip_all)]
pub async fn list(
    signed_in: SignedIn,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let found = db::run(&state.pool, |conn| rounds::list(conn, i64::MAX)).await?;
    let rounds = found
        .into_iter()
        .map(|round| RoundRow {
            date: when(&state, round.started_at),
            round,
        })
        .collect();
    let page = RoundsPage {
        chrome: Chrome::new(&signed_in, "rounds"),
        rounds,
    };
    Ok(private_html(StatusCode::OK, &page))
}

pub(super) fn message(status: StatusCode, heading: &str, text: &str) -> HttpResponse {
    private_html(
        status,
        &MessagePage::new(heading, &[text]).with_link("/admin/rounds", "Go to the rounds"),
    )
}

/// One member's follow-up answer as shown.
struct AnswerRow {
    group: i32,
    person: Person,
    met: &'static str,
    note: String,
    links: i64,
    challenged: String,
    would_repeat: &'static str,
    new_connection: &'static str,
    publish: &'static str,
}

/// An optional yes/no answer as shown: empty when not answered.
fn yes_no(answer: Option<bool>) -> &'static str {
    match answer {
        None => "",
        Some(true) => "Yes",
        Some(false) => "No",
    }
}

impl From<MemberRow> for AnswerRow {
    fn from(m: MemberRow) -> Self {
        let answer = m.answer.as_ref();
        Self {
            group: m.group_number,
            person: Person::new(&m.name, &m.organisation),
            met: match answer.map(|a| a.met) {
                None => "Not answered",
                Some(Met::Yes) => "Yes",
                Some(Met::NotYet) => "Not yet",
                Some(Met::No) => "No",
            },
            note: answer.and_then(|a| a.note.clone()).unwrap_or_default(),
            links: m.links,
            challenged: answer
                .and_then(|a| a.challenged)
                .map_or_else(String::new, |c| format!("{c} out of 5")),
            would_repeat: yes_no(answer.and_then(|a| a.would_repeat)),
            new_connection: yes_no(answer.and_then(|a| a.new_connection)),
            publish: yes_no(answer.map(|a| a.publish)),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/round.html")]
struct RoundPage {
    chrome: Chrome,
    ran: bool,
    resent: Option<i64>,
    round: Round,
    started: String,
    /// The seed's bits as the unsigned number the CLI shows.
    seed: u64,
    odd_one_out: &'static str,
    sat_out_person: Option<Person>,
    groups: Vec<Group>,
    emails: Vec<EmailView>,
    answers: Vec<AnswerRow>,
    answered: usize,
    changes: Vec<ChangeRow>,
}

#[get("/admin/rounds/{id:\\d+}")]
#[tracing::instrument(name = "admin_round", skip_all)]
pub async fn show(
    req: HttpRequest,
    signed_in: SignedIn,
    path: web::Path<i64>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    let query = AdminForm::parse(req.query_string().as_bytes());
    let found = db::run(&state.pool, move |conn| {
        let Some(round) = rounds::find(conn, id)? else {
            return Ok(None);
        };
        // Organisations as the members saw them in their introductions.
        let names = crate::db::organisation_names::names(conn)?;
        let sat_out = match round.sat_out_participant_id {
            Some(p) => participants::name_of(conn, p)?.map(|(name, org)| (name, names.shown(&org))),
            None => None,
        };
        let mut members = rounds::round_members(conn, id)?;
        for m in &mut members {
            m.organisation = names.shown(&m.organisation);
        }
        let emails = outbox::round_emails(conn, id)?;
        let places = rematches::places_of_round(conn, id)?;
        let requests = rematches::of_round(conn, id)?;
        let arms = crate::db::meetings::arms_of_round(conn, id)?;
        Ok(Some((
            round, sat_out, members, emails, places, requests, arms,
        )))
    })
    .await?;
    let Some((round, sat_out, members, emails, places, requests, arms)) = found else {
        return Ok(message(
            StatusCode::NOT_FOUND,
            "There is no such round",
            "Check the round's number in the list of rounds.",
        ));
    };
    let changes = round_changes::changes(&places, &requests, |t| when(&state, t));
    // Groups as they are now: without members who left them.
    let left: HashSet<i64> = places
        .iter()
        .filter(|(p, _)| p.left_at.is_some())
        .map(|(p, _)| p.id)
        .collect();
    let arms: Vec<(usize, Arm)> = arms
        .into_iter()
        .map(|(n, arm)| (usize::try_from(n).unwrap_or(0), arm))
        .collect();
    let mut groups: Vec<Group> = Vec::new();
    for m in members.iter().filter(|m| !left.contains(&m.member_id)) {
        let number = usize::try_from(m.group_number).unwrap_or(0);
        if groups.last().is_none_or(|g| g.number != number) {
            groups.push(Group {
                number,
                people: Vec::new(),
                arm: arm_label(&arms, number),
            });
        }
        if let Some(group) = groups.last_mut() {
            group.people.push(Person::new(&m.name, &m.organisation));
        }
    }
    let answered = members.iter().filter(|m| m.answer.is_some()).count();
    let page = RoundPage {
        chrome: Chrome::new(&signed_in, "rounds"),
        ran: query.get("ran") == Some("1"),
        resent: query.get("resent").and_then(|v| v.parse().ok()),
        started: when(&state, round.started_at),
        seed: round.seed as u64,
        odd_one_out: match round.odd_one_out {
            OddOneOut::Trio => "Makes a trio",
            OddOneOut::SitOut => "Sits out",
        },
        sat_out_person: sat_out.map(|(name, org)| Person::new(&name, &org)),
        groups,
        emails: emails
            .into_iter()
            .map(|e| EmailView::new(&state, e))
            .collect(),
        answers: members.into_iter().map(AnswerRow::from).collect(),
        answered,
        changes,
        round,
    };
    Ok(private_html(StatusCode::OK, &page))
}
