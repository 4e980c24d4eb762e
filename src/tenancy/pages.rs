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
    pub orgs: Vec<Org>,
    pub badges: Vec<Badge>,
    pub activity_count: i64,
}
