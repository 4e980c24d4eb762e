//! The season's cells (`dash_seasons`, `dash_season_youth`, `dash_season_badges`): the
//! figures of a city's season, and of each of its weeks, counted ahead, so that the views a
//! coordinator opens most (the season, or a week picked from it, by organization, category,
//! neighborhood or age band) read a few hundred rows instead of counting distinct youth over
//! every award of the summer.
//!
//! A youth's cells follow from their rollup rows (`dash_youth_weeks`): every change to those
//! rows ([`rollups::award_counted`](crate::dashboard::rollups::award_counted),
//! [`rollups::youth_changed`](crate::dashboard::rollups::youth_changed)) takes the youth's cells
//! of before away and adds those of after, in the same transaction. A badge's cells count its
//! awards by the earner's neighborhood and age band. [`rebuild`] recomputes a city's cells
//! from its rollups, after a bulk load or when the season changes ([`season_changed`]). Ages
//! are as on the season's first Monday.

use std::collections::{BTreeSet, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::awards::summer::monday_of;
use crate::awards::AwardMethod;
use crate::dashboard::filter::{AgeBand, MAX_WEEKS};
use crate::dashboard::rollups::{youth_week_columns, YouthWeek};
use crate::db::schema::{
    awards, cities, dash_season_badges, dash_season_youth, dash_seasons, dash_youth_weeks, users,
};
use crate::db::{DbConnection, MultiBackend};
use crate::ids::CityId;

/// Every organization, as a youth cell's `org_id`.
pub const EVERY_ORG: i64 = 0;
/// Every category, as a youth cell's `category_id` (0 is "no category").
pub const EVERY_CATEGORY: i64 = -1;
/// Any neighborhood, as a badge cell's `neighborhood_id` (0 is "none given").
pub const ANY_NEIGHBORHOOD: i64 = -1;
/// Any age band, as a badge cell's `age_band`.
pub const ANY_BAND: &str = "";

/// Rows written per INSERT statement (SQLite allows 32,766 bound values).
const CHUNK: usize = 2_000;

/// A city's season in whole weeks: its first and last Monday.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Season {
    pub first_week: NaiveDate,
    pub last_week: NaiveDate,
}

impl Season {
    /// The season of a city's first and last day, when both are set, in order, and no longer
    /// than a view may be.
    pub fn of(start: Option<NaiveDate>, end: Option<NaiveDate>) -> Option<Season> {
        let (start, end) = (start?, end?);
        if start > end {
            return None;
        }
        let (first_week, last_week) = (monday_of(start), monday_of(end));
        ((last_week - first_week).num_days() / 7 < MAX_WEEKS).then_some(Season {
            first_week,
            last_week,
        })
    }

    /// Whether the week of Monday `week` is of the season.
    pub fn holds(&self, week: NaiveDate) -> bool {
        self.first_week <= week && week <= self.last_week
    }

    /// The day a youth's age band is taken on.
    pub fn age_on(&self) -> NaiveDate {
        self.first_week
    }

    fn end(&self) -> NaiveDate {
        self.last_week + Duration::days(7)
    }
}

/// The cells that answer a view: the whole season's (`whole`, `week_on` its first Monday) or
/// one week's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    pub whole: bool,
    pub week_on: NaiveDate,
    pub season: Season,
}

/// The cells that answer a view of the weeks `first..=last` of `city`, if any do: the view
/// is of the season the cells are of, or of one week of it.
pub fn at(
    conn: &mut DbConnection,
    city: CityId,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Option<At>> {
    let Some(season) = stored_season(conn, city)? else {
        return Ok(None);
    };
    Ok(if first == season.first_week && last == season.last_week {
        Some(At {
            whole: true,
            week_on: first,
            season,
        })
    } else if first == last && season.holds(first) {
        Some(At {
            whole: false,
            week_on: first,
            season,
        })
    } else {
        None
    })
}

/// The season `city`'s cells are of.
pub fn stored_season(conn: &mut DbConnection, city: CityId) -> QueryResult<Option<Season>> {
    let row: Option<(NaiveDate, NaiveDate)> = dash_seasons::table
        .find(city.0)
        .select((dash_seasons::first_week, dash_seasons::last_week))
        .first(conn)
        .optional()?;
    Ok(row.map(|(first_week, last_week)| Season {
        first_week,
        last_week,
    }))
}

/// The season of `city` as set.
fn season_of_city(conn: &mut DbConnection, city: CityId) -> QueryResult<Option<Season>> {
    let (start, end): (Option<NaiveDate>, Option<NaiveDate>) = cities::table
        .find(city.0)
        .select((cities::season_starts_on, cities::season_ends_on))
        .first(conn)?;
    Ok(Season::of(start, end))
}

/// The key of a youth cell.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct YouthKey {
    pub whole: bool,
    pub week_on: NaiveDate,
    pub org_id: i64,
    pub category_id: i64,
    pub neighborhood_id: i64,
    pub age_band: &'static str,
}

