//! `/admin/export`: participants, rounds and outputs as CSV files, safe to
//! open in a spreadsheet. Downloads are read-only, so plain links (GET).

use actix_web::http::header::{
    self, CacheControl, CacheDirective, ContentDisposition, DispositionParam, DispositionType,
};
use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use askama::Template;

use super::{AdminError, Chrome, SignedIn};
use crate::db;
use crate::pages::private_html;
use crate::services::export::Export;
use crate::startup::AppState;

/// Lets Excel read the file as UTF-8, so names with accents come out right.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

struct Download {
    href: String,
    label: &'static str,
    description: &'static str,
}

#[derive(Template)]
#[template(path = "admin/export.html")]
struct ExportPage {
    chrome: Chrome,
    downloads: Vec<Download>,
}

fn describe(what: Export) -> (&'static str, &'static str) {
    match what {
        Export::Participants => (
            "Participants",
            "Everyone who has signed up or been imported, with their details, state and how they joined. People who left are only their number, state and the date they left.",
        ),
        Export::Rounds => (
            "Rounds",
            "Every round: when it ran, how it was started, and its pairing figures.",
        ),
        Export::Outputs => (
            "Outputs",
            "Every follow-up answer with the links people shared: one row for each link.",
        ),
    }
}

#[get("/admin/export")]
pub async fn show(signed_in: SignedIn) -> HttpResponse {
    let downloads = Export::ALL
        .into_iter()
        .map(|what| {
            let (label, description) = describe(what);
            Download {
                href: format!("/admin/export/{}.csv", what.name()),
                label,
                description,
            }
        })
        .collect();
    let page = ExportPage {
        chrome: Chrome::new(&signed_in, "export"),
        downloads,
    };
    private_html(StatusCode::OK, &page)
}

#[get("/admin/export/{file}")]
#[tracing::instrument(name = "admin_export", skip_all)]
pub async fn download(
    _signed_in: SignedIn,
    file: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let Some(what) = Export::ALL
        .into_iter()
        .find(|e| file.as_str() == format!("{}.csv", e.name()))
    else {
        return Ok(crate::pages::not_found());
    };
    let csv = db::run(&state.pool, move |conn| what.csv(conn)).await?;
    let name = what.file_name(state.clock.today());
    tracing::info!(export = what.name(), bytes = csv.len(), "organiser export");
    let mut body = Vec::with_capacity(UTF8_BOM.len() + csv.len());
    body.extend_from_slice(UTF8_BOM);
    body.extend_from_slice(&csv);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        })
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(body))
}
