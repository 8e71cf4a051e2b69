//! `/learned` and `/learned.atom`: the public learning log (being written).

use actix_web::{get, HttpResponse};

#[get("/learned")]
pub async fn page() -> HttpResponse {
    crate::web::not_found()
}

#[get("/learned.atom")]
pub async fn feed() -> HttpResponse {
    crate::web::not_found()
}
