//! All SQL of the catalog: the city's lists, and one page of a search with its total.
//!
//! Filters are portable diesel; the full-text part is the one backend-specific fragment:
//! FTS5 `MATCH` with `bm25` on SQLite, `@@ to_tsquery('simple', …)` with `ts_rank` on
//! PostgreSQL (migration `…000010_catalog`).

use chrono::NaiveDate;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Float, Text};

use crate::catalog::query::{Lists, Named, Search, Sort, PER_PAGE};
use crate::db::schema::{
    activities, activity_badges, activity_translations, badges, organizations,
};
use crate::db::DbConnection;
use crate::ids::CityId;
use crate::orgs::OrgStatus;
use crate::tenancy::store::{named_list, NameList};

/// The stored status of an activity families may see.
pub const PUBLISHED: &str = "published";

type Backend = <DbConnection as Connection>::Backend;
type Matching<'a> = diesel::dsl::IntoBoxed<
    'a,
    diesel::dsl::InnerJoin<activities::table, organizations::table>,
    Backend,
>;

// The FTS5 table of migration 10 (SQLite only); `rank` is its hidden bm25 column.
diesel::table! {
    activities_fts (rowid) {
        rowid -> BigInt,
        rank -> Double,
    }
}

macro_rules! listing_columns {
    () => {
        (
            activities::id,
            organizations::slug,
            organizations::name,
            activities::title,
            activities::description,
            activities::original_locale,
            activities::category_id,
            activities::neighborhood_id,
            activities::location,
            activities::online,
            activities::starts_on,
            activities::ends_on,
            activities::age_min,
            activities::age_max,
            activities::cost_cents,
            activities::image_mime,
        )
    };
}

/// An activity as the catalog lists it, in its original language.
#[derive(Clone, Debug, Queryable)]
pub struct ListingRow {
    pub id: i64,
    pub org_slug: String,
    pub org_name: String,
    pub title: String,
    pub description: String,
    pub original_locale: String,
    pub category_id: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub location: String,
    pub online: bool,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub cost_cents: i32,
    pub image_mime: Option<String>,
}

/// A badge an activity leads to.
#[derive(Clone, Debug, Queryable)]
pub struct BadgeLink {
    pub activity_id: i64,
    pub slug: String,
    pub name: String,
}

/// One page of results and how many there are in all.
pub struct Found {
    pub total: i64,
    pub rows: Vec<ListingRow>,
    /// (activity id, title, description) in the visitor's language, where one exists.
    pub translations: Vec<(i64, String, String)>,
    pub badges: Vec<BadgeLink>,
}

fn named(rows: Vec<(i64, String, String)>) -> Vec<Named> {
    rows.into_iter()
        .map(|(id, slug, name)| Named { id, slug, name })
        .collect()
}

/// The city's categories, neighborhoods and listed organizations, in their order.
pub fn lists(conn: &mut DbConnection, city: CityId) -> QueryResult<Lists> {
    let orgs = organizations::table
        .filter(organizations::city_id.eq(city.0))
        .filter(organizations::status.eq(OrgStatus::Approved.as_str()))
        .order(organizations::name)
        .select((organizations::id, organizations::slug, organizations::name))
        .load(conn)?;
    Ok(Lists {
        categories: named_list(conn, city, NameList::Categories)?,
        neighborhoods: named_list(conn, city, NameList::Neighborhoods)?,
        orgs: named(orgs),
    })
}

/// The published activities of approved organizations of `city` that `search` matches.
fn matching<'a>(sqlite: bool, city: CityId, search: &'a Search) -> Matching<'a> {
    let mut query = activities::table
        .inner_join(organizations::table)
        .filter(activities::city_id.eq(city.0))
        .filter(organizations::city_id.eq(city.0))
        .filter(activities::status.eq(PUBLISHED))
        .filter(organizations::status.eq(OrgStatus::Approved.as_str()))
        .into_boxed();
    if !search.words.is_empty() {
        query = if sqlite {
            query.filter(
                sql::<Bool>(
                    "activities.id IN (SELECT rowid FROM activities_fts WHERE activities_fts MATCH ",
                )
                .bind::<Text, _>(search.fts5_query())
                .sql(")"),
            )
        } else {
            query.filter(
                sql::<Bool>("activities.search_vector @@ to_tsquery('simple', ")
                    .bind::<Text, _>(search.tsquery())
                    .sql(")"),
            )
        };
    }
    if let Some(category) = search.category {
        query = query.filter(activities::category_id.eq(category));
    }
    if let Some(neighborhood) = search.neighborhood {
        query = query.filter(activities::neighborhood_id.eq(neighborhood));
    }
    if let Some(org) = search.org {
        query = query.filter(activities::org_id.eq(org));
    }
    if let Some(age) = search.age {
        query = query
            .filter(
                activities::age_min
                    .is_null()
                    .or(activities::age_min.le(age)),
            )
            .filter(
                activities::age_max
                    .is_null()
                    .or(activities::age_max.ge(age)),
            );
    }
    // An activity overlaps [from, to] unless it ends before `from` or starts after `to`; an
    // open end is open.
    if let Some(from) = search.from {
        query = query.filter(
            activities::ends_on
                .is_null()
                .or(activities::ends_on.ge(from)),
        );
    }
    if let Some(to) = search.to {
        query = query.filter(
            activities::starts_on
                .is_null()
                .or(activities::starts_on.le(to)),
        );
    }
    if search.free {
        query = query.filter(activities::cost_cents.eq(0));
    }
    if search.online {
        query = query.filter(activities::online.eq(true));
    }
    query
}

