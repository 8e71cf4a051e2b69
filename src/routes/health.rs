//! `GET /healthz`, for load balancers and uptime checks: 200 with
//! `{"status":"ok"}` when the database answers and the background tasks are
//! alive; otherwise 503 with `{"status":"unhealthy","problems":[...]}`, one
//! short sentence per problem.

use std::time::{Duration, Instant};

use actix_web::{get, web, HttpResponse};

use crate::db;
use crate::startup::AppState;

/// How long the database may take to answer before it counts as unreachable.
const DATABASE_WAIT: Duration = Duration::from_secs(2);

#[get("/healthz")]
pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let mut problems = state.health.problems(Instant::now());
    if let Err(e) = db::check(&state.pool, DATABASE_WAIT).await {
        problems.push(format!(
            "the database cannot be reached: {}",
            root_cause(&e)
        ));
    }
    if problems.is_empty() {
        return HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }));
    }
    tracing::error!(?problems, "health check failed");
    HttpResponse::ServiceUnavailable().json(serde_json::json!({
        "status": "unhealthy",
        "problems": problems,
    }))
}

/// The innermost error, which says what actually went wrong.
fn root_cause(error: &anyhow::Error) -> String {
    error.root_cause().to_string()
}
