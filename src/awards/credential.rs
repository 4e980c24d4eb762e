//! The signed Open Badges 3.0 credential of an award: built from the award, signed once through
//! the signing service (idempotent by award id) and kept with the award. Awards made before
//! the signing service existed are signed on first request.

use chrono::Utc;
use serde_json::Value;

use crate::awards::store::{self, CredentialSource};
use crate::db::Db;
use crate::error::AppError;
use crate::signing::ob3::{self, CredentialInput, Urls};
use crate::signing::service::SignRequest;
use crate::signing::service::SigningService;
use crate::state::AppState;
use crate::tenancy::City;

/// The unsigned credential of an award.
pub fn unsigned(base: &str, city: &City, source: &CredentialSource) -> Value {
    let urls = Urls {
        base,
        city: &city.slug,
    };
    let issuer_url = if source.org_website.is_empty() {
        format!("{base}/c/{}", city.slug)
    } else {
        source.org_website.clone()
    };
    let recipient = source.recipient.identifier(&city.slug);
    let evidence = source.evidence.as_ref().map(|e| absolute_ids(base, e));
    ob3::credential(&CredentialInput {
        urls,
        award_id: &source.public_id,
        issuer_org: &source.org_slug,
        issuer_is_city: source.org_is_city,
        issuer_name: &source.org_name,
        issuer_url: &issuer_url,
        badge_slug: &source.badge_slug,
        badge_name: &source.badge_name,
        badge_description: &source.badge_description,
        criteria: &source.criteria,
        badge_version: source.badge_version,
        tags: &source.badge.tags,
        alignments: &source.badge.alignments,
        achievement_type: source.badge.badge_type().achievement_type(),
        recipient: &recipient,
        salt: &source.salt,
        awarded_at: source.awarded_at,
        valid_until: source
            .valid_days
            .map(|days| source.awarded_at + chrono::Duration::days(i64::from(days))),
        evidence: evidence.as_ref(),
        status_index: source.status_index,
    })
}

/// `evidence` with each `id` that is a path of this site made absolute under `base`.
fn absolute_ids(base: &str, evidence: &Value) -> Value {
    let mut evidence = evidence.clone();
    if let Some(items) = evidence.as_array_mut() {
        for item in items {
            if let Some(path) = item.get("id").and_then(Value::as_str) {
                if path.starts_with('/') {
                    item["id"] = Value::String(format!("{base}{path}"));
                }
            }
        }
    }
    evidence
}

/// The award's signed credential (signing and storing it the first time), with its source.
pub async fn ensure(
    state: &AppState,
    base: &str,
    city: &City,
    public_id: &str,
) -> Result<(Value, CredentialSource), AppError> {
    ensure_with(&state.db, &state.signer, base, city, public_id).await
}

/// [`ensure`] with the database and signing service given (the command line has no state).
pub async fn ensure_with(
    db: &Db,
    signer: &SigningService,
    base: &str,
    city: &City,
    public_id: &str,
) -> Result<(Value, CredentialSource), AppError> {
    let city_id = city.id;
    let id = public_id.to_string();
    let source = db
        .run(move |conn| store::credential_source(conn, city_id, &id)?.ok_or(AppError::NotFound))
        .await?;
    if let Some(text) = &source.credential {
        let credential = serde_json::from_str(text).map_err(|e| AppError::Internal(e.into()))?;
        return Ok((credential, source));
    }
    let document = unsigned(base, city, &source);
    let urls = Urls {
        base,
        city: &city.slug,
    };
    let signed = signer
        .sign(
            db,
            SignRequest {
                request_id: format!("award:{}", source.public_id),
                city: city.id.0,
                // The city's own badges are signed with the city's key, under its issuer id.
                org: (!source.org_is_city).then_some(source.org_id.0),
                issuer_id: urls.issuer((!source.org_is_city).then_some(source.org_slug.as_str())),
                subject: format!("credential:{}", source.public_id),
                recipient: source.public_id.clone(),
                document,
            },
        )
        .await?;
    let text = signed.to_string();
    let award = source.id;
    let stored = db
        .run(move |conn| Ok(store::store_credential(conn, award, &text)?))
        .await?;
    if stored {
        tracing::info!(award.public_id = %source.public_id, at = %Utc::now(), "credential signed");
        return Ok((signed, source));
    }
    // Signed concurrently by another request: the stored one is the same document.
    let city_id = city.id;
    let id = public_id.to_string();
    let source = db
        .run(move |conn| store::credential_source(conn, city_id, &id)?.ok_or(AppError::NotFound))
        .await?;
    let text = source.credential.clone().unwrap_or_default();
    let credential = serde_json::from_str(&text).map_err(|e| AppError::Internal(e.into()))?;
    Ok((credential, source))
}
