//! Public ids: a type prefix and an opaque part, one format per type.
//!
//! Ledger transactions and accounts are numbered internally in sequence;
//! shown as such, the numbers would tell anyone how much the whole platform
//! does. Their public ids are the number passed through a keyed permutation
//! of 64-bit values (a four-round Feistel network over HMAC-SHA256), written
//! as 16 hex digits: unpredictable without the key, and reversible with it.

use corridor_core::ledger::{AccountId, TxnId};
use hmac::{Hmac, Mac};
use rand::distr::{Alphanumeric, SampleString};
use sha2::Sha256;

use crate::error::ApiError;

/// Random characters in a generated id.
const ID_RANDOM_CHARS: usize = 24;

/// Rounds of the Feistel network (four make a strong pseudorandom permutation).
const FEISTEL_ROUNDS: u8 = 4;

/// A new merchant id.
pub fn new_merchant_id() -> String {
    format!(
        "mer_{}",
        Alphanumeric.sample_string(&mut rand::rng(), ID_RANDOM_CHARS)
    )
}

/// Turns internal sequence numbers into opaque public ids and back.
#[derive(Clone)]
pub struct IdCodec {
    key: std::sync::Arc<[u8]>,
}

impl std::fmt::Debug for IdCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdCodec")
    }
}

impl IdCodec {
    /// A codec keyed by `key` (keep it secret and stable for a database).
    pub fn new(key: &[u8]) -> Self {
        IdCodec {
            key: std::sync::Arc::from(key),
        }
    }

    fn round(&self, round: u8, half: u32) -> u32 {
        // HMAC accepts keys of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(&[round]);
        mac.update(&half.to_be_bytes());
        let out = mac.finalize().into_bytes();
        u32::from_be_bytes([out[0], out[1], out[2], out[3]])
    }

    fn permute(&self, value: u64) -> u64 {
        let (mut left, mut right) = ((value >> 32) as u32, value as u32);
        for r in 0..FEISTEL_ROUNDS {
            let next = left ^ self.round(r, right);
            left = right;
            right = next;
        }
        (u64::from(left) << 32) | u64::from(right)
    }

    fn unpermute(&self, value: u64) -> u64 {
        let (mut left, mut right) = ((value >> 32) as u32, value as u32);
        for r in (0..FEISTEL_ROUNDS).rev() {
            let previous = right ^ self.round(r, left);
            right = left;
            left = previous;
        }
        (u64::from(left) << 32) | u64::from(right)
    }

    fn encode(&self, prefix: &str, n: i64) -> String {
        let bits = u64::from_be_bytes(n.to_be_bytes());
        format!("{prefix}{:016x}", self.permute(bits))
    }

    fn decode(&self, prefix: &str, text: &str) -> Option<i64> {
        let hex = text.strip_prefix(prefix)?;
        if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let bits = self.unpermute(u64::from_str_radix(hex, 16).ok()?);
        let n = i64::from_be_bytes(bits.to_be_bytes());
        (n > 0).then_some(n)
    }

    /// `txn_<16 hex>`.
    pub fn txn(&self, id: TxnId) -> String {
        self.encode("txn_", id.0)
    }

    /// `acc_<16 hex>`.
    pub fn account(&self, id: AccountId) -> String {
        self.encode("acc_", id.0)
    }

    /// Parses a transaction id from a parameter.
    pub fn parse_txn(&self, param: &str, text: &str) -> Result<TxnId, ApiError> {
        self.decode("txn_", text).map(TxnId).ok_or_else(|| {
            ApiError::invalid(
                param,
                "parameter_invalid",
                format!("'{text}' is not a transaction id (txn_ and 16 hex digits)"),
            )
        })
    }
}

/// The key of public ids, generated once into `<data dir>/ids.key` (0600).
pub fn load_or_create_key(dir: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let path = dir.join("ids.key");
    if let Ok(text) = std::fs::read_to_string(&path) {
        if let Ok(key) = hex::decode(text.trim()) {
            if key.len() == 32 {
                return Ok(key);
            }
        }
    }
    std::fs::create_dir_all(dir)?;
    let key: [u8; 32] = rand::random();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)?;
    file.write_all(hex::encode(key).as_bytes())?;
    file.sync_all()?;
    Ok(key.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_hide_the_sequence() {
        let codec = IdCodec::new(b"test key");
        let ids: Vec<String> = (1..=1000).map(|n| codec.txn(TxnId(n))).collect();
        for (n, id) in (1..=1000).zip(&ids) {
            assert_eq!(id.len(), 4 + 16);
            assert_eq!(codec.parse_txn("p", id).unwrap(), TxnId(n));
        }
        let mut sorted = ids.clone();
        sorted.sort();
        assert_ne!(sorted, ids, "public ids do not follow the internal order");
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
        assert_ne!(IdCodec::new(b"other").txn(TxnId(1)), ids[0]);
        for bad in ["txn_1", "txn_zzzzzzzzzzzzzzzz", "acc_0000000000000001", ""] {
            assert!(codec.parse_txn("p", bad).is_err(), "{bad}");
        }
    }
}
