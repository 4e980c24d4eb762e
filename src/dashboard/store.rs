//! All SQL of the dashboard. A view of the city's season, or of any run of its weeks, reads
//! the season's cells (see `season`). Any other range counts from the rollups
//! (`dash_youth_weeks`, `dash_badge_weeks`; see `rollups`), grouped in the database; a slice
//! by neighborhood or age band then counts badges from the awards of the range instead (the
//! badge rollup does not know who earned what). Registrations are counted from the youth who
//! joined each day (`dash_member_days`), or from `dash_members` by age band; review decisions
//! and claim codes from their own tables, through their indexes.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::dsl::{count, count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};

use crate::dashboard::filter::{AgeBand, DashFilter, NeighborhoodPick, Picked};
use crate::dashboard::season;
use crate::dashboard::{CatalogTotals, Figures, Scope, Slice, Turnaround, WeekCount};
use crate::db::schema::{
    activities, awards, badges, categories, claim_codes, dash_badge_weeks, dash_member_days,
    dash_members, dash_youth_weeks, neighborhoods, organizations, pathways, submission_events,
    submissions, users,
};
use crate::db::{DbConnection, MultiBackend};
use crate::ids::CityId;

/// How many badges and activities the "top" lists name.
pub const TOP: usize = 10;

/// What a city's views may be filtered by.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub orgs: Vec<Picked>,
    pub categories: Vec<Picked>,
    pub neighborhoods: Vec<Picked>,
}

fn picked(rows: Vec<(i64, String, String)>) -> Vec<Picked> {
    rows.into_iter()
        .map(|(id, slug, name)| Picked { id, slug, name })
        .collect()
}

/// The organizations (partners and the city's own issuer), categories and
/// neighborhoods of `city`.
pub fn options(conn: &mut DbConnection, city: CityId) -> QueryResult<Options> {
    let orgs = organizations::table
        .filter(organizations::city_id.eq(city.0))
        .order(organizations::name)
        .select((organizations::id, organizations::slug, organizations::name))
        .load(conn)?;
    let categories = categories::table
        .filter(categories::city_id.eq(city.0))
        .order((categories::position, categories::name))
        .select((categories::id, categories::slug, categories::name))
        .load(conn)?;
    let neighborhoods = neighborhoods::table
        .filter(neighborhoods::city_id.eq(city.0))
        .order((neighborhoods::position, neighborhoods::name))
        .select((neighborhoods::id, neighborhoods::slug, neighborhoods::name))
        .load(conn)?;
    Ok(Options {
        orgs: picked(orgs),
        categories: picked(categories),
        neighborhoods: picked(neighborhoods),
    })
}

/// Distinct youth of the rollup rows.
macro_rules! youth {
    () => {
        count(dash_youth_weeks::youth_id).aggregate_distinct()
    };
}

/// `$query` (boxed) limited to the youth of the view's neighborhood and age band, by the
/// columns that hold a youth's neighborhood and birth date.
macro_rules! youth_slices {
    ($query:expr, $f:expr, $neighborhood:expr, $birth_date:expr) => {{
        let f: &DashFilter = $f;
        let mut query = $query;
        match &f.neighborhood {
            Some(NeighborhoodPick::Of { id, .. }) => {
                query = query.filter($neighborhood.eq(*id));
            }
            Some(NeighborhoodPick::NotGiven) => query = query.filter($neighborhood.is_null()),
            None => {}
        }
        if let Some(band) = f.age {
            match band.born(f.age_on) {
                None => query = query.filter($birth_date.is_null()),
                Some((after, until)) => {
                    if let Some(after) = after {
                        query = query.filter($birth_date.gt(after));
                    }
                    if let Some(until) = until {
                        query = query.filter($birth_date.le(until));
                    }
                }
            }
        }
        query
    }};
}

