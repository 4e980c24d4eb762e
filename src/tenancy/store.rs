//! All SQL about cities.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::cities;
use crate::db::DbConnection;
use crate::ids::CityId;
use crate::tenancy::City;

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
        .execute(conn)
        .map(|_| ())
}
