//! All SQL about activities.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::activities::detail::ActivityStatus;
use crate::activities::Activity;
use crate::db::schema::{activities, organizations};
use crate::db::DbConnection;
use crate::ids::{ActivityId, CityId, OrgId};

type ActivityRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

fn to_activity(row: ActivityRow) -> Activity {
    let (id, org_id, org_slug, org_name, title, description, location, starts_on, ends_on) = row;
    Activity {
        id: ActivityId(id),
        org_id: OrgId(org_id),
        org_slug,
        org_name,
        title,
        description,
        location,
        starts_on,
        ends_on,
    }
}

pub struct NewActivity<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

pub fn insert(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    new: &NewActivity<'_>,
    now: NaiveDateTime,
) -> QueryResult<ActivityId> {
    diesel::insert_into(activities::table)
        .values((
            activities::city_id.eq(city.0),
            activities::org_id.eq(org.0),
            activities::title.eq(new.title),
            activities::description.eq(new.description),
            activities::location.eq(new.location),
            activities::starts_on.eq(new.starts_on),
            activities::ends_on.eq(new.ends_on),
            activities::created_at.eq(now),
        ))
        .returning(activities::id)
        .get_result(conn)
        .map(ActivityId)
}

/// The activities of a city, optionally of one organization, soonest first, whatever their status.
pub fn list(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<OrgId>,
) -> QueryResult<Vec<Activity>> {
    listing(conn, city, org, false)
}

/// The published activities of organization `org` of `city`, soonest first: what visitors see.
pub fn list_published(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
) -> QueryResult<Vec<Activity>> {
    listing(conn, city, Some(org), true)
}

fn listing(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<OrgId>,
    published_only: bool,
) -> QueryResult<Vec<Activity>> {
    let mut query = activities::table
        .inner_join(organizations::table)
        .filter(activities::city_id.eq(city.0))
        .into_boxed();
    if let Some(org) = org {
        query = query.filter(activities::org_id.eq(org.0));
    }
    if published_only {
        query = query.filter(activities::status.eq(ActivityStatus::Published.as_str()));
    }
    query
        .order((activities::starts_on.asc(), activities::title.asc()))
        .select((
            activities::id,
            activities::org_id,
            organizations::slug,
            organizations::name,
            activities::title,
            activities::description,
            activities::location,
            activities::starts_on,
            activities::ends_on,
        ))
        .load::<ActivityRow>(conn)
        .map(|rows| rows.into_iter().map(to_activity).collect())
}

/// How many activities a city offers visitors: published ones of approved organizations.
pub fn count(conn: &mut DbConnection, city: CityId) -> QueryResult<i64> {
    activities::table
        .inner_join(organizations::table)
        .filter(activities::city_id.eq(city.0))
        .filter(activities::status.eq(ActivityStatus::Published.as_str()))
        .filter(organizations::status.eq(crate::orgs::OrgStatus::Approved.as_str()))
        .count()
        .get_result(conn)
}

/// Whether an activity belongs to an organization (to link a badge to it).
pub fn belongs_to(conn: &mut DbConnection, activity: ActivityId, org: OrgId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        activities::table
            .filter(activities::id.eq(activity.0))
            .filter(activities::org_id.eq(org.0)),
    ))
    .get_result(conn)
}

/// The words of `activity` in every language: title, description, location, translations.
pub fn searchable_parts(conn: &mut DbConnection, activity: ActivityId) -> QueryResult<Vec<String>> {
    use crate::db::schema::activity_translations as tr;
    let (title, description, location) = activities::table
        .filter(activities::id.eq(activity.0))
        .select((
            activities::title,
            activities::description,
            activities::location,
        ))
        .first::<(String, String, String)>(conn)?;
    let mut parts = vec![title, description, location];
    for (t, d) in tr::table
        .filter(tr::activity_id.eq(activity.0))
        .select((tr::title, tr::description))
        .load::<(String, String)>(conn)?
    {
        parts.push(t);
        parts.push(d);
    }
    Ok(parts)
}

pub fn set_search_text(
    conn: &mut DbConnection,
    activity: ActivityId,
    text: &str,
) -> QueryResult<()> {
    diesel::update(activities::table.filter(activities::id.eq(activity.0)))
        .set(activities::search_text.eq(text))
        .execute(conn)
        .map(|_| ())
}

pub mod editing;
pub use editing::*;
