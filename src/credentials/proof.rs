//! Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C Data Integrity EdDSA
//! Cryptosuites v1.0, §3.1): the signature covers SHA-256 of the canonical proof options
//! followed by SHA-256 of the canonical document, both canonicalized in safe mode.
//!
//! Error policy: every failure is a [`ProofError`] saying what failed; no input panics. A
//! document this module cannot canonicalize is never signed, and never reported as verified.

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde_json::{Map, Value};

use super::contexts::{CREDENTIALS_V2, DATA_INTEGRITY_V2};
use super::jsonld::{canonical_hash, JsonLdError};

pub const PROOF_TYPE: &str = "DataIntegrityProof";
pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";
pub const ASSERTION_METHOD: &str = "assertionMethod";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the document is not a JSON object")]
    NotAnObject,
    #[error("the document has no @context")]
    MissingContext,
    #[error("the document already has a proof")]
    AlreadySigned,
    #[error("the document has no proof")]
    MissingProof,
    #[error("the document has {0} proofs; exactly one is supported")]
    MultipleProofs(usize),
    #[error("the proof is not a JSON object")]
    MalformedProof,
    #[error("the proof's `{0}` is missing or not a string")]
    MissingField(&'static str),
    #[error("the proof type `{0}` is not DataIntegrityProof")]
    UnsupportedType(String),
    #[error("the cryptosuite `{0}` is not eddsa-rdfc-2022")]
    UnsupportedCryptosuite(String),
    #[error("the proof purpose `{0}` is not assertionMethod")]
    WrongPurpose(String),
    #[error("the proof's `created` ({0}) is not a date-time with a time zone")]
    InvalidCreated(String),
    #[error("the proof's @context is not the beginning of the document's @context")]
    ContextMismatch,
    #[error("the proofValue is not a base58btc (`z…`) Ed25519 signature")]
    MalformedProofValue,
    #[error("the verification method `{method}` could not be resolved: {reason}")]
    UnknownKey { method: String, reason: String },
    #[error("the signature does not match: the document was altered or signed with another key")]
    BadSignature,
    #[error("the document cannot be canonicalized: {0}")]
    Canonicalization(#[from] JsonLdError),
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    /// The key that signed, as named in the proof. Callers check that it belongs to the issuer.
    pub verification_method: String,
    pub created: Option<String>,
    pub proof_purpose: String,
}

/// `document` with an `eddsa-rdfc-2022` proof made with `key`, which `verification_method`
/// (an absolute IRI, e.g. `<issuer id>#key-1` or a `did:key`) must name.
pub fn sign(
    document: &Value,
    key: &SigningKey,
    verification_method: &str,
    created: DateTime<Utc>,
) -> Result<Value, ProofError> {
    let object = document.as_object().ok_or(ProofError::NotAnObject)?;
    let context = object.get("@context").ok_or(ProofError::MissingContext)?;
    if object.contains_key("proof") {
        return Err(ProofError::AlreadySigned);
    }
    let mut proof = Map::new();
    proof.insert("type".into(), PROOF_TYPE.into());
    proof.insert("cryptosuite".into(), CRYPTOSUITE.into());
    proof.insert(
        "created".into(),
        created.format("%Y-%m-%dT%H:%M:%SZ").to_string().into(),
    );
    proof.insert("verificationMethod".into(), verification_method.into());
    proof.insert("proofPurpose".into(), ASSERTION_METHOD.into());
    let options = proof_options(&proof, with_suite_context(context));
    let signature = key.sign(&hash_data(&options, document)?);
    let proof_value = format!("z{}", bs58::encode(signature.to_bytes()).into_string());
    proof.insert("proofValue".into(), proof_value.into());
    let mut signed = object.clone();
    signed.insert("proof".into(), Value::Object(proof));
    Ok(Value::Object(signed))
}

/// The verification method a document's proof names, to fetch its key before [`verify`].
pub fn verification_method_of(document: &Value) -> Result<&str, ProofError> {
    let proof = single_proof(document.as_object().ok_or(ProofError::NotAnObject)?)?;
    string_field(proof, "verificationMethod")
}

/// Checks the document's single `eddsa-rdfc-2022` proof. `resolve_key` maps the proof's
/// verification method to the public key it names (see [`super::didkey::resolve`]); the caller
/// resolves issuer documents and checks that the key belongs to the issuer.
pub fn verify<E: std::fmt::Display>(
    document: &Value,
    resolve_key: impl FnOnce(&str) -> Result<VerifyingKey, E>,
) -> Result<VerifiedProof, ProofError> {
    let object = document.as_object().ok_or(ProofError::NotAnObject)?;
    let context = object.get("@context").ok_or(ProofError::MissingContext)?;
    let proof = single_proof(object)?;
    let proof_type = string_field(proof, "type")?;
    if proof_type != PROOF_TYPE {
        return Err(ProofError::UnsupportedType(proof_type.to_owned()));
    }
    let cryptosuite = string_field(proof, "cryptosuite")?;
    if cryptosuite != CRYPTOSUITE {
        return Err(ProofError::UnsupportedCryptosuite(cryptosuite.to_owned()));
    }
    let purpose = string_field(proof, "proofPurpose")?;
    if purpose != ASSERTION_METHOD {
        return Err(ProofError::WrongPurpose(purpose.to_owned()));
    }
    let method = string_field(proof, "verificationMethod")?;
    let created = match proof.get("created") {
        None => None,
        Some(Value::String(created)) if DateTime::parse_from_rfc3339(created).is_ok() => {
            Some(created.clone())
        }
        Some(other) => return Err(ProofError::InvalidCreated(other.to_string())),
    };
    let signature = decode_proof_value(string_field(proof, "proofValue")?)?;
    let options_context = match proof.get("@context") {
        None => with_suite_context(context),
        Some(own) if starts_with(context, own) => with_suite_context(own),
        Some(_) => return Err(ProofError::ContextMismatch),
    };
    let mut unsecured = object.clone();
    unsecured.remove("proof");
    let data = hash_data(
        &proof_options(proof, options_context),
        &Value::Object(unsecured),
    )?;
    let key = resolve_key(method).map_err(|e| ProofError::UnknownKey {
        method: method.to_owned(),
        reason: e.to_string(),
    })?;
    key.verify_strict(&data, &signature)
        .map_err(|_| ProofError::BadSignature)?;
    Ok(VerifiedProof {
        verification_method: method.to_owned(),
        created,
        proof_purpose: purpose.to_owned(),
    })
}

/// SHA-256(canonical proof options) ‖ SHA-256(canonical document).
fn hash_data(options: &Value, document: &Value) -> Result<[u8; 64], JsonLdError> {
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&canonical_hash(options)?);
    data[32..].copy_from_slice(&canonical_hash(document)?);
    Ok(data)
}

