//! SQL of an activity in full: writing every field, its translations and badges, its status and
//! image; reading it back for its page and edit form.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::activities::command::{ActivityCommand, Choices};
use crate::activities::detail::{
    ActivityDetail, ActivityLink, ActivityStatus, ActivitySummary, LeadsTo,
};
use crate::db::schema::{
    activities, activity_badges, activity_translations, badges, categories, neighborhoods,
    organizations,
};
use crate::db::DbConnection;
use crate::ids::{ActivityId, BadgeId, CityId, OrgId};
use crate::tenancy::store::{named_list, NameList};
use crate::tenancy::Named;

/// This city's categories and neighborhoods and this organization's badges.
pub fn choices(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    city_languages: Vec<&'static str>,
) -> QueryResult<Choices> {
    let categories = named_list(conn, city, NameList::Categories)?;
    let neighborhoods = named_list(conn, city, NameList::Neighborhoods)?;
    let badges = badges::table
        .filter(badges::city_id.eq(city.0))
        .filter(badges::org_id.eq(org.0))
        .order(badges::name.asc())
        .select((badges::id, badges::slug, badges::name))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, slug, name)| Named { id, slug, name })
        .collect();
    Ok(Choices {
        categories,
        neighborhoods,
        badges,
        city_languages,
    })
}

/// Inserts an activity with every field of `command`, in `status`.
pub fn insert_command(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    command: &ActivityCommand,
    status: ActivityStatus,
    now: NaiveDateTime,
) -> QueryResult<ActivityId> {
    let c = command;
    let id = diesel::insert_into(activities::table)
        .values((
            activities::city_id.eq(city.0),
            activities::org_id.eq(org.0),
            activities::title.eq(&c.title),
            activities::description.eq(&c.description),
            activities::location.eq(&c.address),
            activities::starts_on.eq(c.starts_on),
            activities::ends_on.eq(c.ends_on),
            activities::created_at.eq(now),
            activities::category_id.eq(c.category_id),
            activities::neighborhood_id.eq(c.neighborhood_id),
            activities::age_min.eq(c.age_min),
            activities::age_max.eq(c.age_max),
            activities::weekdays.eq(c.weekdays),
            activities::time_from.eq(&c.time_from),
            activities::time_to.eq(&c.time_to),
            activities::online.eq(c.online),
            activities::cost_cents.eq(c.cost_cents),
            activities::capacity.eq(c.capacity),
            activities::registration_url.eq(&c.registration_url),
            activities::accessibility.eq(&c.accessibility),
            activities::languages.eq(&c.languages),
            activities::status.eq(status.as_str()),
            activities::original_locale.eq(c.original_locale),
            activities::updated_at.eq(now),
        ))
        .returning(activities::id)
        .get_result(conn)
        .map(ActivityId)?;
    replace_links(conn, id, command)?;
    Ok(id)
}

