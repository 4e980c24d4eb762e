//! All SQL about cities.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::cities;
use crate::db::DbConnection;
use crate::ids::CityId;
use crate::tenancy::City;

type CityRow = (i64, String, String, String);

fn to_city((id, slug, name, tagline): CityRow) -> City {
    City {
        id: CityId(id),
        slug,
        name,
        tagline,
    }
}

const CITY_COLUMNS: (cities::id, cities::slug, cities::name, cities::tagline) =
    (cities::id, cities::slug, cities::name, cities::tagline);

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<City>> {
    cities::table
        .filter(cities::slug.eq(slug))
        .select(CITY_COLUMNS)
        .first::<CityRow>(conn)
        .optional()
        .map(|r| r.map(to_city))
}

pub fn find(conn: &mut DbConnection, id: CityId) -> QueryResult<City> {
    cities::table
        .filter(cities::id.eq(id.0))
        .select(CITY_COLUMNS)
        .first::<CityRow>(conn)
        .map(to_city)
}

pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<City>> {
    cities::table
        .order(cities::name)
        .select(CITY_COLUMNS)
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
