//! The content digest of a ledger write, for client-reference idempotency.
//!
//! It covers accounts by their natural key (not by internal id, which a
//! refused first attempt never allocated for good) and is stored, so its
//! encoding must stay stable: length-prefixed fields, little-endian integers.
//! The fields are encoded into one buffer and hashed at once: feeding the
//! hasher field by field cost more than the hashing itself.

use corridor_core::ledger::ContentHash;
use sha2::{Digest, Sha256};

use crate::records::{AccountKey, LedgerOp, LedgerWrite};

/// Bytes a typical write encodes to (a two-leg transfer with its metadata).
const TYPICAL_ENCODING: usize = 256;

struct Encoder(Vec<u8>);

impl Encoder {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.0.extend_from_slice(bytes);
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
    let mut e = Encoder(Vec::with_capacity(TYPICAL_ENCODING));
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
    let digest = Sha256::digest(&e.0);
    let mut out = [0u8; 16];
    out.copy_from_slice(&digest[..16]);
    ContentHash(out)
}

#[cfg(test)]
mod tests {
    use corridor_core::ledger::{AccountKind, HoldId, TxnMeta};
    use corridor_core::{Amount, Currency, Timestamp};

    use super::*;
    use crate::records::Owner;

    fn key(owner: Owner, kind: AccountKind) -> AccountKey {
        AccountKey {
            owner,
            currency: Currency::parse("EUR").unwrap(),
            kind,
        }
    }

    fn write(op: LedgerOp, meta: TxnMeta) -> LedgerWrite {
        LedgerWrite {
            client_ref: Some("ref-1".into()),
            op,
            meta,
        }
    }

    /// Digests are stored: their bytes never change.
    #[test]
    fn digests_stay_what_they_were() {
        let amount = Amount::positive(12_345).unwrap();
        let crate::writer::WriteOp::Ledger(mut transfer) = super::super::tests::transfer(12_345).op
        else {
            unreachable!("a transfer is a ledger write")
        };
        transfer.client_ref = Some("ref-1".into());
        transfer.meta = TxnMeta {
            kind: "payment".into(),
            source_id: Some("pay_1".into()),
            description: None,
        };
        let hold = write(
            LedgerOp::CreateHold {
                debit: key(
                    Owner::Merchant("mer_1".into()),
                    AccountKind::MerchantAvailable,
                ),
                credit: key(Owner::Platform, AccountKind::PlatformClearing),
                amount,
                expires_at: Timestamp::from_unix_micros(1_800_000_000_000_000),
            },
            TxnMeta::default(),
        );
        let post = write(
            LedgerOp::PostHold {
                hold: HoldId(7),
                amount: None,
            },
            TxnMeta {
                kind: "payout".into(),
                source_id: None,
                description: Some("a long description ".repeat(8)),
            },
        );
        let hex = |w: &LedgerWrite| hex::encode(content_hash(w).0);
        assert_eq!(hex(&transfer), "814ee88db50d05239da0e5c9bbfe8dab");
        assert_eq!(hex(&hold), "210fc30d6ff59775435af06d937055d1");
        assert_eq!(hex(&post), "1d3313837e61eb95c5d1661024fa6d39");
    }
}
