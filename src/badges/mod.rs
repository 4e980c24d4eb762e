//! Badge definitions (the Open Badges "Achievement"): name, description, criteria, tags,
//! alignments, type, image and design, in each language the city offers, and their versions.

pub mod bitmap;
pub mod content;
pub mod design;
pub mod handlers;
pub mod image;
pub mod pages;
pub mod raster;
pub mod store;
pub mod svg;

use crate::ids::{BadgeId, OrgId};

pub use content::{Alignment, BadgeContent, BadgeType, EarnedBy, Translation};

#[derive(Clone, Debug)]
pub struct Badge {
    pub id: BadgeId,
    pub org_id: OrgId,
    pub org_slug: String,
    pub org_name: String,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub criteria: String,
    /// Days a credential of this badge stays valid; none: it does not expire.
    pub valid_days: Option<i32>,
    /// The current version (1 until the first edit).
    pub version: i32,
    /// The designer's settings (JSON of [`design::Design`]), when the image was designed.
    pub design: Option<String>,
}
