//! The operator's master key, which encrypts every issuer's private key at rest
//! (XChaCha20-Poly1305, a random nonce per key, the key's identity as associated data).

use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

use crate::settings::SigningSettings;

pub struct MasterKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

/// Where the master key came from, to tell the operator.
#[derive(Debug, PartialEq, Eq)]
pub enum MasterKeySource {
    Setting,
    File,
    Generated(String),
}

fn decode(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|_| anyhow::anyhow!("the master key must be 32 bytes in base64"))?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("the master key must be 32 bytes in base64"))
}

impl MasterKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> MasterKey {
        MasterKey {
            cipher: XChaCha20Poly1305::new(bytes.into()),
        }
    }

    /// A fresh random key, base64-encoded.
    pub fn generate_base64() -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// Loads the key from `signing.master_key`, else from `signing.master_key_file`; when
    /// neither holds one and `generate_master_key` is on (development, demo), writes a new key
    /// to the file. A production profile (generation off) refuses to start without a key.
    pub fn load(settings: &SigningSettings) -> anyhow::Result<(MasterKey, MasterKeySource)> {
        Self::load_from(
            &settings.master_key,
            &settings.master_key_file,
            settings.generate_master_key,
        )?
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no master key: set LANYARD__SIGNING__MASTER_KEY (32 bytes, base64; \
                 `lanyard keys master` prints a new one) or LANYARD__SIGNING__MASTER_KEY_FILE"
            )
        })
    }

    /// A key from `key` (base64), else from the file `file`; when neither holds one and
    /// `generate` is on, a new key written to `file`. `None` when there is no key to be had.
    pub fn load_from(
        key: &str,
        file: &str,
        generate: bool,
    ) -> anyhow::Result<Option<(MasterKey, MasterKeySource)>> {
        if !key.trim().is_empty() {
            return Ok(Some((
                MasterKey::from_bytes(&decode(key)?),
                MasterKeySource::Setting,
            )));
        }
        let file = file.trim();
        if !file.is_empty() && Path::new(file).exists() {
            let text = std::fs::read_to_string(file)?;
            return Ok(Some((
                MasterKey::from_bytes(&decode(&text)?),
                MasterKeySource::File,
            )));
        }
        if generate && !file.is_empty() {
            let path = Path::new(file);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let key = Self::generate_base64();
            write_private(path, &key)?;
            return Ok(Some((
                MasterKey::from_bytes(&decode(&key)?),
                MasterKeySource::Generated(file.to_string()),
            )));
        }
        Ok(None)
    }

    /// Encrypts `secret`, bound to `identity`; returns (nonce, ciphertext).
    pub fn seal(&self, secret: &[u8], identity: &str) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: identity.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("sealing a key failed"))?;
        Ok((nonce.to_vec(), sealed))
    }

    /// Decrypts what `seal` made for the same `identity`.
    pub fn open(&self, nonce: &[u8], sealed: &[u8], identity: &str) -> anyhow::Result<Vec<u8>> {
        if nonce.len() != 24 {
            anyhow::bail!("a sealed key has a 24-byte nonce");
        }
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: identity.as_bytes(),
                },
            )
            .map_err(|_| {
                anyhow::anyhow!("a key could not be opened: wrong master key or tampered row")
            })
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_the_same_key_and_identity() {
        let key = MasterKey::from_bytes(&[7u8; 32]);
        let (nonce, sealed) = key.seal(b"secret key bytes", "city:1:org:2:1").unwrap();
        assert_eq!(
            key.open(&nonce, &sealed, "city:1:org:2:1").unwrap(),
            b"secret key bytes"
        );
        assert!(key.open(&nonce, &sealed, "city:1:org:3:1").is_err());
        assert!(MasterKey::from_bytes(&[8u8; 32])
            .open(&nonce, &sealed, "city:1:org:2:1")
            .is_err());
        assert!(!sealed.windows(6).any(|w| w == b"secret"));
    }

    #[test]
    fn production_without_a_key_refuses_to_start() {
        let settings = SigningSettings {
            master_key: String::new(),
            master_key_file: String::new(),
            generate_master_key: false,
            ..SigningSettings::default()
        };
        assert!(MasterKey::load(&settings).is_err());
    }

    #[test]
    fn development_generates_a_key_file_once_and_reuses_it() {
        let dir = std::env::temp_dir().join(format!("lanyard-mk-{}", uuid::Uuid::new_v4()));
        let file = dir.join("master.key").display().to_string();
        let settings = SigningSettings {
            master_key_file: file.clone(),
            generate_master_key: true,
            ..SigningSettings::default()
        };
        let (first, source) = MasterKey::load(&settings).unwrap();
        assert_eq!(source, MasterKeySource::Generated(file));
        let (nonce, sealed) = first.seal(b"x", "id").unwrap();
        let (second, source) = MasterKey::load(&settings).unwrap();
        assert_eq!(source, MasterKeySource::File);
        assert_eq!(second.open(&nonce, &sealed, "id").unwrap(), b"x");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_malformed_key_is_refused() {
        let settings = SigningSettings {
            master_key: "not base64!".into(),
            ..SigningSettings::default()
        };
        assert!(MasterKey::load(&settings).is_err());
    }
}
