//! The dashboard: participation of a city (for its coordinators) or of one organization (for
//! its staff) over a range of weeks, sliced by organization, category, neighborhood and age
//! band, from rollups kept up to date as awards are issued and revoked. Revoked awards count
//! nowhere; breakdowns by neighborhood or age band hide small cells.

pub mod cache;
pub mod charts;
pub mod filter;
pub mod handlers;
pub mod pages;
pub mod rollups;
pub mod season;
pub mod store;
pub mod suppress;
pub mod tables;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One row of a breakdown: what it is (its slug, or a band or "none") and what it counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slice {
    /// The slug (or band) it is picked by in a URL; empty for "none given".
    pub key: String,
    /// Its name; empty when the page names it (a band, "none given").
    pub label: String,
    /// Distinct youth with an award in it.
    pub youth: i64,
    pub awards: i64,
}

/// One week of the range (its Monday).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCount {
    pub week: NaiveDate,
    pub youth: i64,
    pub awards: i64,
}

/// How long an organization's reviewers took to decide, over the range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turnaround {
    pub org: String,
    pub decisions: i64,
    pub median_seconds: i64,
    pub p90_seconds: i64,
}

/// The city's catalog as it is now (the coordinators' view only).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogTotals {
    pub activities: i64,
    pub organizations: i64,
}

/// Everything a dashboard view shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub catalog: Option<CatalogTotals>,
    /// Youth of the city registered by the end of the range (coordinators' view only).
    pub registered: Option<i64>,
    /// ...of whom this many joined during it.
    pub registered_in_range: Option<i64>,
    /// Distinct youth with an award in the range.
    pub active: i64,
    pub awards: i64,
    /// Youth with an award in at least three distinct weeks of the range.
    pub retained: i64,
    pub weeks: Vec<WeekCount>,
    pub by_org: Vec<Slice>,
    pub by_category: Vec<Slice>,
    pub by_neighborhood: Vec<Slice>,
    pub by_age: Vec<Slice>,
    /// The most awarded badges and activities, most first.
    pub top_badges: Vec<Slice>,
    pub top_activities: Vec<Slice>,
    /// Pathway badges earned by completing their pathway.
    pub pathway_completions: i64,
    pub pathways: Vec<Slice>,
    pub turnaround: Vec<Turnaround>,
    pub codes_issued: i64,
    pub codes_redeemed: i64,
}

/// Whose dashboard it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    City,
    /// One organization's (its id, slug and name).
    Org {
        id: i64,
        slug: String,
        name: String,
    },
}

impl Scope {
    pub fn org_id(&self) -> Option<i64> {
        match self {
            Scope::City => None,
            Scope::Org { id, .. } => Some(*id),
        }
    }
}
