//! The figures of a view, cached in Redis when it is configured. A cached entry names what it
//! was computed from: the city's rollup version (bumped in the transaction of every award
//! issued or revoked and every youth's change of neighborhood or birth date) and the newest
//! registration, claim code and review decision of the platform, so that any of those makes
//! a new entry. Redis down or slow costs one short timeout and the figures are computed as
//! if it were not there; entries expire after a while in any case (renamed organizations).

use diesel::dsl::max;
use diesel::prelude::*;

use crate::dashboard::filter::DashFilter;
use crate::dashboard::store::{self, Options};
use crate::dashboard::tables::href;
use crate::dashboard::{rollups, Figures, Scope};
use crate::db::schema::{city_members, claim_codes, submission_events};
use crate::error::AppError;
use crate::ids::CityId;
use crate::state::AppState;

/// How long a cached entry lives at most, in seconds.
const TTL_SECONDS: u64 = 600;

/// What a city's figures are computed from now.
fn fingerprint(conn: &mut crate::db::DbConnection, city: CityId) -> QueryResult<String> {
    let version = rollups::version(conn, city)?;
    let member: Option<i64> = city_members::table
        .select(max(city_members::id))
        .first(conn)?;
    let code: Option<i64> = claim_codes::table
        .select(max(claim_codes::id))
        .first(conn)?;
    let decision: Option<i64> = submission_events::table
        .select(max(submission_events::id))
        .first(conn)?;
    Ok(format!(
        "{version}.{}.{}.{}",
        member.unwrap_or(0),
        code.unwrap_or(0),
        decision.unwrap_or(0)
    ))
}

async fn compute(
    state: &AppState,
    city: CityId,
    scope: &Scope,
    filter: &DashFilter,
    options: &Options,
) -> Result<Figures, AppError> {
    let (scope, filter, options) = (scope.clone(), filter.clone(), options.clone());
    state
        .db
        .run(move |conn| Ok(store::figures(conn, city, &scope, &filter, &options)?))
        .await
}

/// The figures of a view, from the cache when they are there and current.
pub async fn figures(
    state: &AppState,
    city: CityId,
    scope: &Scope,
    filter: &DashFilter,
    options: &Options,
) -> Result<Figures, AppError> {
    let Some(kv) = &state.kv else {
        return compute(state, city, scope, filter, options).await;
    };
    let print = state
        .db
        .run(move |conn| Ok(fingerprint(conn, city)?))
        .await?;
    let key = kv.key(&format!(
        "dash:{}:{print}:{}:{}",
        city.0,
        scope.org_id().unwrap_or(0),
        href("", filter)
    ));
    match kv
        .query::<Option<String>>(redis::cmd("GET").arg(&key).to_owned())
        .await
    {
        Ok(Some(json)) => match serde_json::from_str::<Figures>(&json) {
            Ok(figures) => return Ok(figures),
            Err(e) => tracing::warn!(error = %e, "cached dashboard figures unreadable"),
        },
        Ok(None) => {}
        Err(e) => tracing::debug!(error = %e, "dashboard cache unavailable"),
    }
    let figures = compute(state, city, scope, filter, options).await?;
    if let Ok(json) = serde_json::to_string(&figures) {
        let set = redis::cmd("SET")
            .arg(&key)
            .arg(json)
            .arg("EX")
            .arg(TTL_SECONDS)
            .to_owned();
        if let Err(e) = kv.query::<()>(set).await {
            tracing::debug!(error = %e, "dashboard figures not cached");
        }
    }
    Ok(figures)
}
