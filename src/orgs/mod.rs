//! Partner organizations of a city, their staff (admins and mentors) and their API tokens.

pub mod handlers;
pub mod invitations;
pub mod issuer;
pub mod membership;
pub mod pages;
pub mod removal;
pub mod store;
pub mod tokens;

use crate::ids::{CityId, OrgId};

#[derive(Clone, Debug)]
pub struct Org {
    pub id: OrgId,
    pub city_id: CityId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub website: String,
}
