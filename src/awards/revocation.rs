//! Revoking an award: the one way every surface (award page, partner API) does it, recorded in
//! the audit trail and told to the youth (or their parents) by e-mail in the same transaction.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::awards::issuance::{self, Notice};
use crate::awards::{store, AwardView};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::tenancy::City;

/// Revokes `award` of `city` for `reason`; false (and nothing recorded) when it already was.
pub fn revoke(
    conn: &mut DbConnection,
    city: &City,
    base_url: &str,
    award: &AwardView,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    conn.transaction(|conn| {
        if !store::revoke(conn, city.id, &award.public_id, reason, now)? {
            return Ok(false);
        }
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city.id),
                org: Some(award.org_id),
                action: AuditAction::AwardRevoked,
                target: award.public_id.clone(),
                detail: json!({
                    "badge": award.badge_slug,
                    "recipient": award.recipient_username,
                    "reason": reason,
                }),
                at: now,
            },
        )?;
        if let Some(youth) = crate::auth::store::find_user(conn, award.recipient_id)? {
            let url = format!("{base_url}/c/{}/awards/{}", city.slug, award.public_id);
            issuance::tell(
                conn,
                city,
                &youth,
                &Notice::Revoked {
                    badge_name: &award.badge_name,
                    reason,
                    url: &url,
                },
                now,
            )?;
        }
        Ok(true)
    })
}
