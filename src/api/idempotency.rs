//! `Idempotency-Key` on `POST /api/v1/orgs/{org}/awards`: a partner that retries a request
//! (after a timeout, say) with the same key and body gets the first answer again, the same
//! award, instead of a second award or a conflict. A key is the organization's own: another
//! organization may use the same text. The same key with another body is refused (422).

use actix_web::HttpRequest;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::idempotency_keys;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::OrgId;

pub const HEADER: &str = "Idempotency-Key";

/// The longest key accepted.
pub const MAX_LEN: usize = 255;

/// The request's key, if it sent one: 1 to 255 visible ASCII characters (400 otherwise).
pub fn key_of(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let invalid = || AppError::BadRequest("error.idempotency_key_invalid");
    let text = value.to_str().map_err(|_| invalid())?.trim();
    if text.is_empty() || text.len() > MAX_LEN || !text.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid());
    }
    Ok(Some(text.to_string()))
}

/// A digest of the request body, to tell a true repeat from a reused key.
pub fn digest(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// What an organization's key has done before.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// Never used.
    New,
    /// Used for the same request: the award it made.
    Repeat(String),
    /// Used for another request.
    OtherRequest,
}

pub fn seen(
    conn: &mut DbConnection,
    org: OrgId,
    key: &str,
    request_digest: &str,
) -> QueryResult<Seen> {
    let row: Option<(String, String)> = idempotency_keys::table
        .filter(idempotency_keys::org_id.eq(org.0))
        .filter(idempotency_keys::key.eq(key))
        .select((
            idempotency_keys::request_digest,
            idempotency_keys::award_public_id,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => Seen::New,
        Some((digest, award)) if digest == request_digest => Seen::Repeat(award),
        Some(_) => Seen::OtherRequest,
    })
}

/// Records that `key` made `award`; written in the award's transaction, so that a key never
/// names an award that was not made. Two requests racing with one key: the second fails on
/// the unique `(org_id, key)` (or on the award's own uniqueness) and is answered as a repeat.
pub fn remember(
    conn: &mut DbConnection,
    org: OrgId,
    key: &str,
    request_digest: &str,
    award: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::org_id.eq(org.0),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_digest.eq(request_digest),
            idempotency_keys::award_public_id.eq(award),
            idempotency_keys::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}
