//! `lanyard demo --scale city`: Riverton grown to a real city's size (200,000 youth, 500
//! organizations, 10,000 activities, a million awards over a ten-week season that ended last
//! week), generated from a seed in bulk INSERTs, for load tests and a dashboard with real
//! figures. Nothing here goes through issuance: awards are written unsigned with everything
//! their credential needs, and signed on first view like any award.

mod awards;
mod bulk;
mod names;
mod orgs;
mod partners;
mod youth;

use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::Connection;
use indicatif::ProgressBar;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::db::DbConnection;
use crate::ids::CityId;
use crate::tenancy::store::{named_list, replace_names, NameList};

/// How big a city to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct CityScale {
    pub youth: usize,
    pub orgs: usize,
    pub activities: usize,
    pub awards: usize,
    /// The season's length, ending with last week.
    pub weeks: u32,
}

impl CityScale {
    /// A real city's summer.
    pub const CITY: CityScale = CityScale {
        youth: 200_000,
        orgs: 500,
        activities: 10_000,
        awards: 1_000_000,
        weeks: 10,
    };

    /// The same shape, small enough for a test.
    pub const TINY: CityScale = CityScale {
        youth: 300,
        orgs: 6,
        activities: 40,
        awards: 1_200,
        weeks: 10,
    };

    /// Whether a city of this size can be made: distinct badges per youth, whole weeks.
    pub fn check(&self) -> anyhow::Result<()> {
        let most = awards::MOST_PER_YOUTH.min(self.activities);
        anyhow::ensure!(
            self.orgs > 0 && self.activities > 0,
            "a city needs partners"
        );
        anyhow::ensure!(
            self.weeks > 0 && self.weeks <= 52,
            "a season is 1 to 52 weeks"
        );
        anyhow::ensure!(
            self.awards <= self.youth * most,
            "{} youth cannot earn {} awards at most {most} each",
            self.youth,
            self.awards
        );
        Ok(())
    }
}

/// The season: whole weeks, Monday to Sunday, the last one ending before the week of today.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Season {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

impl Season {
    pub fn ending_last_week(today: NaiveDate, weeks: u32) -> Season {
        let this_monday = crate::awards::summer::monday_of(today);
        Season {
            starts_on: this_monday - Duration::weeks(i64::from(weeks)),
            ends_on: this_monday - Duration::days(1),
        }
    }

    fn days(&self) -> i64 {
        (self.ends_on - self.starts_on).num_days() + 1
    }

    fn start_at(&self) -> NaiveDateTime {
        self.starts_on.and_time(NaiveTime::MIN)
    }

    fn end_at(&self) -> NaiveDateTime {
        self.ends_on.and_time(NaiveTime::MIN) + Duration::days(1) - Duration::seconds(1)
    }
}

/// What was generated, for the demo's JSON (`city_scale`).
#[derive(Clone, Debug, Serialize)]
pub struct CityReport {
    pub seed: u64,
    pub season: Season,
    pub youth: usize,
    pub organizations: usize,
    pub activities: usize,
    pub badges: usize,
    pub awards: usize,
    pub revoked: usize,
    /// The password of every generated youth (their usernames are in `sample_youth`'s form).
    pub youth_password: String,
    pub sample_youth: Vec<String>,
    /// Public ids of a few awards with public pages (`/c/{city}/awards/{id}`), the first one
    /// revoked.
    pub sample_awards: Vec<String>,
    pub seconds: f64,
}

/// A UUID (version 4) from the generator's random source, so the same seed gives the same ids.
fn random_uuid(rng: &mut StdRng) -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

/// Gives the city the named lists it lacks (keeping its own) and answers them as (id, slug).
fn ensure_list(
    conn: &mut DbConnection,
    city: CityId,
    list: NameList,
    wanted: &[(&str, &str)],
) -> diesel::QueryResult<Vec<(i64, String)>> {
    let mut entries: Vec<(String, String)> = named_list(conn, city, list)?
        .into_iter()
        .map(|n| (n.slug, n.name))
        .collect();
    for (slug, name) in wanted {
        if !entries.iter().any(|(s, _)| s == slug) {
            entries.push((slug.to_string(), name.to_string()));
        }
    }
    replace_names(conn, city, list, &entries)?;
    Ok(named_list(conn, city, list)?
        .into_iter()
        .map(|n| (n.id, n.slug))
        .collect())
}

