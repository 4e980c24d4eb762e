//! `did:key` for Ed25519 (W3C CCG did:key v0.7): the identifier is the public key itself, so
//! resolving it needs no network. `did:key:z6Mk…#z6Mk…` names the key's verification method.

use ed25519_dalek::VerifyingKey;

use super::multikey::{self, MultikeyError};

const PREFIX: &str = "did:key:";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DidKeyError {
    #[error("`{0}` is not a did:key identifier")]
    NotDidKey(String),
    #[error("the fragment of `{0}` does not name the did:key's own key")]
    ForeignFragment(String),
    #[error("did:key {0}")]
    Key(#[from] MultikeyError),
}

/// The `did:key` of an Ed25519 public key (`did:key:z6Mk…`).
pub fn did_for(key: &VerifyingKey) -> String {
    format!("{PREFIX}{}", multikey::encode_public_key(key))
}

/// The verification method id of that key (`did:key:z6Mk…#z6Mk…`).
pub fn verification_method_for(key: &VerifyingKey) -> String {
    let multibase = multikey::encode_public_key(key);
    format!("{PREFIX}{multibase}#{multibase}")
}

/// The Ed25519 public key a `did:key` (with or without its `#z6Mk…` fragment) stands for.
pub fn resolve(did_url: &str) -> Result<VerifyingKey, DidKeyError> {
    let identifier = did_url
        .strip_prefix(PREFIX)
        .ok_or_else(|| DidKeyError::NotDidKey(did_url.to_owned()))?;
    let (multibase, fragment) = match identifier.split_once('#') {
        Some((multibase, fragment)) => (multibase, Some(fragment)),
        None => (identifier, None),
    };
    if fragment.is_some_and(|f| f != multibase) {
        return Err(DidKeyError::ForeignFragment(did_url.to_owned()));
    }
    if multibase.contains([':', '/', '?']) {
        return Err(DidKeyError::NotDidKey(did_url.to_owned()));
    }
    Ok(multikey::decode_public_key(multibase)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTOR_METHOD: &str = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

    #[test]
    fn a_did_key_verification_method_resolves_to_its_public_key() {
        let key = resolve(VECTOR_METHOD).unwrap();
        assert_eq!(verification_method_for(&key), VECTOR_METHOD);
        assert_eq!(resolve(&did_for(&key)).unwrap(), key);
    }

    #[test]
    fn other_identifiers_and_foreign_fragments_are_refused() {
        assert!(matches!(
            resolve("did:web:example.com"),
            Err(DidKeyError::NotDidKey(_))
        ));
        assert!(matches!(
            resolve("https://example.com/issuer#key-1"),
            Err(DidKeyError::NotDidKey(_))
        ));
        let foreign = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#key-1";
        assert!(matches!(
            resolve(foreign),
            Err(DidKeyError::ForeignFragment(_))
        ));
        assert!(matches!(resolve("did:key:zzz"), Err(DidKeyError::Key(_))));
    }
}
