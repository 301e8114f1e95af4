//! Monitoring in memory: sliding windows per rule and subject, a day's
//! volumes per merchant, and when each rule last alerted, so evaluating a
//! transaction costs no database round trip. At start they are rebuilt
//! from the store's recent transactions (`replay.rs`).

use std::collections::{BTreeMap, HashMap, VecDeque};

use corridor_core::Timestamp;

use super::set::{Flow, MonitoringCheck, MonitoringRule, RuleSet, Subject};
use super::{RuleHit, Transaction};

const DAY: i64 = 86_400;
/// Days of volume kept per merchant (the longest baseline or ratio window).
const DAYS_KEPT: i64 = 400;

/// The counters of every monitoring rule.
#[derive(Debug, Default)]
pub struct Monitor {
    /// Times of transactions per (rule, subject key), inside the rule's window.
    windows: HashMap<(String, String), VecDeque<Timestamp>>,
    /// USD cents per merchant, flow and day number.
    volumes: HashMap<(String, Flow), BTreeMap<i64, i64>>,
    /// When (rule, subject key) last raised an alert.
    alerted: HashMap<(String, String), Timestamp>,
}

fn day(at: Timestamp) -> i64 {
    at.unix_micros().div_euclid(1_000_000 * DAY)
}

fn usd_text(cents: i64) -> String {
    format!("USD {}.{:02}", cents / 100, cents % 100)
}

impl Monitor {
    /// Counts `tx` and answers the rules it trips (each at most once per
    /// rule and subject per window, or per day for rules without one).
    pub fn observe(
        &mut self,
        rules: &RuleSet,
        tx: &Transaction<'_>,
        now: Timestamp,
    ) -> Vec<RuleHit> {
        if let Some(usd) = tx.amount_usd {
            let days = self
                .volumes
                .entry((tx.merchant.to_string(), tx.flow))
                .or_default();
            *days.entry(day(now)).or_default() += usd.minor();
            let oldest = day(now) - DAYS_KEPT;
            while days.first_key_value().is_some_and(|(d, _)| *d < oldest) {
                days.pop_first();
            }
        }
        let mut hits = Vec::new();
        for rule in &rules.monitoring {
            if !rule.scope.covers(tx.flow, tx.country, tx.currency) {
                continue;
            }
            if let Some((key, quiet, message)) = self.trips(rule, tx, now) {
                let slot = (rule.name.clone(), key);
                let recent = self
                    .alerted
                    .get(&slot)
                    .is_some_and(|at| now.unix_micros() - at.unix_micros() < quiet * 1_000_000);
                if !recent {
                    self.alerted.insert(slot, now);
                    hits.push(RuleHit {
                        rule: rule.name.clone(),
                        severity: rule.severity,
                        message,
                    });
                }
            }
        }
        hits
    }

