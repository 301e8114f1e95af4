//! Annual quotas: a subject's total of the calendar year (UTC), counted
//! over the store's durable payments or payouts, plus the transaction,
//! against the rule's USD quota (China's individual FX quota of USD 50,000
//! per person and year, for example). Totals are valued in USD at today's
//! reference rates; a currency without one fails closed.
//!
//! Two concurrent transactions of one subject must not both pass on the
//! same total: the check takes the subject's lock (one of a fixed set of
//! stripes, so memory stays bounded however many cards pay) and hands it
//! back as a [`QuotaHold`], which the caller keeps until its write is
//! durable and therefore counted by the next check.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use corridor_core::{Amount, Currency, Timestamp};
use corridor_store::TotalsOf;
use tokio::sync::{Mutex, OwnedMutexGuard};

use super::set::{CorridorCheck, CorridorRule, Flow, Subject};
use super::{RuleRefusal, RulesEngine, Transaction};

/// The first microsecond of `at`'s calendar year, UTC.
pub fn year_start(at: Timestamp) -> Timestamp {
    let micros_per_day = 86_400_000_000_i64;
    let days = at.unix_micros().div_euclid(micros_per_day);
    let date = time::Date::from_julian_day(i32::try_from(days + 2_440_588).unwrap_or(2_440_588))
        .unwrap_or(time::Date::MIN);
    let first =
        time::Date::from_calendar_date(date.year(), time::Month::January, 1).unwrap_or(date);
    let first_days = i64::from(first.to_julian_day()) - 2_440_588;
    Timestamp::from_unix_micros(first_days * micros_per_day)
}

/// Which totals a rule counts for a transaction, and the subject's key;
/// `None` when the transaction has no such subject (a payout has no card).
fn subject<'a>(per: Subject, tx: &Transaction<'a>) -> Option<(TotalsOf, &'a str)> {
    match (tx.flow, per) {
        (Flow::Payment, Subject::Card) => Some((TotalsOf::CardPayments, tx.card?)),
        (Flow::Payment, Subject::Merchant) => Some((TotalsOf::MerchantPayments, tx.merchant)),
        (Flow::Payout, Subject::Beneficiary) => {
            Some((TotalsOf::BeneficiaryPayouts, tx.beneficiary?))
        }
        (Flow::Payout, Subject::Merchant) => Some((TotalsOf::MerchantPayouts, tx.merchant)),
        _ => None,
    }
}

/// How many locks the subjects share.
const STRIPES: usize = 256;

