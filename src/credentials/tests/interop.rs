//! A credential signed by Digital Bazaar's libraries (see tests/fixtures/credentials/README.md).

use serde_json::Value;

use super::fixture;
use crate::credentials::didkey;
use crate::credentials::proof::{self, ProofError};

#[test]
fn a_credential_signed_by_digital_bazaar_verifies() {
    let credential = fixture("digitalbazaar-didkey.json");
    let verified = proof::verify(&credential, didkey::resolve).unwrap();
    assert_eq!(
        verified.verification_method,
        "did:key:z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn#z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn"
    );
    assert_eq!(
        credential["issuer"]["id"],
        "did:key:z6MkgAnvkP45uNxwCKeNdt6wrYkEjpYX4f7Nrd8MQqFL8Fbn"
    );
}

#[test]
fn a_one_character_change_to_the_digital_bazaar_credential_is_refused() {
    let mut credential = fixture("digitalbazaar-didkey.json");
    credential["credentialSubject"]["achievement"]["name"] = Value::from("Trail Stewart");
    assert_eq!(
        proof::verify(&credential, didkey::resolve),
        Err(ProofError::BadSignature)
    );

    let mut credential = fixture("digitalbazaar-didkey.json");
    credential["validFrom"] = Value::from("2026-05-01T09:30:01Z");
    assert_eq!(
        proof::verify(&credential, didkey::resolve),
        Err(ProofError::BadSignature)
    );
}
