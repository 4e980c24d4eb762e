//! API bearer tokens: `lyd_` and 43 random characters, stored only as a SHA-256.

use chrono::Utc;
use diesel::Connection;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::db::DbConnection;
use crate::ids::ApiTokenId;
use crate::orgs::{store, Org};
use crate::secrets::{random_token, token_hash};

pub const PREFIX: &str = "lyd_";

/// A new token to show once, and the hash to store.
pub fn generate() -> (String, String) {
    let token = format!("{PREFIX}{}", random_token());
    let hash = token_hash(&token);
    (token, hash)
}

/// Stores a new token of `org` (its hash) and records who made it, in one transaction.
pub fn create(
    conn: &mut DbConnection,
    org: &Org,
    name: &str,
    hash: &str,
    actor: &Actor,
) -> diesel::QueryResult<ApiTokenId> {
    let now = Utc::now().naive_utc();
    conn.transaction(|conn| {
        let id = store::insert_token(conn, org.id, name, hash, now)?;
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(org.city_id),
                org: Some(org.id),
                action: AuditAction::ApiTokenCreated,
                target: format!("{}/{name}", org.slug),
                detail: serde_json::json!({"token_id": id.0, "name": name}),
                at: now,
            },
        )?;
        Ok(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_stored_hashed() {
        let (a, ha) = generate();
        let (b, _) = generate();
        assert!(a.starts_with(PREFIX));
        assert_ne!(a, b);
        assert_eq!(token_hash(&a), ha);
        assert_ne!(ha, a);
    }
}
