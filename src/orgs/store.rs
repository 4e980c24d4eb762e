//! All SQL about organizations, their staff and their API tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::store::{add_city_member, CityRole, OrgRole};
use crate::db::schema::{
    api_tokens, cities, city_members, neighborhoods, org_invitations, org_members, organizations,
    users,
};
use crate::db::DbConnection;
use crate::ids::{ApiTokenId, CityId, OrgId, UserId};
use crate::orgs::profile::OrgProfile;
use crate::orgs::{Org, OrgKind, OrgStatus};

type OrgRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    String,
    String,
);

const ORG_COLUMNS: (
    organizations::id,
    organizations::city_id,
    organizations::slug,
    organizations::name,
    organizations::description,
    organizations::website,
    organizations::kind,
    organizations::address,
    organizations::neighborhood_id,
    organizations::contact_email,
    organizations::status,
) = (
    organizations::id,
    organizations::city_id,
    organizations::slug,
    organizations::name,
    organizations::description,
    organizations::website,
    organizations::kind,
    organizations::address,
    organizations::neighborhood_id,
    organizations::contact_email,
    organizations::status,
);

fn to_org(row: OrgRow) -> Org {
    let (
        id,
        city_id,
        slug,
        name,
        description,
        website,
        kind,
        address,
        neighborhood_id,
        contact_email,
        status,
    ) = row;
    Org {
        id: OrgId(id),
        city_id: CityId(city_id),
        slug,
        name,
        description,
        website,
        kind: OrgKind::from_stored(&kind),
        address,
        neighborhood_id,
        contact_email,
        status: OrgStatus::parse(&status),
    }
}

pub fn find_by_slug(conn: &mut DbConnection, city: CityId, slug: &str) -> QueryResult<Option<Org>> {
    organizations::table
        .filter(organizations::city_id.eq(city.0))
        .filter(organizations::slug.eq(slug))
        .select(ORG_COLUMNS)
        .first::<OrgRow>(conn)
        .optional()
        .map(|r| r.map(to_org))
}

