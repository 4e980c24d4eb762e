//! Pages of the catalog.

use askama::Template;

use crate::activities::Activity;
use crate::badges::Badge;
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "activities/catalog.html")]
pub struct CatalogPage {
    pub chrome: Chrome,
    pub city: City,
    pub orgs: Vec<Org>,
    pub selected_org: String,
    pub activities: Vec<Activity>,
    pub badges: Vec<Badge>,
}

impl CatalogPage {
    /// The badges an activity leads to.
    pub fn badges_of(&self, activity: &Activity) -> Vec<&Badge> {
        self.badges
            .iter()
            .filter(|b| b.activity_id == Some(activity.id))
            .collect()
    }
}

impl Activity {
    pub fn dates(&self) -> String {
        match (self.starts_on, self.ends_on) {
            (Some(s), Some(e)) if s != e => {
                format!("{} – {}", s.format("%Y-%m-%d"), e.format("%Y-%m-%d"))
            }
            (Some(s), _) => s.format("%Y-%m-%d").to_string(),
            (None, Some(e)) => e.format("%Y-%m-%d").to_string(),
            (None, None) => String::new(),
        }
    }
}
