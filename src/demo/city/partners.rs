//! The partners' activities inside the season and the badge each leads to, written with the
//! organizations (planned in `orgs`).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::RunQueryDsl;
use indicatif::ProgressBar;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::bulk::{self, ActivityBadgeRow, ActivityRow, BadgeRow, OrgRow};
use super::names::{slugify, BADGE_RANKS, CATEGORY_BLURBS, FORMATS, TOPICS};
use super::orgs::Org;
use super::Season;
use crate::badges::EarnedBy;
use crate::db::schema;
use crate::db::DbConnection;
use crate::ids::CityId;
use crate::orgs::{OrgKind, OrgStatus};

pub struct Activity {
    pub org: usize,
    pub category: usize,
    pub title: String,
    pub description: String,
    pub location: String,
    pub neighborhood: Option<i64>,
    pub ages: (Option<i32>, Option<i32>),
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Mon=1 … Sun=64, as `activities.weekdays`.
    pub weekdays: i32,
    pub hours: (&'static str, &'static str),
    pub online: bool,
    pub cost_cents: i32,
    pub capacity: Option<i32>,
    pub created_at: NaiveDateTime,
    pub badge_slug: String,
    pub badge_name: String,
    pub earned_by: EarnedBy,
}

/// Which categories each kind of organization runs, weighted (arts, STEM, sports, reading,
/// music).
fn category_weights(kind: OrgKind) -> [u32; 5] {
    match kind {
        OrgKind::Library => [2, 3, 0, 6, 1],
        OrgKind::Museum => [4, 6, 0, 1, 1],
        OrgKind::Park => [1, 2, 8, 0, 1],
        OrgKind::Business => [3, 3, 3, 1, 3],
        _ => [2, 2, 3, 2, 2],
    }
}

const HOURS: [(&str, &str); 5] = [
    ("15:00", "16:30"),
    ("15:30", "17:00"),
    ("16:00", "17:30"),
    ("16:00", "18:00"),
    ("17:00", "18:30"),
];

/// `count` published activities, every organization with at least one (when there are as
/// many), larger organizations with more; each inside the season and on weekdays.
pub fn plan_activities(
    rng: &mut StdRng,
    count: usize,
    orgs: &[Org],
    season: &Season,
) -> anyhow::Result<Vec<Activity>> {
    let size = WeightedIndex::new((1..=orgs.len()).map(|rank| 1.0 / (rank as f64).powf(0.7)))?;
    let mut owners: Vec<usize> = (0..count.min(orgs.len())).collect();
    owners.extend((owners.len()..count).map(|_| size.sample(rng)));
    owners.shuffle(rng);
    let lengths = [7i64, 14, 14, 21, 21, 28, 28, 35, 42];
    let days = season.days();
    let mut activities = Vec::with_capacity(count);
    for (n, org_index) in owners.into_iter().enumerate() {
        let org = &orgs[org_index];
        let category = WeightedIndex::new(category_weights(org.kind))?.sample(rng);
        let topic = TOPICS[category][rng.gen_range(0..TOPICS[category].len())];
        let title = FORMATS[rng.gen_range(0..FORMATS.len())].replace("{}", topic);
        let length = lengths[rng.gen_range(0..lengths.len())].min(days);
        let first_week = rng.gen_range(0..=(days - length) / 7);
        let starts_on = season.starts_on + Duration::days(7 * first_week);
        let ages = if rng.gen_bool(0.05) {
            (None, None)
        } else {
            let from = rng.gen_range(5..=14);
            (Some(from), Some((from + rng.gen_range(2..=6)).min(18)))
        };
        let mut weekdays = 0;
        for _ in 0..rng.gen_range(1..=3) {
            weekdays |= 1 << rng.gen_range(0..5);
        }
        let online = rng.gen_bool(0.08);
        let hours = HOURS[rng.gen_range(0..HOURS.len())];
        let age_text = match ages {
            (Some(from), Some(to)) => format!("Ages {from} to {to}"),
            _ => "All ages".to_string(),
        };
        let rank = BADGE_RANKS[rng.gen_range(0..BADGE_RANKS.len())];
        let earned_by = match rng.gen_range(0..10) {
            0 => EarnedBy::Review,
            1 | 2 => EarnedBy::Both,
            _ => EarnedBy::Code,
        };
        activities.push(Activity {
            org: org_index,
            category,
            description: format!(
                "{title} at {}. {}. {age_text}, {} to {}.",
                org.name, CATEGORY_BLURBS[category], hours.0, hours.1
            ),
            location: if online {
                String::new()
            } else {
                format!("{}, {}", org.name, org.address)
            },
            neighborhood: if online { None } else { org.neighborhood },
            ages,
            starts_on,
            ends_on: starts_on + Duration::days(length - 1),
            weekdays,
            hours,
            online,
            cost_cents: if rng.gen_bool(0.7) {
                0
            } else {
                [500, 1000, 1500, 2500, 4000][rng.gen_range(0..5)]
            },
            capacity: rng.gen_bool(0.6).then(|| rng.gen_range(10..=40)),
            created_at: season.start_at() - Duration::days(rng.gen_range(14..60)),
            badge_slug: format!("{}-{}", slugify(&title), n + 1),
            badge_name: format!("{topic} {rank}"),
            earned_by,
            title,
        });
    }
    Ok(activities)
}

