//! The city's youth: names, homes, ages and when each joined, written as users and city
//! memberships with one password hash for all.

use chrono::{Duration, Months, NaiveDate, NaiveDateTime};
use diesel::RunQueryDsl;
use indicatif::ProgressBar;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::Rng;

use super::bulk::{self, MemberRow, UserRow};
use super::names::{capitalized, FIRST_NAMES, LAST_NAMES};
use super::Season;
use crate::auth::store::CityRole;
use crate::auth::{AccountKind, AccountStatus};
use crate::db::DbConnection;
use crate::ids::CityId;

/// One youth of the city, before it is written.
pub struct Youth {
    pub first: &'static str,
    pub last: &'static str,
    pub neighborhood: Option<i64>,
    pub birth_date: NaiveDate,
    pub locale: Option<&'static str>,
    /// The opaque identifier their credentials hash (see `awards::recipient`).
    pub identifier: String,
    /// When they joined the city; set once their awards are known.
    pub joined_at: NaiveDateTime,
}

/// Age on the first day of the season, 5 to 18, most between 8 and 14.
const AGE_WEIGHTS: [(u32, u32); 14] = [
    (5, 3),
    (6, 5),
    (7, 7),
    (8, 9),
    (9, 10),
    (10, 11),
    (11, 11),
    (12, 10),
    (13, 9),
    (14, 8),
    (15, 6),
    (16, 5),
    (17, 4),
    (18, 2),
];

/// `count` youth spread over `neighborhoods` (id, weight); a few say no neighborhood.
pub fn plan(
    rng: &mut StdRng,
    count: usize,
    neighborhoods: &[(i64, u32)],
    season: &Season,
) -> anyhow::Result<Vec<Youth>> {
    let homes = WeightedIndex::new(neighborhoods.iter().map(|(_, w)| *w))?;
    let ages = WeightedIndex::new(AGE_WEIGHTS.iter().map(|(_, w)| *w))?;
    let mut youth = Vec::with_capacity(count);
    for _ in 0..count {
        let age = AGE_WEIGHTS[ages.sample(rng)].0;
        let years_ago = season
            .starts_on
            .checked_sub_months(Months::new(12 * age))
            .ok_or_else(|| anyhow::anyhow!("no birth date {age} years before the season"))?;
        youth.push(Youth {
            first: FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())],
            last: LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())],
            neighborhood: (!rng.gen_bool(0.07)).then(|| neighborhoods[homes.sample(rng)].0),
            birth_date: years_ago - Duration::days(rng.gen_range(0..365)),
            locale: rng.gen_bool(0.2).then_some("es"),
            identifier: format!("urn:uuid:{}", super::random_uuid(rng)),
            joined_at: season.start_at(),
        });
    }
    Ok(youth)
}

/// The username of youth number `index`: unique, and plain enough to type.
pub fn username(youth: &Youth, index: usize) -> String {
    format!("{}.{}.{}", youth.first, youth.last, index + 1)
}

/// Writes the youth as users `first_id + 1 …` with city memberships; answers how many.
pub fn insert(
    conn: &mut DbConnection,
    city: CityId,
    youth: &[Youth],
    password_hash: &str,
    first_id: (i64, i64),
    bar: &ProgressBar,
) -> diesel::QueryResult<usize> {
    let (user_base, member_base) = first_id;
    let per_insert = bulk::rows_per_insert(conn, 11);
    let mut written = 0;
    for (chunk_number, chunk) in youth.chunks(per_insert).enumerate() {
        let offset = chunk_number * per_insert;
        let users: Vec<UserRow<'_>> = chunk
            .iter()
            .enumerate()
            .map(|(i, y)| UserRow {
                id: user_base + (offset + i) as i64 + 1,
                username: username(y, offset + i),
                display_name: format!("{} {}.", capitalized(y.first), y.last[..1].to_uppercase()),
                password_hash,
                kind: AccountKind::Youth.as_str(),
                birth_date: Some(y.birth_date),
                status: AccountStatus::Active.as_str(),
                locale: y.locale,
                created_at: y.joined_at,
                recipient_identifier: Some(y.identifier.clone()),
                neighborhood_id: y.neighborhood,
            })
            .collect();
        written += crate::insert_all!(&mut *conn, crate::db::schema::users::table, &users)?;
        let members: Vec<MemberRow> = chunk
            .iter()
            .enumerate()
            .map(|(i, y)| MemberRow {
                id: member_base + (offset + i) as i64 + 1,
                city_id: city.0,
                user_id: user_base + (offset + i) as i64 + 1,
                role: CityRole::Youth.as_str(),
                created_at: y.joined_at,
            })
            .collect();
        crate::insert_all!(&mut *conn, crate::db::schema::city_members::table, &members)?;
        bar.inc(chunk.len() as u64);
    }
    Ok(written)
}
