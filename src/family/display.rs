//! Whether a badge of a child under 13 shows on its public page: only once a parent says
//! yes, badge by badge (from 13 the youth's badges show as everyone's do). The credential
//! itself stays verifiable either way: only the page a visitor reads is kept private.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::store as auth_store;
use crate::db::schema::{award_display_approvals, awards};
use crate::db::DbConnection;
use crate::ids::{AwardId, UserId};

/// Whether award `award` of `youth` shows on its public page on `today`.
pub fn is_public(
    conn: &mut DbConnection,
    award: AwardId,
    youth: UserId,
    today: NaiveDate,
) -> QueryResult<bool> {
    if !auth_store::is_under_13(conn, youth, today)? {
        return Ok(true);
    }
    approved(conn, award)
}

/// Whether a parent let award `award` show publicly.
pub fn approved(conn: &mut DbConnection, award: AwardId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        award_display_approvals::table.filter(award_display_approvals::award_id.eq(award.0)),
    ))
    .get_result(conn)
}

/// The awards of `youth` (by id) a parent let show publicly.
pub fn approved_of(conn: &mut DbConnection, youth: UserId) -> QueryResult<Vec<i64>> {
    award_display_approvals::table
        .inner_join(awards::table)
        .filter(awards::recipient_id.eq(youth.0))
        .select(award_display_approvals::award_id)
        .load(conn)
}

/// `parent` lets award `award` of their child show publicly, or keeps it private (the caller
/// has checked that the award is the child's and `parent` their parent).
pub fn set(
    conn: &mut DbConnection,
    award: AwardId,
    parent: UserId,
    public: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::delete(
            award_display_approvals::table.filter(award_display_approvals::award_id.eq(award.0)),
        )
        .execute(conn)?;
        if public {
            diesel::insert_into(award_display_approvals::table)
                .values((
                    award_display_approvals::award_id.eq(award.0),
                    award_display_approvals::approved_by.eq(parent.0),
                    award_display_approvals::approved_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}
