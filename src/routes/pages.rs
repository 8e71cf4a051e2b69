use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::http::StatusCode;
use actix_web::{get, HttpResponse};
use askama::Template;

use crate::web::html;

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage;

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage;

#[get("/privacy")]
pub async fn privacy() -> HttpResponse {
    html(StatusCode::OK, &PrivacyPage)
}

#[get("/accessibility")]
pub async fn accessibility() -> HttpResponse {
    html(StatusCode::OK, &AccessibilityPage)
}

const STYLESHEET: &str = include_str!("../../static/app.css");

#[get("/static/app.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(3600),
        ]))
        .body(STYLESHEET)
}
