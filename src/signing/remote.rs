//! `lanyard signer`: the signing service as its own process. Web servers configured with
//! `signing.mode = "remote"` send it `SignRequest`s over HTTP with the shared secret as a bearer
//! token; only the signer holds the master key.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use chrono::Utc;

use crate::db::Db;
use crate::error::AppError;
use crate::signing::keys::Keyring;
use crate::signing::service::{sign_in_process, SignRequest};
use crate::web::forms::constant_time_eq;

/// The client side, used by web servers in remote mode.
#[derive(Clone)]
pub struct RemoteSigner {
    client: reqwest::Client,
    url: String,
    health_url: String,
    secret: String,
}

/// A signer that does not answer must not hold a request for long: connecting is bounded
/// tightly, a whole signature a little more loosely.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);
const SIGN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

impl RemoteSigner {
    pub fn new(url: &str, secret: &str) -> anyhow::Result<RemoteSigner> {
        if url.is_empty() || secret.len() < 16 {
            anyhow::bail!(
                "remote signing needs LANYARD__SIGNING__SIGNER_URL and a LANYARD__SIGNING__SIGNER_SECRET of 16 characters or more"
            );
        }
        Ok(RemoteSigner {
            client: reqwest::Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(SIGN_TIMEOUT)
                .build()?,
            url: format!("{}/v1/sign", url.trim_end_matches('/')),
            health_url: format!("{}/health", url.trim_end_matches('/')),
            secret: secret.to_string(),
        })
    }

    /// Whether the signer answers its health check promptly; the reason when it does not.
    pub async fn check(&self) -> Result<(), &'static str> {
        match self
            .client
            .get(&self.health_url)
            .timeout(HEALTH_TIMEOUT)
            .send()
            .await
        {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(_) => Err("signer answered with an error"),
            Err(e) if e.is_timeout() => Err("signer did not answer in time"),
            Err(_) => Err("signer unreachable"),
        }
    }

    pub async fn sign(&self, request: &SignRequest) -> Result<serde_json::Value, AppError> {
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(&self.secret)
            .json(request)
            .send()
            .await
            .map_err(|e| AppError::Unavailable(anyhow::anyhow!("signer unreachable: {e}")))?;
        if !response.status().is_success() {
            return Err(AppError::Unavailable(anyhow::anyhow!(
                "signer answered {}",
                response.status()
            )));
        }
        response
            .json()
            .await
            .map_err(|e| AppError::Unavailable(anyhow::anyhow!("signer answer unreadable: {e}")))
    }
}

struct SignerState {
    db: Db,
    keyring: Arc<Keyring>,
    secret: String,
}

async fn sign(
    req: HttpRequest,
    state: web::Data<SignerState>,
    body: web::Json<SignRequest>,
) -> Result<HttpResponse, AppError> {
    let presented = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !constant_time_eq(&state.secret, presented) {
        return Err(AppError::Unauthorized("error.signer_secret"));
    }
    let request = body.into_inner();
    let keyring = state.keyring.clone();
    let signed = state
        .db
        .run(move |conn| sign_in_process(conn, &keyring, &request, Utc::now().naive_utc()))
        .await?;
    Ok(HttpResponse::Ok().json(signed))
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().body("ok")
}

/// Serves the signer until stopped; returns the server and its port.
pub fn serve(
    db: Db,
    keyring: Arc<Keyring>,
    secret: String,
    listener: TcpListener,
) -> anyhow::Result<(actix_web::dev::Server, u16)> {
    if secret.len() < 16 {
        anyhow::bail!("the signer needs LANYARD__SIGNING__SIGNER_SECRET of 16 characters or more");
    }
    let port = listener.local_addr()?.port();
    let state = web::Data::new(SignerState {
        db,
        keyring,
        secret,
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(web::JsonConfig::default().limit(256 * 1024))
            .route("/v1/sign", web::post().to(sign))
            .route("/health", web::get().to(health))
    })
    .listen(listener)?
    .run();
    Ok((server, port))
}
