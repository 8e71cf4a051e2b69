//! Middleware: security headers, a body size limit, request logging that
//! never records a path (paths carry tokens), and friendly error pages.

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};
use tracing::Instrument;

/// Largest request body accepted, in bytes.
pub const MAX_BODY: usize = 64 * 1024;

const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers every response carries.
pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CSP))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // Not `no-referrer`: with it, browsers send `Origin: null` even on
        // this site's own form posts, and the organiser console's Origin
        // check refuses them. `same-origin` still sends nothing (no token in
        // a path) to any other site.
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
}

/// The one route that takes more than [`MAX_BODY`]: the organisers' CSV
/// upload, whose handler enforces the same limit on bodies without a length.
const UPLOAD_PATH: &str = "/admin/import";

/// The largest body accepted on `path`.
pub fn body_limit(path: &str) -> usize {
    if path == UPLOAD_PATH {
        crate::admin::IMPORT_MAX_UPLOAD
    } else {
        MAX_BODY
    }
}

/// Refuses bodies over [`body_limit`] by their declared length with a 413
/// page. (Form extractors enforce [`MAX_BODY`] on bodies without a length.)
pub async fn limit_body(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, Error> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > body_limit(req.path())) {
        let response = if req.path() == UPLOAD_PATH {
            crate::pages::file_too_large()
        } else {
            crate::pages::too_large()
        };
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// One span per request, named by the route pattern, never by the path.
pub async fn log_request(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let route = req.match_pattern().unwrap_or_else(|| "(no route)".into());
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        request_id = %uuid::Uuid::new_v4(),
        status = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let response = next.call(req).instrument(span.clone()).await?;
    let status = response.status().as_u16();
    span.record("status", status);
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "request done"
        )
    });
    Ok(response)
}

/// Replaces actix's plain-text error bodies (bad form data, unknown methods,
/// oversized bodies) with HTML pages. HTML and JSON answers (`/healthz`'s
/// 503) are left as they are.
pub async fn friendly_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, Error> {
    let response = next.call(req).await?;
    let is_ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v: &HeaderValue| {
            v.as_bytes().starts_with(b"text/html") || v.as_bytes().starts_with(b"application/json")
        });
    let status = response.status();
    if is_ours || !(status.is_client_error() || status.is_server_error()) {
        return Ok(response.map_into_left_body());
    }
    let page = match status.as_u16() {
        404 | 405 => crate::pages::not_found(),
        413 => crate::pages::too_large(),
        400..=499 => crate::pages::bad_request(),
        _ => crate::pages::server_error(),
    };
    let mut replaced: HttpResponse = page;
    *replaced.status_mut() = status;
    Ok(response.into_response(replaced).map_into_right_body())
}

/// Where personal links live: pages reached only from someone's own email.
/// Crawlers are told to keep out (robots.txt) and not to index them.
pub const PERSONAL_LINK_PREFIXES: &[&str] = &[
    "/confirm/",
    "/me/",
    "/followup/",
    "/arranged/",
    "/decline/",
    "/no-reply/",
    "/report/",
    "/unsubscribe/",
];

/// Adds `X-Robots-Tag: noindex` to every personal-link page, in case a link
/// is ever posted somewhere public.
pub async fn noindex_personal_links(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let personal = PERSONAL_LINK_PREFIXES
        .iter()
        .any(|prefix| req.path().starts_with(prefix));
    let mut response = next.call(req).await?;
    if personal {
        response.headers_mut().insert(
            header::HeaderName::from_static("x-robots-tag"),
            HeaderValue::from_static("noindex, nofollow"),
        );
    }
    Ok(response)
}
