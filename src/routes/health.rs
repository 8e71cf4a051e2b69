use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;

use crate::db;
use crate::startup::AppState;

/// For load balancers and uptime checks: 200 when the database answers.
#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let answer = db::run(&state.pool, |conn| Ok(conn.batch_execute("SELECT 1")?)).await;
    match answer {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({ "status": "ok" })),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .json(serde_json::json!({ "status": "database unavailable" }))
        }
    }
}
