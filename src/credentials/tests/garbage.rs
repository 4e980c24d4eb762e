//! Garbage in, errors out: random and mangled documents never panic, and never verify.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

use super::{created, issuer_key, issuer_keys, ob3_credential, ISSUER};
use crate::credentials::{didkey, jsonld, multikey, proof};

const WORDS: &[&str] = &[
    "@context",
    "@id",
    "@type",
    "@value",
    "@language",
    "@list",
    "@set",
    "@graph",
    "@vocab",
    "@protected",
    "@container",
    "@json",
    "@reverse",
    "@nest",
    "@index",
    "@foo",
    "id",
    "type",
    "name",
    "issuer",
    "credentialSubject",
    "achievement",
    "criteria",
    "image",
    "proof",
    "evidence",
    "validFrom",
    "hashed",
    "identifier",
    "Profile",
    "Achievement",
    "Image",
    "VerifiableCredential",
    "OpenBadgeCredential",
    "_:b0",
    "_:",
    "ex:thing",
    "http://example.org/x",
    "relative",
    "",
    "z",
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://w3id.org/security/data-integrity/v2",
];

fn word(rng: &mut StdRng) -> String {
    WORDS[rng.gen_range(0..WORDS.len())].to_owned()
}

fn random_value(rng: &mut StdRng, depth: u32) -> Value {
    let choice = if depth > 4 {
        rng.gen_range(0..5)
    } else {
        rng.gen_range(0..8)
    };
    match choice {
        0 => Value::Null,
        1 => Value::Bool(rng.gen()),
        2 => json!(rng.gen_range(-1.0e22..1.0e22)),
        3 => json!(rng.gen::<i64>()),
        4 => Value::String(word(rng)),
        5 | 6 => {
            let mut map = Map::new();
            for _ in 0..rng.gen_range(0..6) {
                map.insert(word(rng), random_value(rng, depth + 1));
            }
            Value::Object(map)
        }
        _ => Value::Array(
            (0..rng.gen_range(0..4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
    }
}

/// Replaces a random node of `value` with `replacement`.
fn mangle(value: &mut Value, rng: &mut StdRng, replacement: Value) {
    let children = match value {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if children == 0 || rng.gen_bool(0.25) {
        *value = replacement;
        return;
    }
    let index = rng.gen_range(0..children);
    match value {
        Value::Object(map) => {
            if let Some(child) = map.values_mut().nth(index) {
                mangle(child, rng, replacement);
            }
        }
        Value::Array(items) => mangle(&mut items[index], rng, replacement),
        _ => {}
    }
}

#[test]
fn random_documents_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x1a2b_3c4d);
    for _ in 0..3000 {
        let mut document = random_value(&mut rng, 0);
        if rng.gen_bool(0.7) {
            let contexts = [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ];
            if let Value::Object(map) = &mut document {
                map.insert("@context".into(), json!(contexts));
            }
        }
        let _ = jsonld::canonicalize(&document);
        let _ = proof::sign(
            &document,
            &issuer_key(),
            &format!("{ISSUER}#key-1"),
            created(),
        );
        let _ = proof::verify(&document, didkey::resolve);
    }
}

#[test]
fn mangled_credentials_never_panic_and_never_verify() {
    let signed = proof::sign(
        &ob3_credential(),
        &issuer_key(),
        &format!("{ISSUER}#key-1"),
        created(),
    )
    .unwrap();
    let mut rng = StdRng::seed_from_u64(42);
    for _ in 0..3000 {
        let mut mangled = signed.clone();
        let replacement = random_value(&mut rng, 2);
        mangle(&mut mangled, &mut rng, replacement);
        if mangled == signed {
            continue;
        }
        let _ = jsonld::canonicalize(&mangled);
        if let Ok(verified) = proof::verify(&mangled, issuer_keys) {
            // Only changes that leave the signed statements intact may verify, e.g. a null
            // value where there was none, or the same context repeated.
            let mut unsigned = mangled.clone();
            unsigned.as_object_mut().map(|m| m.remove("proof"));
            assert_eq!(
                jsonld::canonicalize(&unsigned).unwrap(),
                jsonld::canonicalize(&ob3_credential()).unwrap(),
                "{verified:?}"
            );
        }
    }
}

#[test]
fn hostile_shapes_are_refused_without_panicking() {
    let mut deep = json!("leaf");
    for _ in 0..300 {
        deep = json!({"@context": {"ex": "https://example.org/#"}, "ex:p": [deep]});
    }
    assert!(matches!(
        jsonld::canonicalize(&deep),
        Err(jsonld::JsonLdError::TooComplex(_))
    ));

    let cyclic = json!({"@context": {"a": "b:x", "b": "a:y"}, "a": 1});
    assert!(jsonld::canonicalize(&cyclic).is_err());
    let cleared = json!({"@context": ["https://www.w3.org/ns/credentials/v2", null], "name": "x"});
    assert!(jsonld::canonicalize(&cleared).is_err());
    let redefined = json!({"@context": ["https://www.w3.org/ns/credentials/v2", {"name": "https://evil.example/name"}], "name": "x"});
    assert!(matches!(
        jsonld::canonicalize(&redefined),
        Err(jsonld::JsonLdError::InvalidContext(_))
    ));
    for scalar in [json!(null), json!(1), json!("x"), json!(true)] {
        assert!(jsonld::canonicalize(&scalar).is_err());
        assert!(proof::verify(&scalar, didkey::resolve).is_err());
    }
    for key in [
        "",
        "z",
        "z1",
        "zzzzzzzz",
        "\u{0}",
        "did:key:",
        "did:key:z6Mk#",
    ] {
        assert!(multikey::decode_public_key(key).is_err());
        assert!(multikey::decode_secret_key(key).is_err());
        assert!(didkey::resolve(key).is_err());
    }
}

/// Blank nodes all alike and all linked: the shape that makes RDFC-1.0 exponential.
pub(super) fn clique(size: usize) -> Value {
    let nodes: Vec<Value> = (0..size)
        .map(|i| {
            let others: Vec<Value> = (0..size)
                .filter(|j| *j != i)
                .map(|j| json!({"@id": format!("_:b{j}")}))
                .collect();
            json!({"@id": format!("_:b{i}"), "ex:knows": others})
        })
        .collect();
    json!({"@context": {"ex": "https://example.org/#"}, "@graph": nodes})
}

#[test]
fn poison_graphs_are_refused_quickly() {
    let started = std::time::Instant::now();
    for size in [3, 6, 17, 40] {
        assert!(matches!(
            jsonld::canonicalize(&clique(size)),
            Err(jsonld::JsonLdError::TooComplex(_))
        ));
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
