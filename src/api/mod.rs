//! The JSON API for partner systems, under `/api/v1`: organization bearer tokens, problem
//! documents (RFC 9457) for every error, and an OpenAPI 3 description.

pub mod handlers;
pub mod idempotency;

use actix_web::{web, FromRequest, HttpRequest};
use chrono::Utc;
use futures_util::future::LocalBoxFuture;

use crate::error::AppError;
use crate::orgs::{self, tokens, Org};
use crate::state::AppState;

/// JSON bodies that cannot be read become a 400 problem document.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(64 * 1024)
        .error_handler(|_, _| AppError::BadRequest("error.json_malformed").into())
}

/// The organization whose bearer token authorized the request, and the token's name.
pub struct ApiOrg(pub Org, pub String);

impl FromRequest for ApiOrg {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_string());
        Box::pin(async move {
            let state = state.ok_or(AppError::NotFound)?;
            let token = token
                .filter(|t| t.starts_with(tokens::PREFIX))
                .ok_or(AppError::Unauthorized("error.api_token"))?;
            let hash = crate::secrets::token_hash(&token);
            state
                .db
                .run(move |conn| {
                    Ok(orgs::store::org_of_token(
                        conn,
                        &hash,
                        Utc::now().naive_utc(),
                    )?)
                })
                .await?
                .map(|(org, token_name)| ApiOrg(org, token_name))
                .ok_or(AppError::Unauthorized("error.api_token"))
        })
    }
}
