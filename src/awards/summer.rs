//! A youth's summer at a glance: the weeks of the season they were active in (a badge earned
//! or work sent), the activities they took part in, and what to do next, chosen for them:
//! activities of the categories their badges come from, in their neighborhood, and right for
//! their age.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Integer;

use crate::db::schema::{
    activities, activity_badges, awards, categories, neighborhoods, organizations, submissions,
    users,
};
use crate::db::DbConnection;
use crate::ids::{CityId, UserId};
use crate::tenancy::City;

/// How many weeks a season without dates shows (the ones up to this week).
const WEEKS_WITHOUT_SEASON: i64 = 10;

/// How many activities are suggested.
pub const SUGGESTIONS: usize = 4;

/// One week of the season.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Week {
    /// Its Monday.
    pub starts_on: NaiveDate,
    pub active: bool,
}

/// Why an activity is suggested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Of a category the youth's badges come from (its name).
    Category(String),
    /// In the youth's neighborhood (its name).
    Nearby(String),
    /// Online: anywhere is near.
    Online,
    /// Its age range includes the youth's age.
    RightAge,
}

/// An activity to do next.
#[derive(Clone, Debug)]
pub struct Suggestion {
    pub activity_id: i64,
    pub title: String,
    pub org_name: String,
    pub starts_on: Option<NaiveDate>,
    pub reasons: Vec<Reason>,
}

/// A youth's summer.
#[derive(Clone, Debug, Default)]
pub struct Summer {
    pub weeks: Vec<Week>,
    /// Activities the youth took part in (a badge of theirs, or work sent for one, leads from
    /// it): id and title.
    pub activities: Vec<(i64, String)>,
    pub suggestions: Vec<Suggestion>,
    /// The neighborhood the youth named, and the city's neighborhoods to choose from.
    pub neighborhood: Option<i64>,
    pub neighborhoods: Vec<(i64, String)>,
}

impl Summer {
    pub fn weeks_active(&self) -> usize {
        self.weeks.iter().filter(|w| w.active).count()
    }
}

/// The Monday of the week of `day`.
pub fn monday_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The weeks of a city's `season` (first and last day) up to `today` (or the last few weeks,
/// when the city set no season), each marked active when it holds one of `days`.
pub fn weeks(
    season: (Option<NaiveDate>, Option<NaiveDate>),
    days: &BTreeSet<NaiveDate>,
    today: NaiveDate,
) -> Vec<Week> {
    let this_week = monday_of(today);
    let (first, last) = match season {
        // In the season, its weeks so far; after it, all of them; before it (or with no
        // season), the last few weeks.
        (Some(from), Some(to)) if from <= to && from <= today => {
            (monday_of(from), monday_of(to.min(today)))
        }
        _ => (
            this_week - Duration::weeks(WEEKS_WITHOUT_SEASON - 1),
            this_week,
        ),
    };
    let active: HashSet<NaiveDate> = days.iter().map(|d| monday_of(*d)).collect();
    let mut out = Vec::new();
    let mut week = first;
    while week <= last {
        out.push(Week {
            starts_on: week,
            active: active.contains(&week),
        });
        week += Duration::weeks(1);
    }
    out
}

/// The summer of `youth` in `city` on `today`, its activities named in `locale`.
pub fn of_youth(
    conn: &mut DbConnection,
    city: &City,
    youth: UserId,
    today: NaiveDate,
    locale: &str,
) -> QueryResult<Summer> {
    // A revoked badge is no longer the youth's: it neither marks a week nor a liking.
    let held: Vec<(i64, chrono::NaiveDateTime)> = awards::table
        .filter(awards::city_id.eq(city.id.0))
        .filter(awards::recipient_id.eq(youth.0))
        .filter(awards::revoked_at.is_null())
        .select((awards::badge_id, awards::awarded_at))
        .load(conn)?;
    let sent: Vec<(i64, chrono::NaiveDateTime)> = submissions::table
        .filter(submissions::city_id.eq(city.id.0))
        .filter(submissions::youth_id.eq(youth.0))
        .select((submissions::badge_id, submissions::created_at))
        .load(conn)?;
    let days: BTreeSet<NaiveDate> = held
        .iter()
        .chain(sent.iter())
        .map(|(_, at)| at.date())
        .collect();
    let held_badges: HashSet<i64> = held.iter().map(|(b, _)| *b).collect();
    let touched: Vec<i64> = held_badges
        .iter()
        .copied()
        .chain(sent.iter().map(|(b, _)| *b))
        .collect();
    let taken: Vec<(i64, String, Option<i64>)> = activity_badges::table
        .inner_join(activities::table)
        .filter(activities::city_id.eq(city.id.0))
        .filter(activity_badges::badge_id.eq_any(&touched))
        .select((activities::id, activities::title, activities::category_id))
        .distinct()
        .order(activities::title)
        .load(conn)?;
    let mut liked: HashMap<i64, usize> = HashMap::new();
    for (_, _, category) in &taken {
        if let Some(c) = category {
            *liked.entry(*c).or_default() += 1;
        }
    }
    let (birth, neighborhood): (Option<NaiveDate>, Option<i64>) = users::table
        .find(youth.0)
        .select((users::birth_date, users::neighborhood_id))
        .first(conn)?;
    let age = birth.map(|b| crate::fields::age_on(b, today));
    let taken_ids: HashSet<i64> = taken.iter().map(|(id, _, _)| *id).collect();
    let neighborhoods: Vec<(i64, String)> = neighborhoods::table
        .filter(neighborhoods::city_id.eq(city.id.0))
        .order((neighborhoods::position, neighborhoods::name))
        .select((neighborhoods::id, neighborhoods::name))
        .load(conn)?;
    let near = neighborhood.and_then(|n| neighborhoods.iter().find(|(id, _)| *id == n));
    let mut suggestions = suggest(
        conn,
        city.id,
        &Profile {
            liked: &liked,
            held: &held_badges,
            taken: &taken_ids,
            age,
            neighborhood: near,
        },
        today,
    )?;
    let named: Vec<i64> = taken_ids
        .iter()
        .copied()
        .chain(suggestions.iter().map(|s| s.activity_id))
        .collect();
    let mut titles = crate::catalog::store::titles_in(conn, &named, locale)?;
    for s in &mut suggestions {
        if let Some(title) = titles.remove(&s.activity_id) {
            s.title = title;
        }
    }
    Ok(Summer {
        weeks: weeks((city.season_starts_on, city.season_ends_on), &days, today),
        activities: taken
            .into_iter()
            .map(|(id, title, _)| (id, titles.get(&id).cloned().unwrap_or(title)))
            .collect(),
        suggestions,
        neighborhood,
        neighborhoods,
    })
}

