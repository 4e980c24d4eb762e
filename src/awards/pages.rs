//! Pages of an award and of a person's own page in a city.

use askama::Template;

use crate::auth::CurrentUser;
use crate::awards::AwardView;
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Template)]
#[template(path = "awards/show.html")]
pub struct AwardPage {
    pub chrome: Chrome,
    pub city: City,
    pub award: AwardView,
    /// Whether the viewer may revoke it (an admin of its organization or a coordinator).
    pub can_revoke: bool,
    pub reason: String,
    pub errors: FormErrors,
}

/// A child a parent follows, with their badges.
pub struct ChildBadges {
    pub child: CurrentUser,
    pub awards: Vec<AwardView>,
}

#[derive(Template)]
#[template(path = "awards/me.html")]
pub struct MyPage {
    pub chrome: Chrome,
    pub city: City,
    pub me: CurrentUser,
    pub is_youth: bool,
    pub is_coordinator: bool,
    pub awards: Vec<AwardView>,
    pub children: Vec<ChildBadges>,
    pub staff_of: Vec<(Org, String)>,
}
