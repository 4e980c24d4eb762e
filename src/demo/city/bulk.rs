//! Bulk writing for the city-scale demo: multi-row INSERTs sized to each backend's limit on
//! bound values, rows with ids chosen here (so nothing is read back), and the session settings
//! that make a load of a million rows take seconds rather than minutes.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::schema::{
    activities, activity_badges, awards, badges, city_members, organizations, users,
};
use crate::db::{timing, DbConnection};

/// The tables this module writes with ids of its own.
pub const TABLES: [&str; 7] = [
    "users",
    "city_members",
    "organizations",
    "activities",
    "badges",
    "activity_badges",
    "awards",
];

#[derive(Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct UserRow<'a> {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: &'a str,
    pub kind: &'static str,
    pub birth_date: Option<NaiveDate>,
    pub status: &'static str,
    pub locale: Option<&'static str>,
    pub created_at: NaiveDateTime,
    pub recipient_identifier: Option<String>,
    pub neighborhood_id: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = city_members)]
pub struct MemberRow {
    pub id: i64,
    pub city_id: i64,
    pub user_id: i64,
    pub role: &'static str,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = organizations, treat_none_as_default_value = false)]
pub struct OrgRow<'a> {
    pub id: i64,
    pub city_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub created_at: NaiveDateTime,
    pub next_status_index: i64,
    pub kind: &'static str,
    pub address: &'a str,
    pub neighborhood_id: Option<i64>,
    pub contact_email: String,
    pub status: &'static str,
    pub decided_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = activities, treat_none_as_default_value = false)]
pub struct ActivityRow<'a> {
    pub id: i64,
    pub city_id: i64,
    pub org_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub category_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub weekdays: i32,
    pub time_from: &'a str,
    pub time_to: &'a str,
    pub online: bool,
    pub cost_cents: i32,
    pub capacity: Option<i32>,
    pub languages: &'static str,
    pub status: &'static str,
    pub original_locale: &'static str,
    pub search_text: &'a str,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = badges, treat_none_as_default_value = false)]
pub struct BadgeRow<'a> {
    pub id: i64,
    pub city_id: i64,
    pub org_id: i64,
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub image_mime: &'a str,
    pub image_data: &'a [u8],
    pub created_at: NaiveDateTime,
    pub earned_by: &'static str,
    pub tags: &'a str,
    pub version: i32,
}

#[derive(Insertable)]
#[diesel(table_name = activity_badges)]
pub struct ActivityBadgeRow {
    pub id: i64,
    pub activity_id: i64,
    pub badge_id: i64,
}

#[derive(Insertable)]
#[diesel(table_name = awards, treat_none_as_default_value = false)]
pub struct AwardRow {
    pub id: i64,
    pub public_id: String,
    pub city_id: i64,
    pub org_id: i64,
    pub badge_id: i64,
    pub recipient_id: i64,
    pub method: &'static str,
    pub awarded_at: NaiveDateTime,
    pub salt: Option<String>,
    pub status_index: Option<i64>,
    pub revoked_at: Option<NaiveDateTime>,
    pub revocation_reason: Option<&'static str>,
    pub recipient_identifier: Option<String>,
    pub badge_version: Option<i32>,
}

/// How many rows of `columns` values one INSERT may carry on this backend (SQLite binds at
/// most 32,766 values per statement, PostgreSQL 65,535), at most 5,000.
pub fn rows_per_insert(conn: &DbConnection, columns: usize) -> usize {
    let limit = match conn {
        DbConnection::Sqlite(_) => 32_766,
        DbConnection::Postgresql(_) => 65_535,
    };
    (limit / columns.max(1)).clamp(1, 5_000)
}

#[derive(QueryableByName)]
struct MaxId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The highest id of `table` (one of [`TABLES`]), 0 when empty: the rows written here take the
/// ids after it.
pub fn max_id(conn: &mut DbConnection, table: &str) -> QueryResult<i64> {
    debug_assert!(TABLES.contains(&table));
    diesel::sql_query(format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}"))
        .get_result::<MaxId>(conn)
        .map(|row| row.id)
}

/// Moves PostgreSQL's id sequences past the ids written here (SQLite's AUTOINCREMENT follows
/// explicit ids by itself).
pub fn advance_sequences(conn: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Postgresql(_) = conn {
        for table in TABLES {
            conn.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))?;
        }
    }
    Ok(())
}

/// Session settings for the load: on SQLite no fsync per commit and a large page cache (a crash
/// mid-load only loses a demo that is re-created on the next start); its statements logged as
/// slow only from [`timing::BULK`]. Undone by [`finish`], since the connection goes back to
/// the pool.
pub fn prepare(conn: &mut DbConnection) -> QueryResult<()> {
    timing::set_slow(conn, timing::BULK);
    match conn {
        DbConnection::Sqlite(_) => {
            conn.batch_execute("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144;")
        }
        DbConnection::Postgresql(_) => conn.batch_execute("SET synchronous_commit = off"),
    }
}

/// Restores the pool's settings and gathers the planner's statistics on what was loaded
/// (on PostgreSQL, vacuums too).
pub fn finish(conn: &mut DbConnection) -> QueryResult<()> {
    let done = match conn {
        DbConnection::Sqlite(_) => conn.batch_execute(
            "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2000; ANALYZE; \
             PRAGMA wal_checkpoint(TRUNCATE);",
        ),
        // VACUUM (not in a transaction, so a statement of its own) also marks the pages
        // all-visible, so that counts can read the indexes alone from the first request on.
        DbConnection::Postgresql(_) => conn
            .batch_execute("SET synchronous_commit = on")
            .and_then(|_| conn.batch_execute("VACUUM ANALYZE")),
    };
    timing::set_slow(conn, timing::SLOW);
    done
}
