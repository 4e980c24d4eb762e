//! Ed25519 keys as Multikey multibase strings (W3C Controlled Identifiers v1.0 §2.2.2):
//! `z` (base58btc) + multicodec header + key bytes. Public keys read `z6Mk…` (header `0xed01`),
//! secret keys `z3u2…` (header `0x8026`, the 32-byte seed).

use ed25519_dalek::{SigningKey, VerifyingKey, PUBLIC_KEY_LENGTH, SECRET_KEY_LENGTH};

const ED25519_PUBLIC_HEADER: [u8; 2] = [0xed, 0x01];
const ED25519_SECRET_HEADER: [u8; 2] = [0x80, 0x26];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultikeyError {
    #[error("a multibase key must start with `z` (base58btc)")]
    NotBase58Btc,
    #[error("the key is not valid base58")]
    InvalidBase58,
    #[error("the key is not an Ed25519 {0} key (wrong multicodec header or length)")]
    NotEd25519(&'static str),
    #[error("the bytes are not a valid Ed25519 public key")]
    InvalidPublicKey,
}

/// `publicKeyMultibase` for `key` (`z6Mk…`).
pub fn encode_public_key(key: &VerifyingKey) -> String {
    encode(ED25519_PUBLIC_HEADER, key.as_bytes())
}

/// The Ed25519 public key in a `publicKeyMultibase` value.
pub fn decode_public_key(multibase: &str) -> Result<VerifyingKey, MultikeyError> {
    let bytes: [u8; PUBLIC_KEY_LENGTH] = decode(multibase, ED25519_PUBLIC_HEADER, "public")?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| MultikeyError::InvalidPublicKey)
}

/// `secretKeyMultibase` for `key` (`z3u2…`). A secret: keep it out of logs.
pub fn encode_secret_key(key: &SigningKey) -> String {
    encode(ED25519_SECRET_HEADER, key.as_bytes())
}

/// The Ed25519 signing key in a `secretKeyMultibase` value.
pub fn decode_secret_key(multibase: &str) -> Result<SigningKey, MultikeyError> {
    let seed: [u8; SECRET_KEY_LENGTH] = decode(multibase, ED25519_SECRET_HEADER, "secret")?;
    Ok(SigningKey::from_bytes(&seed))
}

fn encode(header: [u8; 2], key: &[u8; 32]) -> String {
    let mut bytes = Vec::with_capacity(34);
    bytes.extend_from_slice(&header);
    bytes.extend_from_slice(key);
    format!("z{}", bs58::encode(bytes).into_string())
}

fn decode(multibase: &str, header: [u8; 2], kind: &'static str) -> Result<[u8; 32], MultikeyError> {
    let encoded = multibase
        .strip_prefix('z')
        .ok_or(MultikeyError::NotBase58Btc)?;
    if encoded.len() > 64 {
        return Err(MultikeyError::NotEd25519(kind));
    }
    let bytes = bs58::decode(encoded)
        .into_vec()
        .map_err(|_| MultikeyError::InvalidBase58)?;
    bytes
        .strip_prefix(&header)
        .and_then(|key| <[u8; 32]>::try_from(key).ok())
        .ok_or(MultikeyError::NotEd25519(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    // The key pair of the W3C Data Integrity EdDSA Cryptosuites v1.0 test vectors (§B.1).
    const PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";
    const SECRET: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";

    #[test]
    fn the_w3c_key_pair_round_trips_and_matches() {
        let secret = decode_secret_key(SECRET).unwrap();
        let public = decode_public_key(PUBLIC).unwrap();
        assert_eq!(secret.verifying_key(), public);
        assert_eq!(encode_public_key(&public), PUBLIC);
        assert_eq!(encode_secret_key(&secret), SECRET);
        assert_eq!(
            hex::encode(public.as_bytes()),
            "b00d8d938e7f773d51565aad36a623f5344f7f5d1960f9cf3e8e12620ea2810f"
        );
    }

    #[test]
    fn malformed_keys_are_refused_with_a_reason() {
        assert_eq!(
            decode_public_key("6MkrJVna"),
            Err(MultikeyError::NotBase58Btc)
        );
        assert_eq!(
            decode_public_key("z0OIl"),
            Err(MultikeyError::InvalidBase58)
        );
        assert_eq!(
            decode_public_key(SECRET),
            Err(MultikeyError::NotEd25519("public"))
        );
        assert_eq!(
            decode_secret_key(PUBLIC),
            Err(MultikeyError::NotEd25519("secret"))
        );
        assert_eq!(
            decode_public_key("z"),
            Err(MultikeyError::NotEd25519("public"))
        );
        let long = format!("z{}", "2".repeat(200));
        assert_eq!(
            decode_public_key(&long),
            Err(MultikeyError::NotEd25519("public"))
        );
    }
}
