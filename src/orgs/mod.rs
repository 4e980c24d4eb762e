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

/// Where an organization stands with its city. Only an approved organization publishes
/// activities and badges or awards them; a pending or declined one may prepare drafts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgStatus {
    Pending,
    Approved,
    Declined,
}

impl OrgStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrgStatus::Pending => "pending",
            OrgStatus::Approved => "approved",
            OrgStatus::Declined => "declined",
        }
    }

    /// The stored value; anything unknown is treated as not yet approved.
    pub fn parse(stored: &str) -> OrgStatus {
        match stored {
            "approved" => OrgStatus::Approved,
            "declined" => OrgStatus::Declined,
            _ => OrgStatus::Pending,
        }
    }

    pub fn may_publish(self) -> bool {
        self == OrgStatus::Approved
    }
}

/// Whether organization `org` of `city` may publish now (`None`: no such organization here).
pub fn may_publish(
    conn: &mut crate::db::DbConnection,
    city: CityId,
    org: OrgId,
) -> diesel::QueryResult<Option<bool>> {
    Ok(store::status_of(conn, city, org)?.map(OrgStatus::may_publish))
}
