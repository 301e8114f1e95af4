//! One day's ECB reference rates (units of each currency per one euro) and
//! the cross rates derived from them.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Day, FxError};
use crate::{Currency, Rate};

/// Significant digits a cross rate keeps. Crosses are rounded half-even
/// ("neutral": a reference figure, not a price anyone is paid at); rates
/// against EUR are the ECB's own figures and are never rounded.
pub const RATE_SIGNIFICANT_DIGITS: u32 = 10;

/// The reference rates of one day: units of each currency per one EUR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EurRates {
    /// The day the rates are for (the ECB's `time` / `Date`).
    pub day: Day,
    /// Where they come from (`ecb`, `operator`, a provider's name).
    pub source: String,
    /// Units of the currency per one EUR; EUR itself is implicit (1).
    pub per_eur: BTreeMap<Currency, Rate>,
}

impl EurRates {
    /// Units of `currency` per one EUR (1 for EUR).
    pub fn per_eur(&self, currency: Currency) -> Result<Decimal, FxError> {
        if currency.code() == "EUR" {
            return Ok(Decimal::ONE);
        }
        self.per_eur
            .get(&currency)
            .map(|r| r.value())
            .ok_or_else(|| FxError::NoRate(currency.code().to_string()))
    }

    /// Every currency quoted that day, EUR included.
    pub fn currencies(&self) -> Vec<Currency> {
        let mut all: Vec<Currency> = self.per_eur.keys().copied().collect();
        if let Ok(eur) = Currency::parse("EUR") {
            if !all.contains(&eur) {
                all.push(eur);
            }
        }
        all.sort();
        all
    }
}

/// Units of `quote` per one unit of `base` on that day, through EUR:
/// `per_eur(quote) / per_eur(base)`. A rate against EUR is the ECB's own
/// figure; any other cross is rounded half-even to
/// [`RATE_SIGNIFICANT_DIGITS`] significant digits.
pub fn cross_rate(rates: &EurRates, base: Currency, quote: Currency) -> Result<Rate, FxError> {
    if base == quote {
        return Err(FxError::SameCurrency);
    }
    let base_per_eur = rates.per_eur(base)?;
    let quote_per_eur = rates.per_eur(quote)?;
    let value = if base.code() == "EUR" {
        quote_per_eur
    } else {
        quote_per_eur
            .checked_div(base_per_eur)
            .ok_or(FxError::Overflow)?
            .round_sf_with_strategy(
                RATE_SIGNIFICANT_DIGITS,
                RoundingStrategy::MidpointNearestEven,
            )
            .ok_or(FxError::Overflow)?
    };
    Rate::new(value.normalize()).map_err(|_| FxError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }

    fn day_rates() -> EurRates {
        let mut per_eur = BTreeMap::new();
        per_eur.insert(cur("USD"), Rate::parse("1.1172").unwrap());
        per_eur.insert(cur("CNY"), Rate::parse("7.4326").unwrap());
        per_eur.insert(cur("JPY"), Rate::parse("175.68").unwrap());
        EurRates {
            day: Day(0),
            source: "ecb".into(),
            per_eur,
        }
    }

    #[test]
    fn eur_base_is_the_ecb_figure_unrounded() {
        let r = day_rates();
        assert_eq!(
            cross_rate(&r, cur("EUR"), cur("USD")).unwrap().value(),
            Decimal::new(11172, 4)
        );
    }

    #[test]
    fn crosses_go_through_eur_with_ten_significant_digits() {
        let r = day_rates();
        // 7.4326 / 1.1172 = 6.652882205513784...
        assert_eq!(
            cross_rate(&r, cur("USD"), cur("CNY"))
                .unwrap()
                .value()
                .to_string(),
            "6.652882206"
        );
        // 1 / 1.1172 = 0.8950948800572860...
        assert_eq!(
            cross_rate(&r, cur("USD"), cur("EUR"))
                .unwrap()
                .value()
                .to_string(),
            "0.8950948801"
        );
        assert_eq!(
            cross_rate(&r, cur("USD"), cur("GBP")),
            Err(FxError::NoRate("GBP".into()))
        );
        assert_eq!(
            cross_rate(&r, cur("USD"), cur("USD")),
            Err(FxError::SameCurrency)
        );
    }
}