/// `$query` (of `dash_youth_weeks`, grouped or not) limited to the view: its city, weeks,
/// organization and slices; boxed.
macro_rules! sliced {
    ($query:expr, $city:expr, $org:expr, $f:expr) => {{
        let f: &DashFilter = $f;
        let mut query = $query
            .filter(dash_youth_weeks::city_id.eq($city.0))
            .filter(dash_youth_weeks::week_on.ge(f.first_week))
            .filter(dash_youth_weeks::week_on.le(f.last_week))
            .into_boxed::<MultiBackend>();
        if let Some(org) = $org {
            query = query.filter(dash_youth_weeks::org_id.eq(org));
        }
        if let Some(category) = &f.category {
            query = query.filter(dash_youth_weeks::category_id.eq(category.id));
        }
        youth_slices!(
            query,
            f,
            dash_youth_weeks::neighborhood_id,
            dash_youth_weeks::birth_date
        )
    }};
}

/// `SUM(awards)` of the rollup rows, as a BIGINT on both backends.
fn youth_week_awards() -> diesel::expression::SqlLiteral<BigInt> {
    sql::<BigInt>("CAST(COALESCE(SUM(dash_youth_weeks.awards), 0) AS BIGINT)")
}

/// The view's organization: the scope's, or the one picked.
fn org_of(scope: &Scope, f: &DashFilter) -> Option<i64> {
    scope.org_id().or(f.org.as_ref().map(|o| o.id))
}

/// The youth figures of a view: active youth and their awards, in all and by week,
/// organization, category, neighborhood and age band, and the youth retained.
struct YouthFigures {
    active: i64,
    awards: i64,
    retained: i64,
    weeks: Vec<WeekCount>,
    by_org: Vec<Slice>,
    by_category: Vec<Slice>,
    by_neighborhood: Vec<Slice>,
    by_age: Vec<Slice>,
}

/// Every figure of a view: from the season's cells when they answer it (the season, or a
/// week of it), else from the rollups.
pub fn figures(
    conn: &mut DbConnection,
    city: CityId,
    scope: &Scope,
    f: &DashFilter,
    options: &Options,
) -> QueryResult<Figures> {
    let org = org_of(scope, f);
    let at = season::at(conn, city, f.first_week, f.last_week)?;
    let youth = match at {
        Some(at) => youth_from_cells(conn, city, scope, f, options, at)?,
        None => youth_from_rollups(conn, city, scope, f, options)?,
    };
    let badge_counts = match at {
        Some(at) => badge_counts_from_cells(conn, city, org, f, at)?,
        None if f.slices_youth() => badge_counts_from_awards(conn, city, org, f)?,
        None => badge_counts_from_rollup(conn, city, org, f)?,
    };
    let (top_badges, top_activities, pathway_completions, pathways) =
        badge_figures(conn, city, &badge_counts)?;

    let (registered, registered_in_range, catalog) = if scope.org_id().is_none() {
        let (registered, joined) = registrations(conn, city, f)?;
        (Some(registered), Some(joined), Some(catalog(conn, city)?))
    } else {
        (None, None, None)
    };
    let (codes_issued, codes_redeemed) = codes(conn, city, org, f)?;
    Ok(Figures {
        catalog,
        registered,
        registered_in_range,
        active: youth.active,
        awards: youth.awards,
        retained: youth.retained,
        weeks: youth.weeks,
        by_org: youth.by_org,
        by_category: youth.by_category,
        by_neighborhood: youth.by_neighborhood,
        by_age: youth.by_age,
        top_badges,
        top_activities,
        pathway_completions,
        pathways,
        turnaround: turnaround(conn, city, org, f, options)?,
        codes_issued,
        codes_redeemed,
    })
}

/// The view's weeks, each with its (youth, awards) count or none.
fn week_counts(f: &DashFilter, weekly: &HashMap<NaiveDate, (i64, i64)>) -> Vec<WeekCount> {
    f.weeks()
        .into_iter()
        .map(|week| {
            let (youth, awards) = weekly.get(&week).copied().unwrap_or((0, 0));
            WeekCount {
                week,
                youth,
                awards,
            }
        })
        .collect()
}

