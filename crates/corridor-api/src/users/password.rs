//! Argon2id password hashes in PHC string form.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;

/// A hash of a password that matches nothing, verified when the email is
/// unknown so that a sign-in takes as long whether or not the user exists.
const DECOY_PASSWORD: &str = "decoy password never used";

/// Hashes a password with a fresh random salt (Argon2id, default costs).
pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the stored hash. An unreadable hash matches nothing.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification, for an unknown user.
pub fn verify_decoy(password: &str) {
    use std::sync::OnceLock;
    static DECOY: OnceLock<String> = OnceLock::new();
    let stored = DECOY.get_or_init(|| hash(DECOY_PASSWORD).unwrap_or_default());
    let _ = verify(password, stored);
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_only_their_password() {
        let stored = super::hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", &stored));
        assert!(!super::verify("correct horse batterY", &stored));
        assert!(!super::verify("correct horse battery", "not a hash"));
    }
}
