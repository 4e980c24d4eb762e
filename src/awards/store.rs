//! All SQL about awards.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::awards::recipient::{self, RecipientIdentity};
use crate::awards::{AwardMethod, AwardView};
use crate::badges::BadgeContent;
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
    /// The credential's `evidence` (a JSON array of OB 3.0 Evidence), if any.
    pub evidence: Option<String>,
}

/// The next free position in the organization's status lists.
fn allocate_status_index(conn: &mut DbConnection, org: OrgId) -> QueryResult<i64> {
    diesel::update(organizations::table.filter(organizations::id.eq(org.0)))
        .set(organizations::next_status_index.eq(organizations::next_status_index + 1))
        .returning(organizations::next_status_index)
        .get_result::<i64>(conn)
        .map(|next| next - 1)
}

/// A random salt for the recipient's hashed identifier.
pub fn new_salt() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Inserts an award (with its salt and status-list position) and returns its public id. A
/// second award of the same badge to the same youth fails with a unique violation.
pub fn insert(
    conn: &mut DbConnection,
    award: &NewAward,
    now: NaiveDateTime,
) -> QueryResult<String> {
    conn.transaction(|conn| {
        let public_id = uuid::Uuid::new_v4().to_string();
        let status_index = allocate_status_index(conn, award.org)?;
        insert_row(conn, award, &public_id, status_index, now)?;
        Ok(public_id)
    })
}

fn insert_row(
    conn: &mut DbConnection,
    award: &NewAward,
    public_id: &str,
    status_index: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // The badge as it is now is what the award describes, whatever changes later.
    let version = crate::badges::store::current_version(conn, award.badge)?;
    diesel::insert_into(awards::table)
        .values((
            awards::badge_version.eq(version),
            awards::salt.eq(new_salt()),
            awards::status_index.eq(status_index),
            awards::public_id.eq(&public_id),
            awards::city_id.eq(award.city.0),
            awards::org_id.eq(award.org.0),
            awards::badge_id.eq(award.badge.0),
            awards::recipient_id.eq(award.recipient.0),
            awards::method.eq(award.method.as_str()),
            awards::claim_code_id.eq(award.claim_code.map(|c| c.0)),
            awards::evidence.eq(&award.evidence),
            awards::awarded_at.eq(now),
        ))
        .execute(conn)?;
    crate::dashboard::rollups::award_counted(conn, public_id, 1)
}

/// Whether `user` holds `badge` now: an award of it that is not revoked (a revoked one may be
/// earned again).
pub fn has_badge(conn: &mut DbConnection, badge: BadgeId, user: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        awards::table
            .filter(awards::badge_id.eq(badge.0))
            .filter(awards::recipient_id.eq(user.0))
            .filter(awards::revoked_at.is_null()),
    ))
    .get_result(conn)
}

pub fn find_by_public_id(
    conn: &mut DbConnection,
    city: CityId,
    public_id: &str,
) -> QueryResult<Option<AwardView>> {
    let view = award_views!()
        .filter(awards::city_id.eq(city.0))
        .filter(awards::public_id.eq(public_id))
        .first::<AwardRow>(conn)
        .optional()?
        .map(to_view);
    view.map(|v| as_awarded(conn, v)).transpose()
}

