//! Password hashing with argon2id (the crate's defaults: 19 MiB, 2 passes), run off the async
//! workers because it is deliberately slow.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

use crate::error::AppError;

/// A PHC string for `password`.
pub fn hash(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("password hashing: {e}")))
}

/// Whether `password` matches the stored PHC string. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when an account does not exist so that a
/// wrong name takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("not a real password, only a decoy").unwrap_or_default())
}

pub async fn hash_async(password: String) -> Result<String, AppError> {
    actix_web::web::block(move || hash(&password))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task: {e}")))?
}

pub async fn verify_async(password: String, phc: String) -> Result<bool, AppError> {
    actix_web::web::block(move || verify(&password, &phc))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("blocking task: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let phc = hash("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("wrong horse battery", &phc));
        assert!(!verify("anything", "not a phc string"));
    }
}
