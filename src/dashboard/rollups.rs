//! The dashboard's rollups: what the awards of a city add up to by youth, week, organization,
//! category and badge, kept up to date in the transaction of every award issued or revoked
//! ([`award_counted`], called from `awards::store`), and recomputed from the base tables by
//! [`rebuild`] after a bulk load. Revoked awards are never counted.
//!
//! Two tables: `dash_youth_weeks` (one row per youth, week, organization and category, with
//! the youth's home neighborhood and birth date copied in) answers every distinct-youth count
//! of any slice without touching `users`; `dash_badge_weeks` (one row per badge and week)
//! answers badges, activities and pathway completions. A badge's category and activity are
//! those of its first linked activity (the lowest id), 0 when it has none.
//!
//! The season's cells (see `season`) are counted from these rows, in the same transactions.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::awards::summer::monday_of;
use crate::awards::AwardMethod;
use crate::dashboard::season;
use crate::db::schema::{
    activities, activity_badges, awards, dash_badge_weeks, dash_versions, dash_youth_weeks, users,
};
use crate::db::DbConnection;
use crate::ids::{CityId, UserId};

/// Rows written per INSERT statement by [`rebuild`] (SQLite allows 32,766 bound values).
const CHUNK: usize = 2_000;

/// A row of `dash_youth_weeks`.
#[derive(Clone, Debug, PartialEq, Eq, Insertable, Queryable)]
#[diesel(table_name = dash_youth_weeks)]
pub struct YouthWeek {
    pub city_id: i64,
    pub week_on: NaiveDate,
    pub org_id: i64,
    pub category_id: i64,
    pub youth_id: i64,
    pub neighborhood_id: Option<i64>,
    pub birth_date: Option<NaiveDate>,
    pub awards: i64,
}

/// A row of `dash_badge_weeks`.
#[derive(Clone, Debug, PartialEq, Eq, Insertable, Queryable)]
#[diesel(table_name = dash_badge_weeks)]
pub struct BadgeWeek {
    pub city_id: i64,
    pub week_on: NaiveDate,
    pub badge_id: i64,
    pub org_id: i64,
    pub category_id: i64,
    pub activity_id: i64,
    pub awards: i64,
    pub pathway_awards: i64,
}

/// Where a badge counts: (activity, category), 0 for none.
type Placement = (i64, i64);

/// The placement of each badge of `city` that has a linked activity (of those of `only`).
fn placements(
    conn: &mut DbConnection,
    city: CityId,
    only: Option<&[i64]>,
) -> QueryResult<HashMap<i64, Placement>> {
    let mut query = activity_badges::table
        .inner_join(activities::table.on(activities::id.eq(activity_badges::activity_id)))
        .filter(activities::city_id.eq(city.0))
        .select((
            activity_badges::badge_id,
            activities::id,
            activities::category_id,
        ))
        .order((activity_badges::badge_id, activities::id))
        .into_boxed();
    if let Some(badges) = only {
        query = query.filter(activity_badges::badge_id.eq_any(badges.to_vec()));
    }
    let rows: Vec<(i64, i64, Option<i64>)> = query.load(conn)?;
    let mut found = HashMap::new();
    for (badge, activity, category) in rows {
        found
            .entry(badge)
            .or_insert((activity, category.unwrap_or(0)));
    }
    Ok(found)
}

/// Where every badge of `city` with a linked activity counts: (activity, category).
pub fn all_placements(
    conn: &mut DbConnection,
    city: CityId,
) -> QueryResult<HashMap<i64, (i64, i64)>> {
    placements(conn, city, None)
}

/// Where each of `badges` counts: (activity, category), 0 for none; badges without a linked
/// activity are left out.
pub fn placements_of(
    conn: &mut DbConnection,
    city: CityId,
    badges: &[i64],
) -> QueryResult<HashMap<i64, (i64, i64)>> {
    if badges.is_empty() {
        return Ok(HashMap::new());
    }
    placements(conn, city, Some(badges))
}