/// The award with the badge's texts as they were when it was made.
fn as_awarded(conn: &mut DbConnection, mut view: AwardView) -> QueryResult<AwardView> {
    let version: Option<i32> = awards::table
        .find(view.id.0)
        .select(awards::badge_version)
        .first(conn)?;
    if let Some(content) = crate::badges::store::content_at(conn, view.badge_id, version)? {
        view.badge_name = content.name;
        view.badge_description = content.description;
    }
    Ok(view)
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

/// A youth's award of one badge: the one they hold, or else their latest (revoked) one.
pub fn find_for_recipient(
    conn: &mut DbConnection,
    badge: BadgeId,
    user: UserId,
) -> QueryResult<Option<AwardView>> {
    // The award held now first; else the latest, revoked one.
    award_views!()
        .filter(awards::badge_id.eq(badge.0))
        .filter(awards::recipient_id.eq(user.0))
        .order((
            awards::revoked_at.is_null().desc(),
            awards::awarded_at.desc(),
        ))
        .first::<AwardRow>(conn)
        .optional()
        .map(|r| r.map(to_view))
}

/// Up to `limit` published activities of `city` that lead to badges `youth` does not hold yet,
/// soonest first: (activity id, title, badge name). What to suggest after an award.
pub fn next_activities(
    conn: &mut DbConnection,
    city: CityId,
    youth: UserId,
    limit: i64,
) -> QueryResult<Vec<(i64, String, String)>> {
    use crate::db::schema::{activities, activity_badges};
    let held = awards::table
        .filter(awards::recipient_id.eq(youth.0))
        .filter(awards::revoked_at.is_null())
        .select(awards::badge_id);
    activity_badges::table
        .inner_join(activities::table.inner_join(organizations::table))
        .inner_join(badges::table)
        .filter(activities::city_id.eq(city.0))
        .filter(activities::status.eq(crate::catalog::store::PUBLISHED))
        .filter(organizations::status.eq(crate::orgs::OrgStatus::Approved.as_str()))
        .filter(badges::id.ne_all(held))
        .order((
            activities::starts_on.is_null().asc(),
            activities::starts_on.asc(),
            activities::id.asc(),
        ))
        .select((activities::id, activities::title, badges::name))
        .limit(limit * 3)
        .load::<(i64, String, String)>(conn)
        .map(|rows| {
            let mut seen = std::collections::HashSet::new();
            rows.into_iter()
                .filter(|(id, _, _)| seen.insert(*id))
                .take(usize::try_from(limit).unwrap_or(0))
                .collect()
        })
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
    let revoked = diesel::update(
        awards::table
            .filter(awards::city_id.eq(city.0))
            .filter(awards::public_id.eq(public_id))
            .filter(awards::revoked_at.is_null()),
    )
    .set((
        awards::revoked_at.eq(now),
        awards::revocation_reason.eq(reason),
    ))
    .execute(conn)?;
    if revoked == 1 {
        crate::dashboard::rollups::award_counted(conn, public_id, -1)?;
    }
    Ok(revoked == 1)
}

/// What an award's credential is made of.
#[derive(Clone, Debug)]
pub struct CredentialSource {
    pub id: AwardId,
    pub public_id: String,
    pub org_id: OrgId,
    pub org_slug: String,
    pub org_name: String,
    pub org_website: String,
    /// Issued by the city itself (`/c/{city}/issuer`, the city's key), not a partner.
    pub org_is_city: bool,
    pub badge_slug: String,
    pub badge_name: String,
    pub badge_description: String,
    pub criteria: String,
    pub valid_days: Option<i32>,
    /// The badge's version the award was made with (1 for awards made before versions).
    pub badge_version: i32,
    /// What the badge said at that version.
    pub badge: BadgeContent,
    pub recipient: RecipientIdentity,
    pub awarded_at: NaiveDateTime,
    pub salt: String,
    pub status_index: i64,
    pub credential: Option<String>,
    pub revocation_reason: Option<String>,
    pub revoked: bool,
    /// The credential's `evidence`, as the award was made with it.
    pub evidence: Option<serde_json::Value>,
}

type SourceRow = (
    (i64, String, i64, String, String, String),
    (String, String, String, String, Option<i32>),
    (
        String,
        NaiveDateTime,
        Option<String>,
        Option<i64>,
        Option<String>,
    ),
    (Option<NaiveDateTime>, Option<String>, Option<String>, i64),
    (i64, Option<i32>, Option<String>, String),
);

/// When the award's credential expires: the validity of the badge as it was when the award was
/// made (what its credential is signed with), not as the badge reads today.
pub fn valid_until(
    conn: &mut DbConnection,
    award: &crate::awards::AwardView,
) -> QueryResult<Option<NaiveDateTime>> {
    let version: Option<i32> = awards::table
        .filter(awards::id.eq(award.id.0))
        .select(awards::badge_version)
        .first(conn)?;
    let content = match crate::badges::store::content_at(conn, award.badge_id, version)? {
        Some(content) => content,
        None => crate::badges::store::content(conn, award.badge_id)?,
    };
    Ok(content
        .valid_days
        .map(|days| award.awarded_at + chrono::Duration::days(i64::from(days))))
}

pub fn credential_source(
    conn: &mut DbConnection,
    city: CityId,
    public_id: &str,
) -> QueryResult<Option<CredentialSource>> {
    let row: Option<SourceRow> = awards::table
        .inner_join(badges::table)
        .inner_join(organizations::table)
        .inner_join(users::table)
        .filter(awards::city_id.eq(city.0))
        .filter(awards::public_id.eq(public_id))
        .select((
            (
                awards::id,
                awards::public_id,
                awards::org_id,
                organizations::slug,
                organizations::name,
                organizations::website,
            ),
            (
                badges::slug,
                badges::name,
                badges::description,
                badges::criteria,
                badges::valid_days,
            ),
            (
                users::username,
                awards::awarded_at,
                awards::salt,
                awards::status_index,
                awards::credential,
            ),
            (
                awards::revoked_at,
                awards::revocation_reason,
                awards::recipient_identifier,
                awards::recipient_id,
            ),
            (
                awards::badge_id,
                awards::badge_version,
                awards::evidence,
                organizations::kind,
            ),
        ))
        .first(conn)
        .optional()?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (
        (id, public_id, org_id, org_slug, org_name, org_website),
        badge,
        rest,
        revocation,
        (badge_id, badge_version, evidence, org_kind),
    ) = row;
    let (badge_slug, _, _, _, _) = badge;
    // The badge as it was when the award was made.
    let content = match crate::badges::store::content_at(conn, BadgeId(badge_id), badge_version)? {
        Some(content) => content,
        None => crate::badges::store::content(conn, BadgeId(badge_id))?,
    };
    let (recipient_username, awarded_at, salt, status_index, credential) = rest;
    // Awards made before the signing service get their salt and position on first use.
    let (salt, status_index) = match (salt, status_index) {
        (Some(salt), Some(index)) => (salt, index),
        _ => {
            let salt = new_salt();
            let index = allocate_status_index(conn, OrgId(org_id))?;
            diesel::update(
                awards::table
                    .filter(awards::id.eq(id))
                    .filter(awards::status_index.is_null()),
            )
            .set((awards::salt.eq(&salt), awards::status_index.eq(index)))
            .execute(conn)?;
            return credential_source(conn, city, &public_id);
        }
    };
    let (revoked_at, revocation_reason, identifier, recipient_id) = revocation;
    let recipient = match (identifier, &credential) {
        (Some(identifier), _) => RecipientIdentity::Opaque(identifier),
        // Signed before opaque identifiers: it keeps the identifier it was signed with.
        (None, Some(_)) => RecipientIdentity::Legacy {
            username: recipient_username,
        },
        (None, None) => {
            let identifier = recipient_identifier_of(conn, UserId(recipient_id))?;
            diesel::update(
                awards::table
                    .filter(awards::id.eq(id))
                    .filter(awards::recipient_identifier.is_null())
                    .filter(awards::credential.is_null()),
            )
            .set(awards::recipient_identifier.eq(&identifier))
            .execute(conn)?;
            return credential_source(conn, city, &public_id);
        }
    };
    Ok(Some(CredentialSource {
        id: AwardId(id),
        public_id,
        org_id: OrgId(org_id),
        org_slug,
        org_name,
        org_website,
        org_is_city: org_kind == crate::orgs::OrgKind::City.as_str(),
        badge_slug,
        badge_name: content.name.clone(),
        badge_description: content.description.clone(),
        criteria: content.criteria.clone(),
        valid_days: content.valid_days,
        badge_version: badge_version.unwrap_or(1),
        badge: content,
        recipient,
        awarded_at,
        salt,
        status_index,
        credential,
        revoked: revoked_at.is_some(),
        revocation_reason,
        evidence: evidence.and_then(|text| serde_json::from_str(&text).ok()),
    }))
}

/// The youth's opaque recipient identifier, made (from the system's random source) the first
/// time it is needed; two requests racing for it agree on the one stored first.
pub fn recipient_identifier_of(conn: &mut DbConnection, user: UserId) -> QueryResult<String> {
    diesel::update(
        users::table
            .filter(users::id.eq(user.0))
            .filter(users::recipient_identifier.is_null()),
    )
    .set(users::recipient_identifier.eq(recipient::new_identifier()))
    .execute(conn)?;
    users::table
        .filter(users::id.eq(user.0))
        .select(users::recipient_identifier)
        .first::<Option<String>>(conn)?
        .ok_or(diesel::result::Error::NotFound)
}

/// Stores a signed credential unless the award already has one; true when stored.
pub fn store_credential(
    conn: &mut DbConnection,
    award: AwardId,
    credential: &str,
) -> QueryResult<bool> {
    diesel::update(
        awards::table
            .filter(awards::id.eq(award.0))
            .filter(awards::credential.is_null()),
    )
    .set(awards::credential.eq(credential))
    .execute(conn)
    .map(|n| n == 1)
}

/// Revoked awards of an organization: (public id, status-list position, reason).
pub fn revoked_in_org(
    conn: &mut DbConnection,
    org: OrgId,
) -> QueryResult<Vec<(String, Option<i64>, String)>> {
    let rows: Vec<(String, Option<i64>, Option<String>)> = awards::table
        .filter(awards::org_id.eq(org.0))
        .filter(awards::revoked_at.is_not_null())
        .order(awards::id)
        .select((
            awards::public_id,
            awards::status_index,
            awards::revocation_reason,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, index, reason)| (id, index, reason.unwrap_or_default()))
        .collect())
}

