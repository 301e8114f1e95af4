//! Monitoring after a restart: the windows and baselines rebuilt by
//! counting again, in time order, the payments, refunds and payouts the
//! store holds from as far back as the longest monitoring rule looks.
//! Counting raises no alert (those transactions were alerted on, or not,
//! when they happened) but notes what would have alerted, so the same
//! window does not alert twice.

use corridor_core::{Amount, Currency, Timestamp};
use corridor_store::{MonitoredRecord, StoreError};

use super::monitor::Monitor;
use super::set::{Flow, MonitoringCheck, RuleSet};
use super::{RulesEngine, Transaction};

/// The most transactions counted again at start.
pub const MAX_REPLAYED: usize = 2_000_000;

const DAY: i64 = 86_400;

/// How many seconds back the monitoring rules look (0 without any rule
/// that counts the past).
pub fn lookback_seconds(rules: &RuleSet) -> i64 {
    rules
        .monitoring
        .iter()
        .map(|r| match &r.check {
            MonitoringCheck::Velocity { window_seconds, .. }
            | MonitoringCheck::Structuring { window_seconds, .. } => *window_seconds,
            MonitoringCheck::VolumeSpike { baseline_days, .. } => {
                (i64::from(*baseline_days) + 1) * DAY
            }
            MonitoringCheck::RefundRatio { window_days, .. } => (i64::from(*window_days) + 1) * DAY,
            MonitoringCheck::HighRiskCountry { .. } | MonitoringCheck::RoundAmount { .. } => 0,
        })
        .max()
        .unwrap_or(0)
}

impl RulesEngine {
    /// Rebuilds the monitor from the store's transactions of the rules'
    /// lookback before `now`; answers how many were counted. Call before
    /// the server takes requests (it replaces the counters).
    pub async fn rebuild_monitor(&self, now: Timestamp) -> Result<usize, StoreError> {
        let Some(store) = self.inner.store.clone() else {
            return Ok(0);
        };
        let rules = self.rules();
        let lookback = lookback_seconds(&rules);
        if lookback == 0 {
            return Ok(0);
        }
        let since = Timestamp::from_unix_micros(
            now.unix_micros()
                .saturating_sub(lookback.saturating_mul(1_000_000)),
        );
        let records = store.monitored_since(since, MAX_REPLAYED).await?;
        if records.len() == MAX_REPLAYED {
            tracing::warn!(
                limit = MAX_REPLAYED,
                "monitoring counted only the oldest transactions of its lookback again"
            );
        }
        let mut monitor = Monitor::default();
        let mut counted = 0;
        for r in &records {
            if let Some(tx) = self.transaction(r) {
                monitor.observe(&rules, &tx, r.created_at);
                counted += 1;
            }
        }
        *self.inner.monitor.lock().unwrap_or_else(|e| e.into_inner()) = monitor;
        Ok(counted)
    }

    /// A stored transaction as the rules see it; `None` for a row this
    /// version cannot read (an unknown flow or currency).
    fn transaction<'a>(&self, r: &'a MonitoredRecord) -> Option<Transaction<'a>> {
        let flow = Flow::parse(&r.flow)?;
        let currency = Currency::parse(&r.currency).ok()?;
        let amount = Amount::non_negative(r.amount).ok()?;
        let amount_usd = match (
            Currency::parse(&r.usd_currency),
            Amount::non_negative(r.usd_amount),
        ) {
            (Ok(c), Ok(a)) => self.usd_value(a, c),
            _ => None,
        };
        Some(Transaction {
            flow,
            // A payout is counted under its beneficiary, as when it was made.
            reference: r.beneficiary.as_deref().unwrap_or(&r.id),
            merchant: &r.merchant_id,
            merchant_approved: true,
            country: Some(&r.country),
            currency,
            amount,
            amount_usd,
            card: r.card.as_deref(),
            // Authentication does not change what monitoring counts.
            card_sca: None,
            beneficiary: r.beneficiary.as_deref(),
            purpose_code: None,
        })
    }
}