/// The subjects' locks, striped by a hash of the subject.
pub(super) struct QuotaLocks {
    stripes: Vec<Arc<Mutex<()>>>,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for QuotaLocks {
    fn default() -> Self {
        QuotaLocks {
            stripes: (0..STRIPES).map(|_| Arc::new(Mutex::new(()))).collect(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }
}

impl QuotaLocks {
    fn stripe(&self, of: TotalsOf, key: &str) -> usize {
        let mut h = self.hasher.build_hasher();
        (of as u8).hash(&mut h);
        key.hash(&mut h);
        // The remainder is below STRIPES, so it fits a usize.
        usize::try_from(h.finish() % STRIPES as u64).unwrap_or(0)
    }

    /// Locks the stripes of `subjects`, in ascending order (two holders
    /// never wait on each other in a cycle).
    async fn hold(&self, subjects: &[(TotalsOf, &str)]) -> QuotaHold {
        let mut stripes: Vec<usize> = subjects
            .iter()
            .map(|(of, key)| self.stripe(*of, key))
            .collect();
        stripes.sort_unstable();
        stripes.dedup();
        let mut guards = Vec::with_capacity(stripes.len());
        for i in stripes {
            guards.push(self.stripes[i].clone().lock_owned().await);
        }
        QuotaHold { _guards: guards }
    }
}

/// The quota subjects' locks a passed check took. Keep it until the
/// transaction's write is durable; dropping it lets the next
/// transaction of those subjects be checked.
#[must_use = "the quota is only safe while the hold lives until the write is durable"]
#[derive(Default)]
pub struct QuotaHold {
    _guards: Vec<OwnedMutexGuard<()>>,
}

impl std::fmt::Debug for QuotaHold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuotaHold")
            .field("stripes", &self._guards.len())
            .finish()
    }
}

fn usd_text(cents: i64) -> String {
    format!("USD {}.{:02}", cents / 100, cents % 100)
}

impl RulesEngine {
    /// The annual quota rules' verdict on `tx` at `now`: the first that
    /// refuses, in document order. Reads the store; counts nothing. When
    /// it passes, the hold keeps other transactions of the same subjects
    /// waiting until it is dropped: drop it once `tx` is durably written.
    pub async fn check_quotas(
        &self,
        tx: &Transaction<'_>,
        now: Timestamp,
    ) -> Result<QuotaHold, RuleRefusal> {
        let rules = self.rules();
        let applying: Vec<(&CorridorRule, Subject, Amount, (TotalsOf, &str))> = rules
            .corridor
            .iter()
            .filter_map(|rule| {
                let CorridorCheck::AnnualQuotaUsd { per, quota } = &rule.check else {
                    return None;
                };
                if !rule.scope.covers(tx.flow, tx.country, tx.currency) {
                    return None;
                }
                Some((rule, *per, *quota, subject(*per, tx)?))
            })
            .collect();
        if applying.is_empty() {
            return Ok(QuotaHold::default());
        }
        let subjects: Vec<(TotalsOf, &str)> = applying.iter().map(|a| a.3).collect();
        let hold = self.inner.quota_locks.hold(&subjects).await;
        for (rule, per, quota, (of, key)) in applying {
            let so_far = self.year_total(of, key, now).await;
            let why = match (so_far, tx.amount_usd) {
                (Some(so_far), Some(usd)) => {
                    let total = so_far.saturating_add(usd.minor());
                    (total > quota.minor()).then(|| {
                        format!(
                            "at most {} per {} per calendar year ({} so far this year)",
                            usd_text(quota.minor()),
                            per.code(),
                            usd_text(so_far)
                        )
                    })
                }
                _ => Some(format!(
                    "the {} total of this year cannot be valued in USD to check the quota",
                    per.code()
                )),
            };
            if let Some(why) = why {
                return Err(refusal(rule, &why));
            }
        }
        Ok(hold)
    }

    /// The subject's total this calendar year in USD cents; `None` when
    /// the store cannot be read or a currency has no reference rate.
    async fn year_total(&self, of: TotalsOf, key: &str, now: Timestamp) -> Option<i64> {
        let store = self.inner.store.as_ref()?;
        let totals = match store.totals_since(of, key, year_start(now)).await {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, "the annual quota's totals could not be read");
                return None;
            }
        };
        let mut usd = 0_i64;
        for (currency, minor) in totals {
            let currency = Currency::parse(&currency).ok()?;
            let amount = Amount::non_negative(minor).ok()?;
            usd = usd.saturating_add(self.usd_value(amount, currency)?.minor());
        }
        Some(usd)
    }
}

fn refusal(rule: &CorridorRule, why: &str) -> RuleRefusal {
    RuleRefusal {
        code: "transaction_rule",
        rule: rule.name.clone(),
        message: format!("refused by rule `{}`: {why}", rule.name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_starts_on_the_first_of_january_utc() {
        // 2026-07-15T12:00:00Z and 2026-01-01T00:00:00Z.
        let mid = Timestamp::from_unix_micros(1_784_116_800_000_000);
        assert_eq!(year_start(mid).unix_micros(), 1_767_225_600_000_000);
        let first = Timestamp::from_unix_micros(1_767_225_600_000_000);
        assert_eq!(year_start(first), first);
        let last = Timestamp::from_unix_micros(1_767_225_600_000_000 - 1);
        assert_eq!(year_start(last).unix_micros(), 1_735_689_600_000_000);
    }
}