/// The city's own issuer (an organization of kind `city`, named as the city), made on first
/// use: its badges are the city's (city pathways), signed with the city's key.
pub fn city_issuer(conn: &mut DbConnection, city: &crate::tenancy::City) -> QueryResult<Org> {
    let found = organizations::table
        .filter(organizations::city_id.eq(city.id.0))
        .filter(organizations::kind.eq(OrgKind::City.as_str()))
        .select(ORG_COLUMNS)
        .first::<OrgRow>(conn)
        .optional()?;
    if let Some(row) = found {
        return Ok(to_org(row));
    }
    // The city's slug, unless a partner took it.
    let mut slug = city.slug.clone();
    if find_by_slug(conn, city.id, &slug)?.is_some() {
        slug = format!("{}-city", city.slug);
    }
    let id: i64 = diesel::insert_into(organizations::table)
        .values((
            organizations::city_id.eq(city.id.0),
            organizations::slug.eq(&slug),
            organizations::name.eq(&city.name),
            organizations::description.eq(&city.tagline),
            organizations::website.eq(""),
            organizations::kind.eq(OrgKind::City.as_str()),
            organizations::status.eq(OrgStatus::Approved.as_str()),
            organizations::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .returning(organizations::id)
        .get_result(conn)?;
    find(conn, OrgId(id))
}

pub fn find(conn: &mut DbConnection, id: OrgId) -> QueryResult<Org> {
    organizations::table
        .filter(organizations::id.eq(id.0))
        .select(ORG_COLUMNS)
        .first::<OrgRow>(conn)
        .map(to_org)
}

pub fn list_in_city(conn: &mut DbConnection, city: CityId) -> QueryResult<Vec<Org>> {
    organizations::table
        .filter(organizations::city_id.eq(city.0))
        .order(organizations::name)
        .select(ORG_COLUMNS)
        .load::<OrgRow>(conn)
        .map(|rows| rows.into_iter().map(to_org).collect())
}

/// The organizations of a city where `user` is staff.
pub fn list_for_staff(
    conn: &mut DbConnection,
    city: CityId,
    user: UserId,
) -> QueryResult<Vec<(Org, String)>> {
    organizations::table
        .inner_join(org_members::table)
        .filter(organizations::city_id.eq(city.0))
        .filter(org_members::user_id.eq(user.0))
        .order(organizations::name)
        .select((ORG_COLUMNS, org_members::role))
        .load::<(OrgRow, String)>(conn)
        .map(|rows| rows.into_iter().map(|(o, r)| (to_org(o), r)).collect())
}

pub struct NewOrg<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub website: &'a str,
}

/// Adds an organization (without staff: see `membership::create_org`).
pub fn insert(
    conn: &mut DbConnection,
    city: CityId,
    org: &NewOrg<'_>,
    now: NaiveDateTime,
) -> QueryResult<OrgId> {
    diesel::insert_into(organizations::table)
        .values((
            organizations::city_id.eq(city.0),
            organizations::slug.eq(org.slug),
            organizations::name.eq(org.name),
            organizations::description.eq(org.description),
            organizations::website.eq(org.website),
            organizations::created_at.eq(now),
        ))
        .returning(organizations::id)
        .get_result(conn)
        .map(OrgId)
}

/// Adds an organization with its first admin, in one transaction (seeding and tests; people
/// go through `membership::create_org`, which checks and records).
pub fn insert_with_admin(
    conn: &mut DbConnection,
    city: CityId,
    org: &NewOrg<'_>,
    admin: UserId,
    now: NaiveDateTime,
) -> QueryResult<OrgId> {
    conn.transaction(|conn| {
        let id = insert(conn, city, org, now)?;
        add_member(conn, city, id, admin, OrgRole::Admin, now)?;
        Ok(id)
    })
}

/// The role `user` holds in `org`, if any.
pub fn member_role(
    conn: &mut DbConnection,
    org: OrgId,
    user: UserId,
) -> QueryResult<Option<OrgRole>> {
    org_members::table
        .filter(org_members::org_id.eq(org.0))
        .filter(org_members::user_id.eq(user.0))
        .select(org_members::role)
        .first::<String>(conn)
        .optional()
        .map(|r| r.as_deref().and_then(OrgRole::parse))
}

/// Ends `user`'s role in `org`; the number of rows removed (0 or 1).
pub fn remove_member(conn: &mut DbConnection, org: OrgId, user: UserId) -> QueryResult<usize> {
    diesel::delete(
        org_members::table
            .filter(org_members::org_id.eq(org.0))
            .filter(org_members::user_id.eq(user.0)),
    )
    .execute(conn)
}

/// How many admins `org` has.
/// Takes the organization's row for the rest of the transaction (a row lock on PostgreSQL, the
/// write lock on SQLite), so that changes to its admins run one at a time and a count of its
/// admins stays true until the transaction ends.
pub fn lock_for_staff_change(conn: &mut DbConnection, org: OrgId) -> QueryResult<()> {
    diesel::update(organizations::table.filter(organizations::id.eq(org.0)))
        .set(organizations::id.eq(organizations::id))
        .execute(conn)
        .map(|_| ())
}

pub fn admin_count(conn: &mut DbConnection, org: OrgId) -> QueryResult<i64> {
    org_members::table
        .filter(org_members::org_id.eq(org.0))
        .filter(org_members::role.eq(OrgRole::Admin.as_str()))
        .count()
        .get_result(conn)
}

/// Invites `user` to `org` with `role` (replacing an earlier invitation to the same org).
pub fn invite(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    user: UserId,
    role: OrgRole,
    invited_by: Option<UserId>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    delete_invitations_of(conn, org, user)?;
    diesel::insert_into(org_invitations::table)
        .values((
            org_invitations::city_id.eq(city.0),
            org_invitations::org_id.eq(org.0),
            org_invitations::user_id.eq(user.0),
            org_invitations::role.eq(role.as_str()),
            org_invitations::invited_by.eq(invited_by.map(|u| u.0)),
            org_invitations::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A pending invitation.
#[derive(Clone, Debug)]
pub struct Invitation {
    pub id: i64,
    pub org_id: OrgId,
    pub role: OrgRole,
}

/// An invitation of `user` by its id; `None` when it is not theirs.
pub fn invitation_of(
    conn: &mut DbConnection,
    user: UserId,
    id: i64,
) -> QueryResult<Option<Invitation>> {
    let row: Option<(i64, i64, String)> = org_invitations::table
        .filter(org_invitations::id.eq(id))
        .filter(org_invitations::user_id.eq(user.0))
        .select((
            org_invitations::id,
            org_invitations::org_id,
            org_invitations::role,
        ))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(id, org, role)| {
        OrgRole::parse(&role).map(|role| Invitation {
            id,
            org_id: OrgId(org),
            role,
        })
    }))
}

/// Withdraws every pending invitation of `user` to `org` (they became staff, or were removed).
pub fn delete_invitations_of(conn: &mut DbConnection, org: OrgId, user: UserId) -> QueryResult<()> {
    diesel::delete(
        org_invitations::table
            .filter(org_invitations::org_id.eq(org.0))
            .filter(org_invitations::user_id.eq(user.0)),
    )
    .execute(conn)
    .map(|_| ())
}

pub fn delete_invitation(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::delete(org_invitations::table.filter(org_invitations::id.eq(id)))
        .execute(conn)
        .map(|_| ())
}

/// A pending invitation as its invitee's page shows it.
#[derive(Clone, Debug, Queryable)]
pub struct PendingInvitation {
    pub id: i64,
    pub role: String,
    pub org_name: String,
    pub city_name: String,
}

/// The invitations waiting for `user`, in every city.
pub fn invitations_for(
    conn: &mut DbConnection,
    user: UserId,
) -> QueryResult<Vec<PendingInvitation>> {
    org_invitations::table
        .inner_join(organizations::table)
        .inner_join(cities::table.on(cities::id.eq(org_invitations::city_id)))
        .filter(org_invitations::user_id.eq(user.0))
        .order(org_invitations::id)
        .select((
            org_invitations::id,
            org_invitations::role,
            organizations::name,
            cities::name,
        ))
        .load(conn)
}

/// People invited to `org` who have not answered yet: (username, role).
pub fn invited(conn: &mut DbConnection, org: OrgId) -> QueryResult<Vec<(String, String)>> {
    org_invitations::table
        .inner_join(users::table.on(users::id.eq(org_invitations::user_id)))
        .filter(org_invitations::org_id.eq(org.0))
        .order(users::username)
        .select((users::username, org_invitations::role))
        .load(conn)
}

/// Makes `user` staff of `org` with `role` (changing the role if already a member).
pub fn add_member(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    user: UserId,
    role: OrgRole,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let updated = diesel::update(
        org_members::table
            .filter(org_members::org_id.eq(org.0))
            .filter(org_members::user_id.eq(user.0)),
    )
    .set(org_members::role.eq(role.as_str()))
    .execute(conn)?;
    if updated == 0 {
        // Added by a concurrent request meanwhile: a member either way.
        crate::db::insert_unless_present(conn, |conn| {
            diesel::insert_into(org_members::table)
                .values((
                    org_members::org_id.eq(org.0),
                    org_members::user_id.eq(user.0),
                    org_members::role.eq(role.as_str()),
                    org_members::created_at.eq(now),
                ))
                .execute(conn)
        })?;
    }
    add_city_member(conn, city, user, CityRole::Staff, now)
}

/// Staff of an organization: (username, display name, role).
pub fn members(conn: &mut DbConnection, org: OrgId) -> QueryResult<Vec<(String, String, String)>> {
    org_members::table
        .inner_join(users::table)
        .filter(org_members::org_id.eq(org.0))
        .order(users::display_name)
        .select((users::username, users::display_name, org_members::role))
        .load(conn)
}

pub fn insert_token(
    conn: &mut DbConnection,
    org: OrgId,
    name: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<ApiTokenId> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::org_id.eq(org.0),
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::created_at.eq(now),
        ))
        .returning(api_tokens::id)
        .get_result(conn)
        .map(ApiTokenId)
}

