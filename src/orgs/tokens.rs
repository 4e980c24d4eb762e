//! API bearer tokens: `lyd_` and 43 random characters, stored only as a SHA-256.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "lyd_";

/// A new token to show once, and the hash to store.
pub fn generate() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    let hash = hash(&token);
    (token, hash)
}

pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_stored_hashed() {
        let (a, ha) = generate();
        let (b, _) = generate();
        assert!(a.starts_with(PREFIX));
        assert_ne!(a, b);
        assert_eq!(hash(&a), ha);
        assert_ne!(ha, a);
    }
}