/// Best match first on SQLite: FTS5 ranks every match in one pass (bm25, `ORDER BY rank`);
/// the filters then keep those that qualify, and the page is cut from that order. (Ranking in
/// the main query needs bm25 per row through a correlated subquery, which re-runs the match
/// for each row.)
fn ranked_on_sqlite(
    conn: &mut DbConnection,
    city: CityId,
    search: &Search,
) -> QueryResult<(i64, Vec<ListingRow>)> {
    let ranked: Vec<i64> = activities_fts::table
        .filter(sql::<Bool>("activities_fts MATCH ").bind::<Text, _>(search.fts5_query()))
        .order(activities_fts::rank.asc())
        .select(activities_fts::rowid)
        .load(conn)?;
    let qualifying: std::collections::HashSet<i64> = matching(true, city, search)
        .select(activities::id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let ordered: Vec<i64> = ranked
        .into_iter()
        .filter(|id| qualifying.contains(id))
        .collect();
    let page: Vec<i64> = ordered
        .iter()
        .skip(usize::try_from(search.offset()).unwrap_or(0))
        .take(PER_PAGE as usize)
        .copied()
        .collect();
    Ok((ordered.len() as i64, rows_in_order(conn, city, &page)?))
}

/// The listing rows of `page` (ids of `city`), in the order of `page`. The page is chosen on
/// ids alone first, so that sorting thousands of matches never carries their descriptions.
fn rows_in_order(
    conn: &mut DbConnection,
    city: CityId,
    page: &[i64],
) -> QueryResult<Vec<ListingRow>> {
    let mut rows = activities::table
        .inner_join(organizations::table)
        .filter(activities::city_id.eq(city.0))
        .filter(activities::id.eq_any(page))
        .select(listing_columns!())
        .load::<ListingRow>(conn)?;
    rows.sort_by_key(|r| page.iter().position(|id| *id == r.id));
    Ok(rows)
}

/// One page of `search` in `city`, with its total, its translations into `locale` and the
/// badges its activities lead to.
pub fn search(
    conn: &mut DbConnection,
    city: CityId,
    search: &Search,
    locale: &str,
) -> QueryResult<Found> {
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    let by_relevance = search.sort == Sort::Relevance && !search.words.is_empty();
    let (total, rows) = if sqlite && by_relevance {
        ranked_on_sqlite(conn, city, search)?
    } else {
        let mut query = matching(sqlite, city, search);
        if by_relevance {
            query = query
                .order(
                    sql::<Float>("ts_rank(activities.search_vector, to_tsquery('simple', ")
                        .bind::<Text, _>(search.tsquery())
                        .sql("))")
                        .desc(),
                )
                .then_order_by(activities::starts_on.is_null().asc());
        } else {
            query = query.order(activities::starts_on.is_null().asc());
        }
        let query = query
            .then_order_by(activities::starts_on.asc())
            .then_order_by(activities::title.asc())
            .then_order_by(activities::id.asc())
            .limit(PER_PAGE)
            .offset(search.offset());
        let (total, page) = if !by_relevance {
            // In date order the listing index gives the page, stopping after it; the total is
            // one more pass over the index.
            let total: i64 = matching(sqlite, city, search).count().get_result(conn)?;
            (total, query.select(activities::id).load::<i64>(conn)?)
        } else {
            // Best match first (PostgreSQL): every match is ranked anyway, so the page and its
            // total come in one statement, the count of the whole match beside each row.
            let rows: Vec<(i64, i64)> = query
                .select((activities::id, sql::<BigInt>("count(*) OVER ()")))
                .load(conn)?;
            let total = match rows.first() {
                Some((_, total)) => *total,
                None if search.page == 1 => 0,
                // A page past the end: no row to carry the total.
                None => matching(sqlite, city, search).count().get_result(conn)?,
            };
            (total, rows.into_iter().map(|(id, _)| id).collect())
        };
        (total, rows_in_order(conn, city, &page)?)
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let translations = activity_translations::table
        .filter(activity_translations::activity_id.eq_any(&ids))
        .filter(activity_translations::locale.eq(locale))
        .select((
            activity_translations::activity_id,
            activity_translations::title,
            activity_translations::description,
        ))
        .load(conn)?;
    let mut badges = activity_badges::table
        .inner_join(badges::table)
        .filter(activity_badges::activity_id.eq_any(&ids))
        .filter(badges::city_id.eq(city.0))
        .select((activity_badges::activity_id, badges::slug, badges::name))
        .load::<BadgeLink>(conn)?;
    badges.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Found {
        total,
        rows,
        translations,
        badges,
    })
}

/// A published activity with everything the catalog shows, for the demo and the benchmark
/// (organizations write theirs through the activity form). The caller refreshes its index.
pub struct SeedActivity<'a> {
    pub org: crate::ids::OrgId,
    pub title: &'a str,
    pub description: &'a str,
    pub location: &'a str,
    pub category: Option<i64>,
    pub neighborhood: Option<i64>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub weekdays: i32,
    pub time_from: &'a str,
    pub time_to: &'a str,
    pub online: bool,
    pub cost_cents: i32,
    pub status: &'a str,
}