/// The youth figures counted from the rollups, distinct youth over the rows of the range.
fn youth_from_rollups(
    conn: &mut DbConnection,
    city: CityId,
    scope: &Scope,
    f: &DashFilter,
    options: &Options,
) -> QueryResult<YouthFigures> {
    let org = org_of(scope, f);
    let (active, awards): (i64, i64) = sliced!(
        dash_youth_weeks::table.select((youth!(), youth_week_awards())),
        city,
        org,
        f
    )
    .first(conn)?;
    let weekly: HashMap<NaiveDate, (i64, i64)> = sliced!(
        dash_youth_weeks::table
            .group_by(dash_youth_weeks::week_on)
            .select((dash_youth_weeks::week_on, youth!(), youth_week_awards())),
        city,
        org,
        f
    )
    .load::<(NaiveDate, i64, i64)>(conn)?
    .into_iter()
    .map(|(week, youth, awards)| (week, (youth, awards)))
    .collect();
    let retained_youth = sliced!(
        dash_youth_weeks::table
            .group_by(dash_youth_weeks::youth_id)
            .having(count(dash_youth_weeks::week_on).aggregate_distinct().ge(3))
            .select(dash_youth_weeks::youth_id),
        city,
        org,
        f
    );
    let retained = retained_youth.load::<i64>(conn)?.len() as i64;

    let by_org = if scope.org_id().is_none() {
        let rows: Vec<(i64, i64, i64)> = sliced!(
            dash_youth_weeks::table
                .group_by(dash_youth_weeks::org_id)
                .select((dash_youth_weeks::org_id, youth!(), youth_week_awards())),
            city,
            org,
            f
        )
        .load(conn)?;
        named(rows, &options.orgs, false)
    } else {
        Vec::new()
    };
    let by_category: Vec<(i64, i64, i64)> = sliced!(
        dash_youth_weeks::table
            .group_by(dash_youth_weeks::category_id)
            .select((dash_youth_weeks::category_id, youth!(), youth_week_awards())),
        city,
        org,
        f
    )
    .load(conn)?;
    let by_neighborhood: Vec<(Option<i64>, i64, i64)> = sliced!(
        dash_youth_weeks::table
            .group_by(dash_youth_weeks::neighborhood_id)
            .select((
                dash_youth_weeks::neighborhood_id,
                youth!(),
                youth_week_awards()
            )),
        city,
        org,
        f
    )
    .load(conn)?;
    // Each youth has one birth date, so the youth of a band add up over its birth dates.
    let by_birth_date: Vec<(Option<NaiveDate>, i64, i64)> = sliced!(
        dash_youth_weeks::table
            .group_by(dash_youth_weeks::birth_date)
            .select((dash_youth_weeks::birth_date, youth!(), youth_week_awards())),
        city,
        org,
        f
    )
    .load(conn)?;
    let mut bands: HashMap<AgeBand, (i64, i64)> = HashMap::new();
    for (born, youth, awards) in by_birth_date {
        let entry = bands.entry(AgeBand::of(born, f.age_on)).or_default();
        entry.0 += youth;
        entry.1 += awards;
    }
    Ok(YouthFigures {
        active,
        awards,
        retained,
        weeks: week_counts(f, &weekly),
        by_org,
        by_category: by_category_named(by_category, &options.categories),
        by_neighborhood: by_neighborhood_named(by_neighborhood, &options.neighborhoods),
        by_age: by_band(&bands),
    })
}

/// The neighborhood and age band a view picked, as the season's cells key them.
fn cell_slice(f: &DashFilter) -> season::Slice<'static> {
    season::Slice {
        neighborhood: f.neighborhood.as_ref().map(|n| match n {
            NeighborhoodPick::Of { id, .. } => *id,
            NeighborhoodPick::NotGiven => 0,
        }),
        band: f.age.map(AgeBand::as_str),
    }
}

