//! Shared state of the HTTP server.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use corridor_store::{Principal, Store, TestClock};

use crate::metrics::Metrics;
use crate::policy::ServePolicy;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    test_clock: Option<TestClock>,
    principals: RwLock<HashMap<String, Principal>>,
    in_flight: Mutex<HashSet<(String, String)>>,
    metrics: Metrics,
    payments: Option<Payments>,
    payouts: corridor_services::payouts::PayoutService,
    policy: ServePolicy,
    ids: crate::ids::IdCodec,
    card_vault: crate::card_vault::CardVault,
    fx: OnceLock<corridor_services::fx::FxService>,
    compliance: corridor_services::compliance::ComplianceService,
    ledger_check: Mutex<Option<LedgerCheck>>,
}

/// The latest ledger verification the operator ran from the dashboard.
#[derive(Debug, Clone)]
pub struct LedgerCheck {
    /// When it ran.
    pub at: corridor_core::Timestamp,
    /// What it found.
    pub report: corridor_core::ledger::VerifyReport,
}

/// The payment service and the simulated providers behind it.
#[derive(Clone, Debug)]
pub struct Payments {
    /// The service.
    pub service: corridor_services::payments::PaymentService,
    /// The sandbox world of simulated providers, when they run in-process.
    pub sandbox: Option<Arc<corridor_connectors::sandbox::SandboxWorld>>,
    /// The `corridor sandbox` server they run in otherwise.
    pub providers_url: Option<String>,
    /// The operator's configured connectors.
    pub registry: Option<Arc<crate::connectors::Registry>>,
    /// Refunds, disputes and complaints over the same connectors.
    pub after_sales: corridor_services::after_sales::AfterSalesService,
    /// The sandbox's rate overrides for cross-currency refunds (set by a
    /// test helper; the FX service's rates otherwise).
    pub rates: Arc<corridor_services::after_sales::FixedRates>,
}

impl AppState {
    /// State over a store; `test_clock` is set in sandbox mode; `payments`
    /// when payment providers are configured; `policy` is the operator's.
    pub fn new(
        store: Store,
        test_clock: Option<TestClock>,
        payments: Option<Payments>,
        policy: ServePolicy,
        ids: crate::ids::IdCodec,
        compliance: corridor_services::compliance::ComplianceService,
        fx: corridor_services::fx::FxService,
    ) -> Self {
        let paying_account = policy.payout_account.clone().or_else(|| {
            test_clock
                .is_some()
                .then(corridor_services::payouts::Debtor::sandbox)
        });
        // The shipped rules until the operator's stored document is loaded.
        compliance
            .rules()
            .replace(crate::routes::compliance_rules::default_rules());
        compliance.rules().set_valuation(Arc::new(fx.clone()));
        let payouts = payouts_service(&store, &compliance, paying_account, &fx)
            .with_rules(compliance.rules().clone());
        if let Some(p) = &payments {
            p.service.set_transaction_rules(compliance.rules().clone());
            p.after_sales
                .set_transaction_rules(compliance.rules().clone());
        }
        let fx_cell = OnceLock::new();
        let _ = fx_cell.set(fx);
        AppState {
            inner: Arc::new(Inner {
                store,
                test_clock,
                principals: RwLock::new(HashMap::new()),
                in_flight: Mutex::new(HashSet::new()),
                metrics: Metrics::new(),
                payouts,
                payments,
                policy,
                ids,
                card_vault: crate::card_vault::CardVault::default(),
                fx: fx_cell,
                compliance,
                ledger_check: Mutex::new(None),
            }),
        }
    }

    /// The latest dashboard ledger verification, if one ran.
    pub fn last_ledger_check(&self) -> Option<LedgerCheck> {
        self.inner
            .ledger_check
            .lock()
            .map(|c| c.clone())
            .unwrap_or(None)
    }

    /// Keeps a ledger verification as the latest.
    pub fn set_ledger_check(&self, check: LedgerCheck) {
        if let Ok(mut c) = self.inner.ledger_check.lock() {
            *c = Some(check);
        }
    }

    /// The payment service, when connectors are configured.
    pub fn payments(&self) -> Option<&corridor_services::payments::PaymentService> {
        self.inner.payments.as_ref().map(|p| &p.service)
    }

