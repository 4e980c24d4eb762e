//! All SQL about cities.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::cities;
use crate::db::DbConnection;
use crate::ids::CityId;
use crate::tenancy::{City, Named};

type CityRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    String,
    String,
    bool,
);

fn to_city(
    (
        id,
        slug,
        name,
        tagline,
        languages,
        season_starts_on,
        season_ends_on,
        primary,
        secondary,
        has_logo,
    ): CityRow,
) -> City {
    City {
        id: CityId(id),
        slug,
        name,
        tagline,
        languages: City::parse_languages(&languages),
        season_starts_on,
        season_ends_on,
        brand_primary: primary,
        brand_secondary: secondary,
        has_logo,
    }
}

type CityColumns = (
    cities::id,
    cities::slug,
    cities::name,
    cities::tagline,
    cities::languages,
    cities::season_starts_on,
    cities::season_ends_on,
    cities::brand_primary,
    cities::brand_secondary,
    diesel::dsl::IsNotNull<cities::logo_mime>,
);

fn city_columns() -> CityColumns {
    (
        cities::id,
        cities::slug,
        cities::name,
        cities::tagline,
        cities::languages,
        cities::season_starts_on,
        cities::season_ends_on,
        cities::brand_primary,
        cities::brand_secondary,
        cities::logo_mime.is_not_null(),
    )
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<City>> {
    cities::table
        .filter(cities::slug.eq(slug))
        .select(city_columns())
        .first::<CityRow>(conn)
        .optional()
        .map(|r| r.map(to_city))
}

pub fn find(conn: &mut DbConnection, id: CityId) -> QueryResult<City> {
    cities::table
        .filter(cities::id.eq(id.0))
        .select(city_columns())
        .first::<CityRow>(conn)
        .map(to_city)
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<City>> {
    cities::table
        .order(cities::name)
        .select(city_columns())
        .load::<CityRow>(conn)
        .map(|rows| rows.into_iter().map(to_city).collect())
}

pub fn insert(
    conn: &mut DbConnection,
    slug: &str,
    name: &str,
    tagline: &str,
    now: NaiveDateTime,
) -> QueryResult<CityId> {
    diesel::insert_into(cities::table)
        .values((
            cities::slug.eq(slug),
            cities::name.eq(name),
            cities::tagline.eq(tagline),
            cities::created_at.eq(now),
        ))
        .returning(cities::id)
        .get_result(conn)
        .map(CityId)
}

/// A new city's languages (a comma list of supported locales).
pub fn set_languages(conn: &mut DbConnection, city: CityId, languages: &str) -> QueryResult<()> {
    diesel::update(cities::table.filter(cities::id.eq(city.0)))
        .set(cities::languages.eq(languages))
        .execute(conn)
        .map(|_| ())
}

/// The platform operator's account (the first), who signs invitations sent by the command line.
pub fn first_operator(conn: &mut DbConnection) -> QueryResult<Option<crate::ids::UserId>> {
    use crate::db::schema::users;
    users::table
        .filter(users::is_operator.eq(true))
        .order(users::id)
        .select(users::id)
        .first::<i64>(conn)
        .optional()
        .map(|id| id.map(crate::ids::UserId))
}

/// The coordinators of `city`: (display name, user name), by name.
pub fn coordinators(conn: &mut DbConnection, city: CityId) -> QueryResult<Vec<(String, String)>> {
    use crate::db::schema::{city_members, users};
    city_members::table
        .inner_join(users::table)
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::role.eq("coordinator"))
        .order(users::display_name)
        .select((users::display_name, users::username))
        .load(conn)
}

/// A city's languages, season and brand colors at once (the demo and the settings page).
pub fn set_profile(
    conn: &mut DbConnection,
    city: CityId,
    languages: &str,
    season: (Option<NaiveDate>, Option<NaiveDate>),
    brand: (&str, &str),
) -> QueryResult<()> {
    diesel::update(cities::table.filter(cities::id.eq(city.0)))
        .set((
            cities::languages.eq(languages),
            cities::season_starts_on.eq(season.0),
            cities::season_ends_on.eq(season.1),
            cities::brand_primary.eq(brand.0),
            cities::brand_secondary.eq(brand.1),
        ))
        .execute(conn)?;
    // The dashboard's figures of the season are counted ahead for the season as set.
    crate::dashboard::season::season_changed(conn, city)
}

/// A city's name and tagline.
pub fn set_name(
    conn: &mut DbConnection,
    city: CityId,
    name: &str,
    tagline: &str,
) -> QueryResult<()> {
    diesel::update(cities::table.filter(cities::id.eq(city.0)))
        .set((cities::name.eq(name), cities::tagline.eq(tagline)))
        .execute(conn)
        .map(|_| ())
}

/// The city's logo: (content type, bytes), when it has one.
pub fn logo(conn: &mut DbConnection, city: CityId) -> QueryResult<Option<(String, Vec<u8>)>> {
    cities::table
        .filter(cities::id.eq(city.0))
        .select((cities::logo_mime, cities::logo_data))
        .first::<(Option<String>, Option<Vec<u8>>)>(conn)
        .map(|(mime, data)| mime.zip(data))
}

/// Which of a city's lists of names.
#[derive(Clone, Copy)]
pub enum NameList {
    Neighborhoods,
    Categories,
}

/// A list of the city, in order.
pub fn named_list(
    conn: &mut DbConnection,
    city: CityId,
    list: NameList,
) -> QueryResult<Vec<Named>> {
    use crate::db::schema::{categories, neighborhoods};
    let rows: Vec<(i64, String, String)> = match list {
        NameList::Neighborhoods => neighborhoods::table
            .filter(neighborhoods::city_id.eq(city.0))
            .order((neighborhoods::position, neighborhoods::name))
            .select((neighborhoods::id, neighborhoods::slug, neighborhoods::name))
            .load(conn)?,
        NameList::Categories => categories::table
            .filter(categories::city_id.eq(city.0))
            .order((categories::position, categories::name))
            .select((categories::id, categories::slug, categories::name))
            .load(conn)?,
    };
    Ok(rows
        .into_iter()
        .map(|(id, slug, name)| Named { id, slug, name })
        .collect())
}

/// The names of a list, in order.
pub fn names(conn: &mut DbConnection, city: CityId, list: NameList) -> QueryResult<Vec<String>> {
    Ok(named_list(conn, city, list)?
        .into_iter()
        .map(|n| n.name)
        .collect())
}

/// Replaces a list by `wanted` (slug, name) in order: rows whose slug stays keep their id; the
/// others are deleted after the activities that used them are cleared. Returns how many
/// activities were cleared.
pub fn replace_names(
    conn: &mut DbConnection,
    city: CityId,
    list: NameList,
    wanted: &[(String, String)],
) -> QueryResult<usize> {
    use crate::db::schema::{activities, categories, neighborhoods, organizations};
    let existing: Vec<(i64, String)> = match list {
        NameList::Neighborhoods => neighborhoods::table
            .filter(neighborhoods::city_id.eq(city.0))
            .select((neighborhoods::id, neighborhoods::slug))
            .load(conn)?,
        NameList::Categories => categories::table
            .filter(categories::city_id.eq(city.0))
            .select((categories::id, categories::slug))
            .load(conn)?,
    };
    let removed: Vec<i64> = existing
        .iter()
        .filter(|(_, slug)| !wanted.iter().any(|(s, _)| s == slug))
        .map(|(id, _)| *id)
        .collect();
    let mut cleared = 0;
    if !removed.is_empty() {
        match list {
            NameList::Neighborhoods => {
                cleared = diesel::update(
                    activities::table
                        .filter(activities::city_id.eq(city.0))
                        .filter(activities::neighborhood_id.eq_any(&removed)),
                )
                .set(activities::neighborhood_id.eq(None::<i64>))
                .execute(conn)?;
                diesel::update(
                    organizations::table
                        .filter(organizations::city_id.eq(city.0))
                        .filter(organizations::neighborhood_id.eq_any(&removed)),
                )
                .set(organizations::neighborhood_id.eq(None::<i64>))
                .execute(conn)?;
                diesel::delete(neighborhoods::table.filter(neighborhoods::id.eq_any(&removed)))
                    .execute(conn)?;
            }
            NameList::Categories => {
                cleared = diesel::update(
                    activities::table
                        .filter(activities::city_id.eq(city.0))
                        .filter(activities::category_id.eq_any(&removed)),
                )
                .set(activities::category_id.eq(None::<i64>))
                .execute(conn)?;
                diesel::delete(categories::table.filter(categories::id.eq_any(&removed)))
                    .execute(conn)?;
            }
        }
    }
    for (position, (slug, name)) in wanted.iter().enumerate() {
        let position = i32::try_from(position).unwrap_or(i32::MAX);
        let kept = existing.iter().find(|(_, s)| s == slug).map(|(id, _)| *id);
        match (list, kept) {
            (NameList::Neighborhoods, Some(id)) => {
                diesel::update(neighborhoods::table.filter(neighborhoods::id.eq(id)))
                    .set((
                        neighborhoods::name.eq(name),
                        neighborhoods::position.eq(position),
                    ))
                    .execute(conn)?;
            }
            (NameList::Neighborhoods, None) => {
                diesel::insert_into(neighborhoods::table)
                    .values((
                        neighborhoods::city_id.eq(city.0),
                        neighborhoods::slug.eq(slug),
                        neighborhoods::name.eq(name),
                        neighborhoods::position.eq(position),
                    ))
                    .execute(conn)?;
            }
            (NameList::Categories, Some(id)) => {
                diesel::update(categories::table.filter(categories::id.eq(id)))
                    .set((categories::name.eq(name), categories::position.eq(position)))
                    .execute(conn)?;
            }
            (NameList::Categories, None) => {
                diesel::insert_into(categories::table)
                    .values((
                        categories::city_id.eq(city.0),
                        categories::slug.eq(slug),
                        categories::name.eq(name),
                        categories::position.eq(position),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(cleared)
}

/// Sets (or with `None` removes) the city's logo: (content type, sanitized bytes).
pub fn set_logo(
    conn: &mut DbConnection,
    city: CityId,
    logo: Option<(&str, &[u8])>,
) -> QueryResult<()> {
    let (mime, data) = match logo {
        Some((mime, data)) => (Some(mime), Some(data)),
        None => (None, None),
    };
    diesel::update(cities::table.filter(cities::id.eq(city.0)))
        .set((cities::logo_mime.eq(mime), cities::logo_data.eq(data)))
        .execute(conn)
        .map(|_| ())
}