/// The youth figures read from the season's cells `at`: the cells of the view's organization
/// and category, summed over the neighborhoods and bands of its slice.
fn youth_from_cells(
    conn: &mut DbConnection,
    city: CityId,
    scope: &Scope,
    f: &DashFilter,
    options: &Options,
    at: season::At,
) -> QueryResult<YouthFigures> {
    let org = org_of(scope, f);
    let org_key = org.unwrap_or(season::EVERY_ORG);
    let category = f.category.as_ref().map(|c| c.id);
    let category_key = category.unwrap_or(season::EVERY_CATEGORY);
    let slice = cell_slice(f);
    let weekly: HashMap<NaiveDate, (i64, i64)> =
        season::weeks(conn, city, at, org_key, category_key, slice)?
            .into_iter()
            .map(|w| (w.week_on, (w.youth, w.awards)))
            .collect();
    let (mut active, mut awards, mut retained) = (0, 0, 0);
    let mut neighborhoods: HashMap<Option<i64>, (i64, i64)> = HashMap::new();
    let mut bands: HashMap<AgeBand, (i64, i64)> = HashMap::new();
    let add = |map_entry: &mut (i64, i64), youth: i64, awards: i64| {
        map_entry.0 += youth;
        map_entry.1 += awards;
    };
    for home in season::homes(conn, city, at, org_key, category_key, slice)? {
        active += home.youth;
        awards += home.awards;
        retained += home.retained;
        let id = (home.neighborhood_id != 0).then_some(home.neighborhood_id);
        add(
            neighborhoods.entry(id).or_default(),
            home.youth,
            home.awards,
        );
        let band = AgeBand::parse(&home.age_band).unwrap_or(AgeBand::Unknown);
        add(bands.entry(band).or_default(), home.youth, home.awards);
    }
    let by_org = if scope.org_id().is_none() {
        let rows = season::youth_by(conn, city, at, true, category_key, org, slice)?;
        named(rows, &options.orgs, false)
    } else {
        Vec::new()
    };
    let by_category = season::youth_by(conn, city, at, false, org_key, category, slice)?;
    let by_neighborhood = neighborhoods
        .into_iter()
        .map(|(id, (youth, awards))| (id, youth, awards))
        .collect();
    Ok(YouthFigures {
        active,
        awards,
        retained,
        weeks: week_counts(f, &weekly),
        by_org,
        by_category: by_category_named(by_category, &options.categories),
        by_neighborhood: by_neighborhood_named(by_neighborhood, &options.neighborhoods),
        by_age: by_band(&bands),
    })
}

/// (id, youth, awards) rows named from `names`, most awards first; with `all`, the names
/// without a row are listed too, with none.
fn named(rows: Vec<(i64, i64, i64)>, names: &[Picked], all: bool) -> Vec<Slice> {
    let counts: HashMap<i64, (i64, i64)> = rows
        .into_iter()
        .map(|(id, youth, awards)| (id, (youth, awards)))
        .collect();
    let mut slices: Vec<Slice> = names
        .iter()
        .filter_map(|p| {
            let found = counts.get(&p.id).copied();
            if found.is_none() && !all {
                return None;
            }
            let (youth, awards) = found.unwrap_or((0, 0));
            Some(Slice {
                key: p.slug.clone(),
                label: p.name.clone(),
                youth,
                awards,
            })
        })
        .collect();
    slices.sort_by(|a, b| b.awards.cmp(&a.awards).then(a.label.cmp(&b.label)));
    slices
}

/// A slice per name, in the names' order, with its (youth, awards) count or none.
fn in_order(names: &[Picked], counts: &HashMap<i64, (i64, i64)>) -> Vec<Slice> {
    names
        .iter()
        .map(|p| {
            let (youth, awards) = counts.get(&p.id).copied().unwrap_or((0, 0));
            Slice {
                key: p.slug.clone(),
                label: p.name.clone(),
                youth,
                awards,
            }
        })
        .collect()
}

