//! The JSON-LD context documents Lanyard understands, bundled in the binary. Contexts are never
//! fetched at run time: a document naming any other context URL is refused, so what a credential
//! means cannot change with a remote server. Sources and versions are in `README.md` beside this
//! file.

use std::sync::OnceLock;

use serde_json::Value;

/// W3C Verifiable Credentials Data Model v2.0.
pub const CREDENTIALS_V2: &str = "https://www.w3.org/ns/credentials/v2";
/// W3C Verifiable Credentials Data Model v1.1 (for verifying older credentials).
pub const CREDENTIALS_V1: &str = "https://www.w3.org/2018/credentials/v1";
/// W3C Bitstring Status List v1.0, for VC 1.1 documents (VC 2.0 defines these terms itself).
pub const CREDENTIALS_STATUS_V1: &str = "https://www.w3.org/ns/credentials/status/v1";
/// 1EdTech Open Badges 3.0, context version 3.0.3 (the one Lanyard issues with).
pub const OPEN_BADGES_V3: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// 1EdTech extensions (`1EdTechRevocationList`, `1EdTechCredentialRefresh`, ...).
pub const OPEN_BADGES_V3_EXTENSIONS: &str =
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/// Earlier Open Badges 3.0 contexts, for verifying credentials from other issuers.
pub const OPEN_BADGES_V3_0_0: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context.json";
/// Open Badges 3.0 context 3.0.1.
pub const OPEN_BADGES_V3_0_1: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json";
/// Open Badges 3.0 context 3.0.2.
pub const OPEN_BADGES_V3_0_2: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json";
/// Open Badges 2.0 (hosted assertions).
pub const OPEN_BADGES_V2: &str = "https://w3id.org/openbadges/v2";
/// W3C Data Integrity v2 (`DataIntegrityProof` outside a VC 2.0 document).
pub const DATA_INTEGRITY_V2: &str = "https://w3id.org/security/data-integrity/v2";
/// W3C Data Integrity v1.
pub const DATA_INTEGRITY_V1: &str = "https://w3id.org/security/data-integrity/v1";
/// `Multikey` verification methods (`publicKeyMultibase`).
pub const MULTIKEY_V1: &str = "https://w3id.org/security/multikey/v1";
/// W3C Decentralized Identifiers v1.0 (issuer documents).
pub const DID_V1: &str = "https://www.w3.org/ns/did/v1";

const BUNDLED: &[(&str, &str)] = &[
    (CREDENTIALS_V2, include_str!("credentials-v2.json")),
    (OPEN_BADGES_V3, include_str!("ob-v3p0-context-3.0.3.json")),
    (
        OPEN_BADGES_V3_EXTENSIONS,
        include_str!("ob-v3p0-extensions.json"),
    ),
    (DATA_INTEGRITY_V2, include_str!("data-integrity-v2.json")),
    (MULTIKEY_V1, include_str!("multikey-v1.json")),
    (DID_V1, include_str!("did-v1.json")),
    (CREDENTIALS_V1, include_str!("credentials-v1.json")),
    (
        CREDENTIALS_STATUS_V1,
        include_str!("credentials-status-v1.json"),
    ),
    (DATA_INTEGRITY_V1, include_str!("data-integrity-v1.json")),
    (
        OPEN_BADGES_V3_0_0,
        include_str!("ob-v3p0-context-3.0.0.json"),
    ),
    (
        OPEN_BADGES_V3_0_1,
        include_str!("ob-v3p0-context-3.0.1.json"),
    ),
    (
        OPEN_BADGES_V3_0_2,
        include_str!("ob-v3p0-context-3.0.2.json"),
    ),
    (OPEN_BADGES_V2, include_str!("openbadges-v2.json")),
];

/// The W3C test vectors use this one-line `@vocab` context; it accepts any term, so it is bundled
/// for tests only.
#[cfg(test)]
const TEST_ONLY: &[(&str, &str)] = &[(
    "https://www.w3.org/ns/credentials/examples/v2",
    r#"{"@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}}"#,
)];
#[cfg(not(test))]
const TEST_ONLY: &[(&str, &str)] = &[];

fn entries() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    BUNDLED.iter().chain(TEST_ONLY)
}

/// Why a context could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    #[error("the JSON-LD context `{0}` is not bundled with Lanyard (contexts are never fetched)")]
    NotBundled(String),
    #[error("the bundled JSON-LD context `{0}` is not a JSON object with an `@context` entry")]
    Malformed(String),
}

/// The URLs of every bundled context.
pub fn urls() -> impl Iterator<Item = &'static str> {
    entries().map(|(url, _)| *url)
}

/// The bundled document for `url`, as published (a JSON object with an `@context` entry).
pub fn document_text(url: &str) -> Result<&'static str, ContextError> {
    entries()
        .find(|(known, _)| *known == url)
        .map(|(_, text)| *text)
        .ok_or_else(|| ContextError::NotBundled(url.to_owned()))
}

/// The `@context` value of the bundled document for `url`, parsed once per process.
pub fn load(url: &str) -> Result<&'static Value, ContextError> {
    static PARSED: OnceLock<Vec<Option<Value>>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        entries()
            .map(|(_, text)| {
                let mut document: Value = serde_json::from_str(text).ok()?;
                document.get_mut("@context").map(Value::take)
            })
            .collect()
    });
    let index = entries()
        .position(|(known, _)| *known == url)
        .ok_or_else(|| ContextError::NotBundled(url.to_owned()))?;
    parsed
        .get(index)
        .and_then(Option::as_ref)
        .ok_or_else(|| ContextError::Malformed(url.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_context_parses() {
        for url in urls() {
            let context = load(url).unwrap();
            assert!(context.is_object() || context.is_array(), "{url}");
        }
    }

    #[test]
    fn an_unknown_context_is_refused_rather_than_fetched() {
        assert_eq!(
            load("https://example.com/context.json"),
            Err(ContextError::NotBundled(
                "https://example.com/context.json".into()
            ))
        );
        // Near misses are refused too: the URL must match exactly.
        assert!(load("https://www.w3.org/ns/credentials/v2/").is_err());
        assert!(load("http://www.w3.org/ns/credentials/v2").is_err());
    }
}
