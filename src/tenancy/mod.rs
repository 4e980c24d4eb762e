//! Cities: the tenants. A request's city is resolved once, from the `{city}` path segment.

pub mod admin;
pub mod coordinators;
pub mod create;
pub mod handlers;
pub mod logo;
pub mod pages;
pub mod settings;
pub mod store;

use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use crate::error::AppError;
use crate::ids::CityId;
use crate::state::AppState;

#[derive(Clone, Debug)]
pub struct City {
    pub id: CityId,
    pub slug: String,
    pub name: String,
    pub tagline: String,
    /// The languages the city offers, its first the original of its texts (`en`, `es`).
    pub languages: Vec<&'static str>,
    pub season_starts_on: Option<chrono::NaiveDate>,
    pub season_ends_on: Option<chrono::NaiveDate>,
    /// Brand colors as `#rrggbb`, used by the city's pages.
    pub brand_primary: String,
    pub brand_secondary: String,
    /// Whether the city has uploaded a logo.
    pub has_logo: bool,
}

impl City {
    /// The supported locale of a stored preference, else the city's first language: the
    /// language of mail to someone of this city.
    pub fn locale_for(&self, stored: Option<&str>) -> &'static str {
        stored
            .and_then(crate::i18n::supported)
            .or_else(|| self.languages.first().copied())
            .unwrap_or(crate::i18n::LOCALES[0])
    }

    /// The supported locales named in a stored comma list, in order; English when none is.
    pub fn parse_languages(stored: &str) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for tag in stored.split(',') {
            if let Some(locale) = crate::i18n::supported(tag.trim()) {
                if !out.contains(&locale) {
                    out.push(locale);
                }
            }
        }
        if out.is_empty() {
            out.push(crate::i18n::LOCALES[0]);
        }
        out
    }
}

/// One entry of a city's named lists (a neighborhood, a category) or of an organization's
/// (a badge): its id, its slug in URLs and forms, its name.
#[derive(Clone, Debug)]
pub struct Named {
    pub id: i64,
    pub slug: String,
    pub name: String,
}

/// The city named by the `{city}` path segment; 404 when there is none.
pub struct CurrentCity(pub City);

pub(crate) async fn resolve_city(state: &AppState, slug: Option<String>) -> Result<City, AppError> {
    let slug = slug.ok_or(AppError::NotFound)?;
    state
        .db
        .run(move |conn| store::find_by_slug(conn, &slug)?.ok_or(AppError::NotFound))
        .await
}

impl FromRequest for CurrentCity {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let slug = req.match_info().get("city").map(str::to_string);
        Box::pin(async move {
            let state = state.ok_or(AppError::NotFound)?;
            resolve_city(&state, slug).await.map(CurrentCity)
        })
    }
}