/// Every category of the city in its order, then "no category" when awards have none.
fn by_category_named(rows: Vec<(i64, i64, i64)>, names: &[Picked]) -> Vec<Slice> {
    let none = rows.iter().find(|(id, ..)| *id == 0).copied();
    let counts: HashMap<i64, (i64, i64)> = rows
        .into_iter()
        .map(|(id, youth, awards)| (id, (youth, awards)))
        .collect();
    let mut slices = in_order(names, &counts);
    if let Some((_, youth, awards)) = none {
        slices.push(Slice {
            key: String::new(),
            label: String::new(),
            youth,
            awards,
        });
    }
    slices
}

/// Every neighborhood of the city in its order, then youth who named none.
fn by_neighborhood_named(rows: Vec<(Option<i64>, i64, i64)>, names: &[Picked]) -> Vec<Slice> {
    let none = rows.iter().find(|(id, ..)| id.is_none()).copied();
    let counts: HashMap<i64, (i64, i64)> = rows
        .into_iter()
        .filter_map(|(id, youth, awards)| id.map(|id| (id, (youth, awards))))
        .collect();
    let mut slices = in_order(names, &counts);
    let (youth, awards) = none.map(|(_, y, a)| (y, a)).unwrap_or((0, 0));
    slices.push(Slice {
        key: String::new(),
        label: String::new(),
        youth,
        awards,
    });
    slices
}

/// Every age band, with its (youth, awards) count or none.
fn by_band(bands: &HashMap<AgeBand, (i64, i64)>) -> Vec<Slice> {
    AgeBand::ALL
        .into_iter()
        .map(|band| {
            let (youth, awards) = bands.get(&band).copied().unwrap_or((0, 0));
            Slice {
                key: band.as_str().to_string(),
                label: String::new(),
                youth,
                awards,
            }
        })
        .collect()
}

/// Awards of one badge over the range, or over one week of it (a badge's weeks are summed by
/// [`badge_figures`]): (badge, awards, of which by pathway), with the badge's activity (0 for
/// none).
#[derive(Clone, Copy, Debug)]
struct BadgeCount {
    badge: i64,
    activity: i64,
    awards: i64,
    pathway_awards: i64,
}

fn badge_counts_from_rollup(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<i64>,
    f: &DashFilter,
) -> QueryResult<Vec<BadgeCount>> {
    let mut query = dash_badge_weeks::table
        .group_by((dash_badge_weeks::badge_id, dash_badge_weeks::activity_id))
        .select((
            dash_badge_weeks::badge_id,
            dash_badge_weeks::activity_id,
            sql::<BigInt>("CAST(COALESCE(SUM(dash_badge_weeks.awards), 0) AS BIGINT)"),
            sql::<BigInt>("CAST(COALESCE(SUM(dash_badge_weeks.pathway_awards), 0) AS BIGINT)"),
        ))
        .filter(dash_badge_weeks::city_id.eq(city.0))
        .filter(dash_badge_weeks::week_on.ge(f.first_week))
        .filter(dash_badge_weeks::week_on.le(f.last_week))
        .into_boxed::<MultiBackend>();
    if let Some(org) = org {
        query = query.filter(dash_badge_weeks::org_id.eq(org));
    }
    if let Some(category) = &f.category {
        query = query.filter(dash_badge_weeks::category_id.eq(category.id));
    }
    let rows: Vec<(i64, i64, i64, i64)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(badge, activity, awards, pathway_awards)| BadgeCount {
            badge,
            activity,
            awards,
            pathway_awards,
        })
        .collect())
}

/// The badge counts of a view from the season's cells `at`, a row for each week of a run.
fn badge_counts_from_cells(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<i64>,
    f: &DashFilter,
    at: season::At,
) -> QueryResult<Vec<BadgeCount>> {
    let category = f.category.as_ref().map(|c| c.id);
    let rows = season::badge_counts(conn, city, at, org, category, cell_slice(f))?;
    Ok(rows
        .into_iter()
        .map(|(badge, activity, awards, pathway_awards)| BadgeCount {
            badge,
            activity,
            awards,
            pathway_awards,
        })
        .collect())
}