/// What suggestions are chosen by.
struct Profile<'a> {
    /// Categories of the activities the youth took part in, with how often.
    liked: &'a HashMap<i64, usize>,
    held: &'a HashSet<i64>,
    taken: &'a HashSet<i64>,
    age: Option<i32>,
    /// The youth's neighborhood: id and name.
    neighborhood: Option<&'a (i64, String)>,
}

/// A published, not yet ended activity of the city, as suggestions weigh it.
type Candidate = (
    i64,
    String,
    String,
    Option<i64>,
    Option<i64>,
    bool,
    Option<i32>,
    Option<i32>,
    Option<NaiveDate>,
);

/// The weights of [`suggest`] as SQL over `activities`, a liked category counted once: 4 for
/// a liked category, 2 nearby or else 1 online, 1 for an age range. Only the city's own ids
/// are written into it.
fn rank_sql(profile: &Profile<'_>) -> String {
    let liked: Vec<String> = profile.liked.keys().map(i64::to_string).collect();
    let category = if liked.is_empty() {
        "0".to_string()
    } else {
        format!(
            "CASE WHEN activities.category_id IN ({}) THEN 4 ELSE 0 END",
            liked.join(", ")
        )
    };
    let place = match profile.neighborhood {
        Some((id, _)) => format!(
            "CASE WHEN activities.neighborhood_id = {id} THEN 2 WHEN activities.online THEN 1 ELSE 0 END"
        ),
        None => "CASE WHEN activities.online THEN 1 ELSE 0 END".to_string(),
    };
    let age = if profile.age.is_some() {
        "CASE WHEN activities.age_min IS NOT NULL OR activities.age_max IS NOT NULL THEN 1 ELSE 0 END"
    } else {
        "0"
    };
    format!("({category}) + ({place}) + ({age})")
}

