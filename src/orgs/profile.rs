//! An organization's profile (name, kind, address, neighborhood, website, contact e-mail,
//! description): parsed once from the form of an application, of a coordinator's new
//! organization or of the profile edit, and written with its audit record.

use chrono::NaiveDateTime;
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Actor, AuditAction, AuditEvent};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::fields;
use crate::orgs::{store, Org, OrgKind};
use crate::tenancy::store::{named_list, NameList};
use crate::tenancy::Named;
use crate::web::forms::FormErrors;

/// The profile fields as typed.
#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    pub name: String,
    pub kind: String,
    pub address: String,
    pub neighborhood: String,
    pub website: String,
    pub contact_email: String,
    pub description: String,
}

impl ProfileForm {
    /// The form filled with an organization's profile, for its edit page.
    pub fn of(org: &Org) -> ProfileForm {
        ProfileForm {
            name: org.name.clone(),
            kind: org.kind.as_str().to_string(),
            address: org.address.clone(),
            neighborhood: org
                .neighborhood_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            website: org.website.clone(),
            contact_email: org.contact_email.clone(),
            description: org.description.clone(),
        }
    }
}

/// A valid profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgProfile {
    pub name: String,
    pub kind: OrgKind,
    pub address: String,
    pub neighborhood_id: Option<i64>,
    /// Empty, or an `http(s)://` address.
    pub website: String,
    /// Empty only where the form allows it (a coordinator's new organization).
    pub contact_email: String,
    pub description: String,
}

/// What a form requires beyond the name.
#[derive(Clone, Copy, Debug)]
pub struct ProfileRules {
    /// An application and the profile edit require the kind and a contact e-mail; the
    /// coordinator's quick form takes a community organization and no address when left empty.
    pub complete: bool,
}

/// A web address people can follow: `http://` or `https://`, no spaces, at most 200 characters.
pub fn website(input: &str) -> Result<String, &'static str> {
    let w = input.trim();
    let scheme_ok = ["https://", "http://"].iter().any(|scheme| {
        w.get(..scheme.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
            && w.len() > scheme.len()
    });
    if w.is_empty() {
        Ok(String::new())
    } else if scheme_ok && w.len() <= 200 && !w.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        Ok(w.to_string())
    } else {
        Err("field.url_invalid")
    }
}

/// The city's neighborhoods, for the profile forms.
pub async fn neighborhoods_of(
    state: &crate::state::AppState,
    city: crate::ids::CityId,
) -> Result<Vec<Named>, AppError> {
    state
        .db
        .run(move |conn| Ok(named_list(conn, city, NameList::Neighborhoods)?))
        .await
}

impl OrgProfile {
    /// Parses `form`; the neighborhood must be one of the city's `neighborhoods`.
    pub fn parse(
        form: &ProfileForm,
        neighborhoods: &[Named],
        rules: ProfileRules,
    ) -> Result<OrgProfile, FormErrors> {
        let mut errors = FormErrors::default();
        let name = fields::line(&form.name, 80)
            .map_err(|e| errors.add("name", e))
            .ok();
        let kind = match (OrgKind::parse(&form.kind), form.kind.trim().is_empty()) {
            (Some(kind), _) => Some(kind),
            (None, true) if !rules.complete => Some(OrgKind::Community),
            (None, true) => {
                errors.add("kind", "field.required");
                None
            }
            (None, false) => {
                errors.add("kind", "partners.kind_invalid");
                None
            }
        };
        let address = if form.address.trim().is_empty() {
            Ok(String::new())
        } else {
            fields::line(&form.address, 200)
        }
        .map_err(|e| errors.add("address", e))
        .ok();
        let neighborhood_id = match form.neighborhood.trim() {
            "" => Some(None),
            typed => match typed.parse::<i64>() {
                Ok(id) if neighborhoods.iter().any(|n| n.id == id) => Some(Some(id)),
                _ => {
                    errors.add("neighborhood", "partners.neighborhood_invalid");
                    None
                }
            },
        };
        let website = website(&form.website)
            .map_err(|e| errors.add("website", e))
            .ok();
        let contact_email = match form.contact_email.trim() {
            "" if !rules.complete => Some(String::new()),
            "" => {
                errors.add("contact_email", "field.required");
                None
            }
            typed => fields::email(typed)
                .map_err(|e| errors.add("contact_email", e))
                .ok(),
        };
        let description = fields::text(&form.description, 2000, false)
            .map_err(|e| errors.add("description", e))
            .ok();
        match (
            name,
            kind,
            address,
            neighborhood_id,
            website,
            contact_email,
            description,
        ) {
            (
                Some(name),
                Some(kind),
                Some(address),
                Some(neighborhood_id),
                Some(website),
                Some(contact_email),
                Some(description),
            ) if errors.is_empty() => Ok(OrgProfile {
                name,
                kind,
                address,
                neighborhood_id,
                website,
                contact_email,
                description,
            }),
            _ => Err(errors),
        }
    }
}