/// A token's organization and the token's name, recording its use.
pub fn org_of_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(Org, String)>> {
    let org: Option<(i64, String)> = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .select((api_tokens::org_id, api_tokens::name))
        .first(conn)
        .optional()?;
    match org {
        Some((id, name)) => {
            diesel::update(api_tokens::table.filter(api_tokens::token_hash.eq(token_hash)))
                .set(api_tokens::last_used_at.eq(now))
                .execute(conn)?;
            find(conn, OrgId(id)).map(|org| Some((org, name)))
        }
        None => Ok(None),
    }
}

/// Token names, creation and last-use times of an organization.
pub fn tokens(
    conn: &mut DbConnection,
    org: OrgId,
) -> QueryResult<Vec<(String, NaiveDateTime, Option<NaiveDateTime>)>> {
    api_tokens::table
        .filter(api_tokens::org_id.eq(org.0))
        .order(api_tokens::id)
        .select((
            api_tokens::name,
            api_tokens::created_at,
            api_tokens::last_used_at,
        ))
        .load(conn)
}

/// The e-mail of the organization's first admin, for its OB 2.0 Issuer profile.
pub fn contact_email(conn: &mut DbConnection, org: OrgId) -> QueryResult<Option<String>> {
    org_members::table
        .inner_join(users::table)
        .filter(org_members::org_id.eq(org.0))
        .filter(org_members::role.eq(OrgRole::Admin.as_str()))
        .filter(users::email.is_not_null())
        .order(org_members::id)
        .select(users::email)
        .first::<Option<String>>(conn)
        .optional()
        .map(Option::flatten)
}

