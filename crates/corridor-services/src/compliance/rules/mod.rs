//! Corridor and country rules, and transaction monitoring, as data.
//!
//! The operator's rule document (validated by the API, versioned, shipped
//! with a default) becomes a [`RuleSet`]; the [`RulesEngine`] checks each
//! payment, refund and payout against it in memory. A corridor rule refuses
//! (the refusal names the rule); a monitoring rule raises an alert with its
//! severity into the compliance alerts, written in the background so the
//! payment path never waits for it.

mod monitor;
mod quota;
mod replay;
mod set;
#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, RwLock};

use corridor_core::{Amount, Currency, Timestamp};
use corridor_store::{AlertRecord, ComplianceWrite, Store, WriteOp, WriteRequest};

/// Values amounts in USD at mid-market (the rules' limits are in USD).
pub trait UsdValuation: Send + Sync {
    /// `amount` of `currency` in USD cents, rounded up; `None` without a
    /// reference rate.
    fn usd_value(&self, amount: Amount, currency: Currency) -> Option<Amount>;
}

pub use monitor::Monitor;
pub use quota::QuotaHold;
pub use replay::{lookback_seconds, MAX_REPLAYED};
pub use set::{
    CorridorCheck, CorridorRule, Flow, MonitoringCheck, MonitoringRule, RuleSet, Scope, Severity,
    Subject, UNAPPROVED_LIMIT_RULE,
};

/// A transaction as the rules see it.
#[derive(Debug, Clone)]
pub struct Transaction<'a> {
    /// Payment, refund or payout.
    pub flow: Flow,
    /// The payment, refund or payout id.
    pub reference: &'a str,
    /// The merchant.
    pub merchant: &'a str,
    /// Whether the merchant's KYB is approved.
    pub merchant_approved: bool,
    /// The buyer's market (payments, refunds) or the beneficiary's country.
    pub country: Option<&'a str>,
    /// The transaction's currency.
    pub currency: Currency,
    /// The amount in that currency.
    pub amount: Amount,
    /// The amount in USD cents, when the currency has a reference rate.
    pub amount_usd: Option<Amount>,
    /// The card's fingerprint.
    pub card: Option<&'a str>,
    /// For a card payment: whether it is strongly authenticated (3-D
    /// Secure), that is the market requires it and no exemption (the
    /// low-value one) spares it. `None` for other transactions.
    pub card_sca: Option<bool>,
    /// The beneficiary.
    pub beneficiary: Option<&'a str>,
    /// The purpose code given.
    pub purpose_code: Option<&'a str>,
}

/// A rule a transaction tripped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleHit {
    /// The rule's name.
    pub rule: String,
    /// The alert's severity (a refusal is `high`).
    pub severity: Severity,
    /// What happened, for a person.
    pub message: String,
}

/// A refusal: the rule and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRefusal {
    /// Stable code: `merchant_not_approved` for the unapproved merchants'
    /// limit, else `transaction_rule`.
    pub code: &'static str,
    /// The rule's name.
    pub rule: String,
    /// Why, naming the rule.
    pub message: String,
}

/// The rules in force and their counters. Cheap to clone (shared).
#[derive(Clone)]
pub struct RulesEngine {
    inner: Arc<Inner>,
}

struct Inner {
    rules: RwLock<Arc<RuleSet>>,
    monitor: Mutex<Monitor>,
    /// Set once the FX service runs; until then no amount has a USD value
    /// and the rules that need one fail closed.
    valuation: RwLock<Option<Arc<dyn UsdValuation>>>,
    /// Where alerts are written; none in unit tests.
    store: Option<Store>,
    /// Serialises quota checks per subject until the write is durable.
    quota_locks: quota::QuotaLocks,
}

impl std::fmt::Debug for RulesEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RulesEngine")
            .field("version", &self.rules().version)
            .finish_non_exhaustive()
    }
}

impl RulesEngine {
    /// An engine over `rules`, writing alerts to `store`; amounts are
    /// valued in USD once [`set_valuation`](Self::set_valuation) is called.
    pub fn new(rules: RuleSet, store: Option<Store>) -> RulesEngine {
        RulesEngine {
            inner: Arc::new(Inner {
                rules: RwLock::new(Arc::new(rules)),
                monitor: Mutex::new(Monitor::default()),
                valuation: RwLock::new(None),
                store,
                quota_locks: quota::QuotaLocks::default(),
            }),
        }
    }

    /// Values amounts in USD with `valuation` from now on.
    pub fn set_valuation(&self, valuation: Arc<dyn UsdValuation>) {
        *self
            .inner
            .valuation
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Some(valuation);
    }

