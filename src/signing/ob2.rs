//! Open Badges 2.0 hosted documents for older consumers: the Assertion of an award, its
//! BadgeClass and its Issuer, all served by Lanyard (verification type `HostedBadge`).

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use crate::signing::ob3::{identity_hash, timestamp, Urls};

pub const OB2_CONTEXT: &str = "https://w3id.org/openbadges/v2";

pub struct AssertionInput<'a> {
    pub urls: Urls<'a>,
    pub award_id: &'a str,
    pub badge_slug: &'a str,
    /// The badge's version the award was made with (its BadgeClass is the one of that version).
    pub badge_version: i32,
    pub recipient: &'a str,
    pub salt: &'a str,
    pub issued_on: NaiveDateTime,
    pub revoked: Option<&'a str>,
}

pub fn assertion(input: &AssertionInput<'_>) -> Value {
    let mut assertion = json!({
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": input.urls.assertion(input.award_id),
        "recipient": {
            "type": "url",
            "identity": identity_hash(input.recipient, input.salt),
            "hashed": true,
            "salt": input.salt,
        },
        "badge": input.urls.badge_class_at(input.badge_slug, input.badge_version),
        "verification": {"type": "HostedBadge"},
        "issuedOn": timestamp(input.issued_on),
    });
    if let Some(reason) = input.revoked {
        assertion["revoked"] = json!(true);
        assertion["revocationReason"] = json!(reason);
    }
    assertion
}

pub struct BadgeClassInput<'a> {
    pub urls: Urls<'a>,
    pub badge_slug: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub criteria: &'a str,
    pub issuer_org: Option<&'a str>,
    /// The version described (`None`: the current one, at the unversioned URLs).
    pub version: Option<i32>,
    pub tags: &'a [String],
    pub alignments: &'a [crate::badges::Alignment],
}

pub fn badge_class(input: &BadgeClassInput<'_>) -> Value {
    let (id, image) = match input.version {
        Some(v) => (
            input.urls.badge_class_at(input.badge_slug, v),
            input.urls.badge_image_at(input.badge_slug, v),
        ),
        None => (
            input.urls.badge_class(input.badge_slug),
            input.urls.badge_image(input.badge_slug),
        ),
    };
    let mut class = json!({
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": id,
        "name": input.name,
        "description": input.description,
        "image": image,
        "criteria": {
            "id": input.urls.achievement(input.badge_slug),
            "narrative": input.criteria,
        },
        "issuer": input.urls.ob2_issuer(input.issuer_org),
    });
    if !input.tags.is_empty() {
        class["tags"] = json!(input.tags);
    }
    if !input.alignments.is_empty() {
        class["alignment"] = input
            .alignments
            .iter()
            .map(|a| {
                let mut alignment = json!({"targetName": a.name, "targetUrl": a.url});
                if !a.framework.is_empty() {
                    alignment["targetFramework"] = json!(a.framework);
                }
                alignment
            })
            .collect();
    }
    class
}

pub fn issuer(urls: &Urls<'_>, org: Option<&str>, name: &str, url: &str, email: &str) -> Value {
    json!({
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": urls.ob2_issuer(org),
        "name": name,
        "url": url,
        "email": email,
    })
}
