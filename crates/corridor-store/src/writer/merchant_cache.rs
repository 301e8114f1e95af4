//! Merchants read through a cache the writer clears.
//!
//! A merchant changes only through the writer, and a database has one
//! writer (its lock). After a batch that may change a merchant, and before
//! the batch is answered, the writer clears the cache; a batch that fails
//! clears it too, since it may have committed. A read that missed stores
//! what it read only if no clearing happened since it began, so a read
//! that raced a change never puts the old row back.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::records::MerchantRecord;
use crate::writer::WriteOp;

/// Most merchants kept; past it the cache starts again from empty.
const MAX_CACHED_MERCHANTS: usize = 10_000;

/// The cache; shared by the store's readers and its writer.
#[derive(Debug, Default)]
pub(crate) struct MerchantCache {
    state: Mutex<CacheState>,
}

#[derive(Debug, Default)]
struct CacheState {
    /// Counts the clearings.
    generation: u64,
    merchants: HashMap<String, MerchantRecord>,
}

/// A miss: the point from which a read may fill the cache.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Miss {
    generation: u64,
}

impl MerchantCache {
    fn state(&self) -> std::sync::MutexGuard<'_, CacheState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The cached merchant, or the miss to fill it from.
    pub(crate) fn get(&self, id: &str) -> Result<MerchantRecord, Miss> {
        let state = self.state();
        state.merchants.get(id).cloned().ok_or(Miss {
            generation: state.generation,
        })
    }

    /// Keeps `merchant`, read after `miss`, unless the cache was cleared since.
    pub(crate) fn fill(&self, miss: Miss, merchant: &MerchantRecord) {
        let mut state = self.state();
        if state.generation != miss.generation {
            return;
        }
        if state.merchants.len() >= MAX_CACHED_MERCHANTS {
            state.merchants.clear();
        }
        state
            .merchants
            .insert(merchant.id.clone(), merchant.clone());
    }

    /// Forgets every merchant.
    pub(crate) fn clear(&self) {
        let mut state = self.state();
        state.generation += 1;
        state.merchants.clear();
    }
}

/// Whether `op` may change a merchant's row: creating one, its KYB status
/// or contact details (compliance writes), or settings. Listed by what
/// cannot, so that a new kind of write clears the cache until shown not to
/// need it.
pub(crate) fn may_change_merchants(op: &WriteOp) -> bool {
    match op {
        WriteOp::Ledger(_)
        | WriteOp::RegisterApiKey(_)
        | WriteOp::Payment(_)
        | WriteOp::Webhooks(_)
        | WriteOp::Payouts(_)
        | WriteOp::ProviderOrphan(_)
        | WriteOp::AfterSales(_)
        | WriteOp::Fx(_)
        | WriteOp::Users(_) => false,
        WriteOp::Audited(audited) => may_change_merchants(&audited.op),
        WriteOp::CreateMerchant { .. } | WriteOp::Settings(_) | WriteOp::Compliance(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merchant(id: &str, kyb: &str) -> MerchantRecord {
        MerchantRecord {
            id: id.into(),
            legal_name: "Shop".into(),
            country: "CN".into(),
            home_currency: corridor_core::Currency::parse("CNY").unwrap(),
            email: None,
            website: None,
            marketplace_store_ids: Vec::new(),
            kyb_status: kyb.into(),
            created_at: corridor_core::Timestamp::from_unix_micros(0),
        }
    }

    #[test]
    fn a_read_fills_and_a_clearing_forgets() {
        let cache = MerchantCache::default();
        let miss = cache.get("mer_1").unwrap_err();
        cache.fill(miss, &merchant("mer_1", "pending"));
        assert_eq!(cache.get("mer_1").unwrap().kyb_status, "pending");
        cache.clear();
        assert!(cache.get("mer_1").is_err());
    }

    #[test]
    fn a_read_that_raced_a_clearing_is_not_kept() {
        let cache = MerchantCache::default();
        let miss = cache.get("mer_1").unwrap_err();
        // The writer changes the merchant and clears while the read runs.
        cache.clear();
        cache.fill(miss, &merchant("mer_1", "pending"));
        assert!(cache.get("mer_1").is_err());
        let miss = cache.get("mer_1").unwrap_err();
        cache.fill(miss, &merchant("mer_1", "approved"));
        assert_eq!(cache.get("mer_1").unwrap().kyb_status, "approved");
    }
}
