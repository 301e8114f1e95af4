//! Payouts to bank accounts: beneficiaries with validated bank details,
//! payouts held on the merchant's balance, batches turned into pain.001
//! files, and the bank's pain.002 and camt.054 files applied back.
//!
//! The service prepares writes (`corridor_store::PayoutWrite`) from what it
//! reads; the caller submits them through the ledger writer, with its
//! idempotency key, so the effect and the stored answer commit together.

mod bank_files;
mod batches;
mod beneficiaries;
mod create;
mod error;
mod file;
pub mod fx;
pub mod fx_service;
mod ledger;
mod rescreen;
pub mod screening;
pub mod value_date;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use corridor_connectors::bank::SandboxBank;
use corridor_store::Store;

pub use bank_files::{AppliedFile, PayoutUpdate, PreparedBankFile};
pub use batches::{PreparedBatch, PreparedFile};
pub use beneficiaries::{
    account_fields as account_fields_of, BeneficiaryInput, PreparedBeneficiary,
};
pub use create::{fx_json, PayoutInput, PayoutPlan, PreparedPayout};
pub use error::PayoutError;
pub use file::Debtor;

/// Payout limits, in US dollar cents at mid-market, per payout and per
/// merchant, balance currency and UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayoutLimits {
    /// Largest single payout.
    pub per_payout_usd_cents: i64,
    /// Largest total per merchant, balance currency and day.
    pub per_day_usd_cents: i64,
}

impl Default for PayoutLimits {
    fn default() -> Self {
        PayoutLimits {
            per_payout_usd_cents: 10_000_000,
            per_day_usd_cents: 25_000_000,
        }
    }
}

/// The payout service. Cheap to clone.
#[derive(Clone, Debug)]
pub struct PayoutService {
    store: Store,
    fx: Arc<dyn fx::PayoutFx>,
    screening: Arc<dyn screening::BeneficiaryScreening>,
    limits: PayoutLimits,
    debtor: Option<Arc<Debtor>>,
    bank: Arc<SandboxBank>,
    merchant_locks: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    rules: Option<crate::compliance::rules::RulesEngine>,
}

impl PayoutService {
    /// A service over a store, an FX provider, a screening hook, limits, the
    /// platform's paying account (`None`: none configured, so no batch is
    /// made) and the bank files are handed to.
    pub fn new(
        store: Store,
        fx: Arc<dyn fx::PayoutFx>,
        screening: Arc<dyn screening::BeneficiaryScreening>,
        limits: PayoutLimits,
        debtor: Option<Debtor>,
        bank: Arc<SandboxBank>,
    ) -> Self {
        PayoutService {
            store,
            fx,
            screening,
            limits,
            debtor: debtor.map(Arc::new),
            bank,
            merchant_locks: Arc::default(),
            rules: None,
        }
    }

    /// The same service, checking payouts against the corridor rules and
    /// counting them for monitoring.
    pub fn with_rules(self, rules: crate::compliance::rules::RulesEngine) -> Self {
        PayoutService {
            rules: Some(rules),
            ..self
        }
    }

    /// A payout as the rules see it: the beneficiary's country and what
    /// arrives in its currency, valued in USD from what leaves the balance.
    pub(crate) fn rule_transaction<'a>(
        &self,
        plan: &'a PayoutPlan,
        merchant: &'a str,
    ) -> Option<crate::compliance::rules::Transaction<'a>> {
        let rules = self.rules.as_ref()?;
        Some(crate::compliance::rules::Transaction {
            flow: crate::compliance::rules::Flow::Payout,
            reference: &plan.beneficiary.id,
            merchant,
            merchant_approved: true,
            country: Some(&plan.beneficiary.country),
            // What arrives: the corridor is the beneficiary's currency.
            currency: plan.target_currency,
            amount: plan.target_amount,
            amount_usd: rules.usd_value(plan.amount, plan.currency),
            card: None,
            card_sca: None,
            beneficiary: Some(&plan.beneficiary.id),
            purpose_code: plan.purpose_code.as_deref(),
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The simulated bank.
    pub fn bank(&self) -> &Arc<SandboxBank> {
        &self.bank
    }

    /// Serialises a merchant's payout creations, so the daily limit is
    /// checked against a total no concurrent payout is changing. Hold the
    /// guard until the write is durable.
    pub async fn lock_merchant(&self, merchant: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = self
                .merchant_locks
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry(merchant.to_string()).or_default().clone()
        };
        lock.lock_owned().await
    }
}
