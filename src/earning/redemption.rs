//! A claim-code redemption and its record in the audit trail, as one transaction.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::db::DbConnection;
use crate::earning::store::{self, RedeemError, Redeemed};
use crate::ids::{CityId, UserId};

/// Redeems `code` for `youth` ([`store::redeem`]) and records the award it made.
pub fn redeem(
    conn: &mut DbConnection,
    city: CityId,
    code: &str,
    youth: UserId,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<Redeemed, RedeemError> {
    conn.transaction(|conn| {
        let redeemed = store::redeem(conn, city, code, youth, now)?;
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(city),
                org: None,
                action: AuditAction::AwardIssued,
                target: redeemed.award_public_id.clone(),
                detail: json!({
                    "badge": redeemed.badge_slug,
                    "recipient": actor.name,
                    "method": crate::awards::AwardMethod::ClaimCode.as_str(),
                }),
                at: now,
            },
        )?;
        Ok(redeemed)
    })
}
