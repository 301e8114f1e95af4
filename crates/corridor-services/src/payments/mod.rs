//! Payments: create, confirm with routing and safe retries, capture, cancel,
//! buyer actions, asynchronous results, expiry and settlement.

mod attempts;
mod capture_failed;
mod config;
mod confirm;
mod error;
mod fees;
mod input;
mod jobs;
mod ledger;
mod lifecycle;
mod outcome;
mod persist;
mod provider_results;
mod recovery;
mod sepa_input;
#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, RwLock};

use corridor_core::payments::fee_table::FeeTable;
use corridor_core::payments::routing::{AdaptiveRouter, OperatorRules, RouterConfig};

use corridor_connectors::Connector;
use corridor_store::{AttemptRecord, PaymentRecord, Store, StoredResponse};

pub use capture_failed::CaptureFailure;
pub use error::PaymentError;
pub use input::{CardInput, EncryptedCardInput, NewPayment, PaymentInput};
pub use jobs::spawn_jobs;
pub use lifecycle::Answer;
pub use provider_results::ProviderResult;
pub use recovery::Recovered;

/// A payment with its attempts, as the API renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentSnapshot {
    /// The payment row.
    pub payment: PaymentRecord,
    /// Every attempt, in order.
    pub attempts: Vec<AttemptRecord>,
}

/// Renders a snapshot as the response stored under an idempotency key.
pub type RenderFn = Arc<dyn Fn(&PaymentSnapshot) -> StoredResponse + Send + Sync>;

/// The request's idempotency key, completed with the payment's final write.
#[derive(Clone)]
pub struct Reply {
    /// Caller scope.
    pub scope: String,
    /// The key.
    pub key: String,
    /// Digest of the request.
    pub request_hash: String,
    /// How the response is rendered. A 2xx response's body must be the
    /// payment's JSON as events carry it: the event of the write that
    /// completes the key reuses it.
    pub render: RenderFn,
    /// Nothing was stored under the key when the request was admitted (no
    /// response, no started effect) and no other request with it runs
    /// meanwhile: no payment exists for the key, and the key need not be
    /// read again before the provider is called.
    pub unused: bool,
    /// The payment an earlier run of this request started under the key,
    /// read with the key when the request was admitted: a retry resumes it.
    pub started: Option<String>,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("scope", &self.scope)
            .field("key", &self.key)
            .finish()
    }
}

/// The payment service. Cheap to clone.
#[derive(Clone)]
pub struct PaymentService {
    store: Store,
    connectors: Arc<RwLock<config::ConnectorSet>>,
    operator_rules: Arc<RwLock<Arc<OperatorRules>>>,
    fee_table: Arc<RwLock<Option<Arc<FeeTable>>>>,
    rules: Arc<RwLock<Option<crate::compliance::rules::RulesEngine>>>,
    router: Arc<Mutex<AdaptiveRouter>>,
    fingerprint_key: Arc<[u8]>,
    render: RenderFn,
}

impl std::fmt::Debug for PaymentService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymentService")
            .field("connectors", &self.connector_names())
            .finish()
    }
}

impl PaymentService {
    /// A service over a store and connectors listed in static priority order.
    /// `fingerprint_key` keys card fingerprints (keep it secret and stable);
    /// `render` gives the API's JSON of a payment, for event payloads.
    /// Fails if the connectors can't form a routing table (duplicate names,
    /// more than a rule may list).
    pub fn new(
        store: Store,
        connectors: Vec<Arc<dyn Connector>>,
        fingerprint_key: &[u8],
        render: RenderFn,
    ) -> Result<Self, PaymentError> {
        let set = config::ConnectorSet::new(connectors, Vec::new())?;
        let router = AdaptiveRouter::new(RouterConfig::default())
            .map_err(|e| PaymentError::Unavailable(format!("router: {e}")))?;
        Ok(PaymentService {
            store,
            connectors: Arc::new(RwLock::new(set)),
            operator_rules: Arc::new(RwLock::new(Arc::new(OperatorRules::default()))),
            fee_table: Arc::new(RwLock::new(None)),
            rules: Arc::default(),
            router: Arc::new(Mutex::new(router)),
            fingerprint_key: Arc::from(fingerprint_key),
            render,
        })
    }

    /// Checks payments against the corridor rules (and the unapproved
    /// merchants' limit) and counts them for monitoring from now on.
    pub fn set_transaction_rules(&self, rules: crate::compliance::rules::RulesEngine) {
        *self.rules.write().unwrap_or_else(|e| e.into_inner()) = Some(rules);
    }

    pub(crate) fn transaction_rules(&self) -> Option<crate::compliance::rules::RulesEngine> {
        self.rules.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A payment with its attempts, if the merchant owns it (`None` merchant: any).
    pub async fn get(
        &self,
        id: &str,
        merchant: Option<&str>,
    ) -> Result<PaymentSnapshot, PaymentError> {
        let payment = self
            .store
            .payment(id)
            .await?
            .filter(|p| merchant.is_none_or(|m| m == p.merchant_id));
        let payment = payment.ok_or_else(|| PaymentError::NotFound(id.to_string()))?;
        let attempts = self.store.payment_attempts(id).await?;
        Ok(PaymentSnapshot { payment, attempts })
    }
}
