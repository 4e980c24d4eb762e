//! Tests across the credentials modules: the W3C test vectors, Open Badges 3.0 round trips and
//! safe mode, agreement with two independent processors (oxjsonld, jsonld.js), a credential
//! signed by Digital Bazaar's library, and garbage input.

mod differential;
mod garbage;
mod interop;
mod jsonld_js;
mod open_badges;
mod vectors;

use chrono::{DateTime, TimeZone, Utc};
use ed25519_dalek::SigningKey;
use serde_json::Value;

use super::multikey;

/// The W3C Data Integrity EdDSA test vectors' key pair (§B.1, Example 7).
pub(crate) const VECTOR_SECRET_KEY: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";

pub(crate) const ISSUER: &str = "http://127.0.0.1:8080/c/riverton/orgs/library/issuer";

pub(crate) fn fixture(name: &str) -> Value {
    let text = match name {
        "ob3-credential.json" => {
            include_str!("../../../tests/fixtures/credentials/ob3-credential.json")
        }
        "digitalbazaar-didkey.json" => {
            include_str!("../../../tests/fixtures/credentials/digitalbazaar-didkey.json")
        }
        "w3c/credential.json" => {
            include_str!("../../../tests/fixtures/credentials/w3c-eddsa-rdfc-2022/credential.json")
        }
        "w3c/proof-options.json" => {
            include_str!(
                "../../../tests/fixtures/credentials/w3c-eddsa-rdfc-2022/proof-options.json"
            )
        }
        "w3c/signed.json" => {
            include_str!("../../../tests/fixtures/credentials/w3c-eddsa-rdfc-2022/signed.json")
        }
        other => panic!("no fixture {other}"),
    };
    serde_json::from_str(text).unwrap()
}

pub(crate) fn vector_key() -> SigningKey {
    multikey::decode_secret_key(VECTOR_SECRET_KEY).unwrap()
}

pub(crate) fn issuer_key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

pub(crate) fn created() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 5).unwrap()
}

/// The Open Badges 3.0 credential fixture.
pub(crate) fn ob3_credential() -> Value {
    fixture("ob3-credential.json")
}

/// Resolves only the issuer's key-1, as the issuer document would.
pub(crate) fn issuer_keys(method: &str) -> Result<ed25519_dalek::VerifyingKey, String> {
    if method == format!("{ISSUER}#key-1") {
        Ok(issuer_key().verifying_key())
    } else {
        Err(format!("{method} is not listed by the issuer"))
    }
}
