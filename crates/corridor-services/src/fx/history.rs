//! Rate history: every day's reference rates, from the embedded snapshot,
//! imported files, providers and the operator, newest source winning per day.

use std::collections::BTreeMap;

use corridor_core::fx::{cross_rate, Day, EurRates, FxError};
use corridor_core::{Currency, Rate};
use rust_decimal::Decimal;

/// Reference rates by day.
#[derive(Debug, Clone, Default)]
pub struct RateHistory {
    days: BTreeMap<Day, EurRates>,
}

impl RateHistory {
    /// A history from days in any order (later entries of a day replace
    /// earlier ones currency by currency).
    pub fn from_days(days: impl IntoIterator<Item = EurRates>) -> Self {
        let mut h = RateHistory::default();
        h.merge(days);
        h
    }

    /// Adds days; a currency's rate on a day is replaced by the newer one.
    pub fn merge(&mut self, days: impl IntoIterator<Item = EurRates>) {
        for day in days {
            match self.days.get_mut(&day.day) {
                Some(existing) => {
                    existing.source = day.source.clone();
                    existing.per_eur.extend(day.per_eur);
                }
                None => {
                    self.days.insert(day.day, day);
                }
            }
        }
    }

    /// Days held.
    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// Whether no day is held.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The latest rates on or before `day`.
    pub fn on_or_before(&self, day: Day) -> Option<&EurRates> {
        self.days.range(..=day).next_back().map(|(_, r)| r)
    }

    /// The latest rates.
    pub fn latest(&self) -> Option<&EurRates> {
        self.days.values().next_back()
    }

    /// Every day in order.
    pub fn days(&self) -> impl Iterator<Item = &EurRates> {
        self.days.values()
    }

    /// Units of `quote` per `base` on every day both are quoted, in `[from, to]`.
    pub fn series(
        &self,
        base: Currency,
        quote: Currency,
        from: Day,
        to: Day,
    ) -> Vec<(Day, Decimal)> {
        self.days
            .range(from..=to)
            .filter_map(|(day, rates)| {
                cross_rate(rates, base, quote)
                    .ok()
                    .map(|r| (*day, r.value()))
            })
            .collect()
    }

    /// The cross rate on the latest day on or before `day`, with that day.
    pub fn rate_on(
        &self,
        base: Currency,
        quote: Currency,
        day: Day,
    ) -> Result<(Day, Rate), FxError> {
        let rates = self
            .on_or_before(day)
            .ok_or_else(|| FxError::NoRate(base.code().to_string()))?;
        Ok((rates.day, cross_rate(rates, base, quote)?))
    }
}
