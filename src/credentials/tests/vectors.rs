//! W3C Data Integrity EdDSA Cryptosuites v1.0 (Recommendation, 15 May 2025), Appendix B.1: every
//! intermediate value of the `eddsa-rdfc-2022` example, byte for byte.

use ed25519_dalek::Signer;
use sha2::{Digest, Sha256};

use super::{fixture, vector_key};
use crate::credentials::{didkey, jsonld, proof};

const CANONICAL_CREDENTIAL: &str =
    include_str!("../../../tests/fixtures/credentials/w3c-eddsa-rdfc-2022/credential.nq");
const CANONICAL_PROOF_OPTIONS: &str =
    include_str!("../../../tests/fixtures/credentials/w3c-eddsa-rdfc-2022/proof-options.nq");
const CREDENTIAL_HASH: &str = "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017";
const PROOF_OPTIONS_HASH: &str = "bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0";
const SIGNATURE: &str = "4d8e53c2d5b3f2a7891753eb16ca993325bdb0d3cfc5be1093d0a18426f5ef8578cadc0fd4b5f4dd0d1ce0aefd15ab120b7a894d0eb094ffda4e6553cd1ed50d";
const PROOF_VALUE: &str =
    "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme";
const VERIFICATION_METHOD: &str = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

#[test]
fn the_credential_canonicalizes_to_example_9_and_hashes_to_example_10() {
    let canonical = jsonld::canonicalize(&fixture("w3c/credential.json")).unwrap();
    assert_eq!(canonical, CANONICAL_CREDENTIAL);
    assert_eq!(
        hex::encode(Sha256::digest(canonical.as_bytes())),
        CREDENTIAL_HASH
    );
}

#[test]
fn the_proof_options_canonicalize_to_example_12_and_hash_to_example_13() {
    let canonical = jsonld::canonicalize(&fixture("w3c/proof-options.json")).unwrap();
    assert_eq!(canonical, CANONICAL_PROOF_OPTIONS);
    let hash = jsonld::canonical_hash(&fixture("w3c/proof-options.json")).unwrap();
    assert_eq!(hex::encode(hash), PROOF_OPTIONS_HASH);
}

#[test]
fn the_signature_of_the_combined_hashes_is_example_15() {
    let combined = hex::decode(format!("{PROOF_OPTIONS_HASH}{CREDENTIAL_HASH}")).unwrap();
    let signature = vector_key().sign(&combined);
    assert_eq!(hex::encode(signature.to_bytes()), SIGNATURE);
    assert_eq!(
        format!("z{}", bs58::encode(signature.to_bytes()).into_string()),
        PROOF_VALUE
    );
}

#[test]
fn signing_the_credential_gives_example_17() {
    let created = chrono::DateTime::parse_from_rfc3339("2023-02-24T23:36:38Z")
        .unwrap()
        .to_utc();
    let signed = proof::sign(
        &fixture("w3c/credential.json"),
        &vector_key(),
        VERIFICATION_METHOD,
        created,
    )
    .unwrap();
    assert_eq!(signed, fixture("w3c/signed.json"));
}

#[test]
fn example_17_verifies_with_its_did_key() {
    let verified = proof::verify(&fixture("w3c/signed.json"), didkey::resolve).unwrap();
    assert_eq!(verified.verification_method, VERIFICATION_METHOD);
    assert_eq!(verified.created.as_deref(), Some("2023-02-24T23:36:38Z"));
    assert_eq!(verified.proof_purpose, "assertionMethod");
}
