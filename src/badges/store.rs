//! All SQL about badges and their images.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::badges::Badge;
use crate::db::schema::{awards, badges, organizations};
use crate::db::DbConnection;
use crate::ids::{ActivityId, BadgeId, CityId, OrgId};

type BadgeRow = (
    i64,
    i64,
    String,
    String,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<i32>,
);

fn to_badge(row: BadgeRow) -> Badge {
    let (
        id,
        org_id,
        org_slug,
        org_name,
        activity_id,
        slug,
        name,
        description,
        criteria,
        valid_days,
    ) = row;
    Badge {
        id: BadgeId(id),
        org_id: OrgId(org_id),
        org_slug,
        org_name,
        activity_id: activity_id.map(ActivityId),
        slug,
        name,
        description,
        criteria,
        valid_days,
    }
}

type Columns = (
    badges::id,
    badges::org_id,
    organizations::slug,
    organizations::name,
    badges::activity_id,
    badges::slug,
    badges::name,
    badges::description,
    badges::criteria,
    badges::valid_days,
);

const COLUMNS: Columns = (
    badges::id,
    badges::org_id,
    organizations::slug,
    organizations::name,
    badges::activity_id,
    badges::slug,
    badges::name,
    badges::description,
    badges::criteria,
    badges::valid_days,
);

pub struct NewBadge<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub activity: Option<ActivityId>,
    pub image_mime: &'a str,
    pub image_data: &'a [u8],
    pub valid_days: Option<i32>,
}

pub fn insert(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    new: &NewBadge<'_>,
    now: NaiveDateTime,
) -> QueryResult<BadgeId> {
    diesel::insert_into(badges::table)
        .values((
            badges::city_id.eq(city.0),
            badges::org_id.eq(org.0),
            badges::activity_id.eq(new.activity.map(|a| a.0)),
            badges::slug.eq(new.slug),
            badges::name.eq(new.name),
            badges::description.eq(new.description),
            badges::criteria.eq(new.criteria),
            badges::image_mime.eq(new.image_mime),
            badges::image_data.eq(new.image_data),
            badges::valid_days.eq(new.valid_days),
            badges::created_at.eq(now),
        ))
        .returning(badges::id)
        .get_result(conn)
        .map(BadgeId)
}

pub fn find_by_slug(
    conn: &mut DbConnection,
    city: CityId,
    slug: &str,
) -> QueryResult<Option<Badge>> {
    badges::table
        .inner_join(organizations::table)
        .filter(badges::city_id.eq(city.0))
        .filter(badges::slug.eq(slug))
        .select(COLUMNS)
        .first::<BadgeRow>(conn)
        .optional()
        .map(|r| r.map(to_badge))
}

/// The badges of a city, optionally of one organization, by name.
pub fn list(conn: &mut DbConnection, city: CityId, org: Option<OrgId>) -> QueryResult<Vec<Badge>> {
    let mut query = badges::table
        .inner_join(organizations::table)
        .filter(badges::city_id.eq(city.0))
        .into_boxed();
    if let Some(org) = org {
        query = query.filter(badges::org_id.eq(org.0));
    }
    query
        .order(badges::name)
        .select(COLUMNS)
        .load::<BadgeRow>(conn)
        .map(|rows| rows.into_iter().map(to_badge).collect())
}

/// A badge's image as stored, with the badge's name (for a generated stand-in).
pub struct StoredImage {
    pub mime: String,
    pub bytes: Vec<u8>,
    pub badge_name: String,
}

pub fn image(
    conn: &mut DbConnection,
    city: CityId,
    slug: &str,
) -> QueryResult<Option<StoredImage>> {
    badges::table
        .filter(badges::city_id.eq(city.0))
        .filter(badges::slug.eq(slug))
        .select((badges::image_mime, badges::image_data, badges::name))
        .first::<(String, Vec<u8>, String)>(conn)
        .optional()
        .map(|row| {
            row.map(|(mime, bytes, badge_name)| StoredImage {
                mime,
                bytes,
                badge_name,
            })
        })
}

pub fn earner_count(conn: &mut DbConnection, badge: BadgeId) -> QueryResult<i64> {
    awards::table
        .filter(awards::badge_id.eq(badge.0))
        .count()
        .get_result(conn)
}
