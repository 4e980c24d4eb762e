//! All SQL of the audit trail: appending an event and reading them back, filtered.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::audit::{AuditAction, AuditEvent};
use crate::db::schema::{audit_events, cities};
use crate::db::DbConnection;
use crate::ids::CityId;

/// The most events one page (or its CSV) shows; narrow the filters to see older ones.
pub const PAGE_LIMIT: i64 = 500;

pub fn insert(conn: &mut DbConnection, event: &AuditEvent<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::at.eq(event.at),
            audit_events::actor_id.eq(event.actor.user.map(|u| u.0)),
            audit_events::actor_name.eq(&event.actor.name),
            audit_events::city_id.eq(event.city.map(|c| c.0)),
            audit_events::org_id.eq(event.org.map(|o| o.0)),
            audit_events::action.eq(event.action.as_str()),
            audit_events::target.eq(&event.target),
            audit_events::address.eq(&event.actor.address),
            audit_events::detail.eq(event.detail.to_string()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Which events to show.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    /// The actor's name (user name, `cli`, `api-token:NAME`), exactly as recorded or in lower
    /// case, as user names are.
    pub actor: Option<String>,
    pub from: Option<NaiveDate>,
    /// Inclusive: the whole day.
    pub to: Option<NaiveDate>,
}

/// One recorded event, as the pages and the CSV show it.
#[derive(Clone, Debug, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor_name: String,
    pub city_slug: Option<String>,
    pub action: String,
    pub target: String,
    pub address: String,
    pub detail: String,
}

/// The newest events first, of one city (`Some`) or of the whole platform (`None`).
pub fn list(
    conn: &mut DbConnection,
    city: Option<CityId>,
    filter: &AuditFilter,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_events::table
        .left_join(cities::table.on(cities::id.nullable().eq(audit_events::city_id)))
        .select((
            audit_events::id,
            audit_events::at,
            audit_events::actor_name,
            cities::slug.nullable(),
            audit_events::action,
            audit_events::target,
            audit_events::address,
            audit_events::detail,
        ))
        .order(audit_events::id.desc())
        .limit(PAGE_LIMIT)
        .into_boxed();
    if let Some(city) = city {
        query = query.filter(audit_events::city_id.eq(city.0));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_events::action.eq(action.as_str()));
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(
            audit_events::actor_name
                .eq(actor.clone())
                .or(audit_events::actor_name.eq(actor.to_lowercase())),
        );
    }
    if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        query = query.filter(audit_events::at.ge(from));
    }
    if let Some(to) = filter
        .to
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        query = query.filter(audit_events::at.lt(to));
    }
    query.load(conn)
}