/// The badge counts of a slice by neighborhood or age band, from the awards of the range and
/// their youth as they are now (the same as the rollups copy).
fn badge_counts_from_awards(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<i64>,
    f: &DashFilter,
) -> QueryResult<Vec<BadgeCount>> {
    let (Some(start), Some(end)) = (f.start().and_hms_opt(0, 0, 0), f.end().and_hms_opt(0, 0, 0))
    else {
        return Ok(Vec::new());
    };
    let mut query = awards::table
        .inner_join(users::table.on(users::id.eq(awards::recipient_id)))
        .group_by(awards::badge_id)
        .select((
            awards::badge_id,
            count_star(),
            sql::<BigInt>(
                "CAST(COALESCE(SUM(CASE WHEN awards.method = 'pathway' THEN 1 ELSE 0 END), 0) AS BIGINT)",
            ),
        ))
        .filter(awards::city_id.eq(city.0))
        .filter(awards::awarded_at.ge(start))
        .filter(awards::awarded_at.lt(end))
        .filter(awards::revoked_at.is_null())
        .into_boxed::<MultiBackend>();
    if let Some(org) = org {
        query = query.filter(awards::org_id.eq(org));
    }
    let rows: Vec<(i64, i64, i64)> =
        youth_slices!(query, f, users::neighborhood_id, users::birth_date).load(conn)?;
    let placed = crate::dashboard::rollups::placements_of(
        conn,
        city,
        &rows.iter().map(|(badge, ..)| *badge).collect::<Vec<_>>(),
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(badge, awards, pathway_awards)| {
            let (activity, category) = placed.get(&badge).copied().unwrap_or((0, 0));
            if f.category.as_ref().is_some_and(|c| c.id != category) {
                return None;
            }
            Some(BadgeCount {
                badge,
                activity,
                awards,
                pathway_awards,
            })
        })
        .collect())
}

/// The top badges, the top activities, the pathway completions and each pathway's.
type BadgeFigures = (Vec<Slice>, Vec<Slice>, i64, Vec<Slice>);

/// The top badges and activities, the pathway completions and each pathway's.
fn badge_figures(
    conn: &mut DbConnection,
    city: CityId,
    counts: &[BadgeCount],
) -> QueryResult<BadgeFigures> {
    let mut per_badge: HashMap<i64, (i64, i64)> = HashMap::new();
    let mut per_activity: HashMap<i64, i64> = HashMap::new();
    for c in counts {
        let entry = per_badge.entry(c.badge).or_default();
        entry.0 += c.awards;
        entry.1 += c.pathway_awards;
        if c.activity != 0 {
            *per_activity.entry(c.activity).or_default() += c.awards;
        }
    }
    let top = |counts: &HashMap<i64, i64>| {
        let mut ranked: Vec<(i64, i64)> = counts.iter().map(|(id, n)| (*id, *n)).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(TOP);
        ranked
    };
    let badge_awards: HashMap<i64, i64> = per_badge.iter().map(|(b, (n, _))| (*b, *n)).collect();
    let top_badges = top(&badge_awards);
    let top_activities = top(&per_activity);
    let pathway_badges: Vec<i64> = pathways::table
        .filter(pathways::city_id.eq(city.0))
        .select(pathways::badge_id)
        .load(conn)?;
    let mut completions: Vec<(i64, i64)> = pathway_badges
        .iter()
        .filter_map(|b| {
            per_badge
                .get(b)
                .map(|(_, by_pathway)| (*b, *by_pathway))
                .filter(|(_, n)| *n > 0)
        })
        .collect();
    completions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let pathway_completions = per_badge.values().map(|(_, p)| p).sum();

    let badge_ids: Vec<i64> = top_badges
        .iter()
        .chain(completions.iter())
        .map(|(id, _)| *id)
        .collect();
    let badge_names: HashMap<i64, (String, String)> = badges::table
        .filter(badges::city_id.eq(city.0))
        .filter(badges::id.eq_any(&badge_ids))
        .select((badges::id, badges::slug, badges::name))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, slug, name)| (id, (slug, name)))
        .collect();
    let activity_ids: Vec<i64> = top_activities.iter().map(|(id, _)| *id).collect();
    let activity_names: HashMap<i64, String> = activities::table
        .filter(activities::city_id.eq(city.0))
        .filter(activities::id.eq_any(&activity_ids))
        .select((activities::id, activities::title))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let badge_slice = |(id, awards): &(i64, i64)| {
        let (slug, name) = badge_names.get(id).cloned().unwrap_or_default();
        Slice {
            key: slug,
            label: name,
            youth: *awards,
            awards: *awards,
        }
    };
    let top_badges = top_badges.iter().map(badge_slice).collect();
    let pathways = completions.iter().map(badge_slice).collect();
    let top_activities = top_activities
        .iter()
        .map(|(id, awards)| Slice {
            key: id.to_string(),
            label: activity_names.get(id).cloned().unwrap_or_default(),
            youth: 0,
            awards: *awards,
        })
        .collect();
    Ok((top_badges, top_activities, pathway_completions, pathways))
}

