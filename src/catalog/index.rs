//! Keeps the full-text index whole: activities written before the index existed (or by a path
//! that did not call `activities::search::refresh_index`) have an empty `search_text`; this
//! fills it, at start-up and after seeding. The FTS5 triggers and the PostgreSQL generated
//! column follow `search_text` by themselves.

use diesel::prelude::*;

use crate::activities::search::refresh_index;
use crate::db::schema::activities;
use crate::db::DbConnection;
use crate::ids::ActivityId;

/// Fills the search text of every activity that has none; returns how many it filled.
pub fn fill_missing(conn: &mut DbConnection) -> QueryResult<usize> {
    let ids: Vec<i64> = activities::table
        .filter(activities::search_text.eq(""))
        .select(activities::id)
        .load(conn)?;
    conn.transaction(|conn| {
        for id in &ids {
            refresh_index(conn, ActivityId(*id))?;
        }
        Ok(ids.len())
    })
}
