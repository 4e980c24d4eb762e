//! Our canonical form against jsonld.js 9 with rdf-canonize 5 (Digital Bazaar, the stack most
//! verifiers run), on documents exercising every JSON-LD feature Lanyard supports. The expected
//! N-Quads were written by `tests/fixtures/credentials/canonize-with-jsonld-js.mjs`.

use crate::credentials::jsonld;

macro_rules! case {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                "../../../tests/fixtures/credentials/jsonld-js/",
                $name,
                ".json"
            )),
            include_str!(concat!(
                "../../../tests/fixtures/credentials/jsonld-js/",
                $name,
                ".nq"
            )),
        )
    };
}

const CASES: &[(&str, &str, &str)] = &[
    case!("features"),
    case!("languages"),
    case!("null-values"),
    case!("presentation"),
    case!("did-document"),
    case!("status-list"),
    case!("ob2-assertion"),
    case!("vc1-ob-3.0.0"),
];

#[test]
fn documents_canonicalize_byte_for_byte_as_jsonld_js_does() {
    for (name, document, expected) in CASES {
        let document: serde_json::Value = serde_json::from_str(document).unwrap();
        let ours = jsonld::canonicalize(&document).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ours, *expected, "{name}");
    }
}
