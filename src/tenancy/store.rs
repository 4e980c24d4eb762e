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
