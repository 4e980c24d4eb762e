//! Pages of the organizations list (coordinators) and an organization's staff page.

use askama::Template;
use chrono::NaiveDateTime;

use crate::activities::detail::ActivitySummary;
use crate::activities::Activity;
use crate::badges::Badge;
use crate::orgs::profile::ProfileForm;
use crate::orgs::store::Application;
use crate::orgs::{Org, OrgKind, OrgStatus};
use crate::tenancy::City;
use crate::web::forms::FormErrors;
use crate::web::Chrome;

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct NewOrgForm {
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub address: String,
    pub neighborhood: String,
    pub contact_email: String,
    pub description: String,
    pub website: String,
    pub admin: String,
}

impl NewOrgForm {
    /// The profile part of the form.
    pub fn profile(&self) -> ProfileForm {
        ProfileForm {
            name: self.name.clone(),
            kind: self.kind.clone(),
            address: self.address.clone(),
            neighborhood: self.neighborhood.clone(),
            website: self.website.clone(),
            contact_email: self.contact_email.clone(),
            description: self.description.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "orgs/list.html")]
pub struct OrgListPage {
    pub chrome: Chrome,
    pub city: City,
    pub orgs: Vec<Org>,
    pub form: NewOrgForm,
    pub errors: FormErrors,
    pub choices: ProfileChoices,
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
    /// The coordinator's message with the decision on the organization's application.
    pub decision_message: String,
    pub is_admin: bool,
    /// Work waiting for the organization's mentors.
    pub waiting_reviews: i64,
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
    /// E-mail invitations still waiting for an answer.
    pub email_invitations: Vec<crate::invitations::Pending>,
    pub invite_form: crate::orgs::staff_invites::InviteForm,
    pub invite_errors: FormErrors,
}

impl OrgPage {
    /// "July 6 – August 14" in the reader's language.
    pub fn dates_of(&self, activity: &ActivitySummary) -> String {
        crate::i18n::dates::range(self.chrome.locale, activity.starts_on, activity.ends_on)
    }

    pub fn when(&self, at: &NaiveDateTime) -> String {
        at.format("%Y-%m-%d %H:%M").to_string()
    }

    /// "until July 7" for an invitation's expiry, in the reader's language.
    pub fn until(&self, at: &NaiveDateTime) -> String {
        crate::i18n::dates::day(self.chrome.locale, at.date())
    }
}

/// A place for the kind and neighborhood `<select>`s of the profile forms.
pub struct ProfileChoices {
    /// (value, catalog key of the label)
    pub kinds: Vec<(&'static str, &'static str)>,
    /// (id, name) of the city's neighborhoods; none hides the field.
    pub neighborhoods: Vec<(String, String)>,
}

impl ProfileChoices {
    pub fn new(neighborhoods: &[crate::tenancy::Named]) -> ProfileChoices {
        ProfileChoices {
            kinds: OrgKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label_key()))
                .collect(),
            neighborhoods: neighborhoods
                .iter()
                .map(|n| (n.id.to_string(), n.name.clone()))
                .collect(),
        }
    }
}

/// Who is looking at the application form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applicant {
    SignedOut,
    /// A youth's or parent's account: organizations are run by staff accounts.
    NotStaff,
    Staff,
}

#[derive(Template)]
#[template(path = "partners/apply.html")]
pub struct ApplyPage {
    pub chrome: Chrome,
    pub city: City,
    pub applicant: Applicant,
    pub form: ProfileForm,
    pub errors: FormErrors,
    pub choices: ProfileChoices,
}

impl ApplyPage {
    /// The address that brings a visitor back here after signing up or in.
    pub fn back_here(&self) -> String {
        crate::web::url_encode(&format!("/c/{}/partners/apply", self.city.slug))
    }
}

#[derive(Template)]
#[template(path = "partners/list.html")]
pub struct PartnersPage {
    pub chrome: Chrome,
    pub city: City,
    pub pending: Vec<Application>,
    pub approved: Vec<Application>,
    pub declined: Vec<Application>,
}

impl PartnersPage {
    pub fn when(&self, at: &NaiveDateTime) -> String {
        crate::i18n::dates::full(self.chrome.locale, at.date())
    }
}

#[derive(Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub message: String,
}

#[derive(Template)]
#[template(path = "partners/review.html")]
pub struct ApplicationPage {
    pub chrome: Chrome,
    pub city: City,
    pub application: Application,
    pub neighborhood: Option<String>,
    /// Which form the errors below belong to: `approve` or `decline`.
    pub failed_form: String,
    pub form: DecisionForm,
    pub errors: FormErrors,
    /// The catalog key of why a decision was refused.
    pub refusal: Option<&'static str>,
}

impl ApplicationPage {
    pub fn when(&self, at: &NaiveDateTime) -> String {
        crate::i18n::dates::moment(self.chrome.locale, *at)
    }

    pub fn is_pending(&self) -> bool {
        self.application.org.status == OrgStatus::Pending
    }

    /// The typed message of the form `which`, kept after an error.
    pub fn message_of(&self, which: &str) -> &str {
        if self.failed_form == which {
            &self.form.message
        } else {
            ""
        }
    }

    pub fn errors_of(&self, which: &str) -> FormErrors {
        if self.failed_form == which {
            self.errors.clone()
        } else {
            FormErrors::default()
        }
    }
}

#[derive(Template)]
#[template(path = "orgs/edit.html")]
pub struct OrgEditPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub form: ProfileForm,
    pub errors: FormErrors,
    pub choices: ProfileChoices,
}

#[derive(Template)]
#[template(path = "orgs/public.html")]
pub struct PublicOrgPage {
    pub chrome: Chrome,
    pub city: City,
    pub org: Org,
    pub neighborhood: Option<String>,
    pub activities: Vec<Activity>,
    pub badges: Vec<Badge>,
}

impl PublicOrgPage {
    pub fn dates(&self, activity: &Activity) -> String {
        crate::i18n::dates::range(self.chrome.locale, activity.starts_on, activity.ends_on)
    }
}