    /// The rules in force.
    pub fn rules(&self) -> Arc<RuleSet> {
        self.inner
            .rules
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Puts `rules` in force for the next transaction (counters are kept).
    pub fn replace(&self, rules: RuleSet) {
        *self.inner.rules.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(rules);
    }

    /// `amount` of `currency` in USD cents, if a reference rate exists.
    pub fn usd_value(&self, amount: Amount, currency: Currency) -> Option<Amount> {
        self.inner
            .valuation
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()?
            .usd_value(amount, currency)
    }

    /// The corridor rules and the unapproved merchants' limit: the first
    /// that refuses `tx`, in document order. Counts nothing.
    pub fn check(&self, tx: &Transaction<'_>) -> Result<(), RuleRefusal> {
        check(&self.rules(), tx)
    }

    /// Counts `tx` for monitoring and raises the alerts it trips; answers them.
    pub fn observe(&self, tx: &Transaction<'_>, now: Timestamp) -> Vec<RuleHit> {
        let rules = self.rules();
        let hits = self
            .inner
            .monitor
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .observe(&rules, tx, now);
        if !hits.is_empty() {
            self.write_alerts(tx, &hits, now);
        }
        hits
    }

    /// [`check`](Self::check), then, when it passes, [`observe`](Self::observe).
    pub fn evaluate(
        &self,
        tx: &Transaction<'_>,
        now: Timestamp,
    ) -> Result<Vec<RuleHit>, RuleRefusal> {
        self.check(tx)?;
        Ok(self.observe(tx, now))
    }

    fn write_alerts(&self, tx: &Transaction<'_>, hits: &[RuleHit], now: Timestamp) {
        let Some(store) = self.inner.store.clone() else {
            return;
        };
        let alerts = hits
            .iter()
            .map(|h| {
                let record = AlertRecord {
                    id: super::screen::new_id("alr"),
                    kind: "transaction_monitoring".into(),
                    severity: h.severity.code().into(),
                    status: "open".into(),
                    screening_id: None,
                    merchant_id: Some(tx.merchant.to_string()),
                    body: serde_json::json!({
                        "rule": h.rule, "message": h.message, "flow": tx.flow.code(),
                        "reference": tx.reference, "amount": tx.amount.minor(),
                        "currency": tx.currency.code(), "country": tx.country,
                    })
                    .to_string(),
                    resolution: None,
                    version: 1,
                    created_at: now,
                    resolved_at: None,
                };
                (record, None)
            })
            .collect();
        let write = ComplianceWrite {
            alerts,
            ..ComplianceWrite::default()
        };
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let request = WriteRequest {
                    op: WriteOp::Compliance(Box::new(write)),
                    idempotency: None,
                };
                if let Err(e) = store.writer().submit(request).await {
                    tracing::error!(error = %e, "a monitoring alert could not be recorded");
                }
            });
        }
    }
}

/// Why a card payment above `threshold` USD cents that skips strong
/// customer authentication is refused; `None` when it passes.
fn sca_refusal(tx: &Transaction<'_>, threshold: Amount) -> Option<String> {
    if tx.card_sca != Some(false) {
        return None;
    }
    let above = tx.amount_usd.is_none_or(|usd| usd > threshold);
    above.then(|| {
        format!(
            "a card payment above USD {}.{:02} must be authenticated with 3-D Secure, and no exemption covers this one",
            threshold.minor() / 100,
            threshold.minor() % 100
        )
    })
}

/// The corridor rules' verdict on `tx`.
pub fn check(rules: &RuleSet, tx: &Transaction<'_>) -> Result<(), RuleRefusal> {
    if tx.flow == Flow::Payment && !tx.merchant_approved {
        let limit = rules.unapproved_merchant_limit_usd;
        // An amount without a USD value cannot be shown to be under the limit.
        if tx.amount_usd.is_none_or(|usd| usd > limit) {
            return Err(RuleRefusal {
                code: "merchant_not_approved",
                rule: UNAPPROVED_LIMIT_RULE.into(),
                message: format!(
                    "refused by rule `{UNAPPROVED_LIMIT_RULE}`: a merchant whose KYB is not approved accepts payments up to USD {}.{:02}",
                    limit.minor() / 100,
                    limit.minor() % 100
                ),
            });
        }
    }
    for rule in &rules.corridor {
        if !rule.scope.covers(tx.flow, tx.country, tx.currency) {
            continue;
        }
        let why = match &rule.check {
            CorridorCheck::Closed => Some(format!(
                "{}s with {} in {} are closed",
                tx.flow.code(),
                tx.country.unwrap_or("this market"),
                tx.currency.code()
            )),
            CorridorCheck::MaxAmountUsd(max) => match tx.amount_usd {
                Some(usd) if usd > *max => Some(format!(
                    "at most USD {}.{:02} per {}",
                    max.minor() / 100,
                    max.minor() % 100,
                    tx.flow.code()
                )),
                Some(_) => None,
                None => Some(format!(
                    "{} has no reference rate to check the USD limit",
                    tx.currency.code()
                )),
            },
            CorridorCheck::PurposeCodeRequired => tx
                .purpose_code
                .is_none_or(|p| p.trim().is_empty())
                .then(|| "a purpose code is required".to_string()),
            // Needs the store: see `RulesEngine::check_quotas`.
            CorridorCheck::AnnualQuotaUsd { .. } => None,
            CorridorCheck::ScaRequiredAboveUsd(threshold) => sca_refusal(tx, *threshold),
        };
        if let Some(why) = why {
            return Err(RuleRefusal {
                code: "transaction_rule",
                rule: rule.name.clone(),
                message: format!("refused by rule `{}`: {why}", rule.name),
            });
        }
    }
    Ok(())
}
