//! `GET /c/{city}/o/{org}`: an approved organization's public page, with its activities and
//! badges. A pending or declined organization has no public page (404).

use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::orgs::pages::PublicOrgPage;
use crate::orgs::{store, OrgStatus};
use crate::state::AppState;
use crate::tenancy::CurrentCity;
use crate::web::{page, Chrome};
use crate::{activities, badges};

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let city_id = city.id;
    let (org, neighborhood, activities, badges) = state
        .db
        .run(move |conn| {
            let org = store::find_by_slug(conn, city_id, &slug)?
                .filter(|org| org.status == OrgStatus::Approved)
                .ok_or(AppError::NotFound)?;
            let neighborhood = match org.neighborhood_id {
                Some(id) => store::neighborhood_name(conn, city_id, id)?,
                None => None,
            };
            let activities = activities::store::list_published(conn, city_id, org.id)?;
            let badges = badges::store::list(conn, city_id, Some(org.id))?;
            Ok((org, neighborhood, activities, badges))
        })
        .await?;
    page(&PublicOrgPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        org,
        neighborhood,
        activities,
        badges,
    })
}
