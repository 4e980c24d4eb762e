//! An activity's own page and its image. Published and archived activities are public (an
//! archived one says it has ended); a draft is seen only by its organization's staff and the
//! city's coordinators, under a banner, and is 404 to everyone else.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::activities::detail::ActivityStatus;
use crate::activities::editor_pages::ActivityPage;
use crate::activities::store;
use crate::auth::store::CityRole;
use crate::auth::CurrentUser;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::ids::{ActivityId, CityId, OrgId};
use crate::state::AppState;
use crate::tenancy::CurrentCity;
use crate::web::{page, Chrome};

fn activity_of(path: &(String, String)) -> Result<ActivityId, AppError> {
    path.1
        .parse::<i64>()
        .map(ActivityId)
        .map_err(|_| AppError::NotFound)
}

/// Whether `user` edits the activities of `org`: its staff, the city's coordinators, the
/// operator.
pub fn is_staff_of(
    conn: &mut DbConnection,
    city: CityId,
    org: OrgId,
    user: Option<&CurrentUser>,
) -> diesel::QueryResult<bool> {
    let Some(user) = user else {
        return Ok(false);
    };
    if user.is_operator {
        return Ok(true);
    }
    let (city_roles, org_roles) = crate::auth::store::roles_in_city(conn, city, user.id)?;
    Ok(city_roles.contains(&CityRole::Coordinator) || org_roles.iter().any(|(o, _)| *o == org))
}

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let id = activity_of(&path)?;
    let city_id = city.id;
    let viewer = chrome.user.clone();
    let (activity, is_staff) = state
        .db
        .run(move |conn| {
            let activity = store::find_detail(conn, city_id, id)?.ok_or(AppError::NotFound)?;
            let is_staff = is_staff_of(conn, city_id, activity.org_id, viewer.as_ref())?;
            Ok((activity, is_staff))
        })
        .await?;
    if activity.status == ActivityStatus::Draft && !is_staff {
        return Err(AppError::NotFound);
    }
    page(&ActivityPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        activity,
        is_staff,
    })
}

pub async fn image(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let id = activity_of(&path)?;
    let city_id = city.id;
    let viewer = chrome.user.clone();
    let (mime, bytes, status) = state
        .db
        .run(move |conn| {
            let store::StoredImage {
                org,
                status,
                mime,
                bytes,
            } = store::image(conn, city_id, id)?.ok_or(AppError::NotFound)?;
            if status == ActivityStatus::Draft && !is_staff_of(conn, city_id, org, viewer.as_ref())?
            {
                return Err(AppError::NotFound);
            }
            Ok((mime, bytes, status))
        })
        .await?;
    let cache = if status == ActivityStatus::Draft {
        "private, no-store"
    } else {
        "public, max-age=300"
    };
    Ok(HttpResponse::Ok()
        .content_type(mime)
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header(("Content-Security-Policy", "default-src 'none'; sandbox"))
        .body(bytes))
}
