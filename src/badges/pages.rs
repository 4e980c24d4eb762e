//! Pages of a badge and of the new-badge form.

use askama::Template;

use crate::activities::Activity;
use crate::awards::AwardView;
use crate::badges::Badge;
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Default, Clone, Debug)]
pub struct BadgeForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub criteria: String,
    pub activity: String,
    pub valid_days: String,
}

#[derive(Template)]
#[template(path = "badges/new.html")]
pub struct NewBadgePage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub activities: Vec<Activity>,
    pub form: BadgeForm,
    pub errors: FormErrors,
}

#[derive(Template)]
#[template(path = "badges/show.html")]
pub struct BadgePage {
    pub chrome: Chrome,
    pub city: City,
    pub badge: Badge,
    pub earners: i64,
    pub my_award: Option<AwardView>,
    /// The published activities that lead to it.
    pub activities: Vec<crate::activities::detail::ActivityLink>,
}

impl BadgePage {
    pub fn dates_of(&self, activity: &crate::activities::detail::ActivityLink) -> String {
        crate::i18n::dates::range(self.chrome.locale, activity.starts_on, activity.ends_on)
    }
}
