//! One file per resource. No route module imports from another: what they
//! share lives in `crate::pages`.

mod arranged;
mod confirm;
mod decline;
mod followup;
mod health;
mod home;
mod learned;
mod manage;
mod my_data;
mod no_reply;
mod pages;
mod report;
mod results;
mod signup;
mod stay;
mod unsubscribe;

use actix_web::web;

/// Every public route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home::home)
        .service(signup::signup)
        .service(signup::check_email)
        .service(confirm::show)
        .service(confirm::confirm)
        .service(confirm::confirmed)
        .service(decline::show)
        .service(decline::decline)
        .service(confirm::email_confirmed)
        .service(followup::show)
        .service(followup::save)
        .service(arranged::show)
        .service(arranged::save)
        .service(no_reply::show)
        .service(no_reply::report)
        .service(manage::show)
        .service(manage::update)
        .service(manage::pause)
        .service(manage::resume_page)
        .service(manage::resume)
        .service(stay::show)
        .service(stay::stay)
        .service(manage::leave_page)
        .service(manage::leave)
        .service(my_data::download)
        .service(report::show)
        .service(report::report)
        .service(unsubscribe::show)
        .service(unsubscribe::unsubscribe)
        .service(health::healthz)
        .service(learned::page)
        .service(learned::feed)
        .service(results::page)
        .service(results::json)
        .service(pages::privacy)
        .service(pages::contact)
        .service(pages::accessibility)
        .service(pages::stylesheet)
        .service(pages::favicon)
        .service(pages::robots);
}
