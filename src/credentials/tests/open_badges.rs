//! An Open Badges 3.0 credential shaped as STANDARDS.md says: signed, verified, tampered with,
//! and refused when safe mode would drop part of it.

use serde_json::{json, Value};

use super::{created, issuer_key, issuer_keys, ob3_credential, ISSUER};
use crate::credentials::contexts::ContextError;
use crate::credentials::jsonld::{self, JsonLdError};
use crate::credentials::proof::{self, ProofError};

fn signed() -> Value {
    proof::sign(
        &ob3_credential(),
        &issuer_key(),
        &format!("{ISSUER}#key-1"),
        created(),
    )
    .unwrap()
}

/// Every JSON pointer to a leaf (string, number, boolean) of `value`.
fn leaves(value: &Value, pointer: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                leaves(
                    item,
                    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                leaves(item, format!("{pointer}/{index}"), out);
            }
        }
        _ => out.push(pointer),
    }
}

fn sign_error(document: &Value) -> ProofError {
    proof::sign(
        document,
        &issuer_key(),
        &format!("{ISSUER}#key-1"),
        created(),
    )
    .unwrap_err()
}

#[test]
fn a_signed_open_badge_verifies_with_the_issuers_key() {
    let verified = proof::verify(&signed(), issuer_keys).unwrap();
    assert_eq!(verified.verification_method, format!("{ISSUER}#key-1"));
    assert_eq!(verified.created.as_deref(), Some("2026-06-01T12:00:05Z"));
}

