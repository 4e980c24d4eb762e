//! Revoking an award: the one way every surface (award page, partner API) does it, recorded in
//! the audit trail in the same transaction.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::awards::{store, AwardView};
use crate::db::DbConnection;
use crate::ids::CityId;

/// Revokes `award` of `city` for `reason`; false (and nothing recorded) when it already was.
pub fn revoke(
    conn: &mut DbConnection,
    city: CityId,
    award: &AwardView,
    reason: &str,
    actor: &Actor,
    now: NaiveDateTime,
) -> diesel::QueryResult<bool> {
    conn.transaction(|conn| {
        if !store::revoke(conn, city, &award.public_id, reason, now)? {
            return Ok(false);
        }
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city),
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
        Ok(true)
    })
}
