//! Pages of the cities list and a city's home.

use askama::Template;

use crate::badges::Badge;
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "tenancy/home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub cities: Vec<City>,
}

#[derive(Template)]
#[template(path = "tenancy/city.html")]
pub struct CityPage {
    pub chrome: Chrome,
    pub city: City,
    /// The partners shown, of `org_count` in all.
    pub orgs: Vec<Org>,
    pub org_count: i64,
    /// The badges shown, of `badge_count` in all.
    pub badges: Vec<Badge>,
    pub badge_count: i64,
    pub activity_count: i64,
}

impl CityPage {
    /// The season in words ("July 6 – August 14"), empty when the city has not set it.
    pub fn season(&self) -> String {
        crate::i18n::dates::range(
            self.chrome.locale,
            self.city.season_starts_on,
            self.city.season_ends_on,
        )
    }
}