/// The ids the partners' rows take: after the highest of each table.
pub struct FirstIds {
    pub org: i64,
    pub activity: i64,
    pub badge: i64,
    pub link: i64,
}

/// Writes the organizations, activities, their badges (all with one image) and the links
/// between them; answers (organizations, activities, badges) written.
pub fn insert(
    conn: &mut DbConnection,
    city: CityId,
    orgs: &[Org],
    activities: &[Activity],
    categories: &[i64],
    ids: &FirstIds,
    bar: &ProgressBar,
) -> diesel::QueryResult<(usize, usize, usize)> {
    let rows: Vec<OrgRow<'_>> = orgs
        .iter()
        .enumerate()
        .map(|(i, o)| OrgRow {
            id: ids.org + i as i64 + 1,
            city_id: city.0,
            slug: &o.slug,
            name: &o.name,
            description: &o.description,
            created_at: o.created_at,
            next_status_index: o.awards,
            kind: o.kind.as_str(),
            address: &o.address,
            neighborhood_id: o.neighborhood,
            contact_email: format!("hello@{}.example", o.slug),
            status: OrgStatus::Approved.as_str(),
            decided_at: Some(o.created_at + Duration::days(2)),
        })
        .collect();
    let mut made_orgs = 0;
    for chunk in rows.chunks(bulk::rows_per_insert(conn, 13)) {
        made_orgs += crate::insert_all!(&mut *conn, schema::organizations::table, chunk)?;
        bar.inc(chunk.len() as u64);
    }

    let search: Vec<String> = activities
        .iter()
        .map(|a| {
            crate::activities::search::fold(&[&*a.title, &a.description, &a.location].join(" "))
        })
        .collect();
    let rows: Vec<ActivityRow<'_>> = activities
        .iter()
        .zip(&search)
        .enumerate()
        .map(|(i, (a, search_text))| ActivityRow {
            id: ids.activity + i as i64 + 1,
            city_id: city.0,
            org_id: ids.org + a.org as i64 + 1,
            title: &a.title,
            description: &a.description,
            location: &a.location,
            starts_on: Some(a.starts_on),
            ends_on: Some(a.ends_on),
            created_at: a.created_at,
            category_id: Some(categories[a.category]),
            neighborhood_id: a.neighborhood,
            age_min: a.ages.0,
            age_max: a.ages.1,
            weekdays: a.weekdays,
            time_from: a.hours.0,
            time_to: a.hours.1,
            online: a.online,
            cost_cents: a.cost_cents,
            capacity: a.capacity,
            languages: if a.online { "en,es" } else { "en" },
            status: crate::catalog::store::PUBLISHED,
            original_locale: "en",
            search_text,
            updated_at: Some(a.created_at),
        })
        .collect();
    let mut made_activities = 0;
    for chunk in rows.chunks(bulk::rows_per_insert(conn, 24)) {
        made_activities += crate::insert_all!(&mut *conn, schema::activities::table, chunk)?;
        bar.inc(chunk.len() as u64);
    }

    // One image for every badge: the default design, generated once.
    let image = crate::badges::image::default_image("Riverton");
    let texts: Vec<(String, String, String)> = activities
        .iter()
        .map(|a| {
            (
                format!(
                    "Took part in {} and finished what it set out to do.",
                    a.title
                ),
                format!(
                    "Take part in {} and show a mentor what you made or learned.",
                    a.title
                ),
                super::names::CATEGORIES[a.category].0.to_string(),
            )
        })
        .collect();
    let rows: Vec<BadgeRow<'_>> = activities
        .iter()
        .zip(&texts)
        .enumerate()
        .map(|(i, (a, (description, criteria, tags)))| BadgeRow {
            id: ids.badge + i as i64 + 1,
            city_id: city.0,
            org_id: ids.org + a.org as i64 + 1,
            slug: &a.badge_slug,
            name: &a.badge_name,
            description,
            criteria,
            image_mime: image.mime,
            image_data: &image.bytes,
            created_at: a.created_at,
            earned_by: a.earned_by.as_str(),
            tags,
            version: 1,
        })
        .collect();
    let mut made_badges = 0;
    for chunk in rows.chunks(bulk::rows_per_insert(conn, 13).min(500)) {
        made_badges += crate::insert_all!(&mut *conn, schema::badges::table, chunk)?;
        bar.inc(chunk.len() as u64);
    }
    let links: Vec<ActivityBadgeRow> = (0..activities.len())
        .map(|i| ActivityBadgeRow {
            id: ids.link + i as i64 + 1,
            activity_id: ids.activity + i as i64 + 1,
            badge_id: ids.badge + i as i64 + 1,
        })
        .collect();
    for chunk in links.chunks(bulk::rows_per_insert(conn, 3)) {
        crate::insert_all!(&mut *conn, schema::activity_badges::table, chunk)?;
    }
    Ok((made_orgs, made_activities, made_badges))
}
