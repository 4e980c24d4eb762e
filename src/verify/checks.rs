//! The checks that need nothing but the documents in hand: the credential's form and dates,
//! the reading of a proof's outcome, whether an issuer document lists a key for the issuer,
//! and the lookup of a bit in a status list.

use std::io::Read;

use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde_json::Value;

use crate::credentials::contexts::{CREDENTIALS_V1, CREDENTIALS_V2};
use crate::credentials::jsonld::JsonLdError;
use crate::credentials::multikey;
use crate::credentials::proof::{ProofError, VerifiedProof};
use crate::verify::{Check, Message, Outcome};

const OB3_CONTEXT_PREFIX: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context";

/// A string or each string of an array.
pub fn strings(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::String(one)) => vec![one],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The issuer's id: `issuer` itself when a string, else `issuer.id`.
pub fn issuer_id(credential: &Value) -> Option<&str> {
    match credential.get("issuer") {
        Some(Value::String(id)) => Some(id),
        Some(Value::Object(profile)) => profile.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// Contexts, types, issuer and subject of an Open Badges 3.0 credential.
pub fn well_formed(credential: &Value) -> Check {
    let fail = |key| Check::new("well_formed", Outcome::Failed, Message::new(key));
    let contexts = strings(credential.get("@context"));
    let vc_first = contexts
        .first()
        .is_some_and(|c| *c == CREDENTIALS_V2 || *c == CREDENTIALS_V1);
    if !vc_first || !contexts.iter().any(|c| c.starts_with(OB3_CONTEXT_PREFIX)) {
        return fail("verify.well_formed_contexts");
    }
    let types = strings(credential.get("type"));
    let is_badge =
        types.contains(&"OpenBadgeCredential") || types.contains(&"AchievementCredential");
    if !types.contains(&"VerifiableCredential") || !is_badge {
        return fail("verify.well_formed_types");
    }
    if issuer_id(credential).is_none() {
        return fail("verify.well_formed_issuer");
    }
    if !credential
        .get("credentialSubject")
        .is_some_and(Value::is_object)
    {
        return fail("verify.well_formed_subject");
    }
    Check::new(
        "well_formed",
        Outcome::Passed,
        Message::new("verify.well_formed_ok"),
    )
}

fn readable(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// `validFrom` passed and `validUntil` not yet (VC 1.1's `issuanceDate` and `expirationDate`
/// stand in for them).
pub fn dates(credential: &Value, now: DateTime<Utc>) -> Check {
    let check = |outcome, message| Check::new("dates", outcome, message);
    let date = |names: [&str; 2]| {
        names
            .iter()
            .find_map(|n| credential.get(*n))
            .map(|v| {
                v.as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .map(|d| d.with_timezone(&Utc))
                    .ok_or(())
            })
            .transpose()
    };
    let (Ok(from), Ok(until)) = (
        date(["validFrom", "issuanceDate"]),
        date(["validUntil", "expirationDate"]),
    ) else {
        return check(Outcome::Failed, Message::new("verify.dates_malformed"));
    };
    let Some(from) = from else {
        return check(Outcome::Failed, Message::new("verify.dates_missing"));
    };
    if from > now {
        let message = Message::new("verify.dates_not_yet").with("from", readable(from));
        return check(Outcome::Failed, message);
    }
    match until {
        Some(until) if until <= now => check(
            Outcome::Expired,
            Message::new("verify.dates_expired").with("until", readable(until)),
        ),
        Some(until) => check(
            Outcome::Passed,
            Message::new("verify.dates_valid_until")
                .with("from", readable(from))
                .with("until", readable(until)),
        ),
        None => check(
            Outcome::Passed,
            Message::new("verify.dates_valid_since").with("from", readable(from)),
        ),
    }
}

/// The proof check from what `credentials::proof::verify` answered.
pub fn proof(result: Result<VerifiedProof, ProofError>) -> Check {
    let failed = |message| Check::new("proof", Outcome::Failed, message);
    match result {
        Ok(_) => Check::new("proof", Outcome::Passed, Message::new("verify.proof_ok")),
        Err(ProofError::UnknownKey { .. }) => Check::new(
            "proof",
            Outcome::NotChecked,
            Message::new("verify.proof_no_key"),
        ),
        Err(ProofError::MissingProof) => failed(Message::new("verify.proof_missing")),
        Err(ProofError::UnsupportedType(suite) | ProofError::UnsupportedCryptosuite(suite)) => {
            failed(Message::new("verify.proof_unsupported").with("suite", suite))
        }
        Err(ProofError::BadSignature) => failed(Message::new("verify.proof_bad_signature")),
        Err(ProofError::Canonicalization(
            JsonLdError::UndefinedTerm { term, .. } | JsonLdError::UndefinedType { term, .. },
        )) => failed(Message::new("verify.proof_undefined_term").with("term", term)),
        Err(ProofError::Canonicalization(JsonLdError::Context(_))) => {
            failed(Message::new("verify.proof_unknown_context"))
        }
        Err(ProofError::Canonicalization(_)) => failed(Message::new("verify.proof_unreadable")),
        Err(_) => failed(Message::new("verify.proof_malformed")),
    }
}

/// Whether `document` (an issuer document of this site) lists `method` as a key of `issuer`
/// for assertions; the key itself whenever the document lists it.
pub fn key_in_issuer_document(
    document: &Value,
    method: &str,
    issuer: Option<&str>,
) -> (Option<VerifyingKey>, Check) {
    let check = |outcome, key| {
        Check::new(
            "issuer_key",
            outcome,
            Message::new(key).with("method", method),
        )
    };
    let listed = document
        .get("verificationMethod")
        .and_then(Value::as_array)
        .and_then(|methods| {
            methods
                .iter()
                .find(|m| m.get("id").and_then(Value::as_str) == Some(method))
        });
    let Some(listed) = listed else {
        return (None, check(Outcome::Failed, "verify.issuer_key_not_listed"));
    };
    let key = listed
        .get("publicKeyMultibase")
        .and_then(Value::as_str)
        .and_then(|k| multikey::decode_public_key(k).ok());
    let Some(key) = key else {
        return (None, check(Outcome::Failed, "verify.issuer_key_unreadable"));
    };
    let controller = listed.get("controller").and_then(Value::as_str);
    let document_id = document.get("id").and_then(Value::as_str);
    if issuer.is_none() || controller != issuer || document_id != issuer {
        return (
            Some(key),
            check(Outcome::Failed, "verify.issuer_key_not_issuers"),
        );
    }
    let for_assertions = document
        .get("assertionMethod")
        .and_then(Value::as_array)
        .is_some_and(|list| {
            list.iter().any(|entry| {
                entry.as_str() == Some(method)
                    || entry.get("id").and_then(Value::as_str) == Some(method)
            })
        });
    if !for_assertions {
        return (
            Some(key),
            check(Outcome::Failed, "verify.issuer_key_not_for_assertions"),
        );
    }
    (
        Some(key),
        check(Outcome::Passed, "verify.issuer_key_published"),
    )
}

/// Whether bit `index` of a status list's `encodedList` (multibase base64url of the GZIP'd
/// bitstring, index 0 the high bit of byte 0) is set; `None` if it cannot be read.
pub fn status_bit(encoded_list: &str, index: u64) -> Option<bool> {
    let encoded = encoded_list.strip_prefix('u').unwrap_or(encoded_list);
    let compressed = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .ok()?;
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(compressed.as_slice())
        .take(16 * 1024 * 1024)
        .read_to_end(&mut bits)
        .ok()?;
    let byte = bits.get(usize::try_from(index / 8).ok()?)?;
    Some(byte & (0x80 >> (index % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::signing::status::encode_list;

    fn at(year: i32, month: u32, day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, 12, 0, 0).unwrap()
    }

    #[test]
    fn dates_say_not_yet_valid_valid_or_expired() {
        let credential =
            json!({"validFrom": "2026-05-01T09:30:00Z", "validUntil": "2027-05-01T00:00:00Z"});
        assert_eq!(dates(&credential, at(2026, 1, 1)).outcome, Outcome::Failed);
        assert_eq!(dates(&credential, at(2026, 6, 1)).outcome, Outcome::Passed);
        assert_eq!(dates(&credential, at(2027, 6, 1)).outcome, Outcome::Expired);
        let garbled = json!({"validFrom": "yesterday"});
        assert_eq!(
            dates(&garbled, at(2026, 6, 1)).message.key,
            "verify.dates_malformed"
        );
        assert_eq!(
            dates(&json!({}), at(2026, 6, 1)).message.key,
            "verify.dates_missing"
        );
    }

    #[test]
    fn an_issuer_document_must_list_the_key_for_the_issuer() {
        let issuer = "https://lanyard.example/c/x/orgs/y/issuer";
        let method = format!("{issuer}#key-1");
        let key = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
        let document = json!({
            "id": issuer,
            "verificationMethod": [{"id": method, "type": "Multikey", "controller": issuer, "publicKeyMultibase": key}],
            "assertionMethod": [method],
        });
        let (found, check) = key_in_issuer_document(&document, &method, Some(issuer));
        assert!(found.is_some());
        assert_eq!(check.outcome, Outcome::Passed);
        let (_, check) =
            key_in_issuer_document(&document, &method, Some("https://other.example/i"));
        assert_eq!(check.message.key, "verify.issuer_key_not_issuers");
        let (_, check) =
            key_in_issuer_document(&document, &format!("{issuer}#key-2"), Some(issuer));
        assert_eq!(check.message.key, "verify.issuer_key_not_listed");
        let mut unasserted = document.clone();
        unasserted["assertionMethod"] = json!([]);
        let (_, check) = key_in_issuer_document(&unasserted, &method, Some(issuer));
        assert_eq!(check.message.key, "verify.issuer_key_not_for_assertions");
    }

    #[test]
    fn status_bits_read_as_they_were_written() {
        let list = encode_list(&[3, 100]);
        assert_eq!(status_bit(&list, 3), Some(true));
        assert_eq!(status_bit(&list, 100), Some(true));
        assert_eq!(status_bit(&list, 4), Some(false));
        assert_eq!(status_bit(&list, 1 << 40), None);
        assert_eq!(status_bit("u!!", 0), None);
    }

    #[test]
    fn an_open_badge_is_recognised_by_its_contexts_and_types() {
        let mut credential = json!({
            "@context": [CREDENTIALS_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:key:z6Mk"},
            "credentialSubject": {},
        });
        assert_eq!(well_formed(&credential).outcome, Outcome::Passed);
        credential["type"] = json!(["VerifiableCredential"]);
        assert_eq!(
            well_formed(&credential).message.key,
            "verify.well_formed_types"
        );
    }
}
