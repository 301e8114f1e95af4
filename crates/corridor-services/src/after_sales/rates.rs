//! Where cross-currency refunds get their rates.
//!
//! A small trait of its own, so the refund service does not depend on how
//! rates are sourced: [`FixedRates`] serves a table (the sandbox and the
//! tests), and a market-data rate service can implement it.

use std::collections::HashMap;
use std::sync::RwLock;

use corridor_core::{Currency, Rate, Timestamp};

/// Exchange rates for refunds: units of `to` per unit of `from`.
pub trait RateSource: Send + Sync {
    /// The rate in force at `at` (today's rate when `at` is now), or `None`
    /// when the pair is not quoted.
    fn rate(&self, from: Currency, to: Currency, at: Timestamp) -> Option<Rate>;
}

/// Rates per (from, to) pair, each with the time it is in force from, in order.
type RateTable = HashMap<(Currency, Currency), Vec<(Timestamp, Rate)>>;

/// A table of rates, each in force from a time on. Pairs are looked up in
/// both directions (the inverse of a quoted rate).
#[derive(Debug, Default)]
pub struct FixedRates {
    table: RwLock<RateTable>,
}

impl FixedRates {
    /// An empty table.
    pub fn new() -> Self {
        FixedRates::default()
    }

    /// Sets the rate of `from` in `to` from `since` on.
    pub fn set(&self, from: Currency, to: Currency, since: Timestamp, rate: Rate) {
        let mut table = self.table.write().unwrap_or_else(|e| e.into_inner());
        let entries = table.entry((from, to)).or_default();
        entries.push((since, rate));
        entries.sort_by_key(|(t, _)| *t);
    }

    fn direct(&self, from: Currency, to: Currency, at: Timestamp) -> Option<Rate> {
        let table = self.table.read().unwrap_or_else(|e| e.into_inner());
        table
            .get(&(from, to))?
            .iter()
            .rev()
            .find(|(since, _)| *since <= at)
            .map(|(_, rate)| *rate)
    }
}

impl RateSource for FixedRates {
    fn rate(&self, from: Currency, to: Currency, at: Timestamp) -> Option<Rate> {
        if from == to {
            return Rate::parse("1").ok();
        }
        if let Some(rate) = self.direct(from, to, at) {
            return Some(rate);
        }
        let inverse = self.direct(to, from, at)?;
        rust_decimal::Decimal::ONE
            .checked_div(inverse.value())
            .and_then(|d| Rate::new(d.round_dp(10)).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_apply_from_their_time_and_invert() {
        let usd = Currency::parse("USD").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        let rates = FixedRates::new();
        let t0 = Timestamp::from_unix_micros(0);
        let t1 = Timestamp::from_unix_micros(1_000);
        rates.set(jpy, usd, t0, Rate::parse("0.0067").unwrap());
        rates.set(jpy, usd, t1, Rate::parse("0.0070").unwrap());
        assert_eq!(rates.rate(jpy, usd, t0), Rate::parse("0.0067").ok());
        assert_eq!(
            rates.rate(jpy, usd, Timestamp::from_unix_micros(5_000)),
            Rate::parse("0.0070").ok()
        );
        assert_eq!(
            rates
                .rate(usd, jpy, t0)
                .map(|r| r.value().round_dp(2).to_string()),
            Some("149.25".into())
        );
        let eur = Currency::parse("EUR").unwrap();
        assert_eq!(rates.rate(eur, usd, t0), None);
    }
}