/// The proof without its value, under `context`.
fn proof_options(proof: &Map<String, Value>, context: Value) -> Value {
    let mut options: Map<String, Value> = proof
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "proofValue" | "@context"))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    options.insert("@context".into(), context);
    Value::Object(options)
}

/// Data Integrity terms come from the VC 2.0 context or the Data Integrity context; a document
/// with neither gets the latter added to its proof options (as Digital Bazaar's library does).
fn with_suite_context(context: &Value) -> Value {
    let names = |url: &str| match context {
        Value::String(one) => one == url,
        Value::Array(many) => many.iter().any(|c| c == url),
        _ => false,
    };
    if names(CREDENTIALS_V2) || names(DATA_INTEGRITY_V2) {
        return context.clone();
    }
    let mut extended = match context {
        Value::Array(many) => many.clone(),
        one => vec![one.clone()],
    };
    extended.push(DATA_INTEGRITY_V2.into());
    Value::Array(extended)
}

fn starts_with(context: &Value, prefix: &Value) -> bool {
    let as_slice = |value: &Value| match value {
        Value::Array(many) => many.clone(),
        one => vec![one.clone()],
    };
    as_slice(context).starts_with(&as_slice(prefix))
}

fn single_proof(document: &Map<String, Value>) -> Result<&Map<String, Value>, ProofError> {
    match document.get("proof") {
        None => Err(ProofError::MissingProof),
        Some(Value::Object(proof)) => Ok(proof),
        Some(Value::Array(proofs)) => match proofs.as_slice() {
            [Value::Object(proof)] => Ok(proof),
            [] => Err(ProofError::MissingProof),
            [_] => Err(ProofError::MalformedProof),
            many => Err(ProofError::MultipleProofs(many.len())),
        },
        Some(_) => Err(ProofError::MalformedProof),
    }
}

fn string_field<'a>(
    proof: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a str, ProofError> {
    proof
        .get(name)
        .and_then(Value::as_str)
        .ok_or(ProofError::MissingField(name))
}

fn decode_proof_value(proof_value: &str) -> Result<Signature, ProofError> {
    let encoded = proof_value
        .strip_prefix('z')
        .ok_or(ProofError::MalformedProofValue)?;
    if encoded.len() > 100 {
        return Err(ProofError::MalformedProofValue);
    }
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| ProofError::MalformedProofValue)?;
    let bytes: [u8; 64] = bytes
        .try_into()
        .map_err(|_| ProofError::MalformedProofValue)?;
    Ok(Signature::from_bytes(&bytes))
}
