//! Deleting an account, all at once: its awards revoked or kept as the holder chose, what it
//! holds of its person erased (see `account::store::erase`), its sessions ended and the
//! deletion recorded in the audit trail, which names no one.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::account::store;
use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::CurrentUser;
use crate::db::DbConnection;
use crate::error::AppError;

/// What happens to the credentials issued to the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialChoice {
    /// Revoked: they stop verifying, with the reason that the holder deleted the account.
    Revoke,
    /// Kept: copies the holder saved stay valid; the hosted pages show nothing personal.
    Keep,
}

impl CredentialChoice {
    pub fn parse(s: &str) -> Option<CredentialChoice> {
        match s {
            "revoke" => Some(CredentialChoice::Revoke),
            "keep" => Some(CredentialChoice::Keep),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CredentialChoice::Revoke => "revoke",
            CredentialChoice::Keep => "keep",
        }
    }
}

/// Who asked for the deletion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeletedBy {
    Holder,
    Parent,
}

/// Why an account may not be deleted yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The platform's operator account.
    Operator,
    /// The only admin of these organizations.
    SoleAdmin(Vec<String>),
    /// The only coordinator of these cities.
    SoleCoordinator(Vec<String>),
}

/// What stands in the way of deleting `user`, if anything.
pub fn refusal(conn: &mut DbConnection, user: &CurrentUser) -> Result<Option<Refusal>, AppError> {
    if user.is_operator {
        return Ok(Some(Refusal::Operator));
    }
    let orgs = store::sole_admin_of(conn, user.id)?;
    if !orgs.is_empty() {
        return Ok(Some(Refusal::SoleAdmin(orgs)));
    }
    let cities = store::sole_coordinator_of(conn, user.id)?;
    if !cities.is_empty() {
        return Ok(Some(Refusal::SoleCoordinator(cities)));
    }
    Ok(None)
}

/// What a deletion did.
#[derive(Clone, Debug)]
pub struct Deleted {
    pub revoked: usize,
    /// Files of submissions to remove from storage, now that the rows are gone.
    pub evidence_keys: Vec<String>,
}

/// A meaningless name for what remains of a deleted account (unique: 64 random bits).
pub fn tombstone_name() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("deleted-{}", &id[..16])
}

/// A deletion as asked: whose account, what happens to its credentials, who asked (the
/// holder or a parent) and from which city's pages (its trail records it).
pub struct Deletion<'a> {
    pub user: &'a CurrentUser,
    pub choice: CredentialChoice,
    pub by: DeletedBy,
    pub actor: &'a Actor,
    pub asked_in: crate::ids::CityId,
    pub now: NaiveDateTime,
}

/// Deletes the account of `deletion` in one transaction, or refuses (nothing changed); a
/// revoked award gives its reason in its city's first language.
pub fn delete(
    conn: &mut DbConnection,
    deletion: &Deletion<'_>,
) -> Result<Result<Deleted, Refusal>, AppError> {
    let Deletion {
        user,
        choice,
        by,
        actor,
        asked_in,
        now,
    } = *deletion;
    conn.transaction(|conn| {
        if let Some(refused) = refusal(conn, user)? {
            return Ok(Err(refused));
        }
        let (email, _) = crate::auth::store::email_of(conn, user.id)?;
        let mut revoked = 0;
        if choice == CredentialChoice::Revoke {
            let mut cities = std::collections::HashMap::new();
            for (city_id, public_id) in store::live_awards_of(conn, user.id)? {
                let city = match cities.get(&city_id) {
                    Some(city) => city,
                    None => {
                        let city = crate::tenancy::store::find(conn, city_id)?;
                        cities.entry(city_id).or_insert(city)
                    }
                };
                if crate::awards::store::revoke(
                    conn,
                    city_id,
                    &public_id,
                    &crate::i18n::t(city.locale_for(None), "delete.revocation_reason"),
                    now,
                )? {
                    revoked += 1;
                }
            }
        }
        store::pin_legacy_identifiers(conn, user.id, &user.username)?;
        let evidence_keys = store::evidence_keys_of(conn, user.id)?;
        let tombstone = tombstone_name();
        store::erase(conn, user.id, &tombstone, email.as_deref())?;
        // The holder acting on themself is named by what remains of the account; a parent by
        // their own name, as every action of theirs is.
        let named = match by {
            DeletedBy::Holder => Actor {
                user: Some(user.id),
                name: tombstone.clone(),
                address: actor.address.clone(),
            },
            DeletedBy::Parent => actor.clone(),
        };
        audit::record(
            conn,
            &AuditEvent {
                actor: &named,
                city: Some(asked_in),
                org: None,
                action: AuditAction::AccountDeleted,
                target: format!("user:{}", user.id),
                detail: json!({
                    "by": match by { DeletedBy::Holder => "holder", DeletedBy::Parent => "parent" },
                    "credentials": choice.as_str(),
                    "revoked": revoked,
                }),
                at: now,
            },
        )?;
        Ok(Ok(Deleted {
            revoked,
            evidence_keys,
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_reads_back_and_nothing_else_is_a_choice() {
        for choice in [CredentialChoice::Revoke, CredentialChoice::Keep] {
            assert_eq!(CredentialChoice::parse(choice.as_str()), Some(choice));
        }
        assert_eq!(CredentialChoice::parse(""), None);
        assert_eq!(CredentialChoice::parse("both"), None);
    }

    #[test]
    fn tombstone_names_say_nothing_and_differ() {
        let (a, b) = (tombstone_name(), tombstone_name());
        assert_ne!(a, b);
        assert!(a.starts_with("deleted-") && a.len() == 24, "{a}");
    }
}
