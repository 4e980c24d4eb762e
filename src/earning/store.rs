//! All SQL about claim codes, and redemption as one transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::Actor;
use crate::awards::issuance::{self, Issue, IssueError};
use crate::awards::AwardMethod;
use crate::db::schema::{badges, claim_codes};
use crate::db::{is_unique_violation, DbConnection};
use crate::ids::{BadgeId, CityId, ClaimCodeId, OrgId, UserId};
use crate::tenancy::City;

/// Makes `count` new codes for a badge, in one transaction; returns them.
pub fn generate(
    conn: &mut DbConnection,
    city: CityId,
    badge: BadgeId,
    created_by: UserId,
    count: usize,
    now: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    conn.transaction(|conn| {
        let mut made = Vec::with_capacity(count);
        while made.len() < count {
            let code = super::codes::generate();
            // In a savepoint: on PostgreSQL a failed insert would abort the whole batch.
            let inserted = conn.transaction(|conn| {
                diesel::insert_into(claim_codes::table)
                    .values((
                        claim_codes::city_id.eq(city.0),
                        claim_codes::badge_id.eq(badge.0),
                        claim_codes::code.eq(&code),
                        claim_codes::created_by.eq(created_by.0),
                        claim_codes::created_at.eq(now),
                    ))
                    .execute(conn)
            });
            match inserted {
                Ok(_) => made.push(code),
                // A collision with an existing code: draw again.
                Err(e) if is_unique_violation(&e) => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(made)
    })
}

/// The codes of a badge: (code, redeemed?), unused first.
pub fn list_for_badge(conn: &mut DbConnection, badge: BadgeId) -> QueryResult<Vec<(String, bool)>> {
    let rows: Vec<(String, Option<i64>)> = claim_codes::table
        .filter(claim_codes::badge_id.eq(badge.0))
        .order((claim_codes::redeemed_at.asc(), claim_codes::id.asc()))
        .select((claim_codes::code, claim_codes::redeemed_by))
        .load(conn)?;
    let mut codes: Vec<(String, bool)> = rows.into_iter().map(|(c, r)| (c, r.is_some())).collect();
    codes.sort_by_key(|(_, used)| *used);
    Ok(codes)
}

/// Why a code could not be redeemed.
#[derive(Debug)]
pub enum RedeemError {
    Unknown,
    AlreadyUsed,
    AlreadyEarned,
    /// Not an active youth of the city (a parent's consent is awaited).
    NotEligible,
    Database(diesel::result::Error),
    Failed(crate::error::AppError),
}

impl From<IssueError> for RedeemError {
    fn from(e: IssueError) -> Self {
        match e {
            IssueError::AlreadyHeld => RedeemError::AlreadyEarned,
            IssueError::NotEligible => RedeemError::NotEligible,
            // A code's badge is always its city's and organization's.
            IssueError::UnknownBadge => RedeemError::Unknown,
            IssueError::Database(e) => RedeemError::Database(e),
            IssueError::Mail(e) => RedeemError::Failed(e),
        }
    }
}

impl From<diesel::result::Error> for RedeemError {
    fn from(e: diesel::result::Error) -> Self {
        RedeemError::Database(e)
    }
}

/// A redeemed code's badge: (slug, name, award public id).
pub struct Redeemed {
    pub badge_slug: String,
    pub badge_name: String,
    pub award_public_id: String,
}

/// Marks the code used and awards its badge through [`issuance::issue`], all or nothing. The
/// write comes first so that two youth racing for one code cannot both win; one youth redeeming
/// two codes of one badge at once gets it once (the other answers `AlreadyEarned`, its code
/// left unused).
pub fn redeem(
    conn: &mut DbConnection,
    city: &City,
    code: &str,
    youth: UserId,
    actor: &Actor,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Redeemed, RedeemError> {
    let city_row = city;
    let city = city.id;
    conn.transaction(|conn| {
        let claimed = diesel::update(
            claim_codes::table
                .filter(claim_codes::city_id.eq(city.0))
                .filter(claim_codes::code.eq(code))
                .filter(claim_codes::redeemed_by.is_null()),
        )
        .set((
            claim_codes::redeemed_by.eq(youth.0),
            claim_codes::redeemed_at.eq(now),
        ))
        .execute(conn)?;
        if claimed == 0 {
            let exists: bool = diesel::select(diesel::dsl::exists(
                claim_codes::table
                    .filter(claim_codes::city_id.eq(city.0))
                    .filter(claim_codes::code.eq(code)),
            ))
            .get_result(conn)?;
            return Err(if exists {
                RedeemError::AlreadyUsed
            } else {
                RedeemError::Unknown
            });
        }
        let (code_id, badge_id, org_id, badge_slug, badge_name): (i64, i64, i64, String, String) =
            claim_codes::table
                .inner_join(badges::table)
                .filter(claim_codes::city_id.eq(city.0))
                .filter(claim_codes::code.eq(code))
                .select((
                    claim_codes::id,
                    badges::id,
                    badges::org_id,
                    badges::slug,
                    badges::name,
                ))
                .first(conn)?;
        let issued = issuance::issue(
            conn,
            &Issue {
                city: city_row,
                org: OrgId(org_id),
                badge: BadgeId(badge_id),
                recipient: youth,
                method: AwardMethod::ClaimCode,
                claim_code: Some(ClaimCodeId(code_id)),
                actor,
                base_url,
                seeded: false,
                now,
            },
        )?;
        Ok(Redeemed {
            badge_slug,
            badge_name,
            award_public_id: issued.public_id,
        })
    })
}