/// What a youth cell counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct YouthCounts {
    pub youth: i64,
    pub awards: i64,
    pub retained: i64,
}

/// The key of a badge cell.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BadgeKey {
    pub whole: bool,
    pub week_on: NaiveDate,
    pub neighborhood_id: i64,
    pub age_band: &'static str,
    pub badge_id: i64,
}

/// What a badge cell counts, with where the badge counted when it was awarded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BadgeCounts {
    pub org_id: i64,
    pub category_id: i64,
    pub activity_id: i64,
    pub awards: i64,
    pub pathway_awards: i64,
}

type YouthCells = HashMap<YouthKey, YouthCounts>;
type BadgeCells = HashMap<BadgeKey, BadgeCounts>;

/// Adds `sign` (1 or -1) times the cells of one youth's rollup `rows` to `cells`.
fn add_youth(cells: &mut YouthCells, season: Season, rows: &[YouthWeek], sign: i64) {
    let mut weeks: HashMap<YouthKey, i64> = HashMap::new();
    let mut whole: HashMap<YouthKey, (i64, BTreeSet<NaiveDate>)> = HashMap::new();
    for row in rows.iter().filter(|r| season.holds(r.week_on)) {
        let neighborhood_id = row.neighborhood_id.unwrap_or(0);
        let age_band = AgeBand::of(row.birth_date, season.age_on()).as_str();
        let slices = [
            (EVERY_ORG, EVERY_CATEGORY),
            (row.org_id, EVERY_CATEGORY),
            (EVERY_ORG, row.category_id),
            (row.org_id, row.category_id),
        ];
        for (org_id, category_id) in slices {
            let key = |whole: bool, week_on: NaiveDate| YouthKey {
                whole,
                week_on,
                org_id,
                category_id,
                neighborhood_id,
                age_band,
            };
            *weeks.entry(key(false, row.week_on)).or_default() += row.awards;
            let entry = whole.entry(key(true, season.first_week)).or_default();
            entry.0 += row.awards;
            entry.1.insert(row.week_on);
        }
    }
    let mut add = |key: YouthKey, awards: i64, retained: bool| {
        let cell = cells.entry(key).or_default();
        cell.youth += sign;
        cell.awards += sign * awards;
        cell.retained += sign * i64::from(retained);
    };
    for (key, awards) in weeks {
        add(key, awards, false);
    }
    for (key, (awards, active)) in whole {
        add(key, awards, active.len() >= 3);
    }
}

/// What the cells of a badge need to know of one award.
#[derive(Clone, Copy, Debug)]
pub struct AwardFacts {
    pub week: NaiveDate,
    pub badge: i64,
    pub org: i64,
    pub category: i64,
    pub activity: i64,
    pub pathway: bool,
    pub neighborhood: Option<i64>,
    pub born: Option<NaiveDate>,
}

/// Adds `sign` (1 or -1) times one award to the badge cells.
fn add_award(cells: &mut BadgeCells, season: Season, award: &AwardFacts, sign: i64) {
    if !season.holds(award.week) {
        return;
    }
    let neighborhood = award.neighborhood.unwrap_or(0);
    let band = AgeBand::of(award.born, season.age_on()).as_str();
    for (whole, week_on) in [(false, award.week), (true, season.first_week)] {
        for neighborhood_id in [ANY_NEIGHBORHOOD, neighborhood] {
            for age_band in [ANY_BAND, band] {
                let cell = cells
                    .entry(BadgeKey {
                        whole,
                        week_on,
                        neighborhood_id,
                        age_band,
                        badge_id: award.badge,
                    })
                    .or_default();
                cell.org_id = award.org;
                cell.category_id = award.category;
                cell.activity_id = award.activity;
                cell.awards += sign;
                cell.pathway_awards += sign * i64::from(award.pathway);
            }
        }
    }
}

