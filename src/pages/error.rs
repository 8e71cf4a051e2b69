//! The one error of public pages: something failed on our side.

use actix_web::{HttpResponse, ResponseError};

/// An unexpected failure behind a public page. It is logged inside the span
/// it happened in (the handler's, and the request's with its route pattern)
/// and answered with the "problem with the service" page.
pub struct PageError {
    error: anyhow::Error,
    /// Where the error happened: actix renders it after the handler returned,
    /// outside the handler's span.
    span: tracing::Span,
}

impl From<anyhow::Error> for PageError {
    fn from(error: anyhow::Error) -> Self {
        Self {
            error,
            span: tracing::Span::current(),
        }
    }
}

impl std::fmt::Debug for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PageError({:#})", self.error)
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl ResponseError for PageError {
    fn error_response(&self) -> HttpResponse {
        self.span.in_scope(|| {
            tracing::error!(error = %format!("{:#}", self.error), "page failed");
        });
        super::server_error()
    }
}
