//! `/c/{city}/dashboard`, for the city's coordinators.

use actix_web::{web, HttpResponse};

use crate::auth::access::Coordinator;
use crate::dashboard::pages::DashboardPage;
use crate::dashboard::store;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::{page, Chrome};

pub async fn show(
    state: web::Data<AppState>,
    chrome: Chrome,
    Coordinator(access): Coordinator,
) -> Result<HttpResponse, AppError> {
    let city = access.city;
    let city_id = city.id;
    let figures = state
        .db
        .run(move |conn| Ok(store::city_figures(conn, city_id)?))
        .await?;
    page(&DashboardPage {
        chrome: chrome.in_city(&city.slug, &city.name),
        city,
        figures,
    })
}
