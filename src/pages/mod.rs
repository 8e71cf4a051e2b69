//! The HTML side shared by every route: page rendering, error pages, form
//! helpers, and the secret-link extractor. Routes share things through here:
//! no route module imports from another.

mod error;
pub mod forms;
pub mod results_chart;
pub mod results_view;
pub mod secret_link;
pub mod signup;

pub use error::PageError;

use actix_web::http::header::{self, CacheControl, CacheDirective};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

/// Renders a page, or the "problem with the service" page if rendering fails.
pub fn html(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(body),
        Err(e) => {
            tracing::error!(error = %e, "could not render a page");
            server_error()
        }
    }
}

/// The same, for pages reached by a secret link: never kept by a browser or proxy.
pub fn private_html(status: StatusCode, page: &impl Template) -> HttpResponse {
    let mut response = html(status, page);
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        CacheControl(vec![CacheDirective::NoStore])
            .to_string()
            .parse()
            .expect("a valid header"),
    );
    response
}

/// A page that is only a heading, a few paragraphs and perhaps a link.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub title: String,
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
}

impl MessagePage {
    pub fn new(heading: &str, paragraphs: &[&str]) -> Self {
        Self {
            title: heading.to_owned(),
            heading: heading.to_owned(),
            paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
            link: None,
        }
    }

    pub fn with_link(mut self, href: &str, text: &str) -> Self {
        self.link = Some((href.to_owned(), text.to_owned()));
        self
    }
}

/// Shown when something went wrong on our side. Nothing the person entered
/// has been lost: every change is saved in one transaction or not at all.
pub fn server_error() -> HttpResponse {
    let page = MessagePage::new(
        "Sorry, there is a problem with the service",
        &[
            "Try again later.",
            "If you were signing up or changing your details, nothing has been saved yet, so you can try again safely.",
        ],
    )
    .with_link("/", "Go to the UnMentoring home page");
    let body = page
        .render()
        .unwrap_or_else(|_| "Sorry, there is a problem with the service. Try again later.".into());
    HttpResponse::InternalServerError()
        .content_type("text/html; charset=utf-8")
        .body(body)
}

pub fn not_found() -> HttpResponse {
    html(
        StatusCode::NOT_FOUND,
        &MessagePage::new(
            "Page not found",
            &[
                "If you typed the web address, check it is correct.",
                "If you pasted the web address, check you copied the entire address.",
            ],
        )
        .with_link("/", "Go to the UnMentoring home page"),
    )
}

pub fn bad_request() -> HttpResponse {
    html(
        StatusCode::BAD_REQUEST,
        &MessagePage::new(
            "Sorry, we could not read what was sent",
            &["Go back to the form and try again."],
        )
        .with_link("/", "Go to the UnMentoring home page"),
    )
}

/// The 413 page for a CSV upload over [`crate::admin::IMPORT_MAX_FILE`].
pub fn file_too_large() -> HttpResponse {
    html(
        StatusCode::PAYLOAD_TOO_LARGE,
        &MessagePage::new(
            "The file you chose is too large",
            &[&format!(
                "A CSV file can be up to {} MB, which is room for 5,000 rows. Split the file into smaller files and import each of them, or use the command unmentoring participants import FILE.csv on the server.",
                crate::admin::IMPORT_MAX_FILE / (1024 * 1024)
            )],
        )
        .with_link("/admin/import", "Go back to Import participants"),
    )
}

pub fn too_large() -> HttpResponse {
    html(
        StatusCode::PAYLOAD_TOO_LARGE,
        &MessagePage::new(
            "What you sent is too large",
            &["Forms on this site take at most 64 KB. Go back, shorten what you entered and try again."],
        ),
    )
}

/// A 303 redirect after a successful POST, so that reloading repeats nothing.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .finish()
}
