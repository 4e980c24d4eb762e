//! `SigningService`: signs a document for an issuer, in-process or through `lanyard signer`.

use std::sync::Arc;

use chrono::{NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::db::{is_unique_violation, Db, DbConnection};
use crate::error::AppError;
use crate::ids::{CityId, OrgId};
use crate::signing::keys::{Issuer, Keyring};
use crate::signing::log::{self, LoggedSignature};
use crate::signing::remote::RemoteSigner;

/// What to sign. `request_id` makes the request idempotent: asking again returns the same
/// signed document (an award's credential is requested as `award:{id}`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SignRequest {
    pub request_id: String,
    pub city: i64,
    /// The organization, or none for the city's own issuer profile.
    pub org: Option<i64>,
    /// The issuer's id (URL): the verification method is `{issuer_id}#key-N`.
    pub issuer_id: String,
    /// What is signed, for the log (`credential:{award}`, `status-list:{n}`).
    pub subject: String,
    /// For whom, for the log (an award id or `public`); never a name.
    pub recipient: String,
    pub document: Value,
}

impl SignRequest {
    pub fn issuer(&self) -> Issuer {
        match self.org {
            Some(org) => Issuer::Org(CityId(self.city), OrgId(org)),
            None => Issuer::City(CityId(self.city)),
        }
    }
}

#[derive(Clone)]
pub enum SigningService {
    InProcess(Arc<Keyring>),
    Remote(RemoteSigner),
}

impl SigningService {
    pub async fn sign(&self, db: &Db, request: SignRequest) -> Result<Value, AppError> {
        match self {
            SigningService::InProcess(keyring) => {
                let keyring = keyring.clone();
                db.run(move |conn| {
                    sign_in_process(conn, &keyring, &request, Utc::now().naive_utc())
                })
                .await
            }
            SigningService::Remote(remote) => remote.sign(&request).await,
        }
    }
}

/// Signs with the issuer's current key and logs it, unless `request_id` was signed before.
pub fn sign_in_process(
    conn: &mut DbConnection,
    keyring: &Keyring,
    request: &SignRequest,
    now: NaiveDateTime,
) -> Result<Value, AppError> {
    if let Some(earlier) = log::find(conn, &request.request_id)? {
        return serde_json::from_str(&earlier).map_err(|e| AppError::Internal(e.into()));
    }
    let issuer = request.issuer();
    let (key_number, key) = keyring
        .current_key(conn, issuer, now)
        .map_err(AppError::Internal)?;
    let method = format!("{}#key-{key_number}", request.issuer_id);
    let signed = crate::credentials::proof::sign(&request.document, &key, &method, now.and_utc())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("signing failed: {e}")))?;
    let text = signed.to_string();
    let logged = log::append(
        conn,
        &LoggedSignature {
            request_id: &request.request_id,
            issuer,
            key_number,
            subject: &request.subject,
            recipient: &request.recipient,
            signed_document: &text,
        },
        now,
    );
    match logged {
        Ok(()) => Ok(signed),
        // The same request signed concurrently: answer what the other one logged.
        Err(e) if is_unique_violation(&e) => {
            let earlier = log::find(conn, &request.request_id)?.ok_or(AppError::NotFound)?;
            serde_json::from_str(&earlier).map_err(|e| AppError::Internal(e.into()))
        }
        Err(e) => Err(e.into()),
    }
}
