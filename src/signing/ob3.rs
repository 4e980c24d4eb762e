//! The Open Badges 3.0 `OpenBadgeCredential` of an award, before it is signed, and the URLs
//! under which Lanyard publishes credentials, issuers and status lists.

use chrono::{NaiveDateTime, SecondsFormat};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
pub const OB_EXTENSIONS_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";

/// The public URLs of one city's signed documents, from the deployment's base URL.
#[derive(Clone, Copy)]
pub struct Urls<'a> {
    pub base: &'a str,
    pub city: &'a str,
}

impl Urls<'_> {
    pub fn issuer(&self, org: Option<&str>) -> String {
        match org {
            Some(org) => format!("{}/c/{}/orgs/{org}/issuer", self.base, self.city),
            None => format!("{}/c/{}/issuer", self.base, self.city),
        }
    }

    pub fn credential(&self, award: &str) -> String {
        format!("{}/c/{}/awards/{award}", self.base, self.city)
    }

    pub fn achievement(&self, badge: &str) -> String {
        format!("{}/c/{}/badges/{badge}", self.base, self.city)
    }

    pub fn badge_image(&self, badge: &str) -> String {
        format!("{}/c/{}/badges/{badge}/image", self.base, self.city)
    }

    /// The badge's image as it was at `version` (what an award of that version shows).
    pub fn badge_image_at(&self, badge: &str, version: i32) -> String {
        format!("{}?version={version}", self.badge_image(badge))
    }

    /// The OB 2.0 BadgeClass of the badge as it was at `version`.
    pub fn badge_class_at(&self, badge: &str, version: i32) -> String {
        format!("{}?version={version}", self.badge_class(badge))
    }

    pub fn assertion(&self, award: &str) -> String {
        format!("{}/c/{}/awards/{award}/assertion", self.base, self.city)
    }

    pub fn baked_png(&self, award: &str) -> String {
        format!("{}/c/{}/awards/{award}/badge.png", self.base, self.city)
    }

    pub fn baked_svg(&self, award: &str) -> String {
        format!("{}/c/{}/awards/{award}/badge.svg", self.base, self.city)
    }

    pub fn badge_class(&self, badge: &str) -> String {
        format!("{}/c/{}/badges/{badge}/badgeclass", self.base, self.city)
    }

    pub fn ob2_issuer(&self, org: Option<&str>) -> String {
        format!("{}/ob2", self.issuer(org))
    }

    /// The `1EdTechRevocationList` of an organization.
    pub fn revocation_list(&self, org: &str) -> String {
        format!("{}/c/{}/orgs/{org}/revocations", self.base, self.city)
    }

    /// The organization's status list holding `index` (each holds `status::LIST_LENGTH`).
    pub fn status_list(&self, org: &str, index: i64) -> String {
        format!(
            "{}/c/{}/orgs/{org}/status/{}",
            self.base,
            self.city,
            index / crate::signing::status::LIST_LENGTH
        )
    }
}

/// What goes into a credential. Nothing about the youth but a salted hash of their account.
pub struct CredentialInput<'a> {
    pub urls: Urls<'a>,
    pub award_id: &'a str,
    pub issuer_org: &'a str,
    /// Issued by the city itself: the issuer is `/c/{city}/issuer`, not the organization's.
    pub issuer_is_city: bool,
    pub issuer_name: &'a str,
    pub issuer_url: &'a str,
    pub badge_slug: &'a str,
    pub badge_name: &'a str,
    pub badge_description: &'a str,
    pub criteria: &'a str,
    /// The badge's version the award was made with (its image is the one of that version).
    pub badge_version: i32,
    pub tags: &'a [String],
    pub alignments: &'a [crate::badges::Alignment],
    /// The OB 3.0 `achievementType`.
    pub achievement_type: &'a str,
    /// A stable identifier of the youth (hashed with `salt`, never signed in the clear).
    pub recipient: &'a str,
    pub salt: &'a str,
    pub awarded_at: NaiveDateTime,
    pub valid_until: Option<NaiveDateTime>,
    /// OB 3.0 `evidence`: a JSON array of Evidence objects.
    pub evidence: Option<&'a serde_json::Value>,
    pub status_index: i64,
}

