//! Partner organizations of a city, their staff (admins and mentors) and their API tokens;
//! how an organization applies to its city and is approved or declined (`applications`), its
//! profile (`profile`) and its public page (`public`).

pub mod applications;
pub mod edit;
pub mod handlers;
pub mod invitations;
pub mod issuer;
pub mod membership;
pub mod pages;
pub mod partners;
pub mod profile;
pub mod public;
pub mod removal;
pub mod staff_invites;
pub mod store;
pub mod tokens;
pub mod youth_password;

use crate::ids::{CityId, OrgId};

#[derive(Clone, Debug)]
pub struct Org {
    pub id: OrgId,
    pub city_id: CityId,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub website: String,
    pub kind: OrgKind,
    pub address: String,
    pub neighborhood_id: Option<i64>,
    pub contact_email: String,
    pub status: OrgStatus,
}

impl Org {
    /// The city's own issuer (its badges are issued under `/c/{city}/issuer` with the city's
    /// key), not a partner organization.
    pub fn is_city(&self) -> bool {
        self.kind == OrgKind::City
    }
}

/// What sort of place an organization is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgKind {
    Library,
    Museum,
    Park,
    School,
    Community,
    Business,
    /// The city itself, as the issuer of its own badges (city pathways): never chosen in a
    /// form, made by `orgs::store::city_issuer`.
    City,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::Library,
        OrgKind::Museum,
        OrgKind::Park,
        OrgKind::School,
        OrgKind::Community,
        OrgKind::Business,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Library => "library",
            OrgKind::Museum => "museum",
            OrgKind::Park => "park",
            OrgKind::School => "school",
            OrgKind::Community => "community",
            OrgKind::Business => "business",
            OrgKind::City => "city",
        }
    }

    /// A kind typed in a form; `None` for anything else.
    pub fn parse(input: &str) -> Option<OrgKind> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.as_str() == input.trim())
    }

    /// The stored value; anything unknown reads as a community organization (the default).
    pub fn from_stored(stored: &str) -> OrgKind {
        if stored == "city" {
            return OrgKind::City;
        }
        OrgKind::parse(stored).unwrap_or(OrgKind::Community)
    }

    /// The catalog key of the kind's name.
    pub fn label_key(self) -> &'static str {
        match self {
            OrgKind::Library => "partners.kind_library",
            OrgKind::Museum => "partners.kind_museum",
            OrgKind::Park => "partners.kind_park",
            OrgKind::School => "partners.kind_school",
            OrgKind::Community => "partners.kind_community",
            OrgKind::Business => "partners.kind_business",
            OrgKind::City => "partners.kind_city",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_approved_organization_may_publish() {
        assert!(OrgStatus::Approved.may_publish());
        assert!(!OrgStatus::Pending.may_publish());
        assert!(!OrgStatus::Declined.may_publish());
        assert_eq!(OrgStatus::parse("something else"), OrgStatus::Pending);
    }

    #[test]
    fn kinds_are_the_six_the_city_knows() {
        for kind in OrgKind::ALL {
            assert_eq!(OrgKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(OrgKind::parse("bank"), None);
        assert_eq!(OrgKind::from_stored(""), OrgKind::Community);
    }
}