pub fn insert_activity(
    conn: &mut DbConnection,
    city: CityId,
    a: &SeedActivity<'_>,
    now: chrono::NaiveDateTime,
) -> QueryResult<crate::ids::ActivityId> {
    diesel::insert_into(activities::table)
        .values((
            activities::city_id.eq(city.0),
            activities::org_id.eq(a.org.0),
            activities::title.eq(a.title),
            activities::description.eq(a.description),
            activities::location.eq(a.location),
            activities::category_id.eq(a.category),
            activities::neighborhood_id.eq(a.neighborhood),
            activities::age_min.eq(a.age_min),
            activities::age_max.eq(a.age_max),
            activities::starts_on.eq(a.starts_on),
            activities::ends_on.eq(a.ends_on),
            activities::weekdays.eq(a.weekdays),
            activities::time_from.eq(a.time_from),
            activities::time_to.eq(a.time_to),
            activities::online.eq(a.online),
            activities::cost_cents.eq(a.cost_cents),
            activities::status.eq(a.status),
            activities::original_locale.eq("en"),
            activities::created_at.eq(now),
            activities::updated_at.eq(Some(now)),
        ))
        .returning(activities::id)
        .get_result(conn)
        .map(crate::ids::ActivityId)
}

pub fn insert_translation(
    conn: &mut DbConnection,
    activity: crate::ids::ActivityId,
    locale: &str,
    title: &str,
    description: &str,
) -> QueryResult<()> {
    diesel::insert_into(activity_translations::table)
        .values((
            activity_translations::activity_id.eq(activity.0),
            activity_translations::locale.eq(locale),
            activity_translations::title.eq(title),
            activity_translations::description.eq(description),
        ))
        .execute(conn)
        .map(|_| ())
}

/// (id, title) of every published activity of approved organizations of `city`, soonest first.
pub fn listed(conn: &mut DbConnection, city: CityId) -> QueryResult<Vec<(i64, String)>> {
    activities::table
        .inner_join(organizations::table)
        .filter(activities::city_id.eq(city.0))
        .filter(activities::status.eq(PUBLISHED))
        .filter(organizations::status.eq(OrgStatus::Approved.as_str()))
        .order((activities::starts_on.asc(), activities::id.asc()))
        .select((activities::id, activities::title))
        .load(conn)
}

/// The titles of activities `ids` in `locale`, where their organization wrote one (a title
/// missing here stands in its original language).
pub fn titles_in(
    conn: &mut DbConnection,
    ids: &[i64],
    locale: &str,
) -> QueryResult<std::collections::HashMap<i64, String>> {
    Ok(activity_translations::table
        .filter(activity_translations::activity_id.eq_any(ids))
        .filter(activity_translations::locale.eq(locale))
        .select((
            activity_translations::activity_id,
            activity_translations::title,
        ))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}
