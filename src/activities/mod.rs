//! The activity catalog: what partner organizations offer youth this summer.

pub mod command;
pub mod detail;
pub mod editing;
pub mod editor;
pub mod editor_pages;
pub mod image;
pub mod import;
pub mod search;
pub mod show;
pub mod store;
pub mod upload;

use chrono::NaiveDate;

use crate::ids::{ActivityId, OrgId};

#[derive(Clone, Debug)]
pub struct Activity {
    pub id: ActivityId,
    pub org_id: OrgId,
    pub org_slug: String,
    pub org_name: String,
    pub title: String,
    pub description: String,
    pub location: String,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}
