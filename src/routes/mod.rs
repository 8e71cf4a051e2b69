//! One file per resource. No route module imports from another: what they
//! share lives in `crate::pages`.

mod confirm;
mod followup;
mod health;
mod home;
mod learned;
mod manage;
mod pages;
mod signup;

use actix_web::web;

/// Every public route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home::home)
        .service(signup::signup)
        .service(signup::check_email)
        .service(confirm::show)
        .service(confirm::confirm)
        .service(confirm::confirmed)
        .service(confirm::email_confirmed)
        .service(followup::show)
        .service(followup::save)
        .service(manage::show)
        .service(manage::update)
        .service(manage::pause)
        .service(manage::resume_page)
        .service(manage::resume)
        .service(manage::leave_page)
        .service(manage::leave)
        .service(health::healthz)
        .service(learned::page)
        .service(learned::feed)
        .service(pages::privacy)
        .service(pages::accessibility)
        .service(pages::stylesheet)
        .service(pages::favicon)
        .service(pages::robots);
}
