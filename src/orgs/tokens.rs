//! API bearer tokens: `lyd_` and 43 random characters, stored only as a SHA-256.

use crate::secrets::{random_token, token_hash};

pub const PREFIX: &str = "lyd_";

/// A new token to show once, and the hash to store.
pub fn generate() -> (String, String) {
    let token = format!("{PREFIX}{}", random_token());
    let hash = token_hash(&token);
    (token, hash)
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
        assert_eq!(token_hash(&a), ha);
        assert_ne!(ha, a);
    }
}
