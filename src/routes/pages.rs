use actix_web::body::MessageBody;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;

use crate::configuration::OrganisationSettings;
use crate::middleware::PERSONAL_LINK_PREFIXES;
use crate::pages::html;
use crate::startup::AppState;

/// Who runs this UnMentoring and how to reach them, as the privacy notice
/// and the contact page show it.
struct Organisers {
    name: String,
    contact: Option<String>,
    privacy_contact: Option<String>,
}

impl Organisers {
    fn of(settings: &OrganisationSettings) -> Self {
        Self {
            name: settings.name.clone(),
            contact: settings.contact_email.as_ref().map(ToString::to_string),
            privacy_contact: settings.privacy_contact().map(ToString::to_string),
        }
    }
}

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    organisers: Organisers,
    /// `privacy.inactive_months`: how long without a round or a visit
    /// before we ask whether to keep someone's details.
    inactive_months: u32,
    /// How long they then have to answer.
    answer_days: i64,
}

#[derive(Template)]
#[template(path = "contact.html")]
struct ContactPage {
    organisers: Organisers,
}

#[derive(Template)]
#[template(path = "accessibility.html")]
struct AccessibilityPage;

#[get("/privacy")]
pub async fn privacy(state: web::Data<AppState>) -> HttpResponse {
    let organisers = Organisers::of(&state.settings.organisation);
    let page = PrivacyPage {
        organisers,
        inactive_months: state.settings.privacy.inactive_months,
        answer_days: crate::services::inactive::ANSWER_DAYS,
    };
    html(StatusCode::OK, &page)
}

#[get("/contact")]
pub async fn contact(state: web::Data<AppState>) -> HttpResponse {
    let organisers = Organisers::of(&state.settings.organisation);
    html(StatusCode::OK, &ContactPage { organisers })
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