    /// The after-sales service, when connectors are configured.
    pub fn after_sales(&self) -> Option<&corridor_services::after_sales::AfterSalesService> {
        self.inner.payments.as_ref().map(|p| &p.after_sales)
    }

    /// The sandbox's rate overrides of cross-currency refunds.
    pub fn sandbox_rates(&self) -> Option<&Arc<corridor_services::after_sales::FixedRates>> {
        self.inner.payments.as_ref().map(|p| &p.rates)
    }

    /// The simulated providers.
    pub fn sandbox(&self) -> Option<&Arc<corridor_connectors::sandbox::SandboxWorld>> {
        self.inner
            .payments
            .as_ref()
            .and_then(|p| p.sandbox.as_ref())
    }

    /// The base URL of the simulated providers' own server, when used.
    pub fn providers_url(&self) -> Option<&str> {
        self.inner
            .payments
            .as_ref()
            .and_then(|p| p.providers_url.as_deref())
    }

    /// The operator's policy (amount limits, webhook targets).
    pub fn policy(&self) -> &ServePolicy {
        &self.inner.policy
    }

    /// Public ids of ledger transactions and accounts.
    pub(crate) fn ids(&self) -> &crate::ids::IdCodec {
        &self.inner.ids
    }

    /// Payment methods of payments created without `confirm`, kept briefly in memory.
    pub(crate) fn card_vault(&self) -> &crate::card_vault::CardVault {
        &self.inner.card_vault
    }

    /// The operator's configured connectors.
    pub fn connector_registry(&self) -> Option<&Arc<crate::connectors::Registry>> {
        self.inner.payments.as_ref()?.registry.as_ref()
    }

    /// The FX service.
    pub fn fx(&self) -> Option<&corridor_services::fx::FxService> {
        self.inner.fx.get()
    }

    /// The compliance service.
    pub fn compliance(&self) -> &corridor_services::compliance::ComplianceService {
        &self.inner.compliance
    }

    /// The payout service.
    pub fn payouts(&self) -> &corridor_services::payouts::PayoutService {
        &self.inner.payouts
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The sandbox clock, when running with `--sandbox`.
    pub fn test_clock(&self) -> Option<&TestClock> {
        self.inner.test_clock.as_ref()
    }

    /// Metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// A cached key lookup. Keys are never revoked, so a hit stays valid.
    pub(crate) fn cached_principal(&self, key_hash: &str) -> Option<Principal> {
        self.inner.principals.read().ok()?.get(key_hash).cloned()
    }

    pub(crate) fn cache_principal(&self, key_hash: String, principal: Principal) {
        if let Ok(mut map) = self.inner.principals.write() {
            map.insert(key_hash, principal);
        }
    }

    /// Marks an idempotency key as running; false if it already is.
    pub(crate) fn begin_in_flight(&self, scope: &str, key: &str) -> bool {
        match self.inner.in_flight.lock() {
            Ok(mut set) => set.insert((scope.to_string(), key.to_string())),
            Err(_) => false,
        }
    }

    pub(crate) fn end_in_flight(&self, scope: &str, key: &str) {
        if let Ok(mut set) = self.inner.in_flight.lock() {
            set.remove(&(scope.to_string(), key.to_string()));
        }
    }
}

/// Payouts exchanged through the FX service (its quotes, pricing and
/// staleness rule), beneficiaries screened against the sanctions lists in force,
/// default limits, the operator's paying account and the simulated bank
/// (which only the sandbox's test helpers hand files to).
fn payouts_service(
    store: &Store,
    compliance: &corridor_services::compliance::ComplianceService,
    paying_account: Option<corridor_services::payouts::Debtor>,
    fx: &corridor_services::fx::FxService,
) -> corridor_services::payouts::PayoutService {
    use corridor_services::compliance::SanctionsScreening;
    use corridor_services::payouts::{PayoutLimits, PayoutService};
    PayoutService::new(
        store.clone(),
        Arc::new(fx.clone()),
        Arc::new(SanctionsScreening::new(compliance.clone())),
        PayoutLimits::default(),
        paying_account,
        Arc::new(corridor_connectors::bank::SandboxBank::new()),
    )
}