/// Bumps the version of `city`'s figures, so that no cached figure of before is served.
pub fn bump(conn: &mut DbConnection, city: CityId) -> QueryResult<()> {
    let updated = diesel::update(dash_versions::table.find(city.0))
        .set(dash_versions::version.eq(dash_versions::version + 1))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(dash_versions::table)
            .values((
                dash_versions::city_id.eq(city.0),
                dash_versions::version.eq(1),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The version of `city`'s figures (0 before any change).
pub fn version(conn: &mut DbConnection, city: CityId) -> QueryResult<i64> {
    Ok(dash_versions::table
        .find(city.0)
        .select(dash_versions::version)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Adds (`delta` 1) or takes away (`delta` -1) the award `public_id` in the rollups, in the
/// caller's transaction: 1 right after it is written, -1 right after it is revoked.
pub fn award_counted(conn: &mut DbConnection, public_id: &str, delta: i64) -> QueryResult<()> {
    conn.transaction(|conn| count_award(conn, public_id, delta))
}

fn count_award(conn: &mut DbConnection, public_id: &str, delta: i64) -> QueryResult<()> {
    type Row = (i64, i64, i64, i64, NaiveDateTime, String);
    let award: Option<Row> = awards::table
        .filter(awards::public_id.eq(public_id))
        .select((
            awards::city_id,
            awards::org_id,
            awards::badge_id,
            awards::recipient_id,
            awards::awarded_at,
            awards::method,
        ))
        .first(conn)
        .optional()?;
    let Some((city, org, badge, youth, awarded_at, method)) = award else {
        return Ok(());
    };
    let (neighborhood, born): (Option<i64>, Option<NaiveDate>) = users::table
        .find(youth)
        .select((users::neighborhood_id, users::birth_date))
        .first(conn)?;
    let (activity, category) = placements(conn, CityId(city), Some(&[badge]))?
        .get(&badge)
        .copied()
        .unwrap_or((0, 0));
    let week = monday_of(awarded_at.date());
    let pathway = i64::from(method == AwardMethod::Pathway.as_str()) * delta;
    // The youth's rows before, for the season's cells, when the award is of the season.
    let season = season::stored_season(conn, CityId(city))?.filter(|s| s.holds(week));
    let before = match season {
        Some(_) => season::youth_rows(conn, city, youth)?,
        None => Vec::new(),
    };

    let youth_row = dash_youth_weeks::table
        .filter(dash_youth_weeks::city_id.eq(city))
        .filter(dash_youth_weeks::week_on.eq(week))
        .filter(dash_youth_weeks::org_id.eq(org))
        .filter(dash_youth_weeks::youth_id.eq(youth));
    // A badge linked to another activity since it was awarded counts in its old category:
    // take the award away from there when it is not in the badge's category of now.
    let category_of_row = if delta < 0 {
        let categories: Vec<i64> = youth_row.select(dash_youth_weeks::category_id).load(conn)?;
        if categories.contains(&category) {
            category
        } else {
            categories.first().copied().unwrap_or(category)
        }
    } else {
        category
    };
    let updated =
        diesel::update(youth_row.filter(dash_youth_weeks::category_id.eq(category_of_row)))
            .set(dash_youth_weeks::awards.eq(dash_youth_weeks::awards + delta))
            .execute(conn)?;
    if updated == 0 && delta > 0 {
        diesel::insert_into(dash_youth_weeks::table)
            .values(YouthWeek {
                city_id: city,
                week_on: week,
                org_id: org,
                category_id: category,
                youth_id: youth,
                neighborhood_id: neighborhood,
                birth_date: born,
                awards: delta,
            })
            .execute(conn)?;
    }

    let badge_row = dash_badge_weeks::table
        .filter(dash_badge_weeks::city_id.eq(city))
        .filter(dash_badge_weeks::week_on.eq(week))
        .filter(dash_badge_weeks::badge_id.eq(badge));
    let updated = diesel::update(badge_row)
        .set((
            dash_badge_weeks::awards.eq(dash_badge_weeks::awards + delta),
            dash_badge_weeks::pathway_awards.eq(dash_badge_weeks::pathway_awards + pathway),
        ))
        .execute(conn)?;
    if updated == 0 && delta > 0 {
        diesel::insert_into(dash_badge_weeks::table)
            .values(BadgeWeek {
                city_id: city,
                week_on: week,
                badge_id: badge,
                org_id: org,
                category_id: category,
                activity_id: activity,
                awards: delta,
                pathway_awards: pathway,
            })
            .execute(conn)?;
    }
    if delta < 0 {
        diesel::delete(
            dash_youth_weeks::table
                .filter(dash_youth_weeks::city_id.eq(city))
                .filter(dash_youth_weeks::youth_id.eq(youth))
                .filter(dash_youth_weeks::awards.le(0)),
        )
        .execute(conn)?;
        diesel::delete(
            dash_badge_weeks::table
                .filter(dash_badge_weeks::city_id.eq(city))
                .filter(dash_badge_weeks::badge_id.eq(badge))
                .filter(dash_badge_weeks::awards.le(0)),
        )
        .execute(conn)?;
    }
    if let Some(season) = season {
        let after = season::youth_rows(conn, city, youth)?;
        season::youth_moved(conn, city, season, &before, &after)?;
        let award = season::AwardFacts {
            week,
            badge,
            org,
            category,
            activity,
            pathway: method == AwardMethod::Pathway.as_str(),
            neighborhood,
            born,
        };
        season::award_moved(conn, city, season, &[award], &[], delta)?;
    }
    bump(conn, CityId(city))
}

/// Copies `youth`'s home neighborhood and birth date of now into their rollup rows (after
/// either changed, or the account was erased), in the caller's transaction.
pub fn youth_changed(conn: &mut DbConnection, youth: UserId) -> QueryResult<()> {
    conn.transaction(|conn| copy_youth(conn, youth))
}

fn copy_youth(conn: &mut DbConnection, youth: UserId) -> QueryResult<()> {
    let (neighborhood, born): (Option<i64>, Option<NaiveDate>) = users::table
        .find(youth.0)
        .select((users::neighborhood_id, users::birth_date))
        .first(conn)?;
    let cities: Vec<i64> = dash_youth_weeks::table
        .filter(dash_youth_weeks::youth_id.eq(youth.0))
        .select(dash_youth_weeks::city_id)
        .distinct()
        .load(conn)?;
    let mut before = Vec::new();
    for city in &cities {
        before.push(season::youth_rows(conn, *city, youth.0)?);
    }
    diesel::update(dash_youth_weeks::table.filter(dash_youth_weeks::youth_id.eq(youth.0)))
        .set((
            dash_youth_weeks::neighborhood_id.eq(neighborhood),
            dash_youth_weeks::birth_date.eq(born),
        ))
        .execute(conn)?;
    for (city, before) in cities.into_iter().zip(before) {
        season::youth_copied(conn, CityId(city), youth.0, &before)?;
        bump(conn, CityId(city))?;
    }
    Ok(())
}

/// Every rollup row of `city` as the base tables say it should be, sorted.
pub fn computed(
    conn: &mut DbConnection,
    city: CityId,
) -> QueryResult<(Vec<YouthWeek>, Vec<BadgeWeek>)> {
    let placed = placements(conn, city, None)?;
    type Row = (
        i64,
        i64,
        i64,
        NaiveDateTime,
        String,
        Option<i64>,
        Option<NaiveDate>,
    );
    let rows: Vec<Row> = awards::table
        .inner_join(users::table.on(users::id.eq(awards::recipient_id)))
        .filter(awards::city_id.eq(city.0))
        .filter(awards::revoked_at.is_null())
        .select((
            awards::org_id,
            awards::badge_id,
            awards::recipient_id,
            awards::awarded_at,
            awards::method,
            users::neighborhood_id,
            users::birth_date,
        ))
        .load(conn)?;
    let mut youth_weeks: HashMap<(NaiveDate, i64, i64, i64), YouthWeek> = HashMap::new();
    let mut badge_weeks: HashMap<(NaiveDate, i64), BadgeWeek> = HashMap::new();
    for (org, badge, youth, awarded_at, method, neighborhood, born) in rows {
        let week = monday_of(awarded_at.date());
        let (activity, category) = placed.get(&badge).copied().unwrap_or((0, 0));
        youth_weeks
            .entry((week, org, category, youth))
            .or_insert_with(|| YouthWeek {
                city_id: city.0,
                week_on: week,
                org_id: org,
                category_id: category,
                youth_id: youth,
                neighborhood_id: neighborhood,
                birth_date: born,
                awards: 0,
            })
            .awards += 1;
        let row = badge_weeks
            .entry((week, badge))
            .or_insert_with(|| BadgeWeek {
                city_id: city.0,
                week_on: week,
                badge_id: badge,
                org_id: org,
                category_id: category,
                activity_id: activity,
                awards: 0,
                pathway_awards: 0,
            });
        row.awards += 1;
        row.pathway_awards += i64::from(method == AwardMethod::Pathway.as_str());
    }
    let mut youth_weeks: Vec<YouthWeek> = youth_weeks.into_values().collect();
    youth_weeks.sort_by_key(|r| (r.week_on, r.org_id, r.category_id, r.youth_id));
    let mut badge_weeks: Vec<BadgeWeek> = badge_weeks.into_values().collect();
    badge_weeks.sort_by_key(|r| (r.week_on, r.badge_id));
    Ok((youth_weeks, badge_weeks))
}

/// The columns of a [`YouthWeek`].
pub fn youth_week_columns() -> (
    dash_youth_weeks::city_id,
    dash_youth_weeks::week_on,
    dash_youth_weeks::org_id,
    dash_youth_weeks::category_id,
    dash_youth_weeks::youth_id,
    dash_youth_weeks::neighborhood_id,
    dash_youth_weeks::birth_date,
    dash_youth_weeks::awards,
) {
    (
        dash_youth_weeks::city_id,
        dash_youth_weeks::week_on,
        dash_youth_weeks::org_id,
        dash_youth_weeks::category_id,
        dash_youth_weeks::youth_id,
        dash_youth_weeks::neighborhood_id,
        dash_youth_weeks::birth_date,
        dash_youth_weeks::awards,
    )
}

/// Every rollup row of `city` as stored, sorted like [`computed`].
pub fn stored(
    conn: &mut DbConnection,
    city: CityId,
) -> QueryResult<(Vec<YouthWeek>, Vec<BadgeWeek>)> {
    let youth_weeks = dash_youth_weeks::table
        .filter(dash_youth_weeks::city_id.eq(city.0))
        .order((
            dash_youth_weeks::week_on,
            dash_youth_weeks::org_id,
            dash_youth_weeks::category_id,
            dash_youth_weeks::youth_id,
        ))
        .select(youth_week_columns())
        .load(conn)?;
    let badge_weeks = dash_badge_weeks::table
        .filter(dash_badge_weeks::city_id.eq(city.0))
        .order((dash_badge_weeks::week_on, dash_badge_weeks::badge_id))
        .select((
            dash_badge_weeks::city_id,
            dash_badge_weeks::week_on,
            dash_badge_weeks::badge_id,
            dash_badge_weeks::org_id,
            dash_badge_weeks::category_id,
            dash_badge_weeks::activity_id,
            dash_badge_weeks::awards,
            dash_badge_weeks::pathway_awards,
        ))
        .load(conn)?;
    Ok((youth_weeks, badge_weeks))
}

/// Recomputes every rollup of `city` from the base tables, in one transaction (after a bulk
/// load that wrote awards without [`award_counted`], or to repair).
pub fn rebuild(conn: &mut DbConnection, city: CityId) -> QueryResult<()> {
    conn.transaction(|conn| {
        let (youth_weeks, badge_weeks) = computed(conn, city)?;
        diesel::delete(dash_youth_weeks::table.filter(dash_youth_weeks::city_id.eq(city.0)))
            .execute(conn)?;
        diesel::delete(dash_badge_weeks::table.filter(dash_badge_weeks::city_id.eq(city.0)))
            .execute(conn)?;
        for chunk in youth_weeks.chunks(CHUNK) {
            crate::insert_all!(&mut *conn, dash_youth_weeks::table, chunk)?;
        }
        for chunk in badge_weeks.chunks(CHUNK) {
            crate::insert_all!(&mut *conn, dash_badge_weeks::table, chunk)?;
        }
        season::rebuild(conn, city)?;
        bump(conn, city)
    })
}