/// `youth`'s rollup rows of `city`.
pub fn youth_rows(conn: &mut DbConnection, city: i64, youth: i64) -> QueryResult<Vec<YouthWeek>> {
    dash_youth_weeks::table
        .filter(dash_youth_weeks::city_id.eq(city))
        .filter(dash_youth_weeks::youth_id.eq(youth))
        .select(youth_week_columns())
        .load(conn)
}

/// A youth's rollup rows changed from `before` to `after`: their cells follow, in the
/// caller's transaction.
pub fn youth_moved(
    conn: &mut DbConnection,
    city: i64,
    season: Season,
    before: &[YouthWeek],
    after: &[YouthWeek],
) -> QueryResult<()> {
    let mut cells = YouthCells::new();
    add_youth(&mut cells, season, before, -1);
    add_youth(&mut cells, season, after, 1);
    write_youth(conn, city, cells)
}

/// Awards counted `sign` times (1: issued; -1: revoked) in the badge cells, and `then`
/// taken away as they were counted before, in the caller's transaction.
pub fn award_moved(
    conn: &mut DbConnection,
    city: i64,
    season: Season,
    awards: &[AwardFacts],
    then: &[AwardFacts],
    sign: i64,
) -> QueryResult<()> {
    let mut cells = BadgeCells::new();
    for award in then {
        add_award(&mut cells, season, award, -sign);
    }
    for award in awards {
        add_award(&mut cells, season, award, sign);
    }
    write_badges(conn, city, cells)
}

/// `youth`'s neighborhood or birth date of now was copied into their rollup rows of `city`,
/// which were `before`: their youth cells follow, and their awards move to the badge cells
/// of their new neighborhood and band, in the caller's transaction.
pub fn youth_copied(
    conn: &mut DbConnection,
    city: CityId,
    youth: i64,
    before: &[YouthWeek],
) -> QueryResult<()> {
    let Some(season) = stored_season(conn, city)? else {
        return Ok(());
    };
    let after = youth_rows(conn, city.0, youth)?;
    youth_moved(conn, city.0, season, before, &after)?;
    let Some(old) = before.first() else {
        return Ok(());
    };
    let now = award_facts(conn, city, season, Some(youth))?;
    let then: Vec<AwardFacts> = now
        .iter()
        .map(|a| AwardFacts {
            neighborhood: old.neighborhood_id,
            born: old.birth_date,
            ..*a
        })
        .collect();
    award_moved(conn, city.0, season, &now, &then, 1)
}

/// Adds each cell's counts to the stored one (made when missing); a youth cell left with no
/// youth is removed.
fn write_youth(conn: &mut DbConnection, city: i64, cells: YouthCells) -> QueryResult<()> {
    for (key, counts) in cells {
        if counts == YouthCounts::default() {
            continue;
        }
        let row = dash_season_youth::table
            .filter(dash_season_youth::city_id.eq(city))
            .filter(dash_season_youth::whole.eq(key.whole))
            .filter(dash_season_youth::week_on.eq(key.week_on))
            .filter(dash_season_youth::category_id.eq(key.category_id))
            .filter(dash_season_youth::org_id.eq(key.org_id))
            .filter(dash_season_youth::neighborhood_id.eq(key.neighborhood_id))
            .filter(dash_season_youth::age_band.eq(key.age_band));
        let updated = diesel::update(row)
            .set((
                dash_season_youth::youth.eq(dash_season_youth::youth + counts.youth),
                dash_season_youth::awards.eq(dash_season_youth::awards + counts.awards),
                dash_season_youth::retained.eq(dash_season_youth::retained + counts.retained),
            ))
            .execute(conn)?;
        if updated == 0 && counts.youth > 0 {
            diesel::insert_into(dash_season_youth::table)
                .values(YouthCell::new(city, &key, counts))
                .execute(conn)?;
        } else if counts.youth < 0 {
            diesel::delete(row.filter(dash_season_youth::youth.le(0))).execute(conn)?;
        }
    }
    Ok(())
}

