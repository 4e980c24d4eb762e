//! All SQL about claim codes, and redemption as one transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::Actor;
use crate::awards::issuance::{self, Issue, IssueError};
use crate::awards::AwardMethod;
use crate::db::schema::{badges, claim_batches, claim_codes, claim_redemptions};
use crate::db::{is_unique_violation, DbConnection};
use crate::ids::{BadgeId, CityId, ClaimCodeId, OrgId, UserId};
use crate::tenancy::City;

/// Single-use codes (one youth each), or one event code that up to a number of youth use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Single,
    Event,
}

impl CodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::Single => "single",
            CodeKind::Event => "event",
        }
    }

    pub fn parse(s: &str) -> Option<CodeKind> {
        match s {
            "single" => Some(CodeKind::Single),
            "event" => Some(CodeKind::Event),
            _ => None,
        }
    }
}

/// A batch to make, checked.
#[derive(Clone, Debug)]
pub struct NewBatch {
    pub kind: CodeKind,
    /// Single-use codes: how many; an event code: how many youth may use it.
    pub count: i32,
    pub valid_from: Option<NaiveDateTime>,
    pub valid_until: Option<NaiveDateTime>,
    pub activity: Option<i64>,
    pub session_on: Option<chrono::NaiveDate>,
    pub site: String,
}

/// Makes a batch and its codes in one transaction; returns the batch's id.
pub fn create_batch(
    conn: &mut DbConnection,
    city: CityId,
    badge: BadgeId,
    created_by: UserId,
    batch: &NewBatch,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    conn.transaction(|conn| {
        let id: i64 = diesel::insert_into(claim_batches::table)
            .values((
                claim_batches::city_id.eq(city.0),
                claim_batches::badge_id.eq(badge.0),
                claim_batches::kind.eq(batch.kind.as_str()),
                claim_batches::use_limit.eq((batch.kind == CodeKind::Event).then_some(batch.count)),
                claim_batches::valid_from.eq(batch.valid_from),
                claim_batches::valid_until.eq(batch.valid_until),
                claim_batches::activity_id.eq(batch.activity),
                claim_batches::session_on.eq(batch.session_on),
                claim_batches::site.eq(&batch.site),
                claim_batches::created_by.eq(created_by.0),
                claim_batches::created_at.eq(now),
            ))
            .returning(claim_batches::id)
            .get_result(conn)?;
        let codes = match batch.kind {
            CodeKind::Single => usize::try_from(batch.count).unwrap_or(0),
            CodeKind::Event => 1,
        };
        generate_in(conn, city, badge, Some(id), created_by, codes, now)?;
        Ok(id)
    })
}

