//! Badge definitions (the Open Badges "Achievement"): name, description, criteria and image.

pub mod bitmap;
pub mod handlers;
pub mod image;
pub mod pages;
pub mod raster;
pub mod store;
pub mod svg;

use crate::ids::{ActivityId, BadgeId, OrgId};

#[derive(Clone, Debug)]
pub struct Badge {
    pub id: BadgeId,
    pub org_id: OrgId,
    pub org_slug: String,
    pub org_name: String,
    pub activity_id: Option<ActivityId>,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
    /// Days a credential of this badge stays valid; none: it does not expire.
    pub valid_days: Option<i32>,
}