/// The standing of organization `org` of `city`, if it is one of the city's.
pub fn status_of(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
) -> QueryResult<Option<crate::orgs::OrgStatus>> {
    organizations::table
        .filter(organizations::city_id.eq(city.0))
        .filter(organizations::id.eq(org.0))
        .select(organizations::status)
        .first::<String>(conn)
        .optional()
        .map(|s| s.map(|s| crate::orgs::OrgStatus::parse(&s)))
}

/// The partner organizations of a city's home page, at most `limit`: those whose badges were
/// awarded most in the season when the dashboard counts one, then by name; with how many
/// approved partners the city has in all.
pub fn featured(conn: &mut DbConnection, city: CityId, limit: i64) -> QueryResult<(Vec<Org>, i64)> {
    // The city's own issuer has a row but is no partner.
    let approved = || {
        organizations::table
            .filter(organizations::city_id.eq(city.0))
            .filter(organizations::status.eq(OrgStatus::Approved.as_str()))
            .filter(organizations::kind.ne(crate::orgs::OrgKind::City.as_str()))
    };
    let total: i64 = approved().count().get_result(conn)?;
    let ranked = crate::dashboard::season::most_awarded_orgs(conn, city, limit)?;
    let mut found: Vec<Org> = approved()
        .filter(organizations::id.eq_any(&ranked))
        .select(ORG_COLUMNS)
        .load::<OrgRow>(conn)?
        .into_iter()
        .map(to_org)
        .collect();
    found.sort_by_key(|o| ranked.iter().position(|id| *id == o.id.0));
    if (found.len() as i64) < limit {
        let shown: Vec<i64> = found.iter().map(|o| o.id.0).collect();
        let more = approved()
            .filter(organizations::id.ne_all(&shown))
            .order(organizations::name)
            .limit(limit - found.len() as i64)
            .select(ORG_COLUMNS)
            .load::<OrgRow>(conn)?;
        found.extend(more.into_iter().map(to_org));
    }
    Ok((found, total))
}

/// Writes the profile of organization `org` of `city`; the number of rows changed (0 or 1).
pub fn set_profile(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    profile: &OrgProfile,
) -> QueryResult<usize> {
    diesel::update(
        organizations::table
            .filter(organizations::city_id.eq(city.0))
            .filter(organizations::id.eq(org.0)),
    )
    .set((
        organizations::name.eq(&profile.name),
        organizations::kind.eq(profile.kind.as_str()),
        organizations::address.eq(&profile.address),
        organizations::neighborhood_id.eq(profile.neighborhood_id),
        organizations::website.eq(&profile.website),
        organizations::contact_email.eq(&profile.contact_email),
        organizations::description.eq(&profile.description),
    ))
    .execute(conn)
}