pub fn timestamp(at: NaiveDateTime) -> String {
    at.and_utc().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `sha256$…` of the identifier and salt, as OB 3.0's IdentityObject wants it.
pub fn identity_hash(identifier: &str, salt: &str) -> String {
    format!(
        "sha256${}",
        hex::encode(Sha256::digest(format!("{identifier}{salt}").as_bytes()))
    )
}

/// The unsigned credential.
pub fn credential(input: &CredentialInput<'_>) -> Value {
    let urls = &input.urls;
    let issuer_id = urls.issuer((!input.issuer_is_city).then_some(input.issuer_org));
    let achievement_id = urls.achievement(input.badge_slug);
    let position = input.status_index % crate::signing::status::LIST_LENGTH;
    let mut credential = json!({
        "@context": [VC_CONTEXT, OB_CONTEXT, OB_EXTENSIONS_CONTEXT],
        "id": urls.credential(input.award_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": input.badge_name,
        "issuer": {
            "id": issuer_id,
            "type": ["Profile"],
            "name": input.issuer_name,
            "url": input.issuer_url,
        },
        "validFrom": timestamp(input.awarded_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "hashed": true,
                "identityHash": identity_hash(input.recipient, input.salt),
                "identityType": "identifier",
                "salt": input.salt,
            }],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "name": input.badge_name,
                "description": input.badge_description,
                "criteria": {"id": achievement_id, "narrative": input.criteria},
                "achievementType": input.achievement_type,
                "image": {
                    "id": urls.badge_image_at(input.badge_slug, input.badge_version),
                    "type": "Image",
                    "caption": input.badge_name,
                },
            },
        },
        "credentialStatus": [
            {
                "id": urls.revocation_list(input.issuer_org),
                "type": "1EdTechRevocationList",
            },
            {
                "id": format!("{}#{position}", urls.status_list(input.issuer_org, input.status_index)),
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": position.to_string(),
                "statusListCredential": urls.status_list(input.issuer_org, input.status_index),
            },
        ],
    });
    let achievement = &mut credential["credentialSubject"]["achievement"];
    if !input.tags.is_empty() {
        achievement["tag"] = json!(input.tags);
    }
    if !input.alignments.is_empty() {
        achievement["alignment"] = input
            .alignments
            .iter()
            .map(|a| {
                let mut alignment = json!({
                    "type": ["Alignment"],
                    "targetName": a.name,
                    "targetUrl": a.url,
                });
                if !a.framework.is_empty() {
                    alignment["targetFramework"] = json!(a.framework);
                }
                alignment
            })
            .collect();
    }
    if let Some(until) = input.valid_until {
        credential["validUntil"] = json!(timestamp(until));
    }
    if let Some(evidence) = input.evidence {
        credential["evidence"] = evidence.clone();
    }
    credential
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CredentialInput<'static> {
        CredentialInput {
            urls: Urls {
                base: "http://127.0.0.1:8080",
                city: "riverton",
            },
            award_id: "6f1c0c4e-0000-4000-8000-000000000001",
            issuer_org: "library",
            issuer_is_city: false,
            issuer_name: "Riverton Public Library",
            issuer_url: "http://127.0.0.1:8080/c/riverton",
            badge_slug: "reading-explorer",
            badge_name: "Reading Explorer",
            badge_description: "Read five books.",
            criteria: "Read five books and tell a librarian about one.",
            badge_version: 1,
            tags: &[],
            alignments: &[],
            achievement_type: "CoCurricular",
            recipient: "urn:lanyard:riverton:maya",
            salt: "pepper",
            awarded_at: chrono::NaiveDate::from_ymd_opt(2026, 7, 1)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .unwrap(),
            valid_until: None,
            evidence: None,
            status_index: 42,
        }
    }

    #[test]
    fn the_credential_has_the_shape_open_badges_3_requires() {
        let c = credential(&input());
        assert_eq!(c["@context"][0], VC_CONTEXT);
        assert_eq!(c["@context"][1], OB_CONTEXT);
        assert_eq!(c["type"][1], "OpenBadgeCredential");
        assert_eq!(
            c["issuer"]["id"],
            "http://127.0.0.1:8080/c/riverton/orgs/library/issuer"
        );
        assert_eq!(c["validFrom"], "2026-07-01T12:00:00Z");
        assert!(c.get("issuanceDate").is_none());
        assert_eq!(
            c["credentialSubject"]["achievement"]["image"]["type"],
            "Image"
        );
        assert_eq!(c["credentialStatus"][1]["statusListIndex"], "42");
    }

    #[test]
    fn nothing_about_the_youth_is_signed_in_the_clear() {
        let text = credential(&input()).to_string();
        assert!(!text.contains("maya"));
        assert!(text.contains(&identity_hash("urn:lanyard:riverton:maya", "pepper")));
    }
}