#[test]
fn the_proof_has_exactly_the_fields_the_standard_lists() {
    let signed = signed();
    let proof = signed["proof"].as_object().unwrap();
    let mut keys: Vec<&str> = proof.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "created",
            "cryptosuite",
            "proofPurpose",
            "proofValue",
            "type",
            "verificationMethod"
        ]
    );
    assert_eq!(proof["type"], "DataIntegrityProof");
    assert_eq!(proof["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(proof["created"], "2026-06-01T12:00:05Z");
    assert_eq!(proof["proofPurpose"], "assertionMethod");
    assert!(proof["proofValue"].as_str().unwrap().starts_with('z'));
    let mut unsigned = signed.clone();
    unsigned.as_object_mut().unwrap().remove("proof");
    assert_eq!(
        unsigned,
        ob3_credential(),
        "signing changes nothing but adding the proof"
    );
}

#[test]
fn nothing_in_the_credential_is_left_out_of_what_is_signed() {
    let canonical = jsonld::canonicalize(&ob3_credential()).unwrap();
    let mut pointers = Vec::new();
    leaves(&ob3_credential(), String::new(), &mut pointers);
    for pointer in pointers.iter().filter(|p| !p.starts_with("/@context")) {
        let leaf = ob3_credential().pointer(pointer).unwrap().clone();
        let text = match &leaf {
            Value::String(text) => text.replace('\n', "\\n").replace('"', "\\\""),
            other => other.to_string(),
        };
        assert!(
            canonical.contains(&text),
            "{pointer} ({text}) is not in the canonical form"
        );
    }
}

#[test]
fn changing_any_value_breaks_the_signature() {
    let signed = signed();
    let mut pointers = Vec::new();
    leaves(&signed, String::new(), &mut pointers);
    assert!(pointers.len() > 30);
    for pointer in pointers {
        let mut tampered = signed.clone();
        let leaf = tampered.pointer_mut(&pointer).unwrap();
        *leaf = match leaf.take() {
            Value::String(text) => Value::String(format!("{text}x")),
            Value::Bool(flag) => Value::Bool(!flag),
            Value::Number(n) => json!(n.as_i64().unwrap_or(0) + 1),
            other => other,
        };
        let result = proof::verify(&tampered, issuer_keys);
        assert!(result.is_err(), "changing {pointer} still verifies");
    }
}

#[test]
fn removing_or_adding_a_statement_breaks_the_signature() {
    let mut removed = signed();
    removed["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("description");
    assert_eq!(
        proof::verify(&removed, issuer_keys),
        Err(ProofError::BadSignature)
    );

    let mut added = signed();
    added["credentialSubject"]["achievement"]["achievementType"] = json!("Badge");
    assert_eq!(
        proof::verify(&added, issuer_keys),
        Err(ProofError::BadSignature)
    );
}

#[test]
fn a_signature_by_another_key_or_an_unlisted_key_is_refused() {
    let other = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
    let forged = proof::sign(
        &ob3_credential(),
        &other,
        &format!("{ISSUER}#key-1"),
        created(),
    )
    .unwrap();
    assert_eq!(
        proof::verify(&forged, issuer_keys),
        Err(ProofError::BadSignature)
    );

    let unlisted = proof::sign(
        &ob3_credential(),
        &other,
        &format!("{ISSUER}#key-9"),
        created(),
    )
    .unwrap();
    assert!(matches!(
        proof::verify(&unlisted, issuer_keys),
        Err(ProofError::UnknownKey { .. })
    ));
}

#[test]
fn an_undefined_property_fails_signing_and_names_the_term() {
    let mut credential = ob3_credential();
    credential["credentialSubject"]["favouriteColour"] = json!("blue");
    assert_eq!(
        sign_error(&credential),
        ProofError::Canonicalization(JsonLdError::UndefinedTerm {
            term: "favouriteColour".into(),
            path: "/credentialSubject".into()
        })
    );
    let message = sign_error(&credential).to_string();
    assert!(message.contains("favouriteColour"), "{message}");
}

#[test]
fn a_term_defined_only_for_another_type_is_undefined_here() {
    // `caption` belongs to Image; on an Achievement safe mode refuses it.
    let mut credential = ob3_credential();
    credential["credentialSubject"]["achievement"]["caption"] = json!("misplaced");
    assert!(matches!(
        sign_error(&credential),
        ProofError::Canonicalization(JsonLdError::UndefinedTerm { term, .. }) if term == "caption"
    ));
}

#[test]
fn an_undefined_type_fails_signing() {
    let mut credential = ob3_credential();
    credential["credentialSubject"]["achievement"]["type"] = json!(["Achievement", "Trophy"]);
    assert!(matches!(
        sign_error(&credential),
        ProofError::Canonicalization(JsonLdError::UndefinedType { term, .. }) if term == "Trophy"
    ));
}

#[test]
fn a_relative_id_fails_signing() {
    let mut credential = ob3_credential();
    credential["credentialSubject"]["achievement"]["id"] = json!("badges/junior-librarian");
    assert!(matches!(
        sign_error(&credential),
        ProofError::Canonicalization(JsonLdError::RelativeIri { iri, path })
            if iri == "badges/junior-librarian" && path == "/credentialSubject/achievement"
    ));

    let mut credential = ob3_credential();
    credential["credentialStatus"][1]["statusListCredential"] = json!("/status/1");
    assert!(matches!(
        sign_error(&credential),
        ProofError::Canonicalization(JsonLdError::RelativeIri { iri, .. }) if iri == "/status/1"
    ));

    assert!(matches!(
        proof::sign(&ob3_credential(), &issuer_key(), "#key-1", created()),
        Err(ProofError::Canonicalization(
            JsonLdError::RelativeIri { .. }
        ))
    ));
}

#[test]
fn a_context_that_is_not_bundled_is_refused_not_fetched() {
    let mut credential = ob3_credential();
    credential["@context"][2] = json!("https://evil.example/context.json");
    assert_eq!(
        sign_error(&credential),
        ProofError::Canonicalization(JsonLdError::Context(ContextError::NotBundled(
            "https://evil.example/context.json".into()
        )))
    );
}

#[test]
fn the_1edtech_revocation_list_needs_the_extensions_context() {
    let mut credential = ob3_credential();
    credential["@context"].as_array_mut().unwrap().pop();
    assert!(matches!(
        sign_error(&credential),
        ProofError::Canonicalization(JsonLdError::UndefinedType { term, .. }) if term == "1EdTechRevocationList"
    ));
}

#[test]
fn signing_twice_and_malformed_proofs_are_refused_with_a_reason() {
    let signed = signed();
    assert_eq!(sign_error(&signed), ProofError::AlreadySigned);

    let with = |field: &str, value: Value| {
        let mut document = signed.clone();
        document["proof"][field] = value;
        proof::verify(&document, issuer_keys).unwrap_err()
    };
    assert_eq!(
        with("type", json!("Ed25519Signature2020")),
        ProofError::UnsupportedType("Ed25519Signature2020".into())
    );
    assert_eq!(
        with("cryptosuite", json!("eddsa-jcs-2022")),
        ProofError::UnsupportedCryptosuite("eddsa-jcs-2022".into())
    );
    assert_eq!(
        with("proofPurpose", json!("authentication")),
        ProofError::WrongPurpose("authentication".into())
    );
    assert_eq!(
        with("proofValue", json!("u1234")),
        ProofError::MalformedProofValue
    );
    assert_eq!(
        with("proofValue", json!("z1234")),
        ProofError::MalformedProofValue
    );
    assert_eq!(
        with("proofValue", json!(42)),
        ProofError::MissingField("proofValue")
    );
    assert!(matches!(
        with("created", json!("yesterday")),
        ProofError::InvalidCreated(_)
    ));
    assert_eq!(
        with("created", json!("2026-06-01T12:00:06Z")),
        ProofError::BadSignature
    );
    assert_eq!(
        with("@context", json!(["https://www.w3.org/ns/did/v1"])),
        ProofError::ContextMismatch
    );

    let mut two = signed.clone();
    two["proof"] = json!([signed["proof"], signed["proof"]]);
    assert_eq!(
        proof::verify(&two, issuer_keys),
        Err(ProofError::MultipleProofs(2))
    );
    let mut one = signed.clone();
    one["proof"] = json!([signed["proof"]]);
    assert!(proof::verify(&one, issuer_keys).is_ok());
    let mut none = signed.clone();
    none.as_object_mut().unwrap().remove("proof");
    assert_eq!(
        proof::verify(&none, issuer_keys),
        Err(ProofError::MissingProof)
    );
}

#[test]
fn a_proof_repeating_the_documents_context_verifies() {
    // Some issuers copy the document's @context into the proof; the spec allows it.
    let mut signed = signed();
    signed["proof"]["@context"] = signed["@context"].clone();
    assert!(proof::verify(&signed, issuer_keys).is_ok());
}