/// Marks organization `org` as an application of `applicant`, waiting for a decision.
pub fn mark_applied(conn: &mut DbConnection, org: OrgId, applicant: UserId) -> QueryResult<()> {
    diesel::update(organizations::table.filter(organizations::id.eq(org.0)))
        .set((
            organizations::status.eq(OrgStatus::Pending.as_str()),
            organizations::applied_by.eq(Some(applicant.0)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Records the decision on a pending application. Only a pending one changes: the number of
/// rows changed is 0 when it was decided meanwhile.
pub fn set_decision(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    status: OrgStatus,
    message: &str,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        organizations::table
            .filter(organizations::city_id.eq(city.0))
            .filter(organizations::id.eq(org.0))
            .filter(organizations::status.eq(OrgStatus::Pending.as_str())),
    )
    .set((
        organizations::status.eq(status.as_str()),
        organizations::decision_message.eq(message),
        organizations::decided_at.eq(Some(now)),
        organizations::decided_by.eq(Some(by.0)),
    ))
    .execute(conn)
}

/// An organization as its city's coordinators review it.
#[derive(Clone, Debug)]
pub struct Application {
    pub org: Org,
    pub applied_at: NaiveDateTime,
    /// The applicant's display name and e-mail (none for organizations a coordinator made).
    pub applicant: Option<(String, Option<String>)>,
    pub applicant_id: Option<UserId>,
    pub applicant_locale: Option<String>,
    pub decision_message: String,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<String>,
}

type ApplicationRow = (
    OrgRow,
    NaiveDateTime,
    Option<i64>,
    String,
    Option<NaiveDateTime>,
    Option<i64>,
);

fn to_application(
    conn: &mut DbConnection,
    (org, applied_at, applied_by, decision_message, decided_at, decided_by): ApplicationRow,
) -> QueryResult<Application> {
    let person = |conn: &mut DbConnection, id: i64| {
        users::table
            .filter(users::id.eq(id))
            .select((users::display_name, users::email, users::locale))
            .first::<(String, Option<String>, Option<String>)>(conn)
            .optional()
    };
    let applicant = match applied_by {
        Some(id) => person(conn, id)?,
        None => None,
    };
    let decider = match decided_by {
        Some(id) => person(conn, id)?.map(|(name, _, _)| name),
        None => None,
    };
    Ok(Application {
        org: to_org(org),
        applied_at,
        applicant_id: applied_by.map(UserId),
        applicant_locale: applicant.as_ref().and_then(|(_, _, l)| l.clone()),
        applicant: applicant.map(|(name, email, _)| (name, email)),
        decision_message,
        decided_at,
        decided_by: decider,
    })
}

type OrgColumns = (
    organizations::id,
    organizations::city_id,
    organizations::slug,
    organizations::name,
    organizations::description,
    organizations::website,
    organizations::kind,
    organizations::address,
    organizations::neighborhood_id,
    organizations::contact_email,
    organizations::status,
);

const APPLICATION_COLUMNS: (
    OrgColumns,
    organizations::created_at,
    organizations::applied_by,
    organizations::decision_message,
    organizations::decided_at,
    organizations::decided_by,
) = (
    ORG_COLUMNS,
    organizations::created_at,
    organizations::applied_by,
    organizations::decision_message,
    organizations::decided_at,
    organizations::decided_by,
);

/// Every organization of a city with its application, oldest first.
pub fn applications(conn: &mut DbConnection, city: CityId) -> QueryResult<Vec<Application>> {
    let rows: Vec<ApplicationRow> = organizations::table
        .filter(organizations::city_id.eq(city.0))
        .order((organizations::created_at.asc(), organizations::id.asc()))
        .select(APPLICATION_COLUMNS)
        .load(conn)?;
    rows.into_iter().map(|r| to_application(conn, r)).collect()
}

/// The application of organization `slug` of `city`.
pub fn application(
    conn: &mut DbConnection,
    city: CityId,
    slug: &str,
) -> QueryResult<Option<Application>> {
    let row: Option<ApplicationRow> = organizations::table
        .filter(organizations::city_id.eq(city.0))
        .filter(organizations::slug.eq(slug))
        .select(APPLICATION_COLUMNS)
        .first(conn)
        .optional()?;
    row.map(|r| to_application(conn, r)).transpose()
}

/// The organizations of `city` that `user` applied for, oldest first.
pub fn applied_by(conn: &mut DbConnection, city: CityId, user: UserId) -> QueryResult<Vec<Org>> {
    organizations::table
        .filter(organizations::city_id.eq(city.0))
        .filter(organizations::applied_by.eq(user.0))
        .order(organizations::created_at.asc())
        .select(ORG_COLUMNS)
        .load::<OrgRow>(conn)
        .map(|rows| rows.into_iter().map(to_org).collect())
}

/// The e-mail and language of every coordinator of `city` who has an e-mail address.
pub fn coordinator_contacts(
    conn: &mut DbConnection,
    city: CityId,
) -> QueryResult<Vec<(String, Option<String>)>> {
    city_members::table
        .inner_join(users::table)
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::role.eq(CityRole::Coordinator.as_str()))
        .filter(users::email.is_not_null())
        .order(users::id)
        .select((users::email, users::locale))
        .load::<(Option<String>, Option<String>)>(conn)
        .map(|rows| {
            rows.into_iter()
                .filter_map(|(email, locale)| email.map(|e| (e, locale)))
                .collect()
        })
}

/// Whether a name-derived slug is free in the city.
pub fn slug_free(conn: &mut DbConnection, city: CityId, slug: &str) -> QueryResult<bool> {
    find_by_slug(conn, city, slug).map(|o| o.is_none())
}

/// The name of neighborhood `id` of `city`.
pub fn neighborhood_name(
    conn: &mut DbConnection,
    city: CityId,
    id: i64,
) -> QueryResult<Option<String>> {
    neighborhoods::table
        .filter(neighborhoods::city_id.eq(city.0))
        .filter(neighborhoods::id.eq(id))
        .select(neighborhoods::name)
        .first(conn)
        .optional()
}