    /// Whether `rule` trips on `tx`: the subject key, how long to stay
    /// quiet after alerting, and what to say.
    fn trips(
        &mut self,
        rule: &MonitoringRule,
        tx: &Transaction<'_>,
        now: Timestamp,
    ) -> Option<(String, i64, String)> {
        match &rule.check {
            MonitoringCheck::Velocity {
                per,
                window_seconds,
                max_count,
            } => {
                let key = match per {
                    Subject::Merchant => Some(tx.merchant),
                    Subject::Card => tx.card,
                    Subject::Beneficiary => tx.beneficiary,
                }?;
                let count = self.count(&rule.name, key, *window_seconds, now, true);
                (count > *max_count as usize).then(|| {
                    (
                        format!("{}:{key}", per.code()),
                        *window_seconds,
                        format!(
                            "{count} {}s of {} {key} within {window_seconds} s (at most {max_count})",
                            tx.flow.code(),
                            per.code()
                        ),
                    )
                })
            }
            MonitoringCheck::Structuring {
                threshold_usd,
                margin_bps,
                window_seconds,
                min_count,
            } => {
                let usd = tx.amount_usd?.minor();
                let threshold = threshold_usd.minor();
                let floor = threshold - threshold * i64::from(*margin_bps) / 10_000;
                if !(floor..threshold).contains(&usd) {
                    return None;
                }
                let count = self.count(&rule.name, tx.merchant, *window_seconds, now, true);
                (count >= *min_count as usize).then(|| {
                    (
                        format!("merchant:{}", tx.merchant),
                        *window_seconds,
                        format!(
                            "{count} {}s between {} and {} within {window_seconds} s",
                            tx.flow.code(),
                            usd_text(floor),
                            usd_text(threshold)
                        ),
                    )
                })
            }
            MonitoringCheck::VolumeSpike {
                factor,
                baseline_days,
                min_baseline_usd,
            } => {
                let days = self.volumes.get(&(tx.merchant.to_string(), tx.flow))?;
                let today = day(now);
                let today_volume = days.get(&today).copied().unwrap_or(0);
                let from = today - i64::from(*baseline_days);
                let baseline: i64 = days.range(from..today).map(|(_, v)| *v).sum::<i64>()
                    / i64::from((*baseline_days).max(1));
                (baseline >= min_baseline_usd.minor()
                    && today_volume > baseline.saturating_mul(i64::from(*factor)))
                .then(|| {
                    (
                        format!("merchant:{}", tx.merchant),
                        DAY,
                        format!(
                            "today's {} volume {} is above {factor} times the merchant's daily average {}",
                            tx.flow.code(),
                            usd_text(today_volume),
                            usd_text(baseline)
                        ),
                    )
                })
            }
            MonitoringCheck::HighRiskCountry { countries } => {
                let country = tx.country?;
                countries.iter().any(|c| c == country).then(|| {
                    (
                        format!("merchant:{}:{country}", tx.merchant),
                        DAY,
                        format!("a {} with {country}, a high-risk country", tx.flow.code()),
                    )
                })
            }
            MonitoringCheck::RefundRatio {
                max_bps,
                window_days,
                min_sales_usd,
            } => {
                let sum = |flow: Flow| -> i64 {
                    self.volumes
                        .get(&(tx.merchant.to_string(), flow))
                        .map(|d| {
                            d.range(day(now) - i64::from(*window_days) + 1..)
                                .map(|(_, v)| *v)
                                .sum()
                        })
                        .unwrap_or(0)
                };
                let (sales, refunds) = (sum(Flow::Payment), sum(Flow::Refund));
                (sales >= min_sales_usd.minor()
                    && i128::from(refunds) * 10_000 > i128::from(sales) * i128::from(*max_bps))
                .then(|| {
                    (
                        format!("merchant:{}", tx.merchant),
                        DAY,
                        format!(
                            "refunds {} are more than {} bp of sales {} over {window_days} days",
                            usd_text(refunds),
                            max_bps,
                            usd_text(sales)
                        ),
                    )
                })
            }
            MonitoringCheck::RoundAmount { min_usd, multiple } => {
                let usd = tx.amount_usd?;
                (usd >= *min_usd && tx.amount.minor() % multiple.minor() == 0).then(|| {
                    (
                        format!("{}:{}", tx.flow.code(), tx.reference),
                        DAY,
                        format!(
                            "a round {} of {} minor units of {}",
                            tx.flow.code(),
                            tx.amount.minor(),
                            tx.currency.code()
                        ),
                    )
                })
            }
        }
    }

    /// Counts one more transaction of `key` under `rule` (when `add`) and
    /// answers how many fall inside the window.
    fn count(&mut self, rule: &str, key: &str, window: i64, now: Timestamp, add: bool) -> usize {
        let times = self
            .windows
            .entry((rule.to_string(), key.to_string()))
            .or_default();
        if add {
            times.push_back(now);
        }
        let start = now.unix_micros() - window * 1_000_000;
        while times.front().is_some_and(|t| t.unix_micros() <= start) {
            times.pop_front();
        }
        times.len()
    }
}
