//! The season's cells (`dash_seasons`, `dash_season_youth`, `dash_season_badges`): the
//! figures of a city's season, and of each of its weeks, counted ahead, so that every view of
//! the season's weeks (the season, a week picked from it, or any run of its weeks, by
//! organization, category, neighborhood or age band) reads cells instead of counting
//! distinct youth over every award of the summer.
//!
//! Distinct youth do not add up over weeks, so each week's youth cell also keys the youth's
//! first, second and third active week before it (in the cell's organization and category).
//! A run of weeks `a..=b` counts each youth once, in the cell of their first active week of
//! the run, whose previous week is before `a`; its youth active in three of its weeks or more
//! are the cells whose second previous week is in the run, less those whose third is (a youth
//! active in k of its weeks is in k-2 of the first and k-3 of the second). Each key is also
//! counted in any neighborhood and band, for the views that pick neither.
//!
//! A youth's cells follow from their rollup rows (`dash_youth_weeks`): every change to those
//! rows ([`rollups::award_counted`](crate::dashboard::rollups::award_counted),
//! [`rollups::youth_changed`](crate::dashboard::rollups::youth_changed)) takes the youth's cells
//! of before away and adds those of after, in the same transaction. A badge's cells count its
//! awards by the earner's neighborhood and age band. [`rebuild`] recomputes a city's cells
//! from its rollups, after a bulk load or when the season changes ([`season_changed`]), and
//! [`recount_stale`] at startup for a city whose cells are missing. Ages are as on the
//! season's first Monday.

use std::collections::{BTreeMap, BTreeSet, HashMap};

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
/// Any neighborhood, as a cell's `neighborhood_id` (0 is "none given").
pub const ANY_NEIGHBORHOOD: i64 = -1;
/// Any age band, as a cell's `age_band`.
pub const ANY_BAND: &str = "";

/// A youth cell's previous week when there is none.
pub const NO_WEEK: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(day) => day,
    None => panic!("1970-01-01 is a date"),
};

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

/// The cells that answer a view of the weeks `first..=last` of the season: the whole
/// season's (which sit on its first Monday, so the weeks of the view pick them too), or the
/// cells of each week of the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct At {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub season: Season,
}

impl At {
    /// Whether the view is of the whole season (its own cells answer it).
    pub fn whole(&self) -> bool {
        self.first == self.season.first_week && self.last == self.season.last_week
    }
}