/// Adds a city of `scale` to `city` (which has the small demo already, or at least exists),
/// from `seed`, and sets its season to the weeks it covers; `bar` shows the rows written.
pub fn generate(
    conn: &mut DbConnection,
    city: CityId,
    scale: &CityScale,
    seed: u64,
    bar: &ProgressBar,
) -> anyhow::Result<CityReport> {
    scale.check()?;
    let started = Instant::now();
    let now = chrono::Utc::now().naive_utc();
    let season = Season::ending_last_week(now.date(), scale.weeks);
    let mut rng = StdRng::seed_from_u64(seed);

    let more: Vec<(&str, &str)> = names::MORE_NEIGHBORHOODS
        .iter()
        .map(|(slug, name, _)| (*slug, *name))
        .collect();
    let neighborhoods = ensure_list(conn, city, NameList::Neighborhoods, &more)?;
    let categories = ensure_list(conn, city, NameList::Categories, &names::CATEGORIES)?;
    let category_ids: Vec<i64> = names::CATEGORIES
        .iter()
        .map(|(slug, _)| {
            categories
                .iter()
                .find(|(_, s)| s == slug)
                .map(|(id, _)| *id)
                .ok_or_else(|| anyhow::anyhow!("category {slug} is missing"))
        })
        .collect::<anyhow::Result<_>>()?;
    let homes: Vec<(i64, u32)> = neighborhoods
        .iter()
        .map(|(id, slug)| {
            let weight = names::MORE_NEIGHBORHOODS
                .iter()
                .find(|(s, _, _)| s == slug)
                .map_or(10, |(_, _, w)| *w);
            (*id, weight)
        })
        .collect();
    let places: Vec<(i64, String)> = named_list(conn, city, NameList::Neighborhoods)?
        .into_iter()
        .map(|n| (n.id, n.name))
        .collect();

    let mut people = youth::plan(&mut rng, scale.youth, &homes, &season)?;
    let mut orgs = orgs::plan(&mut rng, scale.orgs, &places, &season)?;
    let activities = partners::plan_activities(&mut rng, scale.activities, &orgs, &season)?;
    let planned = awards::plan(
        &mut rng,
        &mut people,
        &activities,
        scale.awards,
        &season,
        now,
    );
    for (org, count) in orgs
        .iter_mut()
        .zip(awards::per_org(&planned, &activities, scale.orgs))
    {
        org.awards = count;
    }

    let youth_password = super::demo_password("youth");
    let hash = crate::auth::password::hash(&youth_password)
        .map_err(|e| anyhow::anyhow!("hashing the youth password: {e:?}"))?;
    bar.set_length((scale.youth + scale.orgs + 2 * scale.activities + scale.awards) as u64);
    bar.set_position(0);

    let first = FirstIds {
        user: bulk::max_id(conn, "users")?,
        member: bulk::max_id(conn, "city_members")?,
        award: bulk::max_id(conn, "awards")?,
        partners: partners::FirstIds {
            org: bulk::max_id(conn, "organizations")?,
            activity: bulk::max_id(conn, "activities")?,
            badge: bulk::max_id(conn, "badges")?,
            link: bulk::max_id(conn, "activity_badges")?,
        },
    };
    let plan = Plan {
        city,
        youth: &people,
        orgs: &orgs,
        activities: &activities,
        categories: &category_ids,
        awards: &planned,
        password_hash: &hash,
    };
    bulk::prepare(conn)?;
    let loaded = write(conn, &mut rng, &plan, &first, bar).and_then(|made| {
        bar.set_message("season and dashboard rollups");
        // Rollups first: setting the season then counts its cells from them, once.
        crate::dashboard::rollups::rebuild(conn, city)?;
        set_season(conn, city, &season)?;
        Ok(made)
    });
    let finished = bulk::finish(conn);
    let made = loaded?;
    finished?;
    bar.finish_and_clear();

    Ok(CityReport {
        seed,
        season,
        youth: made.youth,
        organizations: made.orgs,
        activities: made.activities,
        badges: made.badges,
        awards: made.awards,
        revoked: made.revoked,
        youth_password,
        sample_youth: people
            .iter()
            .take(3)
            .enumerate()
            .map(|(i, y)| youth::username(y, i))
            .collect(),
        sample_awards: sample_awards(conn, city, first.award)?,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Makes `season` the city's, keeping its languages and brand.
fn set_season(conn: &mut DbConnection, city: CityId, season: &Season) -> anyhow::Result<()> {
    let home = crate::tenancy::store::find(conn, city)?;
    crate::tenancy::store::set_profile(
        conn,
        city,
        &home.languages.join(","),
        (Some(season.starts_on), Some(season.ends_on)),
        (&home.brand_primary, &home.brand_secondary),
    )?;
    Ok(())
}

/// Everything planned, to be written.
struct Plan<'a> {
    city: CityId,
    youth: &'a [youth::Youth],
    orgs: &'a [orgs::Org],
    activities: &'a [partners::Activity],
    categories: &'a [i64],
    awards: &'a [awards::Planned],
    password_hash: &'a str,
}

/// The highest id of each table before the load: its rows take the ids after.
struct FirstIds {
    user: i64,
    member: i64,
    award: i64,
    partners: partners::FirstIds,
}

/// Rows written, by kind.
struct Made {
    youth: usize,
    orgs: usize,
    activities: usize,
    badges: usize,
    awards: usize,
    revoked: usize,
}

fn write(
    conn: &mut DbConnection,
    rng: &mut StdRng,
    plan: &Plan<'_>,
    first: &FirstIds,
    bar: &ProgressBar,
) -> anyhow::Result<Made> {
    bar.set_message("youth");
    let youth = conn.transaction(|conn| {
        youth::insert(
            conn,
            plan.city,
            plan.youth,
            plan.password_hash,
            (first.user, first.member),
            bar,
        )
    })?;
    bar.set_message("organizations, activities and badges");
    let (orgs, activities, badges) = conn.transaction(|conn| {
        partners::insert(
            conn,
            plan.city,
            plan.orgs,
            plan.activities,
            plan.categories,
            &first.partners,
            bar,
        )
    })?;
    bar.set_message("awards");
    let refs = awards::Refs {
        city: plan.city,
        first_award: first.award,
        first_user: first.user,
        first_org: first.partners.org,
        first_badge: first.partners.badge,
        youth: plan.youth,
        activities: plan.activities,
    };
    let (awards, revoked) = awards::insert(conn, rng, plan.awards, &refs, plan.orgs.len(), bar)?;
    bulk::advance_sequences(conn)?;
    Ok(Made {
        youth,
        orgs,
        activities,
        badges,
        awards,
        revoked,
    })
}

/// A revoked award and two held ones of those generated (ids after `after`), all of youth 13
/// or older, whose award pages are public (a younger child's need a parent's approval).
fn sample_awards(conn: &mut DbConnection, city: CityId, after: i64) -> anyhow::Result<Vec<String>> {
    use crate::db::schema::{awards as a, users as u};
    use diesel::prelude::*;
    let today = chrono::Utc::now().date_naive();
    let born_by = today
        .checked_sub_months(chrono::Months::new(12 * 13))
        .ok_or_else(|| anyhow::anyhow!("no date 13 years ago"))?
        - Duration::days(1);
    let generated = a::table
        .inner_join(u::table)
        .filter(a::city_id.eq(city.0))
        .filter(a::id.gt(after))
        .filter(u::birth_date.le(born_by))
        .order(a::id)
        .select(a::public_id);
    let mut samples: Vec<String> = generated
        .filter(a::revoked_at.is_not_null())
        .limit(1)
        .load(conn)?;
    samples.extend(
        generated
            .filter(a::revoked_at.is_null())
            .limit(2)
            .load::<String>(conn)?,
    );
    Ok(samples)
}
