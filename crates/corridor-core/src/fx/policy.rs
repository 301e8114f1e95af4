//! Central-bank policy rates as a step function of the date: the interest
//! rates forwards are priced with.

use rust_decimal::Decimal;

use super::Day;
use crate::Currency;

/// One change of a policy rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRate {
    /// The currency whose rate this is.
    pub currency: Currency,
    /// The rate series (`fed_funds_upper`, `ecb_mro`, ...).
    pub series: String,
    /// The first day the rate applies.
    pub effective: Day,
    /// Percent per year (`5.25`).
    pub rate_pct: Decimal,
    /// Who publishes it.
    pub source: String,
}

/// Every known change, per currency, in date order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyRateTable {
    entries: Vec<PolicyRate>,
}

impl PolicyRateTable {
    /// A table from changes in any order.
    pub fn new(mut entries: Vec<PolicyRate>) -> Self {
        entries.sort_by_key(|e| (e.currency, e.effective));
        PolicyRateTable { entries }
    }

    /// Every change, by currency and date.
    pub fn entries(&self) -> &[PolicyRate] {
        &self.entries
    }

    /// The rate in force for `currency` on `day`: the latest change on or
    /// before it. `None` before the first known change: no rate is invented.
    pub fn rate_on(&self, currency: Currency, day: Day) -> Option<&PolicyRate> {
        self.entries
            .iter()
            .rfind(|e| e.currency == currency && e.effective <= day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_function_with_no_rate_before_the_first_change() {
        let usd = Currency::parse("USD").unwrap();
        let entry = |day, pct| PolicyRate {
            currency: usd,
            series: "fed_funds_upper".into(),
            effective: Day(day),
            rate_pct: Decimal::new(pct, 2),
            source: "Federal Reserve".into(),
        };
        let table = PolicyRateTable::new(vec![entry(20, 500), entry(10, 525)]);
        assert!(table.rate_on(usd, Day(9)).is_none());
        assert_eq!(
            table.rate_on(usd, Day(10)).unwrap().rate_pct,
            Decimal::new(525, 2)
        );
        assert_eq!(
            table.rate_on(usd, Day(19)).unwrap().rate_pct,
            Decimal::new(525, 2)
        );
        assert_eq!(
            table.rate_on(usd, Day(400)).unwrap().rate_pct,
            Decimal::new(500, 2)
        );
        assert!(table
            .rate_on(Currency::parse("EUR").unwrap(), Day(30))
            .is_none());
    }
}
