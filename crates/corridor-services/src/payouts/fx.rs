//! Exchange for cross-currency payouts, behind a small trait so a real FX
//! service (quotes with a lock, conversions) plugs in.

use std::collections::HashMap;

use corridor_core::{Amount, Currency, Rate, Rounding};
use rust_decimal::Decimal;

/// Which side of the exchange is fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FxAmount {
    /// Sell exactly this much.
    Sell(Amount),
    /// Buy exactly this much.
    Buy(Amount),
}

/// A firm price for one exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxQuote {
    /// The quote's id, when the provider issues ids.
    pub id: Option<String>,
    /// Currency sold (the balance paid from).
    pub sell_currency: Currency,
    /// Currency bought (the beneficiary's).
    pub buy_currency: Currency,
    /// Amount sold.
    pub sell_amount: Amount,
    /// Amount bought.
    pub buy_amount: Amount,
    /// Units of `buy_currency` per unit of `sell_currency`, spread included.
    pub rate: Rate,
    /// Where the rate comes from (`operator`, or the FX service's name).
    pub source: String,
}

/// Why no quote could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxError {
    /// No rate for the pair.
    #[error("no exchange rate from {0} to {1}")]
    NoRate(String, String),
    /// The quote id is unknown, expired or for another pair.
    #[error("{0}")]
    BadQuote(String),
    /// Arithmetic left the amount range.
    #[error("the converted amount is out of range")]
    OutOfRange,
}

/// Quoting and executing exchanges for payouts.
pub trait PayoutFx: Send + Sync + std::fmt::Debug {
    /// A quote to sell `sell` and buy `buy`, one side fixed.
    fn quote(&self, sell: Currency, buy: Currency, amount: FxAmount) -> Result<FxQuote, FxError>;
    /// A quote made before, by id, checked against the pair.
    fn find_quote(&self, id: &str, sell: Currency, buy: Currency) -> Result<FxQuote, FxError>;
    /// The value of `amount` of `currency` in USD at mid-market, rounded up
    /// (for limits expressed in USD).
    fn usd_value(&self, amount: Amount, currency: Currency) -> Result<Amount, FxError>;
}

/// Rates set by the operator, not a market feed: a table of units per EUR
/// (the ECB reference rates of 2026-10-30 by default) with a spread. It
/// issues no quote ids and cannot lock a rate; a real FX service replaces it.
#[derive(Debug, Clone)]
pub struct OperatorRates {
    per_eur: HashMap<&'static str, Decimal>,
    spread_bps: u32,
}

/// ECB euro reference rates of 2026-10-30 (units per EUR).
const ECB_2026_10_30: &[(&str, &str)] = &[
    ("EUR", "1"),
    ("USD", "1.1172"),
    ("CNY", "7.4326"),
    ("GBP", "0.8338"),
    ("JPY", "175.68"),
    ("INR", "106.084"),
    ("BRL", "6.0692"),
    ("MXN", "21.1237"),
    ("AUD", "1.5904"),
    ("CAD", "1.5606"),
    ("CHF", "0.9194"),
    ("HKD", "8.7652"),
    ("SGD", "1.4282"),
    ("KRW", "1491.76"),
    ("SEK", "10.978"),
    ("NOK", "10.312"),
    ("DKK", "7.4735"),
    ("NZD", "1.9823"),
    ("PLN", "4.4038"),
];

impl OperatorRates {
    /// The default table with `spread_bps` taken on every exchange.
    pub fn ecb_reference(spread_bps: u32) -> Self {
        let per_eur = ECB_2026_10_30
            .iter()
            .filter_map(|(c, r)| r.parse::<Decimal>().ok().map(|d| (*c, d)))
            .collect();
        OperatorRates {
            per_eur,
            spread_bps,
        }
    }

    fn mid(&self, sell: Currency, buy: Currency) -> Result<Decimal, FxError> {
        let no_rate = || FxError::NoRate(sell.code().into(), buy.code().into());
        let s = self.per_eur.get(sell.code()).ok_or_else(no_rate)?;
        let b = self.per_eur.get(buy.code()).ok_or_else(no_rate)?;
        b.checked_div(*s).ok_or_else(no_rate)
    }
}

impl PayoutFx for OperatorRates {
    fn quote(&self, sell: Currency, buy: Currency, amount: FxAmount) -> Result<FxQuote, FxError> {
        let mid = self.mid(sell, buy)?;
        let keep =
            Decimal::from(10_000 - i64::from(self.spread_bps.min(10_000))) / Decimal::from(10_000);
        let rate = Rate::new((mid * keep).round_dp(8)).map_err(|_| FxError::OutOfRange)?;
        let (sell_amount, buy_amount) = match amount {
            // The beneficiary never gets more than the rate gives.
            FxAmount::Sell(s) => (
                s,
                rate.convert(s, sell, buy, Rounding::Down)
                    .map_err(|_| FxError::OutOfRange)?,
            ),
            // The merchant pays enough to deliver the amount in full.
            FxAmount::Buy(b) => {
                let inverse = Rate::new(
                    Decimal::ONE
                        .checked_div(rate.value())
                        .ok_or(FxError::OutOfRange)?,
                )
                .map_err(|_| FxError::OutOfRange)?;
                (
                    inverse
                        .convert(b, buy, sell, Rounding::Up)
                        .map_err(|_| FxError::OutOfRange)?,
                    b,
                )
            }
        };
        if sell_amount.minor() == 0 || buy_amount.minor() == 0 {
            return Err(FxError::OutOfRange);
        }
        Ok(FxQuote {
            id: None,
            sell_currency: sell,
            buy_currency: buy,
            sell_amount,
            buy_amount,
            rate,
            source: "operator".into(),
        })
    }

    fn find_quote(&self, id: &str, _sell: Currency, _buy: Currency) -> Result<FxQuote, FxError> {
        Err(FxError::BadQuote(format!(
            "no such quote: '{id}' (operator rates issue no quotes; omit `quote` to price the payout now)"
        )))
    }

    fn usd_value(&self, amount: Amount, currency: Currency) -> Result<Amount, FxError> {
        let usd = Currency::parse("USD").map_err(|_| FxError::OutOfRange)?;
        let mid = Rate::new(self.mid(currency, usd)?).map_err(|_| FxError::OutOfRange)?;
        mid.convert(amount, currency, usd, Rounding::Up)
            .map_err(|_| FxError::OutOfRange)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(s: &str) -> Currency {
        Currency::parse(s).unwrap()
    }

    #[test]
    fn quotes_round_against_the_platform_never_the_beneficiary() {
        let fx = OperatorRates::ecb_reference(50);
        let q = fx
            .quote(
                cur("USD"),
                cur("CNY"),
                FxAmount::Sell(Amount::positive(10_000).unwrap()),
            )
            .unwrap();
        // mid 7.4326/1.1172 = 6.65288..., less 0.5% = 6.61961...: 100 USD -> 661.96 CNY (down).
        assert_eq!(q.buy_amount.minor(), 66_196);
        let q = fx
            .quote(
                cur("USD"),
                cur("CNY"),
                FxAmount::Buy(Amount::positive(66_196).unwrap()),
            )
            .unwrap();
        assert!(q.sell_amount.minor() >= 10_000);
        assert!(fx
            .quote(
                cur("USD"),
                cur("ZAR"),
                FxAmount::Sell(Amount::positive(1).unwrap())
            )
            .is_err());
    }
}
