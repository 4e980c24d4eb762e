//! The code a teen (13 or over) shows a parent so that the parent can follow them: eight
//! letters and digits, good for one use and 24 hours; a new code replaces the last. Only its
//! SHA-256 is kept. Wrong codes count against the parent who types them.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::auth::store::{self as auth_store, CityRole};
use crate::auth::{AccountKind, AccountStatus, CurrentUser};
use crate::db::schema::{city_members, link_codes};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{CityId, UserId};
use crate::secrets::token_hash;

/// How long a code works.
pub const VALID_HOURS: i64 = 24;
/// Letters and digits that cannot be misread for one another (no 0/O, 1/I/L).
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A fresh code, `ABCD-EFGH`.
fn generate() -> String {
    let mut rng = rand::thread_rng();
    let chars: String = (0..8)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

/// The code as typed, in the one form that is hashed: upper case, no spaces or dashes.
fn normalized(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Makes a new code for `youth` (the last one stops working) and answers it with its expiry.
pub fn create(
    conn: &mut DbConnection,
    youth: UserId,
    now: NaiveDateTime,
) -> QueryResult<(String, NaiveDateTime)> {
    let code = generate();
    let expires_at = now + Duration::hours(VALID_HOURS);
    conn.transaction(|conn| {
        diesel::delete(
            link_codes::table
                .filter(link_codes::youth_id.eq(youth.0))
                .filter(link_codes::used_at.is_null()),
        )
        .execute(conn)?;
        diesel::insert_into(link_codes::table)
            .values((
                link_codes::youth_id.eq(youth.0),
                link_codes::code_hash.eq(token_hash(&normalized(&code))),
                link_codes::created_at.eq(now),
                link_codes::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        Ok((code, expires_at))
    })
}

/// Why a code did not link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkRefused {
    /// No such code in this city, or it was used or has expired (told apart from nothing, so
    /// that a guess learns nothing).
    Unknown,
    NotAParent,
    AlreadyLinked,
}

impl LinkRefused {
    pub fn message_key(self) -> &'static str {
        match self {
            LinkRefused::Unknown => "flash.link_unknown",
            LinkRefused::NotAParent => "flash.link_not_a_parent",
            LinkRefused::AlreadyLinked => "flash.link_already",
        }
    }
}

/// Links `parent` to the youth of `typed` in `city`; the code is spent.
pub fn redeem(
    conn: &mut DbConnection,
    city: CityId,
    parent: &CurrentUser,
    typed: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<Result<CurrentUser, LinkRefused>, AppError> {
    if parent.kind != AccountKind::Parent {
        return Ok(Err(LinkRefused::NotAParent));
    }
    let hash = token_hash(&normalized(typed));
    conn.transaction(|conn| {
        let row: Option<(i64, i64)> = link_codes::table
            .inner_join(city_members::table.on(city_members::user_id.eq(link_codes::youth_id)))
            .filter(link_codes::code_hash.eq(&hash))
            .filter(link_codes::used_at.is_null())
            .filter(link_codes::expires_at.gt(now))
            .filter(city_members::city_id.eq(city.0))
            .filter(city_members::role.eq(CityRole::Youth.as_str()))
            .select((link_codes::id, link_codes::youth_id))
            .first(conn)
            .optional()?;
        let Some((code, youth)) = row else {
            return Ok(Err(LinkRefused::Unknown));
        };
        let Some(youth) = auth_store::find_user(conn, UserId(youth))? else {
            return Ok(Err(LinkRefused::Unknown));
        };
        if youth.status != AccountStatus::Active {
            return Ok(Err(LinkRefused::Unknown));
        }
        if auth_store::is_parent_of(conn, parent.id, youth.id)? {
            return Ok(Err(LinkRefused::AlreadyLinked));
        }
        // Spent by the first of two racing parents only.
        let spent = diesel::update(
            link_codes::table
                .find(code)
                .filter(link_codes::used_at.is_null()),
        )
        .set((
            link_codes::used_at.eq(now),
            link_codes::used_by.eq(parent.id.0),
        ))
        .execute(conn)?;
        if spent == 0 {
            return Ok(Err(LinkRefused::Unknown));
        }
        auth_store::link_parent(conn, parent.id, youth.id, now)?;
        auth_store::add_city_member(conn, city, parent.id, CityRole::Parent, now)?;
        audit::record(
            conn,
            &AuditEvent {
                actor: &Actor::user(parent, address),
                city: Some(city),
                org: None,
                action: AuditAction::ParentLinked,
                target: youth.username.clone(),
                detail: serde_json::json!({"method": "link_code"}),
                at: now,
            },
        )?;
        Ok(Ok(youth))
    })
}

/// The live code of `youth`, if one was made and not used: only its expiry (the code itself
/// is shown once, when it is made).
pub fn live_until(
    conn: &mut DbConnection,
    youth: UserId,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    link_codes::table
        .filter(link_codes::youth_id.eq(youth.0))
        .filter(link_codes::used_at.is_null())
        .filter(link_codes::expires_at.gt(now))
        .select(link_codes::expires_at)
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_readable_and_typed_forms_agree() {
        let code = generate();
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert!(code
            .chars()
            .filter(|c| *c != '-')
            .all(|c| ALPHABET.contains(&(c as u8))));
        assert_eq!(normalized(" abcd-efgh "), "ABCDEFGH");
        assert_eq!(normalized("ABCD EFGH"), normalized("abcd-efgh"));
    }
}
