//! The organiser console under `/admin`: sign-in, dashboard, rounds,
//! the experiment's results, participants, concerns and never-pair rules, import, export, the outbox,
//! organisers (invitations, passwords) and organisation names. Every
//! state-changing request is a POST carrying the session's form token from
//! this site (but the invitation page, whose link is the secret).

mod account;
mod auth;
mod bouncing;
mod chart;
mod dashboard;
mod events;
mod export;
mod form;
mod import;
mod invite;
mod organisations;
mod organisers;
mod outbox;
mod participant_edit;
mod participants;
pub mod password;
mod results;
mod round_drafts;
mod round_pages;
mod safety;
mod session;

use actix_web::web;

pub use form::AdminForm;
pub use import::{MAX_FILE as IMPORT_MAX_FILE, MAX_UPLOAD as IMPORT_MAX_UPLOAD};
pub use session::{AdminError, CheckedPost, SignedIn};

/// `?done=…` after a form: which success notice the page shows.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Done {
    pub done: String,
}

/// What every organiser page's header needs.
pub struct Chrome {
    pub email: String,
    pub csrf_token: String,
    pub section: &'static str,
}

impl Chrome {
    pub fn new(signed_in: &SignedIn, section: &'static str) -> Self {
        Self {
            email: signed_in.email.clone(),
            csrf_token: signed_in.csrf_token.clone(),
            section,
        }
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(auth::show)
        .service(auth::login)
        .service(auth::logout)
        .service(dashboard::dashboard)
        .service(import::show)
        .service(import::upload_route())
        .service(events::show)
        .service(events::make)
        .service(events::print_page)
        .service(events::email_all)
        .service(export::show)
        .service(export::download)
        .service(round_pages::list)
        .service(round_drafts::preview)
        .service(round_drafts::draw)
        .service(round_drafts::show)
        .service(round_drafts::swap)
        .service(round_drafts::send)
        .service(round_pages::show)
        .service(results::show)
        .service(outbox::list)
        .service(outbox::retry)
        .service(participants::list)
        .service(participants::show)
        .service(participants::remove_page)
        .service(participant_edit::show)
        .service(participant_edit::save)
        .service(participant_edit::resend_confirmation)
        .service(participants::change)
        .service(safety::show)
        .service(safety::dealt_with)
        .service(safety::add_rule)
        .service(safety::remove_rule)
        .service(organisers::list)
        .service(organisers::invite)
        .service(organisers::remove)
        .service(invite::show)
        .service(invite::accept)
        .service(account::show)
        .service(account::change)
        .service(organisations::list)
        .service(organisations::choose);
}
