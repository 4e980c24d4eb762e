//! All SQL of e-mail invitations. Only the SHA-256 of a token is ever stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{email_invitations, users};
use crate::db::DbConnection;
use crate::ids::{CityId, OrgId, UserId};

/// One stored invitation.
#[derive(Clone, Debug, Queryable)]
pub struct InvitationRow {
    pub id: i64,
    pub city_id: i64,
    pub org_id: Option<i64>,
    pub role: String,
    pub email: String,
    pub invited_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
}

type Columns = (
    email_invitations::id,
    email_invitations::city_id,
    email_invitations::org_id,
    email_invitations::role,
    email_invitations::email,
    email_invitations::invited_by,
    email_invitations::created_at,
    email_invitations::expires_at,
    email_invitations::accepted_at,
    email_invitations::withdrawn_at,
);

const COLUMNS: Columns = (
    email_invitations::id,
    email_invitations::city_id,
    email_invitations::org_id,
    email_invitations::role,
    email_invitations::email,
    email_invitations::invited_by,
    email_invitations::created_at,
    email_invitations::expires_at,
    email_invitations::accepted_at,
    email_invitations::withdrawn_at,
);

/// A new invitation, validated by the caller.
pub struct NewInvitation<'a> {
    pub token_hash: &'a str,
    pub city: CityId,
    pub org: Option<OrgId>,
    pub role: &'a str,
    pub email: &'a str,
    pub invited_by: UserId,
    pub expires_at: NaiveDateTime,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewInvitation<'_>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(email_invitations::table)
        .values((
            email_invitations::token_hash.eq(new.token_hash),
            email_invitations::city_id.eq(new.city.0),
            email_invitations::org_id.eq(new.org.map(|o| o.0)),
            email_invitations::role.eq(new.role),
            email_invitations::email.eq(new.email),
            email_invitations::invited_by.eq(Some(new.invited_by.0)),
            email_invitations::created_at.eq(now),
            email_invitations::expires_at.eq(new.expires_at),
        ))
        .returning(email_invitations::id)
        .get_result(conn)
}

pub fn find_by_token_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<InvitationRow>> {
    email_invitations::table
        .filter(email_invitations::token_hash.eq(hash))
        .select(COLUMNS)
        .first(conn)
        .optional()
}

/// The invitation `id` of `city`, if it is one of its invitations.
pub fn find_in_city(
    conn: &mut DbConnection,
    city: CityId,
    id: i64,
) -> QueryResult<Option<InvitationRow>> {
    email_invitations::table
        .filter(email_invitations::city_id.eq(city.0))
        .filter(email_invitations::id.eq(id))
        .select(COLUMNS)
        .first(conn)
        .optional()
}

/// Marks a pending invitation accepted; 0 when someone else used or withdrew it first.
pub fn mark_accepted(
    conn: &mut DbConnection,
    id: i64,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        email_invitations::table
            .filter(email_invitations::id.eq(id))
            .filter(email_invitations::accepted_at.is_null())
            .filter(email_invitations::withdrawn_at.is_null())
            .filter(email_invitations::expires_at.gt(now)),
    )
    .set((
        email_invitations::accepted_at.eq(Some(now)),
        email_invitations::accepted_by.eq(Some(by.0)),
    ))
    .execute(conn)
}

/// Withdraws a pending invitation of `city`; 0 when there is no such pending one.
pub fn mark_withdrawn(
    conn: &mut DbConnection,
    city: CityId,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        email_invitations::table
            .filter(email_invitations::city_id.eq(city.0))
            .filter(email_invitations::id.eq(id))
            .filter(email_invitations::accepted_at.is_null())
            .filter(email_invitations::withdrawn_at.is_null()),
    )
    .set(email_invitations::withdrawn_at.eq(Some(now)))
    .execute(conn)
}

/// Pending (not used, not withdrawn, not expired) invitations of `city` for `org` (`None`: the
/// city's own, i.e. coordinators), newest first.
pub fn pending(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<OrgId>,
    now: NaiveDateTime,
) -> QueryResult<Vec<InvitationRow>> {
    let query = email_invitations::table
        .filter(email_invitations::city_id.eq(city.0))
        .filter(email_invitations::accepted_at.is_null())
        .filter(email_invitations::withdrawn_at.is_null())
        .filter(email_invitations::expires_at.gt(now))
        .order(email_invitations::id.desc())
        .select(COLUMNS)
        .into_boxed();
    match org {
        Some(org) => query.filter(email_invitations::org_id.eq(org.0)).load(conn),
        None => query.filter(email_invitations::org_id.is_null()).load(conn),
    }
}

/// Moves an invitation's expiry (tests use it to make one expire).
pub fn set_expiry(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(email_invitations::table.filter(email_invitations::id.eq(id)))
        .set(email_invitations::expires_at.eq(at))
        .execute(conn)
}

/// The id of the invitation whose e-mail is `email`, newest first (tests use it).
pub fn latest_for_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<i64>> {
    email_invitations::table
        .filter(email_invitations::email.eq(email))
        .order(email_invitations::id.desc())
        .select(email_invitations::id)
        .first(conn)
        .optional()
}

/// The chosen locale of the account with this e-mail, if there is one.
pub fn locale_of_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<String>> {
    users::table
        .filter(users::email.eq(email))
        .select(users::locale)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}