/// Reserves `count` consecutive status-list positions of an organization; returns the first.
pub fn reserve_status_indexes(conn: &mut DbConnection, org: OrgId, count: i64) -> QueryResult<i64> {
    diesel::update(organizations::table.filter(organizations::id.eq(org.0)))
        .set(organizations::next_status_index.eq(organizations::next_status_index + count))
        .returning(organizations::next_status_index)
        .get_result::<i64>(conn)
        .map(|next| next - count)
}

/// (badge, recipient) pairs among `recipients` that already hold a badge of `org`.
pub fn existing_pairs(
    conn: &mut DbConnection,
    org: OrgId,
    recipients: &[i64],
) -> QueryResult<std::collections::HashSet<(i64, i64)>> {
    let pairs: Vec<(i64, i64)> = awards::table
        .filter(awards::org_id.eq(org.0))
        .filter(awards::recipient_id.eq_any(recipients))
        .filter(awards::revoked_at.is_null())
        .select((awards::badge_id, awards::recipient_id))
        .load(conn)?;
    Ok(pairs.into_iter().collect())
}

/// The awards an organization issued, newest first, whose youth's username or badge's name
/// contains `q` (all when empty), at most `limit`.
pub fn issued_by(
    conn: &mut DbConnection,
    org: OrgId,
    q: &str,
    limit: i64,
) -> QueryResult<Vec<AwardView>> {
    let mut query = award_views!()
        .filter(awards::org_id.eq(org.0))
        .order((awards::awarded_at.desc(), awards::id.desc()))
        .limit(limit)
        .into_boxed();
    let q = q.trim();
    if !q.is_empty() {
        let pattern = crate::db::like_containing(q);
        query = query.filter(
            users::username
                .like(pattern.clone())
                .escape('\\')
                .or(crate::db::lower(badges::name).like(pattern).escape('\\')),
        );
    }
    query
        .load::<AwardRow>(conn)
        .map(|rows| rows.into_iter().map(to_view).collect())
}

/// Active youth of `city` whose username contains `q`: (username, display name), at most 20.
pub fn youth_matching(
    conn: &mut DbConnection,
    city: CityId,
    q: &str,
) -> QueryResult<Vec<(String, String)>> {
    use crate::db::schema::city_members;
    let q = q.trim();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let pattern = crate::db::like_containing(q);
    users::table
        .inner_join(city_members::table.on(city_members::user_id.eq(users::id)))
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::role.eq(crate::auth::store::CityRole::Youth.as_str()))
        .filter(users::status.eq(crate::auth::AccountStatus::Active.as_str()))
        .filter(users::username.like(pattern).escape('\\'))
        .order(users::username.asc())
        .limit(20)
        .select((users::username, users::display_name))
        .load(conn)
}
