//! All SQL about accounts, sessions, memberships and the one-time platform setup.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::auth::{AccountKind, AccountStatus, CurrentUser};
use crate::db::schema::{
    city_members, org_members, organizations, parent_links, platform, sessions, users,
};
use crate::db::DbConnection;
use crate::ids::{CityId, OrgId, UserId};

type UserRow = (i64, String, String, String, String, bool, Option<String>);

const USER_COLUMNS: (
    users::id,
    users::username,
    users::display_name,
    users::kind,
    users::status,
    users::is_operator,
    users::locale,
) = (
    users::id,
    users::username,
    users::display_name,
    users::kind,
    users::status,
    users::is_operator,
    users::locale,
);

fn to_current_user(row: UserRow) -> CurrentUser {
    let (id, username, display_name, kind, status, is_operator, locale) = row;
    CurrentUser {
        id: UserId(id),
        username,
        display_name,
        kind: AccountKind::parse(&kind).unwrap_or(AccountKind::Youth),
        status: AccountStatus::parse(&status),
        is_operator,
        locale,
    }
}

/// A new account, validated by the caller.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub kind: AccountKind,
    pub birth_date: Option<NaiveDate>,
    pub status: AccountStatus,
    pub is_operator: bool,
    pub locale: Option<&'a str>,
}

pub fn insert_user(
    conn: &mut DbConnection,
    user: &NewUser<'_>,
    now: NaiveDateTime,
) -> QueryResult<UserId> {
    diesel::insert_into(users::table)
        .values((
            users::username.eq(user.username),
            users::email.eq(user.email),
            users::display_name.eq(user.display_name),
            users::password_hash.eq(user.password_hash),
            users::kind.eq(user.kind.as_str()),
            users::birth_date.eq(user.birth_date),
            users::status.eq(user.status.as_str()),
            users::is_operator.eq(user.is_operator),
            users::locale.eq(user.locale),
            users::created_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)
        .map(UserId)
}

pub fn find_user(conn: &mut DbConnection, id: UserId) -> QueryResult<Option<CurrentUser>> {
    users::table
        .filter(users::id.eq(id.0))
        .filter(users::status.ne(AccountStatus::Deleted.as_str()))
        .select(USER_COLUMNS)
        .first::<UserRow>(conn)
        .optional()
        .map(|row| row.map(to_current_user))
}

/// An account by name or e-mail (case-insensitive), for sign-in and for awarding.
pub fn find_user_by_login(
    conn: &mut DbConnection,
    login: &str,
) -> QueryResult<Option<(CurrentUser, String)>> {
    let login = login.trim().to_ascii_lowercase();
    users::table
        .filter(users::username.eq(&login).or(users::email.eq(&login)))
        .filter(users::status.ne(AccountStatus::Deleted.as_str()))
        .select((USER_COLUMNS, users::password_hash))
        .first::<(UserRow, String)>(conn)
        .optional()
        .map(|row| row.map(|(u, hash)| (to_current_user(u), hash)))
}

pub fn username_taken(conn: &mut DbConnection, username: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::username.eq(username)),
    ))
    .get_result(conn)
}

pub fn email_taken(conn: &mut DbConnection, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::email.eq(email)),
    ))
    .get_result(conn)
}

pub fn set_locale(conn: &mut DbConnection, user: UserId, locale: &str) -> QueryResult<()> {
    diesel::update(users::table.filter(users::id.eq(user.0)))
        .set(users::locale.eq(locale))
        .execute(conn)
        .map(|_| ())
}

pub fn insert_session(
    conn: &mut DbConnection,
    hash: &str,
    user: UserId,
    now: NaiveDateTime,
    ttl_hours: i64,
) -> QueryResult<()> {
    // Expired sessions are swept whenever a new one starts.
    diesel::delete(sessions::table.filter(sessions::expires_at.lt(now))).execute(conn)?;
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(hash),
            sessions::user_id.eq(user.0),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + Duration::hours(ttl_hours.max(1))),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn user_by_session(
    conn: &mut DbConnection,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<CurrentUser>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(hash))
        .filter(sessions::expires_at.gt(now))
        .filter(users::status.ne(AccountStatus::Deleted.as_str()))
        .select(USER_COLUMNS)
        .first::<UserRow>(conn)
        .optional()
        .map(|row| row.map(to_current_user))
}

pub fn delete_session(conn: &mut DbConnection, hash: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(hash)))
        .execute(conn)
        .map(|_| ())
}

/// Deletes every session of `user` except the one whose hash is `keep`.
pub fn delete_sessions_of(
    conn: &mut DbConnection,
    user: UserId,
    keep: Option<&str>,
) -> QueryResult<()> {
    let mine = sessions::table.filter(sessions::user_id.eq(user.0));
    match keep {
        Some(keep) => diesel::delete(mine.filter(sessions::token_hash.ne(keep))).execute(conn)?,
        None => diesel::delete(mine).execute(conn)?,
    };
    Ok(())
}

