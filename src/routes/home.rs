use actix_web::http::StatusCode;
use actix_web::{get, HttpResponse};

use crate::domain::{FieldErrors, ProfileForm};
use crate::pages::html;
use crate::pages::signup::SignupPage;

#[get("/")]
#[tracing::instrument(name = "home")]
pub async fn home() -> HttpResponse {
    html(
        StatusCode::OK,
        &SignupPage::new(&ProfileForm::default(), FieldErrors::default()),
    )
}
