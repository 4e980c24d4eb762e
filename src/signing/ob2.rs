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
        "badge": input.urls.badge_class(input.badge_slug),
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
}

pub fn badge_class(input: &BadgeClassInput<'_>) -> Value {
    json!({
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": input.urls.badge_class(input.badge_slug),
        "name": input.name,
        "description": input.description,
        "image": input.urls.badge_image(input.badge_slug),
        "criteria": {
            "id": input.urls.achievement(input.badge_slug),
            "narrative": input.criteria,
        },
        "issuer": input.urls.ob2_issuer(input.issuer_org),
    })
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
