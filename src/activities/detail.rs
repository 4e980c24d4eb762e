//! An activity described in full (its page, its edit form), where it stands (draft, published,
//! archived), and the short rows an organization's page and a badge's page list.

use chrono::{NaiveDate, NaiveTime};

use crate::activities::command::{ActivityInput, WEEKDAYS};
use crate::ids::{ActivityId, CityId, OrgId};

/// Where an activity stands. Drafts are seen by the organization's staff only; published ones
/// by everyone; archived ones stay readable, marked as ended, and leave the catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityStatus {
    Draft,
    Published,
    Archived,
}

impl ActivityStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityStatus::Draft => "draft",
            ActivityStatus::Published => "published",
            ActivityStatus::Archived => "archived",
        }
    }

    /// The stored value; anything unknown is kept out of sight as a draft.
    pub fn parse(stored: &str) -> ActivityStatus {
        match stored {
            "published" => ActivityStatus::Published,
            "archived" => ActivityStatus::Archived,
            _ => ActivityStatus::Draft,
        }
    }

    /// The catalog key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            ActivityStatus::Draft => "activity_status.draft",
            ActivityStatus::Published => "activity_status.published",
            ActivityStatus::Archived => "activity_status.archived",
        }
    }

    pub fn is_public(self) -> bool {
        self != ActivityStatus::Draft
    }
}

/// A badge an activity leads to.
#[derive(Clone, Debug)]
pub struct LeadsTo {
    pub slug: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct ActivityDetail {
    pub id: ActivityId,
    pub city_id: CityId,
    pub org_id: OrgId,
    pub org_slug: String,
    pub org_name: String,
    pub title: String,
    pub description: String,
    pub category: Option<(String, String)>,
    pub neighborhood: Option<(String, String)>,
    pub age_min: Option<i32>,
    pub age_max: Option<i32>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub weekdays: i32,
    pub time_from: String,
    pub time_to: String,
    pub online: bool,
    pub address: String,
    pub cost_cents: i32,
    pub capacity: Option<i32>,
    pub registration_url: String,
    pub has_image: bool,
    pub accessibility: String,
    pub languages: Vec<String>,
    pub status: ActivityStatus,
    pub original_locale: String,
    /// `(locale, title, description)`.
    pub translations: Vec<(String, String, String)>,
    pub badges: Vec<LeadsTo>,
}

impl ActivityDetail {
    /// Title and description in `locale`, or in the original when none was given.
    pub fn text_in(&self, locale: &str) -> (&str, &str) {
        if locale != self.original_locale {
            if let Some((_, t, d)) = self.translations.iter().find(|(l, _, _)| l == locale) {
                let description = if d.is_empty() { &self.description } else { d };
                return (t, description);
            }
        }
        (&self.title, &self.description)
    }

    /// The codes of its weekdays, Monday first.
    pub fn weekday_codes(&self) -> Vec<&'static str> {
        WEEKDAYS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.weekdays & (1 << i) != 0)
            .map(|(_, d)| *d)
            .collect()
    }

    pub fn time_range(&self) -> Option<(NaiveTime, Option<NaiveTime>)> {
        let from = NaiveTime::parse_from_str(&self.time_from, "%H:%M").ok()?;
        Some((from, NaiveTime::parse_from_str(&self.time_to, "%H:%M").ok()))
    }

    /// The form, filled with what is stored.
    pub fn as_input(&self) -> ActivityInput {
        let opt = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        ActivityInput {
            title: self.title.clone(),
            description: self.description.clone(),
            category: self
                .category
                .as_ref()
                .map(|c| c.0.clone())
                .unwrap_or_default(),
            age_min: opt(self.age_min),
            age_max: opt(self.age_max),
            starts_on: date(self.starts_on),
            ends_on: date(self.ends_on),
            weekdays: self.weekday_codes().into_iter().map(String::from).collect(),
            time_from: self.time_from.clone(),
            time_to: self.time_to.clone(),
            online: self.online,
            address: self.address.clone(),
            neighborhood: self
                .neighborhood
                .as_ref()
                .map(|n| n.0.clone())
                .unwrap_or_default(),
            cost: if self.cost_cents > 0 { "paid" } else { "free" }.into(),
            price: if self.cost_cents > 0 {
                format!("{}.{:02}", self.cost_cents / 100, self.cost_cents % 100)
            } else {
                String::new()
            },
            capacity: opt(self.capacity),
            registration_url: self.registration_url.clone(),
            accessibility: self.accessibility.clone(),
            languages: self.languages.clone(),
            badges: self.badges.iter().map(|b| b.slug.clone()).collect(),
            translations: self.translations.clone(),
        }
    }
}

/// One line of an organization's list of activities.
#[derive(Clone, Debug)]
pub struct ActivitySummary {
    pub id: ActivityId,
    pub title: String,
    pub status: ActivityStatus,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

/// A published activity that leads to a badge, for the badge's page.
#[derive(Clone, Debug)]
pub struct ActivityLink {
    pub id: ActivityId,
    pub title: String,
    pub org_name: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}
