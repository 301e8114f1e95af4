//! Connector credentials sealed at rest with XChaCha20-Poly1305.
//!
//! The 32-byte key comes from `CORRIDOR_SECRET_KEY` (64 hex characters) or
//! from `<data dir>/secret.key`, generated (0600) on first start. Each sealed
//! value is bound to its connector's id (associated data), so a sealed blob
//! copied onto another connector does not open. The key is never logged.

use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The environment variable holding the key as hex.
pub const SECRET_KEY_ENV: &str = "CORRIDOR_SECRET_KEY";
/// Version prefix of sealed values.
const PREFIX: &str = "v1:";
/// XChaCha20's nonce length.
const NONCE_LEN: usize = 24;

/// Seals and opens secrets. `Debug` shows nothing of the key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

/// A sealed value that does not open: wrong key, wrong connector or damaged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the sealed credentials do not open with this secret key")]
pub struct Unsealable;

impl SecretBox {
    /// A box over a 32-byte key.
    pub fn new(key: &[u8; 32]) -> Self {
        SecretBox {
            cipher: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// The key from `CORRIDOR_SECRET_KEY`, else `<data dir>/secret.key`
    /// (generated if absent).
    pub fn load(data_dir: &Path) -> std::io::Result<Self> {
        if let Ok(text) = std::env::var(SECRET_KEY_ENV) {
            return parse_key(&text).map(|k| SecretBox::new(&k)).ok_or_else(|| {
                std::io::Error::other(format!(
                    "{SECRET_KEY_ENV} must be 64 hexadecimal characters"
                ))
            });
        }
        let path = data_dir.join("secret.key");
        if let Ok(text) = std::fs::read_to_string(&path) {
            return parse_key(&text).map(|k| SecretBox::new(&k)).ok_or_else(|| {
                std::io::Error::other(format!(
                    "{} must hold 64 hexadecimal characters",
                    path.display()
                ))
            });
        }
        let key: [u8; 32] = rand::random();
        write_private(&path, &hex::encode(key))?;
        Ok(SecretBox::new(&key))
    }

    /// Seals `plain`, bound to `context` (the connector id).
    pub fn seal(&self, context: &str, plain: &[u8]) -> String {
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let nonce = XNonce::from_slice(&nonce_bytes);
        let sealed = self
            .cipher
            .encrypt(
                nonce,
                Payload {
                    msg: plain,
                    aad: context.as_bytes(),
                },
            )
            // Encryption fails only for inputs of gigabytes.
            .unwrap_or_default();
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&sealed);
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        )
    }

    /// Opens a value sealed for `context`.
    pub fn open(&self, context: &str, sealed: &str) -> Result<Vec<u8>, Unsealable> {
        let body = sealed.strip_prefix(PREFIX).ok_or(Unsealable)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|_| Unsealable)?;
        if bytes.len() < NONCE_LEN {
            return Err(Unsealable);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| Unsealable)
    }
}

fn parse_key(text: &str) -> Option<[u8; 32]> {
    hex::decode(text.trim()).ok()?.try_into().ok()
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_connector() {
        let a = SecretBox::new(&[7; 32]);
        let sealed = a.seal("conn_1", b"AQE-api-key");
        assert!(!sealed.contains("AQE"));
        assert_eq!(a.open("conn_1", &sealed).unwrap(), b"AQE-api-key");
        assert_eq!(a.open("conn_2", &sealed), Err(Unsealable));
        assert_eq!(
            SecretBox::new(&[8; 32]).open("conn_1", &sealed),
            Err(Unsealable)
        );
        assert_ne!(
            sealed,
            a.seal("conn_1", b"AQE-api-key"),
            "fresh nonce each time"
        );
        assert_eq!(a.open("conn_1", "v1:AAAA"), Err(Unsealable));
    }

    #[test]
    fn the_key_file_is_generated_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = SecretBox::load(dir.path()).unwrap();
        let sealed = first.seal("c", b"x");
        let again = SecretBox::load(dir.path()).unwrap();
        assert_eq!(again.open("c", &sealed).unwrap(), b"x");
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("secret.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