/// Adds each cell's counts to the stored one (made when missing); a badge cell left with no
/// award is removed.
fn write_badges(conn: &mut DbConnection, city: i64, cells: BadgeCells) -> QueryResult<()> {
    for (key, counts) in cells {
        if counts.awards == 0 {
            continue;
        }
        let row = dash_season_badges::table
            .filter(dash_season_badges::city_id.eq(city))
            .filter(dash_season_badges::whole.eq(key.whole))
            .filter(dash_season_badges::week_on.eq(key.week_on))
            .filter(dash_season_badges::neighborhood_id.eq(key.neighborhood_id))
            .filter(dash_season_badges::age_band.eq(key.age_band))
            .filter(dash_season_badges::badge_id.eq(key.badge_id));
        let updated = diesel::update(row)
            .set((
                dash_season_badges::awards.eq(dash_season_badges::awards + counts.awards),
                dash_season_badges::pathway_awards
                    .eq(dash_season_badges::pathway_awards + counts.pathway_awards),
            ))
            .execute(conn)?;
        if updated == 0 && counts.awards > 0 {
            diesel::insert_into(dash_season_badges::table)
                .values(BadgeCell::new(city, &key, counts))
                .execute(conn)?;
        } else if counts.awards < 0 {
            diesel::delete(row.filter(dash_season_badges::awards.le(0))).execute(conn)?;
        }
    }
    Ok(())
}

/// A row of `dash_season_youth`.
#[derive(Clone, Debug, PartialEq, Eq, Insertable, Queryable)]
#[diesel(table_name = dash_season_youth)]
pub struct YouthCell {
    pub city_id: i64,
    pub whole: bool,
    pub week_on: NaiveDate,
    pub org_id: i64,
    pub category_id: i64,
    pub neighborhood_id: i64,
    pub age_band: String,
    pub youth: i64,
    pub awards: i64,
    pub retained: i64,
}

impl YouthCell {
    fn new(city_id: i64, key: &YouthKey, counts: YouthCounts) -> YouthCell {
        YouthCell {
            city_id,
            whole: key.whole,
            week_on: key.week_on,
            org_id: key.org_id,
            category_id: key.category_id,
            neighborhood_id: key.neighborhood_id,
            age_band: key.age_band.to_string(),
            youth: counts.youth,
            awards: counts.awards,
            retained: counts.retained,
        }
    }
}

/// A row of `dash_season_badges`.
#[derive(Clone, Debug, PartialEq, Eq, Insertable, Queryable)]
#[diesel(table_name = dash_season_badges)]
pub struct BadgeCell {
    pub city_id: i64,
    pub whole: bool,
    pub week_on: NaiveDate,
    pub badge_id: i64,
    pub neighborhood_id: i64,
    pub age_band: String,
    pub org_id: i64,
    pub category_id: i64,
    pub activity_id: i64,
    pub awards: i64,
    pub pathway_awards: i64,
}

impl BadgeCell {
    fn new(city_id: i64, key: &BadgeKey, counts: BadgeCounts) -> BadgeCell {
        BadgeCell {
            city_id,
            whole: key.whole,
            week_on: key.week_on,
            badge_id: key.badge_id,
            neighborhood_id: key.neighborhood_id,
            age_band: key.age_band.to_string(),
            org_id: counts.org_id,
            category_id: counts.category_id,
            activity_id: counts.activity_id,
            awards: counts.awards,
            pathway_awards: counts.pathway_awards,
        }
    }
}

