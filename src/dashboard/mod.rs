//! The city dashboard: participation in total and by organization.

pub mod handlers;
pub mod pages;
pub mod rollups;
pub mod store;

/// Participation figures of one organization.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgFigures {
    pub slug: String,
    pub name: String,
    pub activities: i64,
    pub badges: i64,
    pub awards: i64,
    pub earners: i64,
}

/// The city's totals and each organization's share.
#[derive(Clone, Debug, Default)]
pub struct CityFigures {
    pub youth: i64,
    pub awards: i64,
    pub activities: i64,
    pub organizations: i64,
    pub badges: i64,
    pub by_org: Vec<OrgFigures>,
}

impl CityFigures {
    /// The width, in percent of the largest, of an organization's awards bar.
    pub fn bar(&self, awards: &i64) -> i64 {
        let max = self.by_org.iter().map(|o| o.awards).max().unwrap_or(0);
        if max == 0 {
            0
        } else {
            (awards * 100) / max
        }
    }
}
