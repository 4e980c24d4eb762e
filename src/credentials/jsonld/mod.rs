//! JSON-LD to canonical N-Quads (RDF Dataset Canonicalization, RDFC-1.0), in safe mode, over the
//! bundled contexts only.
//!
//! A processor written for this job rather than a general one: general processors (oxjsonld,
//! jsonld.js) re-read every context for every document, which costs milliseconds per credential;
//! here processed contexts are cached for the life of the process, and expansion emits RDF
//! directly. It implements the parts of JSON-LD 1.1 that credentials, DID documents and their
//! contexts use (protected, type- and property-scoped contexts, `@vocab`, compact IRIs, `@set`,
//! `@list` and `@graph` containers, `@json`, value objects, named graphs) and refuses the rest
//! (`@reverse`, `@nest`, `@included`, index/language/id/type maps, `@direction`, `@base`,
//! `@import`) with [`JsonLdError::Unsupported`] instead of guessing.
//!
//! Safe mode is the rule verifiers apply: an undefined property or type, or a relative
//! identifier, fails the whole document, since plain JSON-LD would drop it and it would never be
//! signed. Terms reached through an `@vocab` count as defined, as in jsonld.js; the contexts
//! Lanyard issues with have no `@vocab`.

mod canon;
mod context;
mod definition;
mod expand;
mod iri;
mod json;
mod ndegree;
mod node;
mod rdf;
mod term;
mod value;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::contexts::ContextError;

/// Why a document has no canonical form. Every variant says what failed and where (a JSON
/// pointer into the document).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonLdError {
    #[error("`{term}` at {path} is not defined by the document's @context")]
    UndefinedTerm { term: String, path: String },
    #[error("the type `{term}` at {path} is not defined by the document's @context")]
    UndefinedType { term: String, path: String },
    #[error("`{iri}` at {path} is not an absolute IRI; identifiers must be absolute")]
    RelativeIri { iri: String, path: String },
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error("invalid JSON-LD context: {0}")]
    InvalidContext(String),
    #[error("invalid JSON-LD at {path}: {reason}")]
    Invalid { reason: String, path: String },
    #[error("unsupported JSON-LD: {0}")]
    Unsupported(String),
    #[error("document too complex to canonicalize: {0}")]
    TooComplex(&'static str),
}

impl JsonLdError {
    pub(crate) fn invalid_context(reason: impl Into<String>) -> Self {
        JsonLdError::InvalidContext(reason.into())
    }

    pub(crate) fn unsupported_in_context(feature: impl std::fmt::Display) -> Self {
        JsonLdError::Unsupported(format!("{feature} in a context"))
    }
}

/// The canonical N-Quads form of `document` (RDFC-1.0 with SHA-256), in safe mode.
///
/// Documents whose blank nodes need more than rdf-canonize's default work (`maxWorkFactor` 1) to
/// tell apart are refused as [`JsonLdError::TooComplex`], as Digital Bazaar's verifier refuses
/// them; that also stops "poison" graphs that would make canonicalization run for ever.
pub fn canonicalize(document: &Value) -> Result<String, JsonLdError> {
    canonicalize_with_work_factor(document, 1)
}

pub(crate) fn canonicalize_with_work_factor(
    document: &Value,
    work_factor: u32,
) -> Result<String, JsonLdError> {
    let dataset = expand::to_rdf(document)?;
    canon::canonical_nquads(dataset.quads, dataset.blank_nodes, work_factor)
}

/// SHA-256 of [`canonicalize`]'s output: what `eddsa-rdfc-2022` signs.
pub fn canonical_hash(document: &Value) -> Result<[u8; 32], JsonLdError> {
    Ok(Sha256::digest(canonicalize(document)?.as_bytes()).into())
}