/// Sets `user`'s password hash; a temporary password it replaces stops being one.
pub fn set_password_hash(conn: &mut DbConnection, user: UserId, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(user.0))
        .set(users::password_hash.eq(hash))
        .execute(conn)?;
    crate::auth::temporary::clear(conn, user)
}

/// `user`'s e-mail address and whether it was verified.
pub fn email_of(conn: &mut DbConnection, user: UserId) -> QueryResult<(Option<String>, bool)> {
    users::table
        .find(user.0)
        .select((users::email, users::email_verified_at.is_not_null()))
        .first(conn)
}

/// Records that `user`'s address was proven at `now`.
pub fn mark_email_verified(
    conn: &mut DbConnection,
    user: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(user.0))
        .set(users::email_verified_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// A city-level role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CityRole {
    Coordinator,
    Youth,
    Parent,
    Staff,
}

impl CityRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CityRole::Coordinator => "coordinator",
            CityRole::Youth => "youth",
            CityRole::Parent => "parent",
            CityRole::Staff => "staff",
        }
    }

    fn parse(s: &str) -> Option<CityRole> {
        match s {
            "coordinator" => Some(CityRole::Coordinator),
            "youth" => Some(CityRole::Youth),
            "parent" => Some(CityRole::Parent),
            "staff" => Some(CityRole::Staff),
            _ => None,
        }
    }
}

/// An organization-level role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgRole {
    Admin,
    Mentor,
}

impl OrgRole {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgRole::Admin => "admin",
            OrgRole::Mentor => "mentor",
        }
    }

    pub fn parse(s: &str) -> Option<OrgRole> {
        match s {
            "admin" => Some(OrgRole::Admin),
            "mentor" => Some(OrgRole::Mentor),
            _ => None,
        }
    }
}

pub fn add_city_member(
    conn: &mut DbConnection,
    city: CityId,
    user: UserId,
    role: CityRole,
    now: NaiveDateTime,
) -> QueryResult<()> {
    // Two requests may add the same membership at once: the second one finds it made.
    crate::db::insert_unless_present(conn, |conn| {
        diesel::insert_into(city_members::table)
            .values((
                city_members::city_id.eq(city.0),
                city_members::user_id.eq(user.0),
                city_members::role.eq(role.as_str()),
                city_members::created_at.eq(now),
            ))
            .execute(conn)
    })
}

/// City roles, and organization roles in that city.
pub type RolesInCity = (Vec<CityRole>, Vec<(OrgId, OrgRole)>);

/// The city roles a user holds in one city.
fn city_roles_of(
    conn: &mut DbConnection,
    city: CityId,
    user: UserId,
) -> QueryResult<Vec<CityRole>> {
    let roles: Vec<String> = city_members::table
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::user_id.eq(user.0))
        .select(city_members::role)
        .load(conn)?;
    Ok(roles.iter().filter_map(|r| CityRole::parse(r)).collect())
}

/// The roles a user holds in one city: city roles and organization roles there.
pub fn roles_in_city(
    conn: &mut DbConnection,
    city: CityId,
    user: UserId,
) -> QueryResult<RolesInCity> {
    let city_roles = city_roles_of(conn, city, user)?;
    let org_roles: Vec<(i64, String)> = org_members::table
        .inner_join(organizations::table)
        .filter(organizations::city_id.eq(city.0))
        .filter(org_members::user_id.eq(user.0))
        .select((org_members::org_id, org_members::role))
        .load(conn)?;
    Ok((
        city_roles,
        org_roles
            .into_iter()
            .filter_map(|(org, role)| OrgRole::parse(&role).map(|r| (OrgId(org), r)))
            .collect(),
    ))
}

/// The slugs of the cities a user belongs to, in the order they joined.
pub fn city_ids_of(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<CityId>> {
    let mut ids: Vec<i64> = city_members::table
        .filter(city_members::user_id.eq(user.0))
        .order(city_members::id)
        .select(city_members::city_id)
        .load(conn)?;
    let org_cities: Vec<i64> = org_members::table
        .inner_join(organizations::table)
        .filter(org_members::user_id.eq(user.0))
        .select(organizations::city_id)
        .load(conn)?;
    ids.extend(org_cities);
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(*id));
    Ok(ids.into_iter().map(CityId).collect())
}