/// Youth of the city registered by the end of the range, and of them those who joined in it
/// (in the slice by neighborhood or age band, when one is picked).
fn registrations(conn: &mut DbConnection, city: CityId, f: &DashFilter) -> QueryResult<(i64, i64)> {
    if f.age.is_none() {
        return registrations_by_day(conn, city, f);
    }
    let (Some(start), Some(end)) = (f.start().and_hms_opt(0, 0, 0), f.end().and_hms_opt(0, 0, 0))
    else {
        return Ok((0, 0));
    };
    // Youth members with their neighborhood and birth date (kept by triggers), through
    // the indexes by city and neighborhood, birth date or day joined.
    let base = || {
        let query = dash_members::table
            .filter(dash_members::city_id.eq(city.0))
            .filter(dash_members::joined_at.lt(end))
            .into_boxed();
        youth_slices!(
            query,
            f,
            dash_members::neighborhood_id,
            dash_members::birth_date
        )
    };
    // Both counts in one pass over the members of the band.
    let joined_since = sql::<BigInt>("CAST(COALESCE(SUM(CASE WHEN dash_members.joined_at >= ")
        .bind::<Timestamp, _>(start)
        .sql(" THEN 1 ELSE 0 END), 0) AS BIGINT)");
    base().select((count_star(), joined_since)).get_result(conn)
}

/// [`registrations`] without an age band, from the youth who joined each day (kept by
/// triggers), by neighborhood.
fn registrations_by_day(
    conn: &mut DbConnection,
    city: CityId,
    f: &DashFilter,
) -> QueryResult<(i64, i64)> {
    let mut query = dash_member_days::table
        .filter(dash_member_days::city_id.eq(city.0))
        .filter(dash_member_days::joined_on.lt(f.end()))
        .group_by(dash_member_days::joined_on)
        .select((
            dash_member_days::joined_on,
            season::sum("dash_member_days.youth"),
        ))
        .into_boxed::<MultiBackend>();
    match &f.neighborhood {
        Some(NeighborhoodPick::Of { id, .. }) => {
            query = query.filter(dash_member_days::neighborhood_id.eq(*id));
        }
        Some(NeighborhoodPick::NotGiven) => {
            query = query.filter(dash_member_days::neighborhood_id.eq(0));
        }
        None => {}
    }
    let (mut registered, mut joined) = (0, 0);
    for (day, youth) in query.load::<(NaiveDate, i64)>(conn)? {
        registered += youth;
        if day >= f.start() {
            joined += youth;
        }
    }
    Ok((registered, joined))
}

