//! All SQL of the dashboard: counts, grouped by organization in the database.

use std::collections::HashMap;

use diesel::dsl::{count, count_star};
use diesel::prelude::*;

use crate::dashboard::{CityFigures, OrgFigures};
use crate::db::schema::{activities, awards, badges, city_members, organizations};
use crate::db::DbConnection;
use crate::ids::CityId;

fn grouped(rows: Vec<(i64, i64)>) -> HashMap<i64, i64> {
    rows.into_iter().collect()
}

pub fn city_figures(conn: &mut DbConnection, city: CityId) -> QueryResult<CityFigures> {
    let youth: i64 = city_members::table
        .filter(city_members::city_id.eq(city.0))
        .filter(city_members::role.eq("youth"))
        .count()
        .get_result(conn)?;
    let activities_by_org = grouped(
        activities::table
            .filter(activities::city_id.eq(city.0))
            .group_by(activities::org_id)
            .select((activities::org_id, count_star()))
            .load(conn)?,
    );
    let badges_by_org = grouped(
        badges::table
            .filter(badges::city_id.eq(city.0))
            .group_by(badges::org_id)
            .select((badges::org_id, count_star()))
            .load(conn)?,
    );
    let awards_by_org = grouped(
        awards::table
            .filter(awards::city_id.eq(city.0))
            .filter(awards::revoked_at.is_null())
            .group_by(awards::org_id)
            .select((awards::org_id, count_star()))
            .load(conn)?,
    );
    let earners_by_org = grouped(
        awards::table
            .filter(awards::city_id.eq(city.0))
            .filter(awards::revoked_at.is_null())
            .group_by(awards::org_id)
            .select((
                awards::org_id,
                count(awards::recipient_id).aggregate_distinct(),
            ))
            .load(conn)?,
    );
    let orgs: Vec<(i64, String, String, String)> = organizations::table
        .filter(organizations::city_id.eq(city.0))
        .order(organizations::name)
        .select((
            organizations::id,
            organizations::slug,
            organizations::name,
            organizations::kind,
        ))
        .load(conn)?;
    // The city's own issuer has a row (its badges and awards count) but is no partner.
    let partners = orgs
        .iter()
        .filter(|(.., kind)| kind != crate::orgs::OrgKind::City.as_str())
        .count() as i64;
    let by_org: Vec<OrgFigures> = orgs
        .into_iter()
        .map(|(id, slug, name, _)| OrgFigures {
            slug,
            name,
            activities: activities_by_org.get(&id).copied().unwrap_or(0),
            badges: badges_by_org.get(&id).copied().unwrap_or(0),
            awards: awards_by_org.get(&id).copied().unwrap_or(0),
            earners: earners_by_org.get(&id).copied().unwrap_or(0),
        })
        .collect();
    Ok(CityFigures {
        youth,
        awards: by_org.iter().map(|o| o.awards).sum(),
        activities: by_org.iter().map(|o| o.activities).sum(),
        organizations: partners,
        badges: by_org.iter().map(|o| o.badges).sum(),
        by_org,
    })
}