fn suggest(
    conn: &mut DbConnection,
    city: CityId,
    profile: &Profile<'_>,
    today: NaiveDate,
) -> QueryResult<Vec<Suggestion>> {
    let mut query = activities::table
        .inner_join(organizations::table)
        .filter(activities::city_id.eq(city.0))
        .filter(activities::status.eq(crate::catalog::store::PUBLISHED))
        .filter(organizations::status.eq(crate::orgs::OrgStatus::Approved.as_str()))
        .filter(
            activities::ends_on
                .is_null()
                .or(activities::ends_on.ge(today)),
        )
        .select((
            activities::id,
            activities::title,
            organizations::name,
            activities::category_id,
            activities::neighborhood_id,
            activities::online,
            activities::age_min,
            activities::age_max,
            activities::starts_on,
        ))
        .into_boxed();
    if let Some(age) = profile.age {
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
    // The database ranks by the same weights (a liked category counted once), so that only
    // the best few hundred are weighed here, however big the city's catalog.
    let limit = 200 + profile.taken.len() + profile.held.len();
    let candidates: Vec<Candidate> = query
        .order((
            sql::<Integer>(&rank_sql(profile)).desc(),
            activities::starts_on.is_null(),
            activities::starts_on.asc(),
            activities::id.asc(),
        ))
        .limit(i64::try_from(limit).unwrap_or(i64::MAX))
        .load(conn)?;
    let ids: Vec<i64> = candidates.iter().map(|c| c.0).collect();
    let leads: Vec<(i64, i64)> = activity_badges::table
        .filter(activity_badges::activity_id.eq_any(&ids))
        .select((activity_badges::activity_id, activity_badges::badge_id))
        .load(conn)?;
    let mut badges_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (activity, badge) in leads {
        badges_of.entry(activity).or_default().push(badge);
    }
    let category_names: HashMap<i64, String> = categories::table
        .filter(categories::city_id.eq(city.0))
        .select((categories::id, categories::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut scored: Vec<(usize, Suggestion)> = Vec::new();
    for (id, title, org_name, category, place, online, age_min, age_max, starts_on) in candidates {
        let leads_to = badges_of.get(&id).map(Vec::as_slice).unwrap_or(&[]);
        // Done already: taken part in, or every badge it leads to held.
        if profile.taken.contains(&id)
            || (!leads_to.is_empty() && leads_to.iter().all(|b| profile.held.contains(b)))
        {
            continue;
        }
        let mut score = 0;
        let mut reasons = Vec::new();
        if let Some(times) = category.and_then(|c| profile.liked.get(&c)) {
            score += 3 + times;
            if let Some(name) = category.and_then(|c| category_names.get(&c)) {
                reasons.push(Reason::Category(name.clone()));
            }
        }
        if let Some((_, name)) = profile.neighborhood.filter(|(n, _)| place == Some(*n)) {
            score += 2;
            reasons.push(Reason::Nearby(name.clone()));
        } else if online {
            score += 1;
            reasons.push(Reason::Online);
        }
        if profile.age.is_some() && (age_min.is_some() || age_max.is_some()) {
            score += 1;
            reasons.push(Reason::RightAge);
        }
        scored.push((
            score,
            Suggestion {
                activity_id: id,
                title,
                org_name,
                starts_on,
                reasons,
            },
        ));
    }
    // Best first; then what starts soonest (undated last), then the oldest listing.
    scored.sort_by(|(a, x), (b, y)| {
        b.cmp(a)
            .then(x.starts_on.is_none().cmp(&y.starts_on.is_none()))
            .then(x.starts_on.cmp(&y.starts_on))
            .then(x.activity_id.cmp(&y.activity_id))
    });
    Ok(scored
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, s)| s)
        .collect())
}

/// `youth` names their neighborhood (one of `city`'s), or none. `Ok(false)` when it is not
/// one of the city's.
pub fn set_neighborhood(
    conn: &mut DbConnection,
    city: CityId,
    youth: UserId,
    neighborhood: Option<i64>,
) -> QueryResult<bool> {
    if let Some(n) = neighborhood {
        let of_city: bool = diesel::select(diesel::dsl::exists(
            neighborhoods::table
                .filter(neighborhoods::id.eq(n))
                .filter(neighborhoods::city_id.eq(city.0)),
        ))
        .get_result(conn)?;
        if !of_city {
            return Ok(false);
        }
    }
    diesel::update(users::table.find(youth.0))
        .set(users::neighborhood_id.eq(neighborhood))
        .execute(conn)?;
    crate::dashboard::rollups::youth_changed(conn, youth)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn a_week_starts_on_its_monday() {
        assert_eq!(monday_of(d(2026, 7, 1)), d(2026, 6, 29));
        assert_eq!(monday_of(d(2026, 6, 29)), d(2026, 6, 29));
        assert_eq!(monday_of(d(2026, 7, 5)), d(2026, 6, 29));
    }

    #[test]
    fn the_season_shows_its_weeks_up_to_today_marking_the_active_ones() {
        let summer = (Some(d(2026, 6, 15)), Some(d(2026, 8, 21)));
        let days: BTreeSet<_> = [d(2026, 6, 17), d(2026, 6, 18), d(2026, 7, 2)].into();
        let weeks = weeks(summer, &days, d(2026, 7, 8));
        let starts: Vec<_> = weeks.iter().map(|w| w.starts_on).collect();
        assert_eq!(
            starts,
            vec![
                d(2026, 6, 15),
                d(2026, 6, 22),
                d(2026, 6, 29),
                d(2026, 7, 6)
            ]
        );
        let active: Vec<_> = weeks.iter().map(|w| w.active).collect();
        assert_eq!(active, vec![true, false, true, false]);
    }

    #[test]
    fn after_the_season_every_week_of_it_shows() {
        let summer = (Some(d(2026, 6, 15)), Some(d(2026, 7, 3)));
        let weeks = weeks(summer, &BTreeSet::new(), d(2026, 12, 1));
        assert_eq!(weeks.len(), 3);
    }

    #[test]
    fn before_the_season_the_last_weeks_show() {
        let next_summer = (Some(d(2027, 6, 21)), Some(d(2027, 8, 13)));
        let weeks = weeks(next_summer, &[d(2026, 12, 1)].into(), d(2026, 12, 3));
        assert_eq!(weeks.len(), 10);
        assert_eq!(weeks.last().map(|w| w.active), Some(true));
    }

    #[test]
    fn a_city_without_a_season_shows_the_last_ten_weeks() {
        let weeks = weeks((None, None), &[d(2026, 11, 30)].into(), d(2026, 12, 1));
        assert_eq!(weeks.len(), 10);
        assert_eq!(weeks.last().map(|w| w.active), Some(true));
        assert!(weeks.iter().rev().skip(1).all(|w| !w.active));
    }
}