/// The unrevoked awards of `city`'s season (of one youth, when given), with their earners'
/// neighborhood and birth date of now.
pub fn award_facts(
    conn: &mut DbConnection,
    city: CityId,
    season: Season,
    youth: Option<i64>,
) -> QueryResult<Vec<AwardFacts>> {
    let (Some(start), Some(end)) = (
        season.first_week.and_hms_opt(0, 0, 0),
        season.end().and_hms_opt(0, 0, 0),
    ) else {
        return Ok(Vec::new());
    };
    type Row = (
        i64,
        i64,
        NaiveDateTime,
        String,
        Option<i64>,
        Option<NaiveDate>,
    );
    let mut query = awards::table
        .inner_join(users::table.on(users::id.eq(awards::recipient_id)))
        .filter(awards::city_id.eq(city.0))
        .filter(awards::revoked_at.is_null())
        .filter(awards::awarded_at.ge(start))
        .filter(awards::awarded_at.lt(end))
        .select((
            awards::org_id,
            awards::badge_id,
            awards::awarded_at,
            awards::method,
            users::neighborhood_id,
            users::birth_date,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(youth) = youth {
        query = query.filter(awards::recipient_id.eq(youth));
    }
    let rows: Vec<Row> = query.load(conn)?;
    let badges: Vec<i64> = rows
        .iter()
        .map(|r| r.1)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let placed = if youth.is_some() {
        crate::dashboard::rollups::placements_of(conn, city, &badges)?
    } else {
        crate::dashboard::rollups::all_placements(conn, city)?
    };
    Ok(rows
        .into_iter()
        .map(|(org, badge, awarded_at, method, neighborhood, born)| {
            let (activity, category) = placed.get(&badge).copied().unwrap_or((0, 0));
            AwardFacts {
                week: monday_of(awarded_at.date()),
                badge,
                org,
                category,
                activity,
                pathway: method == AwardMethod::Pathway.as_str(),
                neighborhood,
                born,
            }
        })
        .collect())
}

/// Every cell of `city` as its rollups and awards say it should be, sorted.
pub fn computed(
    conn: &mut DbConnection,
    city: CityId,
) -> QueryResult<(Vec<YouthCell>, Vec<BadgeCell>)> {
    let Some(season) = stored_season(conn, city)? else {
        return Ok((Vec::new(), Vec::new()));
    };
    let rows: Vec<YouthWeek> = dash_youth_weeks::table
        .filter(dash_youth_weeks::city_id.eq(city.0))
        .filter(dash_youth_weeks::week_on.ge(season.first_week))
        .filter(dash_youth_weeks::week_on.le(season.last_week))
        .order(dash_youth_weeks::youth_id)
        .select(youth_week_columns())
        .load(conn)?;
    let mut youth = YouthCells::new();
    for one in rows.chunk_by(|a, b| a.youth_id == b.youth_id) {
        add_youth(&mut youth, season, one, 1);
    }
    let mut badges = BadgeCells::new();
    for award in award_facts(conn, city, season, None)? {
        add_award(&mut badges, season, &award, 1);
    }
    let mut youth: Vec<YouthCell> = youth
        .iter()
        .filter(|(_, c)| c.youth > 0)
        .map(|(key, counts)| YouthCell::new(city.0, key, *counts))
        .collect();
    youth.sort_by(|a, b| youth_order(a).cmp(&youth_order(b)));
    let mut badges: Vec<BadgeCell> = badges
        .iter()
        .filter(|(_, c)| c.awards > 0)
        .map(|(key, counts)| BadgeCell::new(city.0, key, *counts))
        .collect();
    badges.sort_by(|a, b| badge_order(a).cmp(&badge_order(b)));
    Ok((youth, badges))
}

type YouthOrder<'a> = (bool, NaiveDate, i64, i64, i64, &'a str);

fn youth_order(c: &YouthCell) -> YouthOrder<'_> {
    (
        c.whole,
        c.week_on,
        c.category_id,
        c.org_id,
        c.neighborhood_id,
        &c.age_band,
    )
}

fn badge_order(c: &BadgeCell) -> (bool, NaiveDate, i64, &str, i64) {
    (
        c.whole,
        c.week_on,
        c.neighborhood_id,
        &c.age_band,
        c.badge_id,
    )
}

/// Every cell of `city` as stored, sorted like [`computed`].
pub fn stored(
    conn: &mut DbConnection,
    city: CityId,
) -> QueryResult<(Vec<YouthCell>, Vec<BadgeCell>)> {
    let mut youth: Vec<YouthCell> = dash_season_youth::table
        .filter(dash_season_youth::city_id.eq(city.0))
        .select((
            dash_season_youth::city_id,
            dash_season_youth::whole,
            dash_season_youth::week_on,
            dash_season_youth::org_id,
            dash_season_youth::category_id,
            dash_season_youth::neighborhood_id,
            dash_season_youth::age_band,
            dash_season_youth::youth,
            dash_season_youth::awards,
            dash_season_youth::retained,
        ))
        .load(conn)?;
    youth.sort_by(|a, b| youth_order(a).cmp(&youth_order(b)));
    let mut badges: Vec<BadgeCell> = dash_season_badges::table
        .filter(dash_season_badges::city_id.eq(city.0))
        .select((
            dash_season_badges::city_id,
            dash_season_badges::whole,
            dash_season_badges::week_on,
            dash_season_badges::badge_id,
            dash_season_badges::neighborhood_id,
            dash_season_badges::age_band,
            dash_season_badges::org_id,
            dash_season_badges::category_id,
            dash_season_badges::activity_id,
            dash_season_badges::awards,
            dash_season_badges::pathway_awards,
        ))
        .load(conn)?;
    badges.sort_by(|a, b| badge_order(a).cmp(&badge_order(b)));
    Ok((youth, badges))
}

