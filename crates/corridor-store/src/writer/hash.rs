//! The content digest of a ledger write, for client-reference idempotency.
//!
//! It covers accounts by their natural key (not by internal id, which a
//! refused first attempt never allocated for good) and is stored, so its
//! encoding must stay stable: length-prefixed fields, little-endian integers.

use corridor_core::ledger::ContentHash;
use sha2::{Digest, Sha256};

use crate::records::{AccountKey, LedgerOp, LedgerWrite};

struct Encoder(Sha256);

impl Encoder {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    fn int(&mut self, value: i64) {
        self.bytes(&value.to_le_bytes());
    }

    fn text(&mut self, value: Option<&str>) {
        match value {
            Some(t) => self.bytes(t.as_bytes()),
            None => self.bytes(&[0xff]),
        }
    }

    fn account(&mut self, key: &AccountKey) {
        self.bytes(key.owner.code().as_bytes());
        self.bytes(key.currency.code().as_bytes());
        self.bytes(key.kind.code().as_bytes());
    }
}

/// Digest of everything a client states in a write.
pub(crate) fn content_hash(write: &LedgerWrite) -> ContentHash {
    let mut e = Encoder(Sha256::new());
    match &write.op {
        LedgerOp::Transfer(legs) => {
            e.bytes(b"transfer");
            for leg in legs {
                e.account(&leg.account);
                e.int(match leg.side {
                    corridor_core::ledger::Side::Debit => -leg.amount.minor(),
                    corridor_core::ledger::Side::Credit => leg.amount.minor(),
                });
            }
        }
        LedgerOp::CreateHold {
            debit,
            credit,
            amount,
            expires_at,
        } => {
            e.bytes(b"create_hold");
            e.account(debit);
            e.account(credit);
            e.int(amount.minor());
            e.int(expires_at.unix_micros());
        }
        LedgerOp::PostHold { hold, amount } => {
            e.bytes(b"post_hold");
            e.int(hold.0);
            e.int(amount.map_or(-1, |a| a.minor()));
        }
        LedgerOp::VoidHold(hold) => {
            e.bytes(b"void_hold");
            e.int(hold.0);
        }
        LedgerOp::ExpireHold(hold) => {
            e.bytes(b"expire_hold");
            e.int(hold.0);
        }
    }
    e.text(Some(&write.meta.kind));
    e.text(write.meta.source_id.as_deref());
    e.text(write.meta.description.as_deref());
    let digest = e.0.finalize();
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    ContentHash(out)
}
