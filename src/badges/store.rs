//! All SQL about badges and their images.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::badges::{Alignment, Badge, BadgeContent, Translation};
use crate::db::schema::{
    activity_badges, awards, badge_alignments, badge_translations, badge_versions, badges,
    organizations,
};
use crate::db::DbConnection;
use crate::ids::{ActivityId, BadgeId, CityId, OrgId};

type BadgeRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<i32>,
    i32,
    Option<String>,
);

fn to_badge(row: BadgeRow) -> Badge {
    let (
        id,
        org_id,
        org_slug,
        org_name,
        slug,
        name,
        description,
        criteria,
        valid_days,
        version,
        design,
    ) = row;
    Badge {
        id: BadgeId(id),
        org_id: OrgId(org_id),
        org_slug,
        org_name,
        slug,
        name,
        description,
        criteria,
        valid_days,
        version,
        design,
    }
}

type Columns = (
    badges::id,
    badges::org_id,
    organizations::slug,
    organizations::name,
    badges::slug,
    badges::name,
    badges::description,
    badges::criteria,
    badges::valid_days,
    badges::version,
    badges::design,
);

const COLUMNS: Columns = (
    badges::id,
    badges::org_id,
    organizations::slug,
    organizations::name,
    badges::slug,
    badges::name,
    badges::description,
    badges::criteria,
    badges::valid_days,
    badges::version,
    badges::design,
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
        .and_then(|badge| {
            if let Some(activity) = new.activity {
                diesel::insert_into(activity_badges::table)
                    .values((
                        activity_badges::activity_id.eq(activity.0),
                        activity_badges::badge_id.eq(badge.0),
                    ))
                    .execute(conn)?;
            }
            Ok(badge)
        })
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

/// The badges of a city's home page, at most `limit`: the most awarded of the season when the
/// dashboard counts one, else the newest; with how many badges the city has in all.
pub fn featured(
    conn: &mut DbConnection,
    city: CityId,
    limit: i64,
) -> QueryResult<(Vec<Badge>, i64)> {
    let total: i64 = badges::table
        .filter(badges::city_id.eq(city.0))
        .count()
        .get_result(conn)?;
    let mut ids = crate::dashboard::season::most_awarded(conn, city, limit)?;
    if (ids.len() as i64) < limit {
        let newest: Vec<i64> = badges::table
            .filter(badges::city_id.eq(city.0))
            .filter(badges::id.ne_all(&ids))
            .order((badges::created_at.desc(), badges::id.desc()))
            .limit(limit - ids.len() as i64)
            .select(badges::id)
            .load(conn)?;
        ids.extend(newest);
    }
    let mut found: Vec<Badge> = badges::table
        .inner_join(organizations::table)
        .filter(badges::city_id.eq(city.0))
        .filter(badges::id.eq_any(&ids))
        .select(COLUMNS)
        .load::<BadgeRow>(conn)?
        .into_iter()
        .map(to_badge)
        .collect();
    found.sort_by_key(|b| ids.iter().position(|id| *id == b.id.0));
    Ok((found, total))
}

/// A badge's image as stored, with the badge's name (for a generated stand-in).
pub struct StoredImage {
    pub mime: String,
    pub bytes: Vec<u8>,
    pub badge_name: String,
}

/// The image of badge `slug` of `city`: the current one, or the one of `version` (`None`: no
/// such version).
pub fn image(
    conn: &mut DbConnection,
    city: CityId,
    slug: &str,
    version: Option<i32>,
) -> QueryResult<Option<StoredImage>> {
    let current = badges::table
        .filter(badges::city_id.eq(city.0))
        .filter(badges::slug.eq(slug))
        .select((
            badges::id,
            badges::version,
            badges::image_mime,
            badges::image_data,
            badges::name,
        ))
        .first::<(i64, i32, String, Vec<u8>, String)>(conn)
        .optional()?;
    let Some((id, current_version, mime, bytes, badge_name)) = current else {
        return Ok(None);
    };
    let stored = |mime, bytes| StoredImage {
        mime,
        bytes,
        badge_name: badge_name.clone(),
    };
    match version {
        None => Ok(Some(stored(mime, bytes))),
        Some(v) if v == current_version => Ok(Some(stored(mime, bytes))),
        Some(v) => {
            let row = badge_versions::table
                .filter(badge_versions::badge_id.eq(id))
                .filter(badge_versions::version.eq(v))
                .select((badge_versions::image_mime, badge_versions::image_data))
                .first::<(String, Vec<u8>)>(conn)
                .optional()?;
            Ok(row.map(|(mime, bytes)| stored(mime, bytes)))
        }
    }
}

/// How many youth hold the badge now (revoked awards are not counted).
pub fn earner_count(conn: &mut DbConnection, badge: BadgeId) -> QueryResult<i64> {
    awards::table
        .filter(awards::badge_id.eq(badge.0))
        .filter(awards::revoked_at.is_null())
        .count()
        .get_result(conn)
}

/// Everything the badge says now: its row, alignments and translations.
pub fn content(conn: &mut DbConnection, badge: BadgeId) -> QueryResult<BadgeContent> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<i32>,
        String,
        String,
    );
    let (
        name,
        description,
        criteria,
        tags,
        badge_type,
        earned_by,
        valid_days,
        original_locale,
        rubric,
    ): Row = badges::table
        .find(badge.0)
        .select((
            badges::name,
            badges::description,
            badges::criteria,
            badges::tags,
            badges::badge_type,
            badges::earned_by,
            badges::valid_days,
            badges::original_locale,
            badges::rubric,
        ))
        .first(conn)?;
    let alignments = badge_alignments::table
        .filter(badge_alignments::badge_id.eq(badge.0))
        .order((badge_alignments::position, badge_alignments::id))
        .select((
            badge_alignments::name,
            badge_alignments::url,
            badge_alignments::framework,
        ))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(name, url, framework)| Alignment {
            name,
            url,
            framework,
        })
        .collect();
    let translations = badge_translations::table
        .filter(badge_translations::badge_id.eq(badge.0))
        .order(badge_translations::locale)
        .select((
            badge_translations::locale,
            badge_translations::name,
            badge_translations::description,
            badge_translations::criteria,
        ))
        .load::<(String, String, String, String)>(conn)?
        .into_iter()
        .map(|(locale, name, description, criteria)| Translation {
            locale,
            name,
            description,
            criteria,
        })
        .collect();
    Ok(BadgeContent {
        name,
        description,
        criteria,
        tags: tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        alignments,
        badge_type,
        earned_by,
        rubric: rubric
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
        valid_days,
        original_locale,
        translations,
    })
}

