//! `/admin/import`: bring in people from a CSV file. Each good row is added
//! with a confirmation email (or, when the organiser vouches for the list,
//! straight into the pool); the result page lists what was added and why the
//! other rows were not.

use actix_multipart::form::bytes::Bytes as FilePart;
use actix_multipart::form::text::Text;
use actix_multipart::form::{MultipartForm, MultipartFormConfig};
use actix_multipart::MultipartError;
use actix_web::error::PayloadError;
use actix_web::http::StatusCode;
use actix_web::{get, web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;

use super::{AdminError, Chrome, SignedIn};
use crate::db;
use crate::pages::private_html;
use crate::services::import::{self, FileProblem, ImportOptions, EXAMPLE_HEADER};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "admin/import.html")]
struct ImportPage {
    chrome: Chrome,
    error: Option<String>,
    already_confirmed: bool,
    example_header: &'static str,
    max_megabytes: usize,
}

impl ImportPage {
    fn new(signed_in: &SignedIn, error: Option<String>, already_confirmed: bool) -> Self {
        Self {
            chrome: Chrome::new(signed_in, "import"),
            error,
            already_confirmed,
            example_header: EXAMPLE_HEADER,
            max_megabytes: MAX_FILE / (1024 * 1024),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/import_result.html")]
struct ResultPage {
    chrome: Chrome,
    already_confirmed: bool,
    added: Vec<import::AddedRow>,
    rejected: Vec<import::RejectedRow>,
}

/// The largest CSV file the console takes. The page promises 5,000 rows
/// ([`import::MAX_ROWS`]); a real row is 100 to 200 bytes, and one with a
/// long name, organisation and the full 500 characters of topics about 800.
/// 5,000 rows of 800 bytes is 4,000,000 bytes: 4 MiB covers it, and is
/// little to hold in memory for one organiser's upload.
pub const MAX_FILE: usize = 4 * 1024 * 1024;
/// The whole upload: the file, the two small fields and the multipart framing.
pub const MAX_UPLOAD: usize = MAX_FILE + 16 * 1024;

/// The upload. The limits (here and in [`upload_route`]) bound what is read
/// even when a request does not declare its length; the middleware refuses
/// larger declared bodies before they are read.
#[derive(MultipartForm)]
#[multipart(deny_unknown_fields, duplicate_field = "deny")]
struct Upload {
    file: Option<FilePart>,
    #[multipart(limit = "1KiB")]
    csrf_token: Option<Text<String>>,
    #[multipart(limit = "1KiB")]
    already_confirmed: Option<Text<String>>,
}

#[get("/admin/import")]
pub async fn show(signed_in: SignedIn) -> HttpResponse {
    private_html(StatusCode::OK, &ImportPage::new(&signed_in, None, false))
}

/// `POST /admin/import`, with its own limits: far above the 64 KiB every
/// other form gets, and only here.
pub fn upload_route() -> actix_web::Resource {
    let limits = MultipartFormConfig::default()
        .total_limit(MAX_UPLOAD)
        .memory_limit(MAX_UPLOAD);
    web::resource("/admin/import")
        .app_data(limits)
        .route(web::post().to(upload))
}

#[tracing::instrument(name = "admin_import", skip_all)]
async fn upload(
    req: HttpRequest,
    signed_in: SignedIn,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AdminError> {
    let mut payload = payload.into_inner();
    let upload = match MultipartForm::<Upload>::from_request(&req, &mut payload).await {
        Ok(form) => form.into_inner(),
        Err(e) => {
            tracing::info!(error = %e, "an import upload could not be read");
            let too_large = matches!(
                e.as_error::<MultipartError>(),
                Some(MultipartError::Payload(PayloadError::Overflow))
            );
            return Ok(if too_large {
                crate::pages::file_too_large()
            } else {
                crate::pages::bad_request()
            });
        }
    };
    signed_in.check_form(&req, upload.csrf_token.as_ref().map(|t| t.as_str()))?;
    let already_confirmed = upload
        .already_confirmed
        .as_ref()
        .is_some_and(|t| t.trim() == "yes");
    let form_error = |message: String| {
        Ok(private_html(
            StatusCode::OK,
            &ImportPage::new(&signed_in, Some(message), already_confirmed),
        ))
    };
    let Some(file) = upload.file.filter(|f| !f.data.is_empty()) else {
        return form_error("Select a CSV file".to_owned());
    };
    let is_spreadsheet = file.file_name.as_deref().is_some_and(|name| {
        let name = name.to_lowercase();
        [".xlsx", ".xls", ".ods", ".numbers"]
            .iter()
            .any(|ext| name.ends_with(ext))
    });
    if is_spreadsheet {
        return form_error(FileProblem::NotCsv.to_string());
    }
    let composer = state.composer.clone();
    let options = ImportOptions {
        already_confirmed,
        now: state.clock.now(),
        max_rows: Some(import::MAX_ROWS),
    };
    let imported = db::run(&state.pool, move |conn| {
        import::import_bytes(conn, &composer, &file.data, options)
    })
    .await;
    let report = match imported {
        Ok(report) => report,
        Err(e) => match e.downcast::<FileProblem>() {
            Ok(problem) => return form_error(problem.to_string()),
            Err(e) => return Err(e.into()),
        },
    };
    if !already_confirmed && !report.added.is_empty() {
        state.wake_mailer();
    }
    let page = ResultPage {
        chrome: Chrome::new(&signed_in, "import"),
        already_confirmed,
        added: report.added,
        rejected: report.rejected,
    };
    Ok(private_html(StatusCode::OK, &page))
}
