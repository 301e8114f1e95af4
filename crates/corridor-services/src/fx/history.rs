//! Rate history: every day's reference rates, from the embedded snapshot,
//! imported files, providers and the operator, newest source winning per day.
//!
//! In sandbox mode a rate feed answers for the days after the last recorded
//! rates: the latest recorded day re-dated to the TARGET business day on or
//! before the day asked, with source [`SANDBOX_SOURCE`]. It is never stored
//! and never runs outside the sandbox, where stale rates stay stale.

use std::borrow::Cow;
use std::collections::BTreeMap;

use corridor_core::fx::{cross_rate, Day, EurRates, FxError};
use corridor_core::{Currency, Rate};
use rust_decimal::Decimal;

/// The source of the sandbox rate feed's days.
pub const SANDBOX_SOURCE: &str = "sandbox";

/// Where the rates of days after the last recorded rates come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateFeed {
    /// Only recorded rates (ECB files, providers, the operator): a day
    /// after the last recorded one answers that last day, which may be stale.
    #[default]
    Recorded,
    /// Sandbox mode: the last recorded rates re-dated to the latest TARGET
    /// business day, so a fresh sandbox quotes out of the box.
    Sandbox,
}

/// Reference rates by day.
#[derive(Debug, Clone, Default)]
pub struct RateHistory {
    days: BTreeMap<Day, EurRates>,
    feed: RateFeed,
}

impl RateHistory {
    /// A history from days in any order (later entries of a day replace
    /// earlier ones currency by currency).
    pub fn from_days(days: impl IntoIterator<Item = EurRates>) -> Self {
        let mut h = RateHistory::default();
        h.merge(days);
        h
    }

    /// The same history answering with `feed`.
    pub fn with_feed(mut self, feed: RateFeed) -> Self {
        self.feed = feed;
        self
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

    /// The latest rates on or before `day`: recorded ones, or in sandbox
    /// mode the sandbox feed's when the recorded ones are older than the
    /// latest TARGET business day on or before `day`.
    pub fn on_or_before(&self, day: Day) -> Option<Cow<'_, EurRates>> {
        let recorded = self.recorded_on_or_before(day)?;
        if self.feed == RateFeed::Sandbox {
            let business_day = latest_target_business_day(day);
            if recorded.day < business_day {
                return Some(Cow::Owned(EurRates {
                    day: business_day,
                    source: SANDBOX_SOURCE.to_string(),
                    per_eur: recorded.per_eur.clone(),
                }));
            }
        }
        Some(Cow::Borrowed(recorded))
    }

    /// The latest recorded rates on or before `day` (never the sandbox feed's).
    pub fn recorded_on_or_before(&self, day: Day) -> Option<&EurRates> {
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
        Ok((rates.day, cross_rate(&rates, base, quote)?))
    }
}

/// The latest TARGET business day on or before `day` (`day` itself when
/// the calendar cannot tell).
fn latest_target_business_day(day: Day) -> Day {
    let mut d = day;
    // TARGET is never closed for more than four days in a row.
    for _ in 0..10 {
        if !super::dates::target_closed(d) {
            return d;
        }
        d = Day(d.0 - 1);
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fx::dates::{day_of, iso};

    fn day(rates: &str, text: &str) -> EurRates {
        EurRates {
            day: day_of(text).unwrap(),
            source: "ecb".into(),
            per_eur: [(Currency::parse("USD").unwrap(), Rate::parse(rates).unwrap())]
                .into_iter()
                .collect(),
        }
    }

    #[test]
    fn the_sandbox_feed_redates_the_last_recorded_rates_to_the_business_day() {
        let recorded = RateHistory::from_days([day("1.1", "2026-10-29"), day("1.2", "2026-10-30")]);
        let sandbox = recorded.clone().with_feed(RateFeed::Sandbox);
        // Tuesday 2026-12-01: recorded answers Friday 2026-10-30 as it is.
        let tuesday = day_of("2026-12-01").unwrap();
        let r = recorded.on_or_before(tuesday).unwrap();
        assert_eq!(
            (iso(r.day), r.source.as_str()),
            ("2026-10-30".into(), "ecb")
        );
        let s = sandbox.on_or_before(tuesday).unwrap();
        assert_eq!(
            (iso(s.day), s.source.as_str()),
            ("2026-12-01".into(), SANDBOX_SOURCE)
        );
        assert_eq!(s.per_eur, r.per_eur);
        // Christmas Day and the weekend before it answer Thursday 2026-12-24.
        let s = sandbox.on_or_before(day_of("2026-12-27").unwrap()).unwrap();
        assert_eq!(iso(s.day), "2026-12-24");
        // A recorded day is answered as recorded.
        let s = sandbox.on_or_before(day_of("2026-10-29").unwrap()).unwrap();
        assert_eq!(
            (
                s.source.as_str(),
                s.per_eur.values().next().unwrap().value().to_string()
            ),
            ("ecb", "1.1".into())
        );
        // Saturday after the last recorded Friday: still the recorded day.
        let s = sandbox.on_or_before(day_of("2026-10-31").unwrap()).unwrap();
        assert_eq!(s.source, "ecb");
        // Nothing recorded on or before: no feed either.
        assert!(sandbox
            .on_or_before(day_of("2020-01-01").unwrap())
            .is_none());
    }
}
