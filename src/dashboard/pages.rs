//! The dashboard page.

use askama::Template;

use crate::dashboard::CityFigures;
use crate::tenancy::City;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "dashboard/show.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub city: City,
    pub figures: CityFigures,
}