/// Recomputes `city`'s cells for its season as set (none when it has no season), from its
/// rollups, in the caller's transaction.
pub fn rebuild(conn: &mut DbConnection, city: CityId) -> QueryResult<()> {
    diesel::delete(dash_season_youth::table.filter(dash_season_youth::city_id.eq(city.0)))
        .execute(conn)?;
    diesel::delete(dash_season_badges::table.filter(dash_season_badges::city_id.eq(city.0)))
        .execute(conn)?;
    diesel::delete(dash_seasons::table.find(city.0)).execute(conn)?;
    let Some(season) = season_of_city(conn, city)? else {
        return Ok(());
    };
    diesel::insert_into(dash_seasons::table)
        .values((
            dash_seasons::city_id.eq(city.0),
            dash_seasons::first_week.eq(season.first_week),
            dash_seasons::last_week.eq(season.last_week),
        ))
        .execute(conn)?;
    let (youth, badges) = computed(conn, city)?;
    for chunk in youth.chunks(CHUNK) {
        crate::insert_all!(&mut *conn, dash_season_youth::table, chunk)?;
    }
    for chunk in badges.chunks(CHUNK) {
        crate::insert_all!(&mut *conn, dash_season_badges::table, chunk)?;
    }
    Ok(())
}

/// After `city`'s season was set: its cells are recomputed when they are of another season,
/// in the caller's transaction.
pub fn season_changed(conn: &mut DbConnection, city: CityId) -> QueryResult<()> {
    if season_of_city(conn, city)? != stored_season(conn, city)? {
        rebuild(conn, city)?;
        crate::dashboard::rollups::bump(conn, city)?;
    }
    Ok(())
}

/// The `limit` most awarded badges of `city`'s season, most first (none without a season).
pub fn most_awarded(conn: &mut DbConnection, city: CityId, limit: i64) -> QueryResult<Vec<i64>> {
    let Some(season) = stored_season(conn, city)? else {
        return Ok(Vec::new());
    };
    dash_season_badges::table
        .filter(dash_season_badges::city_id.eq(city.0))
        .filter(dash_season_badges::whole.eq(true))
        .filter(dash_season_badges::week_on.eq(season.first_week))
        .filter(dash_season_badges::neighborhood_id.eq(ANY_NEIGHBORHOOD))
        .filter(dash_season_badges::age_band.eq(ANY_BAND))
        .order((
            dash_season_badges::awards.desc(),
            dash_season_badges::badge_id,
        ))
        .limit(limit)
        .select(dash_season_badges::badge_id)
        .load(conn)
}

/// The organizations whose badges were awarded most in `city`'s season, at most `limit`, most
/// first (none without a season).
pub fn most_awarded_orgs(
    conn: &mut DbConnection,
    city: CityId,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let Some(season) = stored_season(conn, city)? else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, i64)> = dash_season_badges::table
        .filter(dash_season_badges::city_id.eq(city.0))
        .filter(dash_season_badges::whole.eq(true))
        .filter(dash_season_badges::week_on.eq(season.first_week))
        .filter(dash_season_badges::neighborhood_id.eq(ANY_NEIGHBORHOOD))
        .filter(dash_season_badges::age_band.eq(ANY_BAND))
        .group_by(dash_season_badges::org_id)
        .select((dash_season_badges::org_id, sum("dash_season_badges.awards")))
        .load(conn)?;
    let mut rows = rows;
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(rows
        .into_iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(|(org, _)| org)
        .collect())
}

/// What the views read of the youth cells: a neighborhood (0 for none given) and an age
/// band, either open.
#[derive(Clone, Copy, Debug, Default)]
pub struct Slice<'a> {
    pub neighborhood: Option<i64>,
    pub band: Option<&'a str>,
}

