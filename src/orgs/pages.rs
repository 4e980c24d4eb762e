//! Pages of the organizations list (coordinators) and an organization's staff page.

use askama::Template;
use chrono::NaiveDateTime;

use crate::activities::detail::ActivitySummary;
use crate::badges::Badge;
use crate::orgs::Org;
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct NewOrgForm {
    pub name: String,
    pub slug: String,
    pub description: String,
    pub website: String,
    pub admin: String,
}

#[derive(Template)]
#[template(path = "orgs/list.html")]
pub struct OrgListPage {
    pub chrome: Chrome,
    pub city: City,
    pub orgs: Vec<Org>,
    pub form: NewOrgForm,
    pub errors: FormErrors,
}

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct MemberForm {
    pub username: String,
    pub role: String,
}

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub name: String,
}

#[derive(Template)]
#[template(path = "orgs/manage.html")]
pub struct OrgPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub is_admin: bool,
    pub activities: Vec<ActivitySummary>,
    pub badges: Vec<Badge>,
    pub members: Vec<(String, String, String)>,
    /// How many of `members` are admins (the last one is offered no "Remove").
    pub admins: usize,
    /// Invited and not yet answered: (username, role).
    pub invited: Vec<(String, String)>,
    pub tokens: Vec<(String, NaiveDateTime, Option<NaiveDateTime>)>,
    pub new_token: Option<String>,
    pub member_form: MemberForm,
    pub member_errors: FormErrors,
    pub token_form: TokenForm,
    pub token_errors: FormErrors,
}

impl OrgPage {
    /// "July 6 – August 14" in the reader's language.
    pub fn dates_of(&self, activity: &ActivitySummary) -> String {
        crate::i18n::dates::range(self.chrome.locale, activity.starts_on, activity.ends_on)
    }

    pub fn when(&self, at: &NaiveDateTime) -> String {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}