/// Makes `count` new codes (of `batch`, if any) for a badge; returns them.
pub fn generate_in(
    conn: &mut DbConnection,
    city: CityId,
    badge: BadgeId,
    batch: Option<i64>,
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
                        claim_codes::batch_id.eq(batch),
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

/// Makes `count` single-use codes for a badge outside any batch (the demo's printed codes).
pub fn generate(
    conn: &mut DbConnection,
    city: CityId,
    badge: BadgeId,
    created_by: UserId,
    count: usize,
    now: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    generate_in(conn, city, badge, None, created_by, count, now)
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
    /// An event code every use of which is taken.
    Full,
    /// Outside its batch's window.
    NotYetValid,
    Expired,
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

/// Marks the code used and awards its badge through [`issuance::issue`], all or nothing, and
/// records who redeemed it from where. The code's row is written first, so that redemptions of
/// one code wait for each other: fifty youth racing for a single-use code yield one award. One
/// youth redeeming two codes of one badge at once gets it once (the other answers
/// `AlreadyEarned`, its code left unused).
#[allow(clippy::too_many_arguments)]
pub fn redeem(
    conn: &mut DbConnection,
    city: &City,
    code: &str,
    youth: UserId,
    actor: &Actor,
    base_url: &str,
    address: &str,
    now: NaiveDateTime,
) -> Result<Redeemed, RedeemError> {
    conn.transaction(|conn| {
        let this_code = || {
            claim_codes::table
                .filter(claim_codes::city_id.eq(city.id.0))
                .filter(claim_codes::code.eq(code))
        };
        // A write first (see above; on SQLite a read first could not wait for the lock).
        let locked = diesel::update(this_code())
            .set(claim_codes::uses.eq(claim_codes::uses))
            .execute(conn)?;
        if locked == 0 {
            return Err(RedeemError::Unknown);
        }
        type Row = (
            (i64, i64, i64, String, String, Option<i64>, i32),
            Option<(
                String,
                Option<i32>,
                Option<NaiveDateTime>,
                Option<NaiveDateTime>,
            )>,
        );
        let ((code_id, badge_id, org_id, badge_slug, badge_name, redeemed_by, uses), batch): Row =
            this_code()
                .inner_join(badges::table)
                .left_join(claim_batches::table)
                .select((
                    (
                        claim_codes::id,
                        badges::id,
                        badges::org_id,
                        badges::slug,
                        badges::name,
                        claim_codes::redeemed_by,
                        claim_codes::uses,
                    ),
                    (
                        claim_batches::kind,
                        claim_batches::use_limit,
                        claim_batches::valid_from,
                        claim_batches::valid_until,
                    )
                        .nullable(),
                ))
                .first(conn)?;
        let (kind, limit) = match &batch {
            Some((kind, limit, from, until)) => {
                if from.is_some_and(|from| now < from) {
                    return Err(RedeemError::NotYetValid);
                }
                if until.is_some_and(|until| now >= until) {
                    return Err(RedeemError::Expired);
                }
                (CodeKind::parse(kind).unwrap_or(CodeKind::Single), *limit)
            }
            None => (CodeKind::Single, None),
        };
        match kind {
            CodeKind::Single => {
                if redeemed_by.is_some() {
                    return Err(RedeemError::AlreadyUsed);
                }
                diesel::update(claim_codes::table.filter(claim_codes::id.eq(code_id)))
                    .set((
                        claim_codes::redeemed_by.eq(youth.0),
                        claim_codes::redeemed_at.eq(now),
                        claim_codes::uses.eq(1),
                    ))
                    .execute(conn)?;
            }
            CodeKind::Event => {
                if uses >= limit.unwrap_or(0) {
                    return Err(RedeemError::Full);
                }
                diesel::update(claim_codes::table.filter(claim_codes::id.eq(code_id)))
                    .set((
                        claim_codes::uses.eq(claim_codes::uses + 1),
                        claim_codes::redeemed_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
        let issued = issuance::issue(
            conn,
            &Issue {
                city,
                org: OrgId(org_id),
                badge: BadgeId(badge_id),
                recipient: youth,
                method: AwardMethod::ClaimCode,
                claim_code: Some(ClaimCodeId(code_id)),
                evidence: None,
                actor,
                base_url,
                seeded: false,
                now,
            },
        )?;
        diesel::insert_into(claim_redemptions::table)
            .values((
                claim_redemptions::code_id.eq(code_id),
                claim_redemptions::youth_id.eq(youth.0),
                claim_redemptions::award_public_id.eq(&issued.public_id),
                claim_redemptions::address.eq(address),
                claim_redemptions::redeemed_at.eq(now),
            ))
            .execute(conn)?;
        Ok(Redeemed {
            badge_slug,
            badge_name,
            award_public_id: issued.public_id,
        })
    })
}

/// A batch as the codes page lists it.
#[derive(Clone, Debug)]
pub struct BatchSummary {
    pub id: i64,
    pub kind: CodeKind,
    pub use_limit: Option<i32>,
    pub valid_from: Option<NaiveDateTime>,
    pub valid_until: Option<NaiveDateTime>,
    pub activity_title: Option<String>,
    pub session_on: Option<chrono::NaiveDate>,
    pub site: String,
    pub created_at: NaiveDateTime,
    /// How many codes it has, and how many times they were redeemed.
    pub codes: i64,
    pub redeemed: i64,
}

type BatchRow = (
    (
        i64,
        String,
        Option<i32>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    ),
    (
        Option<String>,
        Option<chrono::NaiveDate>,
        String,
        NaiveDateTime,
    ),
);

/// The columns of a batch's row, with the title of its activity.
type BatchColumns = (
    (
        claim_batches::id,
        claim_batches::kind,
        claim_batches::use_limit,
        claim_batches::valid_from,
        claim_batches::valid_until,
    ),
    (
        diesel::dsl::Nullable<crate::db::schema::activities::title>,
        claim_batches::session_on,
        claim_batches::site,
        claim_batches::created_at,
    ),
);

type BatchQuery = diesel::dsl::Select<
    diesel::dsl::LeftJoin<claim_batches::table, crate::db::schema::activities::table>,
    BatchColumns,
>;

fn batch_query() -> BatchQuery {
    use crate::db::schema::activities;
    claim_batches::table.left_join(activities::table).select((
        (
            claim_batches::id,
            claim_batches::kind,
            claim_batches::use_limit,
            claim_batches::valid_from,
            claim_batches::valid_until,
        ),
        (
            activities::title.nullable(),
            claim_batches::session_on,
            claim_batches::site,
            claim_batches::created_at,
        ),
    ))
}

fn summaries(conn: &mut DbConnection, rows: Vec<BatchRow>) -> QueryResult<Vec<BatchSummary>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.0 .0).collect();
    let counts: Vec<(Option<i64>, i64, Option<i64>)> = claim_codes::table
        .filter(claim_codes::batch_id.eq_any(ids.iter().map(|id| Some(*id))))
        .group_by(claim_codes::batch_id)
        .select((
            claim_codes::batch_id,
            diesel::dsl::count_star(),
            diesel::dsl::sum(claim_codes::uses),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |((id, kind, use_limit, valid_from, valid_until), (title, session_on, site, at))| {
                let (codes, redeemed) = counts
                    .iter()
                    .find(|c| c.0 == Some(id))
                    .map(|c| (c.1, c.2.unwrap_or(0)))
                    .unwrap_or((0, 0));
                BatchSummary {
                    id,
                    kind: CodeKind::parse(&kind).unwrap_or(CodeKind::Single),
                    use_limit,
                    valid_from,
                    valid_until,
                    activity_title: title,
                    session_on,
                    site,
                    created_at: at,
                    codes,
                    redeemed,
                }
            },
        )
        .collect())
}

/// The batches of a badge, newest first.
pub fn batches_of(conn: &mut DbConnection, badge: BadgeId) -> QueryResult<Vec<BatchSummary>> {
    let rows: Vec<BatchRow> = batch_query()
        .filter(claim_batches::badge_id.eq(badge.0))
        .order(claim_batches::id.desc())
        .load(conn)?;
    summaries(conn, rows)
}

/// One batch of a badge.
pub fn batch_of(
    conn: &mut DbConnection,
    badge: BadgeId,
    batch: i64,
) -> QueryResult<Option<BatchSummary>> {
    let rows: Vec<BatchRow> = batch_query()
        .filter(claim_batches::badge_id.eq(badge.0))
        .filter(claim_batches::id.eq(batch))
        .load(conn)?;
    Ok(summaries(conn, rows)?.into_iter().next())
}

/// A code of a batch and who redeemed it: (username, when, from which address).
#[derive(Clone, Debug)]
pub struct CodeUse {
    pub code: String,
    pub uses: i32,
    pub redeemed: Vec<(String, NaiveDateTime, String)>,
}

/// The codes of a batch in the order they were made, with their redemptions.
pub fn codes_of_batch(conn: &mut DbConnection, batch: i64) -> QueryResult<Vec<CodeUse>> {
    use crate::db::schema::users;
    let codes: Vec<(i64, String, i32)> = claim_codes::table
        .filter(claim_codes::batch_id.eq(batch))
        .order(claim_codes::id.asc())
        .select((claim_codes::id, claim_codes::code, claim_codes::uses))
        .load(conn)?;
    let ids: Vec<i64> = codes.iter().map(|c| c.0).collect();
    let uses: Vec<(i64, String, NaiveDateTime, String)> = claim_redemptions::table
        .inner_join(users::table.on(users::id.eq(claim_redemptions::youth_id)))
        .filter(claim_redemptions::code_id.eq_any(&ids))
        .order(claim_redemptions::redeemed_at.asc())
        .select((
            claim_redemptions::code_id,
            users::username,
            claim_redemptions::redeemed_at,
            claim_redemptions::address,
        ))
        .load(conn)?;
    Ok(codes
        .into_iter()
        .map(|(id, code, count)| CodeUse {
            code,
            uses: count,
            redeemed: uses
                .iter()
                .filter(|u| u.0 == id)
                .map(|u| (u.1.clone(), u.2, u.3.clone()))
                .collect(),
        })
        .collect())
}

/// Within this long of each other…
pub const BUSY_WINDOW_MINUTES: i64 = 15;
/// …redemptions from this many addresses flag a code as shared too widely.
pub const BUSY_ADDRESSES: usize = 10;

/// Whether a batch is flagged: an event code whose redemptions look shared (see below).
pub fn is_flagged(kind: CodeKind, codes: &[CodeUse]) -> bool {
    kind == CodeKind::Event && codes.iter().any(|c| looks_shared(&c.redeemed))
}

/// Whether redemptions (in time order) came from [`BUSY_ADDRESSES`] addresses or more within
/// [`BUSY_WINDOW_MINUTES`]: an event code passed around beyond the room it was read out in.
pub fn looks_shared(redeemed: &[(String, NaiveDateTime, String)]) -> bool {
    let window = chrono::Duration::minutes(BUSY_WINDOW_MINUTES);
    redeemed.iter().enumerate().any(|(i, (_, start, _))| {
        let mut addresses: Vec<&str> = redeemed[i..]
            .iter()
            .take_while(|(_, at, _)| *at - *start <= window)
            .map(|(_, _, address)| address.as_str())
            .collect();
        addresses.sort_unstable();
        addresses.dedup();
        addresses.len() >= BUSY_ADDRESSES
    })
}
