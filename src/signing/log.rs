//! The append-only signature log: what was signed, for whom, with which key, when. The database
//! refuses updates and deletes of its rows (triggers in both backends' migrations).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::signature_log;
use crate::db::DbConnection;
use crate::signing::keys::Issuer;

/// One signature, as logged.
pub struct LoggedSignature<'a> {
    pub request_id: &'a str,
    pub issuer: Issuer,
    pub key_number: i32,
    pub subject: &'a str,
    pub recipient: &'a str,
    pub signed_document: &'a str,
}

pub fn append(
    conn: &mut DbConnection,
    entry: &LoggedSignature<'_>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    append_all(conn, &[LogRow::new(entry, now)]).map(|_| ())
}

/// The document signed earlier for `request_id`, if any (requests are idempotent).
pub fn find(conn: &mut DbConnection, request_id: &str) -> QueryResult<Option<String>> {
    signature_log::table
        .filter(signature_log::request_id.eq(request_id))
        .select(signature_log::signed_document)
        .first(conn)
        .optional()
}

/// How many signatures the log holds for a city (for the operator and for tests).
pub fn count(conn: &mut DbConnection, city: crate::ids::CityId) -> QueryResult<i64> {
    signature_log::table
        .filter(signature_log::city_id.eq(city.0))
        .count()
        .get_result(conn)
}

/// A signature for the log, owned, for bulk issuance.
#[derive(diesel::Insertable)]
#[diesel(table_name = signature_log)]
pub struct LogRow {
    pub request_id: String,
    pub city_id: i64,
    pub issuer: String,
    pub key_number: i32,
    pub subject: String,
    pub recipient: String,
    pub digest: String,
    pub signed_document: String,
    pub signed_at: NaiveDateTime,
}

impl LogRow {
    pub fn new(entry: &LoggedSignature<'_>, now: NaiveDateTime) -> LogRow {
        LogRow {
            request_id: entry.request_id.to_string(),
            city_id: entry.issuer.city().0,
            issuer: entry.issuer.tag(),
            key_number: entry.key_number,
            subject: entry.subject.to_string(),
            recipient: entry.recipient.to_string(),
            digest: hex::encode(Sha256::digest(entry.signed_document.as_bytes())),
            signed_document: entry.signed_document.to_string(),
            signed_at: now,
        }
    }
}

/// Appends many signatures in one statement.
pub fn append_all(conn: &mut DbConnection, rows: &[LogRow]) -> QueryResult<usize> {
    crate::insert_all!(conn, signature_log::table, rows)
}
