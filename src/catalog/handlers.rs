//! `/c/{city}/activities`: the catalog's one page.

use actix_web::{web, HttpRequest, HttpResponse};

use crate::catalog::find;
use crate::catalog::pages::CatalogPage;
use crate::catalog::query::Params;
use crate::error::AppError;
use crate::state::AppState;
use crate::tenancy::CurrentCity;
use crate::web::{page, Chrome};

/// Searches the city's published activities. Every parameter is optional; a bad one is named
/// on the page and ignored, so the answer is always the page (200).
pub async fn activities(
    req: HttpRequest,
    state: web::Data<AppState>,
    chrome: Chrome,
    CurrentCity(city): CurrentCity,
) -> Result<HttpResponse, AppError> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let params = Params::from_pairs(&pairs);
    let (city_id, locale, asked) = (city.id, chrome.locale, params.clone());
    let outcome = state
        .db
        .run(move |conn| Ok(find(conn, city_id, &asked, locale)?))
        .await?;
    page(&CatalogPage::new(chrome, city, params, outcome))
}