/// `SUM(column)` as a BIGINT on both backends.
fn sum(column: &str) -> diesel::expression::SqlLiteral<BigInt> {
    sql::<BigInt>(&format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"))
}

/// The youth cells of the view's span for one organization and category key:
/// (week, neighborhood, band, youth, awards, retained). For the whole season, each week's
/// cells come too (`whole` false).
pub type YouthRow = (bool, NaiveDate, i64, String, i64, i64, i64);

pub fn youth_cells(
    conn: &mut DbConnection,
    city: CityId,
    at: At,
    org: i64,
    category: i64,
) -> QueryResult<Vec<YouthRow>> {
    let mut query = dash_season_youth::table
        .filter(dash_season_youth::city_id.eq(city.0))
        .filter(dash_season_youth::org_id.eq(org))
        .filter(dash_season_youth::category_id.eq(category))
        .select((
            dash_season_youth::whole,
            dash_season_youth::week_on,
            dash_season_youth::neighborhood_id,
            dash_season_youth::age_band,
            dash_season_youth::youth,
            dash_season_youth::awards,
            dash_season_youth::retained,
        ))
        .into_boxed::<MultiBackend>();
    query = if at.whole {
        query.filter(
            dash_season_youth::week_on
                .ge(at.season.first_week)
                .and(dash_season_youth::week_on.le(at.season.last_week)),
        )
    } else {
        query
            .filter(dash_season_youth::whole.eq(false))
            .filter(dash_season_youth::week_on.eq(at.week_on))
    };
    query.load(conn)
}

/// Youth and awards of the view's span by organization (`by_org`) or by category, the other
/// key fixed: (id, youth, awards).
pub fn youth_by(
    conn: &mut DbConnection,
    city: CityId,
    at: At,
    by_org: bool,
    fixed: i64,
    slice: Slice<'_>,
) -> QueryResult<Vec<(i64, i64, i64)>> {
    // The cells of the span with the other key fixed, grouped by `$by`, in the slice.
    macro_rules! grouped {
        ($by:expr, $other:expr, $every:expr) => {{
            let mut query = dash_season_youth::table
                .filter(dash_season_youth::city_id.eq(city.0))
                .filter(dash_season_youth::whole.eq(at.whole))
                .filter(dash_season_youth::week_on.eq(at.week_on))
                .filter($other.eq(fixed))
                .filter($by.ne($every))
                .group_by($by)
                .select((
                    $by,
                    sum("dash_season_youth.youth"),
                    sum("dash_season_youth.awards"),
                ))
                .into_boxed::<MultiBackend>();
            if let Some(neighborhood) = slice.neighborhood {
                query = query.filter(dash_season_youth::neighborhood_id.eq(neighborhood));
            }
            if let Some(band) = slice.band {
                query = query.filter(dash_season_youth::age_band.eq(band.to_string()));
            }
            query.load(conn)
        }};
    }
    if by_org {
        grouped!(
            dash_season_youth::org_id,
            dash_season_youth::category_id,
            EVERY_ORG
        )
    } else {
        grouped!(
            dash_season_youth::category_id,
            dash_season_youth::org_id,
            EVERY_CATEGORY
        )
    }
}

/// Awards of each badge over the view's span in a slice (any neighborhood or band when none
/// is picked), of one organization or category when given:
/// (badge, activity, awards, pathway awards).
pub fn badge_counts(
    conn: &mut DbConnection,
    city: CityId,
    at: At,
    org: Option<i64>,
    category: Option<i64>,
    slice: Slice<'_>,
) -> QueryResult<Vec<(i64, i64, i64, i64)>> {
    let mut query = dash_season_badges::table
        .filter(dash_season_badges::city_id.eq(city.0))
        .filter(dash_season_badges::whole.eq(at.whole))
        .filter(dash_season_badges::week_on.eq(at.week_on))
        .filter(
            dash_season_badges::neighborhood_id.eq(slice.neighborhood.unwrap_or(ANY_NEIGHBORHOOD)),
        )
        .filter(dash_season_badges::age_band.eq(slice.band.unwrap_or(ANY_BAND).to_string()))
        .select((
            dash_season_badges::badge_id,
            dash_season_badges::activity_id,
            dash_season_badges::awards,
            dash_season_badges::pathway_awards,
        ))
        .into_boxed::<MultiBackend>();
    if let Some(org) = org {
        query = query.filter(dash_season_badges::org_id.eq(org));
    }
    if let Some(category) = category {
        query = query.filter(dash_season_badges::category_id.eq(category));
    }
    query.load(conn)
}
