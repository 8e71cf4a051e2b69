use actix_web::body::MessageBody;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::http::StatusCode;
use actix_web::{get, HttpResponse};
use askama::Template;

use crate::middleware::PERSONAL_LINK_PREFIXES;
use crate::pages::html;

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
const FAVICON: &[u8] = include_bytes!("../../static/favicon.ico");

/// A public file that may be cached for an hour.
fn public_file(content_type: &'static str, body: impl MessageBody + 'static) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(3600),
        ]))
        .body(body)
}

#[get("/static/app.css")]
pub async fn stylesheet() -> HttpResponse {
    public_file("text/css; charset=utf-8", STYLESHEET)
}

#[get("/favicon.ico")]
pub async fn favicon() -> HttpResponse {
    public_file("image/x-icon", FAVICON)
}

/// Crawlers may read the public pages, never a personal link.
#[get("/robots.txt")]
pub async fn robots() -> HttpResponse {
    let mut text = String::from("User-agent: *\n");
    for prefix in PERSONAL_LINK_PREFIXES {
        text.push_str(&format!("Disallow: {prefix}\n"));
    }
    text.push_str("Disallow: /admin\n");
    public_file("text/plain; charset=utf-8", text)
}