/// Writes every field of `command` over activity `id` (of `org` in `city`); false when there
/// is no such activity there.
pub fn update_command(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    id: ActivityId,
    command: &ActivityCommand,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let c = command;
    let changed = diesel::update(
        activities::table
            .filter(activities::id.eq(id.0))
            .filter(activities::city_id.eq(city.0))
            .filter(activities::org_id.eq(org.0)),
    )
    .set((
        activities::title.eq(&c.title),
        activities::description.eq(&c.description),
        activities::location.eq(&c.address),
        activities::starts_on.eq(c.starts_on),
        activities::ends_on.eq(c.ends_on),
        activities::category_id.eq(c.category_id),
        activities::neighborhood_id.eq(c.neighborhood_id),
        activities::age_min.eq(c.age_min),
        activities::age_max.eq(c.age_max),
        activities::weekdays.eq(c.weekdays),
        activities::time_from.eq(&c.time_from),
        activities::time_to.eq(&c.time_to),
        activities::online.eq(c.online),
        activities::cost_cents.eq(c.cost_cents),
        activities::capacity.eq(c.capacity),
        activities::registration_url.eq(&c.registration_url),
        activities::accessibility.eq(&c.accessibility),
        activities::languages.eq(&c.languages),
        activities::original_locale.eq(c.original_locale),
        activities::updated_at.eq(now),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    replace_links(conn, id, command)?;
    Ok(true)
}

/// Its translations and badges become exactly those of `command`.
fn replace_links(
    conn: &mut DbConnection,
    id: ActivityId,
    command: &ActivityCommand,
) -> QueryResult<()> {
    diesel::delete(
        activity_translations::table.filter(activity_translations::activity_id.eq(id.0)),
    )
    .execute(conn)?;
    for (locale, title, description) in &command.translations {
        diesel::insert_into(activity_translations::table)
            .values((
                activity_translations::activity_id.eq(id.0),
                activity_translations::locale.eq(*locale),
                activity_translations::title.eq(title),
                activity_translations::description.eq(description),
            ))
            .execute(conn)?;
    }
    diesel::delete(activity_badges::table.filter(activity_badges::activity_id.eq(id.0)))
        .execute(conn)?;
    for BadgeId(badge) in &command.badges {
        diesel::insert_into(activity_badges::table)
            .values((
                activity_badges::activity_id.eq(id.0),
                activity_badges::badge_id.eq(badge),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_image(
    conn: &mut DbConnection,
    id: ActivityId,
    mime: &str,
    bytes: &[u8],
) -> QueryResult<()> {
    diesel::update(activities::table.filter(activities::id.eq(id.0)))
        .set((
            activities::image_mime.eq(Some(mime)),
            activities::image_data.eq(Some(bytes)),
        ))
        .execute(conn)
        .map(|_| ())
}

/// The status of activity `id` of `org` in `city`, read under a row lock where the backend has
/// one, so two transitions at once apply one after the other.
pub fn status_for_update(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    id: ActivityId,
) -> QueryResult<Option<ActivityStatus>> {
    let query = || {
        activities::table
            .filter(activities::id.eq(id.0))
            .filter(activities::city_id.eq(city.0))
            .filter(activities::org_id.eq(org.0))
            .select(activities::status)
    };
    let status = if let DbConnection::Postgresql(pg) = &mut *conn {
        query().for_update().first::<String>(pg).optional()?
    } else {
        query().first::<String>(conn).optional()?
    };
    Ok(status.map(|s| ActivityStatus::parse(&s)))
}

pub fn set_status(
    conn: &mut DbConnection,
    id: ActivityId,
    status: ActivityStatus,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(activities::table.filter(activities::id.eq(id.0)))
        .set((
            activities::status.eq(status.as_str()),
            activities::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Queryable)]
struct DetailRow {
    id: i64,
    city_id: i64,
    org_id: i64,
    org_slug: String,
    org_name: String,
    title: String,
    description: String,
    category_id: Option<i64>,
    neighborhood_id: Option<i64>,
    age_min: Option<i32>,
    age_max: Option<i32>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    weekdays: i32,
    time_from: String,
    time_to: String,
    online: bool,
    location: String,
    cost_cents: i32,
    capacity: Option<i32>,
    registration_url: String,
    image_mime: Option<String>,
    accessibility: String,
    languages: String,
    status: String,
    original_locale: String,
}

/// Activity `id` of `city`, in full; `None` when the city has no such activity.
pub fn find_detail(
    conn: &mut DbConnection,
    city: CityId,
    id: ActivityId,
) -> QueryResult<Option<ActivityDetail>> {
    let Some(row) = activities::table
        .inner_join(organizations::table)
        .filter(activities::id.eq(id.0))
        .filter(activities::city_id.eq(city.0))
        .select((
            activities::id,
            activities::city_id,
            activities::org_id,
            organizations::slug,
            organizations::name,
            activities::title,
            activities::description,
            activities::category_id,
            activities::neighborhood_id,
            activities::age_min,
            activities::age_max,
            activities::starts_on,
            activities::ends_on,
            activities::weekdays,
            activities::time_from,
            activities::time_to,
            activities::online,
            activities::location,
            activities::cost_cents,
            activities::capacity,
            activities::registration_url,
            activities::image_mime,
            activities::accessibility,
            activities::languages,
            activities::status,
            activities::original_locale,
        ))
        .first::<DetailRow>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let category = match row.category_id {
        Some(c) => categories::table
            .filter(categories::id.eq(c))
            .filter(categories::city_id.eq(city.0))
            .select((categories::slug, categories::name))
            .first::<(String, String)>(conn)
            .optional()?,
        None => None,
    };
    let neighborhood = match row.neighborhood_id {
        Some(n) => neighborhoods::table
            .filter(neighborhoods::id.eq(n))
            .filter(neighborhoods::city_id.eq(city.0))
            .select((neighborhoods::slug, neighborhoods::name))
            .first::<(String, String)>(conn)
            .optional()?,
        None => None,
    };
    let translations = activity_translations::table
        .filter(activity_translations::activity_id.eq(row.id))
        .order(activity_translations::locale.asc())
        .select((
            activity_translations::locale,
            activity_translations::title,
            activity_translations::description,
        ))
        .load::<(String, String, String)>(conn)?;
    let badges = activity_badges::table
        .inner_join(badges::table)
        .filter(activity_badges::activity_id.eq(row.id))
        .filter(badges::city_id.eq(city.0))
        .order(badges::name.asc())
        .select((badges::slug, badges::name))
        .load::<(String, String)>(conn)?;
    let badges = badges
        .into_iter()
        .map(|(slug, name)| LeadsTo { slug, name })
        .collect();
    Ok(Some(ActivityDetail {
        id: ActivityId(row.id),
        city_id: CityId(row.city_id),
        org_id: OrgId(row.org_id),
        org_slug: row.org_slug,
        org_name: row.org_name,
        title: row.title,
        description: row.description,
        category,
        neighborhood,
        age_min: row.age_min,
        age_max: row.age_max,
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        weekdays: row.weekdays,
        time_from: row.time_from,
        time_to: row.time_to,
        online: row.online,
        address: row.location,
        cost_cents: row.cost_cents,
        capacity: row.capacity,
        registration_url: row.registration_url,
        has_image: row.image_mime.is_some(),
        accessibility: row.accessibility,
        languages: row
            .languages
            .split(',')
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        status: ActivityStatus::parse(&row.status),
        original_locale: row.original_locale,
        translations,
        badges,
    }))
}

/// An activity's stored image, with what decides who may see it.
pub struct StoredImage {
    pub org: OrgId,
    pub status: ActivityStatus,
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// The image of activity `id` of `city` with the activity's organization and status, so the
/// caller decides who may see it.
pub fn image(
    conn: &mut DbConnection,
    city: CityId,
    id: ActivityId,
) -> QueryResult<Option<StoredImage>> {
    let row = activities::table
        .filter(activities::id.eq(id.0))
        .filter(activities::city_id.eq(city.0))
        .select((
            activities::org_id,
            activities::status,
            activities::image_mime,
            activities::image_data,
        ))
        .first::<(i64, String, Option<String>, Option<Vec<u8>>)>(conn)
        .optional()?;
    Ok(match row {
        Some((org, status, Some(mime), Some(bytes))) => Some(StoredImage {
            org: OrgId(org),
            status: ActivityStatus::parse(&status),
            mime,
            bytes,
        }),
        _ => None,
    })
}

/// Every activity of an organization, whatever its status, soonest first.
pub fn list_for_org(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
) -> QueryResult<Vec<ActivitySummary>> {
    Ok(activities::table
        .filter(activities::city_id.eq(city.0))
        .filter(activities::org_id.eq(org.0))
        .order((activities::starts_on.asc(), activities::title.asc()))
        .select((
            activities::id,
            activities::title,
            activities::status,
            activities::starts_on,
            activities::ends_on,
        ))
        .load::<(i64, String, String, Option<NaiveDate>, Option<NaiveDate>)>(conn)?
        .into_iter()
        .map(|(id, title, status, starts_on, ends_on)| ActivitySummary {
            id: ActivityId(id),
            title,
            status: ActivityStatus::parse(&status),
            starts_on,
            ends_on,
        })
        .collect())
}

/// The published activities of `city` that lead to `badge`, soonest first, with their titles
/// in `locale` where one was given.
pub fn published_leading_to(
    conn: &mut DbConnection,
    city: CityId,
    badge: BadgeId,
    locale: &str,
) -> QueryResult<Vec<ActivityLink>> {
    let mut rows = activity_badges::table
        .inner_join(activities::table.inner_join(organizations::table))
        .filter(activity_badges::badge_id.eq(badge.0))
        .filter(activities::city_id.eq(city.0))
        .filter(activities::status.eq(ActivityStatus::Published.as_str()))
        .order((activities::starts_on.asc(), activities::title.asc()))
        .select((
            activities::id,
            activities::title,
            organizations::name,
            activities::starts_on,
            activities::ends_on,
        ))
        .load::<(i64, String, String, Option<NaiveDate>, Option<NaiveDate>)>(conn)?;
    rows.sort_by(|a, b| (a.3, &a.1).cmp(&(b.3, &b.1)));
    let mut links = Vec::with_capacity(rows.len());
    for (id, title, org_name, starts_on, ends_on) in rows {
        let translated = activity_translations::table
            .filter(activity_translations::activity_id.eq(id))
            .filter(activity_translations::locale.eq(locale))
            .select(activity_translations::title)
            .first::<String>(conn)
            .optional()?;
        links.push(ActivityLink {
            id: ActivityId(id),
            title: translated.unwrap_or(title),
            org_name,
            starts_on,
            ends_on,
        });
    }
    Ok(links)
}
