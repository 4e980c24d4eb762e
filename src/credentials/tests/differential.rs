//! Our canonical form against an independent one: oxjsonld (JSON-LD to RDF) and oxrdf's RDFC-1.0,
//! from the oxigraph project, fed the same bundled contexts.

use oxjsonld::{JsonLdParser, JsonLdRemoteDocument};
use oxrdf::dataset::{CanonicalizationAlgorithm, CanonicalizationHashAlgorithm};
use oxrdf::Dataset;
use serde_json::{json, Value};

use super::{created, fixture, issuer_key, ob3_credential, ISSUER};
use crate::credentials::{contexts, jsonld, proof};

fn oxigraph_canonical(document: &Value) -> String {
    let text = serde_json::to_vec(document).unwrap();
    let mut dataset = Dataset::new();
    let parser = JsonLdParser::new()
        .for_slice(&text)
        .with_load_document_callback(|url, _| {
            Ok(JsonLdRemoteDocument {
                document: contexts::document_text(url)?.as_bytes().to_vec(),
                document_url: url.into(),
            })
        });
    for quad in parser {
        dataset.insert(&quad.unwrap());
    }
    dataset.canonicalize(CanonicalizationAlgorithm::Rdfc10 {
        hash_algorithm: CanonicalizationHashAlgorithm::Sha256,
    });
    let mut lines: Vec<String> = dataset.iter().map(|quad| format!("{quad} .\n")).collect();
    lines.sort();
    lines.concat()
}

fn assert_same_canonical_form(document: &Value) {
    let ours = jsonld::canonicalize(document).unwrap();
    assert!(!ours.is_empty());
    assert_eq!(ours, oxigraph_canonical(document), "for {document:#}");
}

#[test]
fn the_w3c_documents_canonicalize_as_oxigraph_does() {
    assert_same_canonical_form(&fixture("w3c/credential.json"));
    assert_same_canonical_form(&fixture("w3c/proof-options.json"));
    // The proof sits in a named graph (`proof` is an @graph container).
    assert_same_canonical_form(&fixture("w3c/signed.json"));
}

#[test]
fn an_open_badge_canonicalizes_as_oxigraph_does() {
    assert_same_canonical_form(&ob3_credential());
    let signed = proof::sign(
        &ob3_credential(),
        &issuer_key(),
        &format!("{ISSUER}#key-1"),
        created(),
    )
    .unwrap();
    assert_same_canonical_form(&signed);
}

#[test]
fn identical_blank_nodes_take_the_full_rdfc_algorithm_and_agree() {
    // Two identical pieces of evidence and two identical identifiers share first-degree hashes.
    let mut credential = ob3_credential();
    let evidence = credential["evidence"][0].clone();
    credential["evidence"] = json!([evidence, evidence, {"type": ["Evidence"], "name": "Other"}]);
    let identifier = credential["credentialSubject"]["identifier"][0].clone();
    credential["credentialSubject"]["identifier"] = json!([identifier, identifier]);
    assert_same_canonical_form(&credential);
}

#[test]
fn an_issuer_document_canonicalizes_as_oxigraph_does() {
    let issuer = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1"
        ],
        "id": ISSUER,
        "type": ["Profile"],
        "name": "Riverton Public Library",
        "verificationMethod": [{
            "id": format!("{ISSUER}#key-1"),
            "type": "Multikey",
            "controller": ISSUER,
            "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        }],
        "assertionMethod": [format!("{ISSUER}#key-1")]
    });
    assert_same_canonical_form(&issuer);
}

#[test]
fn less_common_json_ld_features_agree_with_oxigraph() {
    let document = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            {
                "ex": "https://example.org/vocab#",
                "tags": {"@id": "ex:tags", "@container": "@list"},
                "payload": {"@id": "ex:payload", "@type": "@json"},
                "score": {"@id": "ex:score", "@type": "http://www.w3.org/2001/XMLSchema#double"},
                "motto": {"@id": "ex:motto", "@language": "la"}
            }
        ],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": "Profile", "name": "Ex"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": "AchievementSubject",
            "achievement": {
                "id": "https://example.org/achievements/1",
                "type": "Achievement",
                "name": {"@value": "Nom", "@language": "fr"},
                "description": "Tab\tand\u{7}bell",
                "criteria": {"id": "https://example.org/criteria/1"},
                "creditsAvailable": 2.5,
                "ex:count": 3,
                "ex:ratio": 0.25,
                "ex:big": 1.0e21,
                "ex:flag": false
            },
            "ex:tags": "unused",
            "tags": ["b", "a", {"@id": "_:node"}],
            "payload": {"z": [1, 2, {"b": null, "a": true}], "a": "x"},
            "score": 7,
            "motto": "Festina lente"
        },
        "ex:local": {"@id": "_:node", "ex:name": "blank node by label"},
        "ex:graph": {"@id": "https://example.org/g", "@graph": [{"@id": "https://example.org/s", "ex:p": "o"}]}
    });
    assert_same_canonical_form(&document);
}

#[test]
fn a_top_level_graph_and_an_array_of_nodes_agree_with_oxigraph() {
    let graph = json!({
        "@context": {"ex": "https://example.org/vocab#"},
        "@graph": [
            {"@id": "https://example.org/a", "ex:p": {"@id": "https://example.org/b"}},
            {"@id": "https://example.org/b", "ex:q": [1, 2, 3], "@type": "ex:Thing"}
        ]
    });
    assert_same_canonical_form(&graph);
    let array = json!([
        {"@context": {"ex": "https://example.org/vocab#"}, "@id": "https://example.org/a", "ex:p": "1"},
        {"@context": {"@vocab": "https://example.org/other#"}, "q": {"r": "nested"}}
    ]);
    assert_same_canonical_form(&array);
}

#[test]
fn n_degree_hashing_with_recursion_agrees_with_oxigraph() {
    // Refused at the production work factor (as rdf-canonize refuses them); with more work
    // allowed, the labels must still be RDFC-1.0's.
    let cycles = json!({
        "@context": {"ex": "https://example.org/#"},
        "@graph": [
            {"@id": "_:a1", "ex:n": {"@id": "_:a2"}},
            {"@id": "_:a2", "ex:n": {"@id": "_:a3"}},
            {"@id": "_:a3", "ex:n": {"@id": "_:a1"}},
            {"@id": "_:c1", "ex:n": {"@id": "_:c2"}},
            {"@id": "_:c2", "ex:n": {"@id": "_:c1"}, "ex:v": "x"}
        ]
    });
    for document in [cycles, super::garbage::clique(3), super::garbage::clique(4)] {
        assert!(jsonld::canonicalize(&document).is_err());
        let ours = jsonld::canonicalize_with_work_factor(&document, 6)
            .unwrap_or_else(|e| panic!("{e} for {document}"));
        assert_eq!(ours, oxigraph_canonical(&document), "for {document:#}");
    }
}
