//! The public catalog.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::activities::pages::CatalogPage;
use crate::activities::store;
use crate::error::AppError;
use crate::orgs;
use crate::state::AppState;
use crate::tenancy::CurrentCity;
use crate::web::{page, Chrome};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CatalogQuery {
    org: String,
}

pub async fn catalog(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
    query: web::Query<CatalogQuery>,
) -> Result<HttpResponse, AppError> {
    let city_id = city.id;
    let selected = query.into_inner().org;
    let wanted = selected.clone();
    let (orgs, activities, badges) = state
        .db
        .run(move |conn| {
            let orgs = orgs::store::list_in_city(conn, city_id)?;
            let filter = orgs.iter().find(|o| o.slug == wanted).map(|o| o.id);
            Ok((
                orgs,
                store::list(conn, city_id, filter)?,
                crate::badges::store::list(conn, city_id, filter)?,
            ))
        })
        .await?;
    page(&CatalogPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        orgs,
        selected_org: selected,
        activities,
        badges,
    })
}
