//! "Download my data" (`/me/{token}/data.json`): everything stored about the
//! link's holder, as a JSON file.

use actix_web::http::header::{
    CacheControl, CacheDirective, ContentDisposition, DispositionParam, DispositionType,
};
use actix_web::{get, web, HttpResponse};

use crate::db;
use crate::pages::secret_link::ManageLink;
use crate::pages::PageError;
use crate::services::my_data;
use crate::startup::AppState;

#[get("/me/{token}/data.json")]
#[tracing::instrument(name = "my_data", skip_all)]
pub async fn download(
    link: ManageLink,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let id = link.holder.id;
    let now = state.clock.now();
    let data = db::run(&state.pool, move |conn| my_data::collect(conn, id, now))
        .await?
        .ok_or_else(|| anyhow::anyhow!("a manage link's holder vanished"))?;
    let json = serde_json::to_string_pretty(&data).map_err(anyhow::Error::from)?;
    tracing::info!(participant_id = id, "downloaded their data");
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(
                "unmentoring-my-data.json".into(),
            )],
        })
        .insert_header(CacheControl(vec![CacheDirective::NoStore]))
        .body(json))
}