pub fn link_parent(
    conn: &mut DbConnection,
    parent: UserId,
    youth: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(parent_links::table)
        .values((
            parent_links::parent_id.eq(parent.0),
            parent_links::youth_id.eq(youth.0),
            parent_links::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The youth a parent follows.
pub fn children_of(conn: &mut DbConnection, parent: UserId) -> QueryResult<Vec<CurrentUser>> {
    parent_links::table
        .inner_join(users::table.on(users::id.eq(parent_links::youth_id)))
        .filter(parent_links::parent_id.eq(parent.0))
        .order(users::display_name)
        .select(USER_COLUMNS)
        .load::<UserRow>(conn)
        .map(|rows| rows.into_iter().map(to_current_user).collect())
}

pub fn is_set_up(conn: &mut DbConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(platform::table.select(platform::id))).get_result(conn)
}

/// Marks the platform as set up; fails with a unique violation if it already was.
pub fn mark_set_up(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(platform::table)
        .values((platform::id.eq(1), platform::set_up_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

/// Active youth of a city among `logins` (user names or e-mails, lower-case): login → (id, user name).
pub fn active_youth_by_login(
    conn: &mut DbConnection,
    city: CityId,
    logins: &[String],
) -> QueryResult<std::collections::HashMap<String, (UserId, String)>> {
    let rows: Vec<(i64, String, Option<String>)> = users::table
        .inner_join(city_members::table.on(city_members::user_id.eq(users::id)))
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::role.eq(CityRole::Youth.as_str()))
        .filter(users::status.eq(AccountStatus::Active.as_str()))
        .filter(
            users::username
                .eq_any(logins)
                .or(users::email.eq_any(logins)),
        )
        .select((users::id, users::username, users::email))
        .load(conn)?;
    let mut found = std::collections::HashMap::new();
    for (id, username, email) in rows {
        if let Some(email) = email {
            found.insert(email, (UserId(id), username.clone()));
        }
        found.insert(username.clone(), (UserId(id), username));
    }
    Ok(found)
}

/// What a signed-in person may open in the city `city_slug`: the links of their navigation.
pub fn nav_places(
    conn: &mut DbConnection,
    user: UserId,
    city_slug: &str,
) -> QueryResult<crate::auth::NavPlaces> {
    use crate::db::schema::cities;
    let Some(city) = cities::table
        .filter(cities::slug.eq(city_slug))
        .select(cities::id)
        .first::<i64>(conn)
        .optional()?
    else {
        return Ok(crate::auth::NavPlaces::default());
    };
    let roles = city_roles_of(conn, CityId(city), user)?;
    let orgs: Vec<(String, String)> = org_members::table
        .inner_join(organizations::table)
        .filter(organizations::city_id.eq(city))
        .filter(org_members::user_id.eq(user.0))
        .order(organizations::name)
        .select((organizations::slug, organizations::name))
        .load(conn)?;
    Ok(crate::auth::NavPlaces {
        city_slug: Some(city_slug.to_string()),
        member: !roles.is_empty(),
        coordinator: roles.contains(&CityRole::Coordinator),
        orgs,
    })
}

/// Whether `user` turned e-mail notifications off.
pub fn notifications_off(conn: &mut DbConnection, user: UserId) -> QueryResult<bool> {
    users::table
        .find(user.0)
        .select(users::notifications_off)
        .first(conn)
}

/// Turns `user`'s e-mail notifications off (or back on).
pub fn set_notifications_off(conn: &mut DbConnection, user: UserId, off: bool) -> QueryResult<()> {
    diesel::update(users::table.find(user.0))
        .set(users::notifications_off.eq(off))
        .execute(conn)
        .map(|_| ())
}

/// Whether `user`'s display name may show on public pages.
pub fn shows_name(conn: &mut DbConnection, user: UserId) -> QueryResult<bool> {
    users::table
        .find(user.0)
        .select(users::show_name)
        .first(conn)
}

/// Lets `user`'s display name show on public pages (or not).
pub fn set_shows_name(conn: &mut DbConnection, user: UserId, show: bool) -> QueryResult<()> {
    diesel::update(users::table.find(user.0))
        .set(users::show_name.eq(show))
        .execute(conn)
        .map(|_| ())
}

/// Whether `parent` is linked to `youth`.
pub fn is_parent_of(conn: &mut DbConnection, parent: UserId, youth: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        parent_links::table
            .filter(parent_links::parent_id.eq(parent.0))
            .filter(parent_links::youth_id.eq(youth.0)),
    ))
    .get_result(conn)
}

/// Whether any parent is linked to `youth`.
pub fn has_parent(conn: &mut DbConnection, youth: UserId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        parent_links::table.filter(parent_links::youth_id.eq(youth.0)),
    ))
    .get_result(conn)
}

/// Whether `user` is under 13 on `today` (no birth date counts as 13 or over).
pub fn is_under_13(conn: &mut DbConnection, user: UserId, today: NaiveDate) -> QueryResult<bool> {
    let born: Option<NaiveDate> = users::table
        .find(user.0)
        .select(users::birth_date)
        .first(conn)?;
    Ok(born.is_some_and(|b| crate::fields::age_on(b, today) < 13))
}
