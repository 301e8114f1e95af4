//! A bound on every account's posted balance, kept by the writer, so that a
//! request can tell without reading balances that an amount cannot take any
//! account beyond the ledger's 64-bit range.
//!
//! The bound only grows: it starts at the largest balance in the database
//! when the writer starts and covers every balance a batch leaves. It holds
//! because the writer is the database's only writer.

use std::sync::atomic::{AtomicU64, Ordering};

/// The largest absolute posted balance any account has had, or more.
#[derive(Debug, Default)]
pub(crate) struct BalanceBound(AtomicU64);

impl BalanceBound {
    /// Raises the bound, if needed, to `largest`, an absolute balance.
    pub(crate) fn cover_largest(&self, largest: u64) {
        self.0.fetch_max(largest, Ordering::AcqRel);
    }

    /// Whether adding `minor` to, or taking it from, any balance certainly
    /// stays within `i64`. `false` means: read the balances to know.
    pub(crate) fn fits(&self, minor: i64) -> bool {
        self.0
            .load(Ordering::Acquire)
            .checked_add(minor.unsigned_abs())
            .is_some_and(|largest| largest <= i64::MAX.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_until_a_balance_leaves_too_little_room() {
        let bound = BalanceBound::default();
        assert!(bound.fits(i64::MAX));
        bound.cover_largest(1_000);
        assert!(bound.fits(i64::MAX - 1_000));
        assert!(!bound.fits(i64::MAX - 999));
        // A smaller balance never lowers it.
        bound.cover_largest(5);
        assert!(!bound.fits(i64::MAX - 999));
        bound.cover_largest(i64::MIN.unsigned_abs());
        assert!(!bound.fits(0));
        assert!(!bound.fits(1));
    }
}
