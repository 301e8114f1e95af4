//! The `Idempotency-Key` Adyen receives for a Corridor key.
//!
//! Adyen takes keys of at most 64 characters. A Corridor key that fits is
//! sent as it is, so it can be matched in Adyen's Customer Area; a longer one
//! is replaced by the hex SHA-256 of itself (64 characters), which is stable
//! for the same attempt, so a replay still carries the same key.

use sha2::{Digest, Sha256};

use crate::IdempotencyKey;

/// Longest `Idempotency-Key` Adyen accepts.
pub const ADYEN_KEY_LEN_MAX: usize = 64;

/// The key sent to Adyen for `key`, stable for the same key.
pub fn adyen_key(key: &IdempotencyKey) -> String {
    let text = key.as_str();
    if text.len() <= ADYEN_KEY_LEN_MAX {
        text.to_string()
    } else {
        hex::encode(Sha256::digest(text.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_keys_pass_and_long_keys_hash_to_64_stable_characters() {
        let short = IdempotencyKey::parse("pay_1-a1").unwrap();
        assert_eq!(adyen_key(&short), "pay_1-a1");
        let long = IdempotencyKey::parse(&"k".repeat(100)).unwrap();
        let sent = adyen_key(&long);
        assert_eq!(sent.len(), ADYEN_KEY_LEN_MAX);
        assert_eq!(sent, adyen_key(&long));
        let other = IdempotencyKey::parse(&"k".repeat(101)).unwrap();
        assert_ne!(sent, adyen_key(&other));
    }
}
