//! The list of cities and each city's home page.

use actix_web::{web, HttpResponse};

use crate::error::AppError;
use crate::state::AppState;
use crate::tenancy::pages::{CityPage, HomePage};
use crate::tenancy::{store, CurrentCity};
use crate::web::{page, redirect, Chrome};
use crate::{activities, badges, orgs};

pub async fn home(state: web::Data<AppState>, chrome: Chrome) -> Result<HttpResponse, AppError> {
    if crate::auth::handlers::setup_pending(&state)
        .await?
        .is_some()
    {
        return Ok(redirect("/setup"));
    }
    let cities = state.db.run(|conn| Ok(store::list(conn)?)).await?;
    page(&HomePage { chrome, cities })
}

/// The most badges a city's home page shows (a big city has thousands: the catalog finds them).
const HOME_BADGES: i64 = 12;
/// The most partner organizations a city's home page names.
const HOME_PARTNERS: i64 = 12;

pub async fn city_home(
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
) -> Result<HttpResponse, AppError> {
    let city_id = city.id;
    let ((orgs, org_count), (badges, badge_count), activity_count) = state
        .db
        .run(move |conn| {
            Ok((
                orgs::store::featured(conn, city_id, HOME_PARTNERS)?,
                badges::store::featured(conn, city_id, HOME_BADGES)?,
                activities::store::count(conn, city_id)?,
            ))
        })
        .await?;
    page(&CityPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        orgs,
        org_count,
        badges,
        badge_count,
        activity_count,
    })
}

#[derive(askama::Template)]
#[template(path = "tenancy/privacy.html")]
pub struct PrivacyPage {
    pub chrome: Chrome,
    pub city: crate::tenancy::City,
}

/// `GET /c/{city}/privacy`: what Lanyard keeps and shows, in plain words, in the city's
/// languages (the language picker chooses).
pub async fn privacy(
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
) -> Result<HttpResponse, AppError> {
    page(&PrivacyPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
    })
}
