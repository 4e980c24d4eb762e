//! All SQL about awards.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::awards::{AwardMethod, AwardView};
use crate::db::schema::{awards, badges, organizations, users};
use crate::db::DbConnection;
use crate::ids::{AwardId, BadgeId, CityId, ClaimCodeId, OrgId, UserId};

type AwardRow = (
    i64,
    String,
    i64,
    String,
    String,
    String,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
);

fn to_view(row: AwardRow) -> AwardView {
    let (
        id,
        public_id,
        badge_id,
        badge_slug,
        badge_name,
        badge_description,
        org_id,
        org_slug,
        org_name,
        recipient_id,
        recipient_username,
        recipient_name,
        method,
        awarded_at,
        revoked_at,
        revocation_reason,
    ) = row;
    AwardView {
        id: AwardId(id),
        public_id,
        badge_id: BadgeId(badge_id),
        badge_slug,
        badge_name,
        badge_description,
        org_id: OrgId(org_id),
        org_slug,
        org_name,
        recipient_id: UserId(recipient_id),
        recipient_username,
        recipient_name,
        method,
        awarded_at,
        revoked_at,
        revocation_reason,
    }
}

macro_rules! award_views {
    () => {
        awards::table
            .inner_join(badges::table)
            .inner_join(organizations::table)
            .inner_join(users::table)
            .select((
                awards::id,
                awards::public_id,
                awards::badge_id,
                badges::slug,
                badges::name,
                badges::description,
                awards::org_id,
                organizations::slug,
                organizations::name,
                awards::recipient_id,
                users::username,
                users::display_name,
                awards::method,
                awards::awarded_at,
                awards::revoked_at,
                awards::revocation_reason,
            ))
    };
}

/// A new award, to be inserted in the caller's transaction.
pub struct NewAward {
    pub city: CityId,
    pub org: OrgId,
    pub badge: BadgeId,
    pub recipient: UserId,
    pub method: AwardMethod,
    pub claim_code: Option<ClaimCodeId>,
}

/// Inserts an award and returns its public id. A second award of the same badge to the same
/// youth fails with a unique violation.
pub fn insert(
    conn: &mut DbConnection,
    award: &NewAward,
    now: NaiveDateTime,
) -> QueryResult<String> {
    let public_id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(awards::table)
        .values((
            awards::public_id.eq(&public_id),
            awards::city_id.eq(award.city.0),
            awards::org_id.eq(award.org.0),
            awards::badge_id.eq(award.badge.0),
            awards::recipient_id.eq(award.recipient.0),
            awards::method.eq(award.method.as_str()),
            awards::claim_code_id.eq(award.claim_code.map(|c| c.0)),
            awards::awarded_at.eq(now),
        ))
        .execute(conn)?;
    Ok(public_id)
}

pub fn has_badge(conn: &mut DbConnection, badge: BadgeId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        awards::table
            .filter(awards::badge_id.eq(badge.0))
            .filter(awards::recipient_id.eq(user.0)),
    ))
    .get_result(conn)
}

pub fn find_by_public_id(
    conn: &mut DbConnection,
    city: CityId,
    public_id: &str,
) -> QueryResult<Option<AwardView>> {
    award_views!()
        .filter(awards::city_id.eq(city.0))
        .filter(awards::public_id.eq(public_id))
        .first::<AwardRow>(conn)
        .optional()
        .map(|r| r.map(to_view))
}

/// An award by public id across cities (for the API, which then checks the organization).
pub fn find_any_by_public_id(
    conn: &mut DbConnection,
    public_id: &str,
) -> QueryResult<Option<(CityId, AwardView)>> {
    let city: Option<i64> = awards::table
        .filter(awards::public_id.eq(public_id))
        .select(awards::city_id)
        .first(conn)
        .optional()?;
    match city {
        Some(city) => {
            Ok(find_by_public_id(conn, CityId(city), public_id)?.map(|a| (CityId(city), a)))
        }
        None => Ok(None),
    }
}

/// A youth's badges in a city, newest first.
pub fn list_for_recipient(
    conn: &mut DbConnection,
    city: CityId,
    user: UserId,
) -> QueryResult<Vec<AwardView>> {
    award_views!()
        .filter(awards::city_id.eq(city.0))
        .filter(awards::recipient_id.eq(user.0))
        .order(awards::awarded_at.desc())
        .load::<AwardRow>(conn)
        .map(|rows| rows.into_iter().map(to_view).collect())
}

/// Revokes an award of a city; false when it was already revoked.
pub fn revoke(
    conn: &mut DbConnection,
    city: CityId,
    public_id: &str,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        awards::table
            .filter(awards::city_id.eq(city.0))
            .filter(awards::public_id.eq(public_id))
            .filter(awards::revoked_at.is_null()),
    )
    .set((
        awards::revoked_at.eq(now),
        awards::revocation_reason.eq(reason),
    ))
    .execute(conn)
    .map(|n| n == 1)
}