/// Writes a new profile of `org`, with its audit record, in one transaction.
pub fn update_profile(
    conn: &mut DbConnection,
    org: &Org,
    profile: &OrgProfile,
    actor: &Actor,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    conn.transaction(|conn| {
        if store::set_profile(conn, org.city_id, org.id, profile)? == 0 {
            return Err(AppError::NotFound);
        }
        let changed: Vec<&str> = [
            ("name", org.name != profile.name),
            ("kind", org.kind != profile.kind),
            ("address", org.address != profile.address),
            (
                "neighborhood",
                org.neighborhood_id != profile.neighborhood_id,
            ),
            ("website", org.website != profile.website),
            ("contact_email", org.contact_email != profile.contact_email),
            ("description", org.description != profile.description),
        ]
        .into_iter()
        .filter(|(_, changed)| *changed)
        .map(|(field, _)| field)
        .collect();
        audit::record(
            conn,
            &AuditEvent {
                actor,
                city: Some(org.city_id),
                org: Some(org.id),
                action: AuditAction::OrgUpdated,
                target: org.slug.clone(),
                detail: json!({"name": profile.name, "changed": changed}),
                at: now,
            },
        )?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> ProfileRules {
        ProfileRules { complete: true }
    }

    fn downtown() -> Named {
        Named {
            id: 7,
            slug: "downtown".into(),
            name: "Downtown".into(),
        }
    }

    fn form() -> ProfileForm {
        ProfileForm {
            name: "Riverton Museum".into(),
            kind: "museum".into(),
            address: "1 Main St".into(),
            neighborhood: "7".into(),
            website: "https://museum.example".into(),
            contact_email: "Hello@Museum.example".into(),
            description: "Art and science.".into(),
        }
    }

    #[test]
    fn a_complete_profile_is_parsed_with_its_neighborhood() {
        let profile = OrgProfile::parse(&form(), &[downtown()], complete()).unwrap();
        assert_eq!(profile.kind, OrgKind::Museum);
        assert_eq!(profile.neighborhood_id, Some(7));
        assert_eq!(profile.contact_email, "hello@museum.example");
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let bad = ProfileForm {
            name: " ".into(),
            kind: "bank".into(),
            neighborhood: "99".into(),
            website: "ftp://museum.example".into(),
            contact_email: "nobody".into(),
            ..form()
        };
        let errors = OrgProfile::parse(&bad, &[downtown()], complete()).unwrap_err();
        for field in ["name", "kind", "neighborhood", "website", "contact_email"] {
            assert!(errors.has(field), "{field} has a message");
        }
        assert_eq!(errors.get("kind"), Some("partners.kind_invalid"));
    }

    #[test]
    fn a_city_without_neighborhoods_takes_none() {
        let none = ProfileForm {
            neighborhood: String::new(),
            ..form()
        };
        assert_eq!(
            OrgProfile::parse(&none, &[], complete())
                .unwrap()
                .neighborhood_id,
            None
        );
        assert!(OrgProfile::parse(&form(), &[], complete()).is_err());
    }

    #[test]
    fn the_coordinators_quick_form_may_leave_kind_and_contact_empty() {
        let quick = ProfileForm {
            name: "Parks".into(),
            ..ProfileForm::default()
        };
        let profile = OrgProfile::parse(&quick, &[], ProfileRules { complete: false }).unwrap();
        assert_eq!(profile.kind, OrgKind::Community);
        assert_eq!(profile.contact_email, "");
        let errors = OrgProfile::parse(&quick, &[], complete()).unwrap_err();
        assert!(errors.has("kind") && errors.has("contact_email"));
    }

    #[test]
    fn websites_are_http_or_https_only() {
        assert!(website("https://a.example").is_ok());
        assert!(website("HTTP://a.example").is_ok());
        assert!(website("javascript:alert(1)").is_err());
        assert!(website("https://").is_err());
        assert!(website("https://a b.example").is_err());
        assert_eq!(website(""), Ok(String::new()));
    }
}
