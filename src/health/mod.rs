//! Liveness and readiness: `/healthz` says the process answers (no I/O at all); `/readyz` says
//! whether each dependency (database, Redis, signer, mail delivery) is ok, degraded or down, with a short
//! reason fit for a load balancer's eyes (never an address or a secret). Only a database that
//! does not answer makes the instance unready: without Redis the app degrades, it does not stop.

pub mod handlers;
pub mod store;

use serde::Serialize;

use crate::kv::KvHealth;
use crate::signing::service::SigningService;
use crate::state::AppState;

/// The state of one dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Degraded,
    Down,
}

#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub status: Status,
    pub reason: &'static str,
}

impl Check {
    fn new(status: Status, reason: &'static str) -> Check {
        Check { status, reason }
    }
}

/// What `/readyz` answers.
#[derive(Clone, Debug, Serialize)]
pub struct Readiness {
    pub status: Status,
    pub database: Check,
    pub redis: Check,
    pub signer: Check,
    pub mail: Check,
}

impl Readiness {
    /// Ready while the database answers, whatever else is degraded.
    pub fn is_ready(&self) -> bool {
        self.database.status == Status::Ok
    }
}

/// Checks every dependency, each within its own short bound.
pub async fn readiness(state: &AppState) -> Readiness {
    let (database, signer, mail) = futures_util::future::join3(
        database_check(state),
        signer_check(state),
        mail_check(state),
    )
    .await;
    let redis = redis_check(state);
    let status = if database.status != Status::Ok {
        Status::Down
    } else if redis.status != Status::Ok || signer.status != Status::Ok || mail.status != Status::Ok
    {
        Status::Degraded
    } else {
        Status::Ok
    };
    Readiness {
        status,
        database,
        redis,
        signer,
        mail,
    }
}

async fn database_check(state: &AppState) -> Check {
    match state.db.run(store::ping).await {
        Ok(()) => Check::new(Status::Ok, "answered"),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the database does not answer");
            Check::new(Status::Down, "no answer from the database")
        }
    }
}

fn redis_check(state: &AppState) -> Check {
    match state.kv.as_ref().map(|kv| kv.health()) {
        None => Check::new(Status::Ok, "not configured; sessions in the database"),
        Some(KvHealth::Up) => Check::new(Status::Ok, "connected"),
        Some(KvHealth::Down(reason)) => Check::new(Status::Degraded, reason),
    }
}

async fn signer_check(state: &AppState) -> Check {
    match &state.signer {
        SigningService::InProcess(_) => Check::new(Status::Ok, "in-process"),
        // Without its signer an instance still serves every page; new awards wait unsigned.
        SigningService::Remote(remote) => match remote.check().await {
            Ok(()) => Check::new(Status::Ok, "remote signer answered"),
            Err(reason) => Check::new(Status::Degraded, reason),
        },
    }
}

/// Read from the outbox, so that every instance tells the same story whichever process delivers:
/// a message waiting after a failed attempt means delivery is failing.
async fn mail_check(state: &AppState) -> Check {
    if !state.settings.mail.uses_smtp() {
        return Check::new(
            Status::Ok,
            "no SMTP configured; mail kept for the mail viewer",
        );
    }
    match state
        .db
        .run(|conn| Ok(crate::notify::store::delivery_failing(conn)?))
        .await
    {
        Ok(false) => Check::new(Status::Ok, "delivering"),
        Ok(true) => Check::new(
            Status::Degraded,
            "delivery failing; messages wait to be retried",
        ),
        Err(_) => Check::new(Status::Degraded, "unknown without the database"),
    }
}