/// Writes what the badge says (its row's texts, tags, type, validity, design; its alignments
/// and translations replaced), in the caller's transaction.
pub fn save_content(
    conn: &mut DbConnection,
    badge: BadgeId,
    content: &BadgeContent,
    design: Option<&str>,
) -> QueryResult<()> {
    diesel::update(badges::table.find(badge.0))
        .set((
            badges::name.eq(&content.name),
            badges::description.eq(&content.description),
            badges::criteria.eq(&content.criteria),
            badges::tags.eq(content.tags.join(",")),
            badges::badge_type.eq(&content.badge_type),
            badges::earned_by.eq(&content.earned_by),
            badges::rubric.eq(content.rubric.join("\n")),
            badges::valid_days.eq(content.valid_days),
            badges::original_locale.eq(&content.original_locale),
            badges::design.eq(design),
        ))
        .execute(conn)?;
    diesel::delete(badge_alignments::table.filter(badge_alignments::badge_id.eq(badge.0)))
        .execute(conn)?;
    for (position, alignment) in content.alignments.iter().enumerate() {
        diesel::insert_into(badge_alignments::table)
            .values((
                badge_alignments::badge_id.eq(badge.0),
                badge_alignments::name.eq(&alignment.name),
                badge_alignments::url.eq(&alignment.url),
                badge_alignments::framework.eq(&alignment.framework),
                badge_alignments::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    diesel::delete(badge_translations::table.filter(badge_translations::badge_id.eq(badge.0)))
        .execute(conn)?;
    for translation in &content.translations {
        diesel::insert_into(badge_translations::table)
            .values((
                badge_translations::badge_id.eq(badge.0),
                badge_translations::locale.eq(&translation.locale),
                badge_translations::name.eq(&translation.name),
                badge_translations::description.eq(&translation.description),
                badge_translations::criteria.eq(&translation.criteria),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Keeps the badge as it is now as its current version, unless that version is kept already
/// (badges made before versions existed are kept as version 1 on their first edit).
pub fn keep_current_version(
    conn: &mut DbConnection,
    badge: BadgeId,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    let (version, mime, bytes): (i32, String, Vec<u8>) = badges::table
        .find(badge.0)
        .select((badges::version, badges::image_mime, badges::image_data))
        .first(conn)?;
    let kept: bool = diesel::select(diesel::dsl::exists(
        badge_versions::table
            .filter(badge_versions::badge_id.eq(badge.0))
            .filter(badge_versions::version.eq(version)),
    ))
    .get_result(conn)?;
    if !kept {
        let snapshot = serde_json::to_string(&content(conn, badge)?).unwrap_or_default();
        diesel::insert_into(badge_versions::table)
            .values((
                badge_versions::badge_id.eq(badge.0),
                badge_versions::version.eq(version),
                badge_versions::snapshot.eq(snapshot),
                badge_versions::image_mime.eq(mime),
                badge_versions::image_data.eq(bytes),
                badge_versions::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(version)
}

/// A new version of a badge: the current one is kept first, then the badge says `content`
/// with `image` and `design`, and that is kept as the next version. Returns the new version.
/// Runs in its own transaction (nested in the caller's, if any).
pub fn update(
    conn: &mut DbConnection,
    city: CityId,
    badge: BadgeId,
    content: &BadgeContent,
    image: (&str, &[u8]),
    design: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    conn.transaction(|conn| {
        // The row first: two editors at once make two versions, one after the other.
        let current: i32 = diesel::update(
            badges::table
                .filter(badges::id.eq(badge.0))
                .filter(badges::city_id.eq(city.0)),
        )
        .set(badges::updated_at.eq(now))
        .returning(badges::version)
        .get_result(conn)?;
        keep_current_version(conn, badge, now)?;
        let next = current + 1;
        diesel::update(badges::table.find(badge.0))
            .set((
                badges::version.eq(next),
                badges::image_mime.eq(image.0),
                badges::image_data.eq(image.1),
            ))
            .execute(conn)?;
        save_content(conn, badge, content, design)?;
        keep_current_version(conn, badge, now)?;
        Ok(next)
    })
}

/// The badge as it was at `version` (`None`: an award made before versions, read as version
/// 1); `None` when that version was never kept, i.e. the badge has not changed since.
pub fn content_at(
    conn: &mut DbConnection,
    badge: BadgeId,
    version: Option<i32>,
) -> QueryResult<Option<BadgeContent>> {
    let snapshot: Option<String> = badge_versions::table
        .filter(badge_versions::badge_id.eq(badge.0))
        .filter(badge_versions::version.eq(version.unwrap_or(1)))
        .select(badge_versions::snapshot)
        .first(conn)
        .optional()?;
    Ok(snapshot.and_then(|s| serde_json::from_str(&s).ok()))
}

/// The version that badge `badge` has now (what an award made now records).
pub fn current_version(conn: &mut DbConnection, badge: BadgeId) -> QueryResult<i32> {
    badges::table
        .find(badge.0)
        .select(badges::version)
        .first(conn)
}

/// Badge `slug` of organization `org` of `city`.
pub fn find_in_org(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    slug: &str,
) -> QueryResult<Option<Badge>> {
    badges::table
        .inner_join(organizations::table)
        .filter(badges::city_id.eq(city.0))
        .filter(badges::org_id.eq(org.0))
        .filter(badges::slug.eq(slug))
        .select(COLUMNS)
        .first::<BadgeRow>(conn)
        .optional()
        .map(|r| r.map(to_badge))
}
