//! All SQL about organizations, their staff and their API tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::store::{add_city_member, CityRole, OrgRole};
use crate::db::schema::{api_tokens, cities, org_invitations, org_members, organizations, users};
use crate::db::DbConnection;
use crate::ids::{ApiTokenId, CityId, OrgId, UserId};
use crate::orgs::Org;

type OrgRow = (i64, i64, String, String, String, String);

const ORG_COLUMNS: (
    organizations::id,
    organizations::city_id,
    organizations::slug,
    organizations::name,
    organizations::description,
    organizations::website,
) = (
    organizations::id,
    organizations::city_id,
    organizations::slug,
    organizations::name,
    organizations::description,
    organizations::website,
);

fn to_org((id, city_id, slug, name, description, website): OrgRow) -> Org {
    Org {
        id: OrgId(id),
        city_id: CityId(city_id),
        slug,
        name,
        description,
        website,
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
