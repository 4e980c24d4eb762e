//! The city's partner organizations: every kind, named after its streets and neighborhoods,
//! all approved.

use std::collections::HashSet;

use chrono::{Duration, NaiveDateTime};
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::Rng;

use super::names::{slugify, STREETS, STREET_KINDS};
use super::Season;
use crate::orgs::OrgKind;

pub struct Org {
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: OrgKind,
    pub address: String,
    pub neighborhood: Option<i64>,
    pub created_at: NaiveDateTime,
    /// Awards it made: the next free position in its status lists.
    pub awards: i64,
}

/// How each kind is named (`{s}` a street, `{n}` a neighborhood) and how common it is.
const KINDS: [(OrgKind, u32, &[&str]); 6] = [
    (
        OrgKind::Community,
        30,
        &[
            "{n} Community Center",
            "{s} Youth Club",
            "{s} Street YMCA",
            "Boys & Girls Club of {n}",
        ],
    ),
    (
        OrgKind::School,
        25,
        &[
            "{s} Elementary",
            "{s} Middle School",
            "{s} High School",
            "{n} Academy",
        ],
    ),
    (
        OrgKind::Business,
        20,
        &[
            "{s} Dance Studio",
            "{s} Code Academy",
            "{s} Music School",
            "{s} Art Studio",
        ],
    ),
    (
        OrgKind::Library,
        10,
        &[
            "{n} Branch Library",
            "{s} Street Library",
            "{n} Reading Room",
        ],
    ),
    (
        OrgKind::Park,
        10,
        &[
            "{s} Park Recreation Center",
            "{n} Parks & Rec",
            "{s} Nature Center",
        ],
    ),
    (
        OrgKind::Museum,
        5,
        &[
            "{n} Heritage Museum",
            "{s} Children's Museum",
            "{s} Gallery",
        ],
    ),
];

/// `count` approved organizations of every kind, each in a neighborhood.
pub fn plan(
    rng: &mut StdRng,
    count: usize,
    neighborhoods: &[(i64, String)],
    season: &Season,
) -> anyhow::Result<Vec<Org>> {
    let kinds = WeightedIndex::new(KINDS.iter().map(|(_, w, _)| *w))?;
    let mut slugs: HashSet<String> = HashSet::new();
    let mut orgs = Vec::with_capacity(count);
    while orgs.len() < count {
        let (kind, _, patterns) = KINDS[kinds.sample(rng)];
        let (neighborhood, place) = &neighborhoods[rng.gen_range(0..neighborhoods.len())];
        let street = STREETS[rng.gen_range(0..STREETS.len())];
        let pattern = patterns[rng.gen_range(0..patterns.len())];
        let mut name = pattern.replace("{s}", street).replace("{n}", place);
        if slugs.contains(&slugify(&name)) {
            name = format!("{name} {}", orgs.len() + 1);
        }
        let slug = slugify(&name);
        slugs.insert(slug.clone());
        orgs.push(Org {
            description: format!(
                "{name} runs summer programs for the youth of {place} and all of Riverton."
            ),
            address: format!(
                "{} {street} {}",
                rng.gen_range(1..2000),
                STREET_KINDS[rng.gen_range(0..STREET_KINDS.len())]
            ),
            slug,
            name,
            kind,
            neighborhood: Some(*neighborhood),
            created_at: season.start_at() - Duration::days(rng.gen_range(30..400)),
            awards: 0,
        });
    }
    Ok(orgs)
}