/// The city's youth, activities and partner organizations as they are now.
fn catalog(conn: &mut DbConnection, city: CityId) -> QueryResult<CatalogTotals> {
    let activities = activities::table
        .filter(activities::city_id.eq(city.0))
        .count()
        .get_result(conn)?;
    // The city's own issuer has a row (its badges and awards count) but is no partner.
    let organizations = organizations::table
        .filter(organizations::city_id.eq(city.0))
        .filter(organizations::kind.ne(crate::orgs::OrgKind::City.as_str()))
        .count()
        .get_result(conn)?;
    Ok(CatalogTotals {
        activities,
        organizations,
    })
}

/// Claim codes made in the range (of the organization's badges, when one is picked), and how
/// many of them have been redeemed.
fn codes(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<i64>,
    f: &DashFilter,
) -> QueryResult<(i64, i64)> {
    let (Some(start), Some(end)) = (f.start().and_hms_opt(0, 0, 0), f.end().and_hms_opt(0, 0, 0))
    else {
        return Ok((0, 0));
    };
    let base = || {
        let mut query = claim_codes::table
            .inner_join(badges::table)
            .filter(claim_codes::city_id.eq(city.0))
            .filter(claim_codes::created_at.ge(start))
            .filter(claim_codes::created_at.lt(end))
            .into_boxed();
        if let Some(org) = org {
            query = query.filter(badges::org_id.eq(org));
        }
        query
    };
    let issued: i64 = base().count().get_result(conn)?;
    let redeemed: i64 = base()
        .filter(claim_codes::uses.gt(0))
        .count()
        .get_result(conn)?;
    Ok((issued, redeemed))
}

/// The value below which `share` (0 to 1) of the sorted `values` fall (nearest rank).
pub fn percentile(sorted: &[i64], share: f64) -> i64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (share * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Each organization's review decisions of the range: how many, the median and the 90th
/// percentile of the time from submission to decision.
fn turnaround(
    conn: &mut DbConnection,
    city: CityId,
    org: Option<i64>,
    f: &DashFilter,
    options: &Options,
) -> QueryResult<Vec<Turnaround>> {
    let (Some(start), Some(end)) = (f.start().and_hms_opt(0, 0, 0), f.end().and_hms_opt(0, 0, 0))
    else {
        return Ok(Vec::new());
    };
    let mut query = submission_events::table
        .inner_join(submissions::table)
        .filter(submissions::city_id.eq(city.0))
        .filter(submission_events::at.ge(start))
        .filter(submission_events::at.lt(end))
        .filter(submission_events::turnaround_seconds.is_not_null())
        .into_boxed();
    if let Some(org) = org {
        query = query.filter(submissions::org_id.eq(org));
    }
    let rows: Vec<(i64, i64)> = query
        .select((
            submissions::org_id,
            submission_events::turnaround_seconds.assume_not_null(),
        ))
        .load(conn)?;
    let mut by_org: HashMap<i64, Vec<i64>> = HashMap::new();
    for (org, seconds) in rows {
        by_org.entry(org).or_default().push(seconds);
    }
    let mut result: Vec<Turnaround> = by_org
        .into_iter()
        .map(|(org, mut seconds)| {
            seconds.sort_unstable();
            Turnaround {
                org: options
                    .orgs
                    .iter()
                    .find(|o| o.id == org)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                decisions: seconds.len() as i64,
                median_seconds: percentile(&seconds, 0.5),
                p90_seconds: percentile(&seconds, 0.9),
            }
        })
        .collect();
    result.sort_by(|a, b| b.decisions.cmp(&a.decisions).then(a.org.cmp(&b.org)));
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_and_90th_percentile_are_nearest_ranks() {
        let values: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&values, 0.5), 5);
        assert_eq!(percentile(&values, 0.9), 9);
        assert_eq!(percentile(&[7], 0.9), 7);
        assert_eq!(percentile(&[], 0.5), 0);
    }
}
