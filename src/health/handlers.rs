//! `GET /healthz` and `GET /readyz`, public and free of secrets.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::state::AppState;

/// The process is alive: no database, no Redis, nothing but an answer.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("ok")
}

/// Whether this instance should receive traffic, and what is degraded.
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let readiness = super::readiness(&state).await;
    let status = if readiness.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let mut response = HttpResponse::build(status)
        .insert_header(("Cache-Control", "no-store"))
        .json(readiness);
    // The JSON is the answer, 503 included: no error page over it.
    response.extensions_mut().insert(crate::web::Rendered);
    response
}