/// The cells that answer a view of the weeks `first..=last` of `city`, if any do: those of
/// the season the cells are of, when the weeks are of it.
pub fn at(
    conn: &mut DbConnection,
    city: CityId,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<Option<At>> {
    let Some(season) = stored_season(conn, city)? else {
        return Ok(None);
    };
    Ok(
        (first <= last && season.holds(first) && season.holds(last)).then_some(At {
            first,
            last,
            season,
        }),
    )
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
    /// The youth's first, second and third active week before `week_on` in the season, in
    /// the cell's organization and category ([`NO_WEEK`] when none; always for `whole`).
    pub before: [NaiveDate; 3],
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

/// Adds `sign` (1 or -1) times the cells of one youth's rollup `rows` to `cells`: for each
/// organization and category key, a cell for each week they were active in (with the weeks
/// they were active in before it) and one for the whole season.
fn add_youth(cells: &mut YouthCells, season: Season, rows: &[YouthWeek], sign: i64) {
    type Slice = (i64, i64, i64, &'static str);
    let mut slices: HashMap<Slice, BTreeMap<NaiveDate, i64>> = HashMap::new();
    for row in rows.iter().filter(|r| season.holds(r.week_on)) {
        let neighborhood_id = row.neighborhood_id.unwrap_or(0);
        let age_band = AgeBand::of(row.birth_date, season.age_on()).as_str();
        let keys = [
            (EVERY_ORG, EVERY_CATEGORY),
            (row.org_id, EVERY_CATEGORY),
            (EVERY_ORG, row.category_id),
            (row.org_id, row.category_id),
        ];
        // Each key is counted in the youth's neighborhood and band, and in any (for the
        // views by organization or category with neither picked).
        for (org_id, category_id) in keys {
            for (neighborhood_id, age_band) in
                [(neighborhood_id, age_band), (ANY_NEIGHBORHOOD, ANY_BAND)]
            {
                *slices
                    .entry((org_id, category_id, neighborhood_id, age_band))
                    .or_default()
                    .entry(row.week_on)
                    .or_default() += row.awards;
            }
        }
    }
    let mut add = |key: YouthKey, awards: i64, retained: bool| {
        let cell = cells.entry(key).or_default();
        cell.youth += sign;
        cell.awards += sign * awards;
        cell.retained += sign * i64::from(retained);
    };
    for ((org_id, category_id, neighborhood_id, age_band), weeks) in slices {
        let key = |whole: bool, week_on: NaiveDate, before: [NaiveDate; 3]| YouthKey {
            whole,
            week_on,
            before,
            org_id,
            category_id,
            neighborhood_id,
            age_band,
        };
        let active: Vec<(NaiveDate, i64)> = weeks.into_iter().collect();
        for (i, (week, awards)) in active.iter().enumerate() {
            let before = |n: usize| i.checked_sub(n).map_or(NO_WEEK, |j| active[j].0);
            add(
                key(false, *week, [before(1), before(2), before(3)]),
                *awards,
                false,
            );
        }
        let awards = active.iter().map(|(_, awards)| awards).sum();
        add(
            key(true, season.first_week, [NO_WEEK; 3]),
            awards,
            active.len() >= 3,
        );
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
            .filter(dash_season_youth::prev_week.eq(key.before[0]))
            .filter(dash_season_youth::prev_week2.eq(key.before[1]))
            .filter(dash_season_youth::prev_week3.eq(key.before[2]))
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
    pub prev_week: NaiveDate,
    pub prev_week2: NaiveDate,
    pub prev_week3: NaiveDate,
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
            prev_week: key.before[0],
            prev_week2: key.before[1],
            prev_week3: key.before[2],
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

type YouthOrder<'a> = (bool, NaiveDate, [NaiveDate; 3], i64, i64, i64, &'a str);

fn youth_order(c: &YouthCell) -> YouthOrder<'_> {
    (
        c.whole,
        c.week_on,
        [c.prev_week, c.prev_week2, c.prev_week3],
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
            dash_season_youth::prev_week,
            dash_season_youth::prev_week2,
            dash_season_youth::prev_week3,
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
    if stale(conn, city)? {
        rebuild(conn, city)?;
        crate::dashboard::rollups::bump(conn, city)?;
    }
    Ok(())
}

/// Whether `city`'s cells are of another season than the one set (or of none).
fn stale(conn: &mut DbConnection, city: CityId) -> QueryResult<bool> {
    Ok(season_of_city(conn, city)? != stored_season(conn, city)?)
}

/// Counts again the cells of every city whose cells are not of its season as set (as after an
/// upgrade that changed how cells are kept), each city in its own transaction; how many were
/// counted.
pub fn recount_stale(conn: &mut DbConnection) -> QueryResult<usize> {
    let cities: Vec<i64> = cities::table.select(cities::id).load(conn)?;
    let mut counted = 0;
    for city in cities.into_iter().map(CityId) {
        if stale(conn, city)? {
            conn.transaction(|conn| season_changed(conn, city))?;
            counted += 1;
        }
    }
    Ok(counted)
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
pub fn sum(column: &str) -> diesel::expression::SqlLiteral<BigInt> {
    sql::<BigInt>(&format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"))
}

/// `SUM(dash_season_youth.youth)` of the cells for which `test` holds, as a BIGINT. `test`
/// compares the cells' weeks with dates written by [`week_test`]; no input reaches the SQL.
fn youth_when(test: &str) -> diesel::expression::SqlLiteral<BigInt> {
    sql::<BigInt>(&format!(
        "CAST(COALESCE(SUM(CASE WHEN {test} THEN dash_season_youth.youth ELSE 0 END), 0) \
         AS BIGINT)"
    ))
}

/// `dash_season_youth.{column} {op} 'week'`. On SQLite the column is written `+column`: a
/// DATE column has numeric affinity, which SQLite would otherwise apply to the date written
/// as text once for every cell it compares (both are text, so they compare as text either way).
fn week_test(conn: &DbConnection, column: &str, op: &str, week: NaiveDate) -> String {
    let plus = if matches!(conn, DbConnection::Sqlite(_)) {
        "+"
    } else {
        ""
    };
    format!(
        "{plus}dash_season_youth.{column} {op} '{}'",
        week.format("%Y-%m-%d")
    )
}

/// Youth first active in the view's weeks by the cells of each week of a run: the cells
/// whose active week before theirs is before the run.
fn first_in_run(conn: &DbConnection, at: At) -> diesel::expression::SqlLiteral<BigInt> {
    youth_when(&week_test(conn, "prev_week", "<", at.first))
}

/// A boxed query of the youth cells narrowed to the neighborhood and band of a slice that
/// are picked (`picked!`), or, by `sliced!`, to the cells of any neighborhood and band when
/// neither is.
macro_rules! picked {
    ($query:expr, $slice:expr) => {{
        let (mut query, slice) = ($query, $slice);
        if let Some(neighborhood) = slice.neighborhood {
            query = query.filter(dash_season_youth::neighborhood_id.eq(neighborhood));
        }
        if let Some(band) = slice.band {
            query = query.filter(dash_season_youth::age_band.eq(band.to_string()));
        }
        query
    }};
}

macro_rules! sliced {
    ($query:expr, $slice:expr) => {{
        let (query, slice) = ($query, $slice);
        if slice.neighborhood.is_none() && slice.band.is_none() {
            query
                .filter(dash_season_youth::neighborhood_id.eq(ANY_NEIGHBORHOOD))
                .filter(dash_season_youth::age_band.eq(ANY_BAND))
        } else {
            picked!(query, slice)
        }
    }};
}

/// One week of a view: its youth active and their awards in the view's slice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Queryable)]
pub struct WeekSum {
    pub week_on: NaiveDate,
    pub youth: i64,
    pub awards: i64,
}

/// Each week of a view `at` for one organization and category key: its youth active and
/// their awards in the slice (read from the cells of any neighborhood and band when the slice
/// is open).
pub fn weeks(
    conn: &mut DbConnection,
    city: CityId,
    at: At,
    org: i64,
    category: i64,
    slice: Slice<'_>,
) -> QueryResult<Vec<WeekSum>> {
    let query = dash_season_youth::table
        .filter(dash_season_youth::city_id.eq(city.0))
        .filter(dash_season_youth::whole.eq(false))
        .filter(dash_season_youth::category_id.eq(category))
        .filter(dash_season_youth::org_id.eq(org))
        .filter(dash_season_youth::week_on.ge(at.first))
        .filter(dash_season_youth::week_on.le(at.last))
        .group_by(dash_season_youth::week_on)
        .select((
            dash_season_youth::week_on,
            sum("dash_season_youth.youth"),
            sum("dash_season_youth.awards"),
        ))
        .into_boxed::<MultiBackend>();
    sliced!(query, slice).load(conn)
}

/// The youth cells of one neighborhood and band over a view's weeks, summed.
#[derive(Clone, Debug, PartialEq, Eq, Queryable)]
pub struct HomeSum {
    pub neighborhood_id: i64,
    pub age_band: String,
    /// Youth active in the view's weeks, each once.
    pub youth: i64,
    pub awards: i64,
    /// Of them, those active in three of the view's weeks or more.
    pub retained: i64,
}

/// The youth of a view `at` for one organization and category key by neighborhood and band
/// in the slice: from the whole season's cells, or from the cells of each week of a run, each
/// youth counted in the week the run first saw them, and counted as retained in the third.
pub fn homes(
    conn: &mut DbConnection,
    city: CityId,
    at: At,
    org: i64,
    category: i64,
    slice: Slice<'_>,
) -> QueryResult<Vec<HomeSum>> {
    let (youth, retained) = if at.whole() {
        (
            sum("dash_season_youth.youth"),
            sum("dash_season_youth.retained"),
        )
    } else {
        // The second week before is of the run and the third is not: this is the third.
        let third = format!(
            "{} AND {}",
            week_test(conn, "prev_week2", ">=", at.first),
            week_test(conn, "prev_week3", "<", at.first)
        );
        (first_in_run(conn, at), youth_when(&third))
    };
    let query = dash_season_youth::table
        .filter(dash_season_youth::city_id.eq(city.0))
        .filter(dash_season_youth::whole.eq(at.whole()))
        .filter(dash_season_youth::category_id.eq(category))
        .filter(dash_season_youth::org_id.eq(org))
        .filter(dash_season_youth::week_on.ge(at.first))
        .filter(dash_season_youth::week_on.le(at.last))
        .filter(dash_season_youth::neighborhood_id.ne(ANY_NEIGHBORHOOD))
        .group_by((
            dash_season_youth::neighborhood_id,
            dash_season_youth::age_band,
        ))
        .select((
            dash_season_youth::neighborhood_id,
            dash_season_youth::age_band,
            youth,
            sum("dash_season_youth.awards"),
            retained,
        ))
        .into_boxed::<MultiBackend>();
    picked!(query, slice).load(conn)
}

/// Youth reached and their awards over a view's weeks by organization (`by_org`) or by
/// category (only the one picked, when given), the other key fixed: (id, youth, awards).
#[allow(clippy::too_many_arguments)]
pub fn youth_by(
    conn: &mut DbConnection,
    city: CityId,
    at: At,
    by_org: bool,
    fixed: i64,
    only: Option<i64>,
    slice: Slice<'_>,
) -> QueryResult<Vec<(i64, i64, i64)>> {
    // The cells of the view with the other key fixed, grouped by `$by`, in the slice: the
    // whole season's, or those of each week of the run, each youth once.
    macro_rules! grouped {
        ($by:expr, $other:expr, $every:expr) => {{
            let mut query = dash_season_youth::table
                .filter(dash_season_youth::city_id.eq(city.0))
                .filter(dash_season_youth::whole.eq(at.whole()))
                .filter(dash_season_youth::week_on.ge(at.first))
                .filter(dash_season_youth::week_on.le(at.last))
                .filter($other.eq(fixed))
                .filter($by.ne($every))
                .group_by($by)
                .select(($by, first_in_run(conn, at), sum("dash_season_youth.awards")))
                .into_boxed::<MultiBackend>();
            if let Some(only) = only {
                query = query.filter($by.eq(only));
            }
            sliced!(query, slice).load(conn)
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

/// The cells of each badge over a view's weeks in a slice (any neighborhood or band when none
/// is picked), of one organization or category when given: (badge, activity, awards, pathway
/// awards), one row for each week of a run (the caller sums them: hashing them there costs
/// less than grouping them in the database).
pub fn badge_counts(
    conn: &mut DbConnection,
    city: CityId,
    at: At,
    org: Option<i64>,
    category: Option<i64>,
    slice: Slice<'_>,
) -> QueryResult<Vec<(i64, i64, i64, i64)>> {
    // A badge has one cell in a week of a slice; the whole season's sit on its first Monday.
    let mut query = dash_season_badges::table
        .filter(dash_season_badges::city_id.eq(city.0))
        .filter(dash_season_badges::whole.eq(at.whole()))
        .filter(
            dash_season_badges::neighborhood_id.eq(slice.neighborhood.unwrap_or(ANY_NEIGHBORHOOD)),
        )
        .filter(dash_season_badges::age_band.eq(slice.band.unwrap_or(ANY_BAND).to_string()))
        .filter(dash_season_badges::week_on.ge(at.first))
        .filter(dash_season_badges::week_on.le(at.last))
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
