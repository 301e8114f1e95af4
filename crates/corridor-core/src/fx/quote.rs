//! Quote arithmetic: the client rate off mid, the amounts on both sides,
//! the lock fee, and what the platform keeps of each.
//!
//! Conventions (fixed by the public API): `rate` and `mid_rate` are units
//! of the buy currency per one unit of the sell currency; `fee` is in the
//! sell currency's minor units and is charged on top of `sell_amount`.
//!
//! Roundings, each favouring the platform by at most one minor unit:
//! - the client rate is `mid × (1 − spread)` rounded **down** to
//!   [`RATE_SIGNIFICANT_DIGITS`](super::RATE_SIGNIFICANT_DIGITS) significant digits;
//! - given a sell amount, the buy amount is rounded **down**;
//! - given a buy amount, the sell amount is rounded **up**;
//! - the fee is rounded **up**.
//!
//! The ledger books `floor(sell × mid)` out of the buy currency's liquidity:
//! the merchant gets `buy_amount` and the rest (`spread_amount`) is revenue,
//! so per currency the postings sum to zero and no unit appears or vanishes.

use rust_decimal::{Decimal, RoundingStrategy};

use super::{FxError, RATE_SIGNIFICANT_DIGITS};
use crate::{Amount, Currency, Rate, Rounding};

const BPS_PER_ONE: i64 = 10_000;

/// Which side of a quote the merchant fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteAmount {
    /// Sell exactly this much.
    Sell(Amount),
    /// Buy exactly this much.
    Buy(Amount),
}

/// What a quote is priced from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteInput {
    /// Currency sold.
    pub sell: Currency,
    /// Currency bought.
    pub buy: Currency,
    /// The fixed side.
    pub amount: QuoteAmount,
    /// Mid-market rate, buy units per sell unit.
    pub mid: Rate,
    /// Total spread off mid, markup included, in bps.
    pub spread_bps: u32,
    /// Price of the lock, in bps of the sell amount.
    pub lock_bps: u32,
}

/// A priced quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuoteTerms {
    /// Sold (debited, plus `fee`).
    pub sell_amount: Amount,
    /// Bought (credited).
    pub buy_amount: Amount,
    /// Client rate, buy per sell.
    pub rate: Rate,
    /// Mid-market rate, buy per sell.
    pub mid_rate: Rate,
    /// Spread applied, bps.
    pub spread_bps: u32,
    /// Lock fee, sell minor units.
    pub fee: Amount,
    /// `floor(sell_amount × mid)`: what the buy currency's liquidity pays out.
    pub buy_at_mid: Amount,
    /// `buy_at_mid − buy_amount`: the spread the platform keeps, buy minor units.
    pub spread_amount: Amount,
}

fn pow10(exponent: u32) -> Decimal {
    Decimal::from(10_i64.pow(exponent.min(18)))
}

/// The client rate: mid less the spread, rounded down.
fn client_rate(mid: Rate, spread_bps: u32) -> Result<Rate, FxError> {
    let keep = Decimal::from(BPS_PER_ONE - i64::from(spread_bps.min(9_999)));
    let value = mid
        .value()
        .checked_mul(keep)
        .ok_or(FxError::Overflow)?
        .checked_div(Decimal::from(BPS_PER_ONE))
        .ok_or(FxError::Overflow)?
        .round_sf_with_strategy(RATE_SIGNIFICANT_DIGITS, RoundingStrategy::ToZero)
        .ok_or(FxError::Overflow)?;
    Rate::new(value.normalize()).map_err(|_| FxError::Overflow)
}

/// Sell minor units needed to buy `buy` at `rate`, rounded up.
fn sell_for(buy: Amount, rate: Rate, sell: Currency, buy_cur: Currency) -> Result<Amount, FxError> {
    let numerator = Decimal::from(buy.minor())
        .checked_mul(pow10(sell.exponent()))
        .ok_or(FxError::Overflow)?;
    let denominator = rate
        .value()
        .checked_mul(pow10(buy_cur.exponent()))
        .ok_or(FxError::Overflow)?;
    let minor = numerator
        .checked_div(denominator)
        .ok_or(FxError::Overflow)?
        .round_dp_with_strategy(0, RoundingStrategy::AwayFromZero);
    let minor = i64::try_from(minor).map_err(|_| FxError::Overflow)?;
    Amount::positive(minor).map_err(|_| FxError::RoundsToZero)
}

/// Prices a quote. Refuses the same currency on both sides and amounts
/// that round to zero on either side.
pub fn price_quote(input: QuoteInput) -> Result<QuoteTerms, FxError> {
    if input.sell == input.buy {
        return Err(FxError::SameCurrency);
    }
    let rate = client_rate(input.mid, input.spread_bps)?;
    let (sell_amount, buy_amount) = match input.amount {
        QuoteAmount::Sell(sell) => {
            let buy = rate
                .convert(sell, input.sell, input.buy, Rounding::Down)
                .map_err(|_| FxError::Overflow)?;
            (sell, buy)
        }
        QuoteAmount::Buy(buy) => (sell_for(buy, rate, input.sell, input.buy)?, buy),
    };
    if sell_amount.is_zero() || buy_amount.is_zero() {
        return Err(FxError::RoundsToZero);
    }
    let fee_numerator = i128::from(sell_amount.minor()) * i128::from(input.lock_bps);
    let fee = (fee_numerator + i128::from(BPS_PER_ONE) - 1) / i128::from(BPS_PER_ONE);
    let fee = Amount::non_negative(i64::try_from(fee).map_err(|_| FxError::Overflow)?)
        .map_err(|_| FxError::Overflow)?;
    sell_amount
        .checked_add(fee)
        .map_err(|_| FxError::Overflow)?;
    let buy_at_mid = input
        .mid
        .convert(sell_amount, input.sell, input.buy, Rounding::Down)
        .map_err(|_| FxError::Overflow)?;
    let spread_amount = buy_at_mid
        .checked_sub(buy_amount)
        .map_err(|_| FxError::Overflow)?;
    Ok(QuoteTerms {
        sell_amount,
        buy_amount,
        rate,
        mid_rate: input.mid,
        spread_bps: input.spread_bps,
        fee,
        buy_at_mid,
        spread_amount,
    })
}

/// The all-in cost against mid-market, in percent (4 decimals, half-even):
/// `1 − bought / ((sold + fee) × mid)`, everything in major units.
pub fn all_in_cost_pct(
    sell: Currency,
    buy: Currency,
    sold_with_fee: Amount,
    bought: Amount,
    mid: Rate,
) -> Result<Decimal, FxError> {
    let paid = Decimal::from(sold_with_fee.minor())
        .checked_div(pow10(sell.exponent()))
        .and_then(|major| major.checked_mul(mid.value()))
        .ok_or(FxError::Overflow)?;
    if paid.is_zero() {
        return Err(FxError::RoundsToZero);
    }
    let got = Decimal::from(bought.minor()) / pow10(buy.exponent());
    let cost =
        (Decimal::ONE - got.checked_div(paid).ok_or(FxError::Overflow)?) * Decimal::ONE_HUNDRED;
    Ok(cost
        .round_dp_with_strategy(4, RoundingStrategy::MidpointNearestEven)
        .normalize())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn cur(c: &str) -> Currency {
        Currency::parse(c).unwrap()
    }

    fn input(amount: QuoteAmount, mid: &str, spread_bps: u32, lock_bps: u32) -> QuoteInput {
        QuoteInput {
            sell: cur("USD"),
            buy: cur("JPY"),
            amount,
            mid: Rate::parse(mid).unwrap(),
            spread_bps,
            lock_bps,
        }
    }

    #[test]
    fn sell_side_quote_rounds_for_the_platform() {
        // 100.00 USD at mid 157.2500, 50 bps: rate 156.46375, 15646.375 -> 15646 JPY.
        let t = price_quote(input(
            QuoteAmount::Sell(Amount::positive(10_000).unwrap()),
            "157.25",
            50,
            5,
        ))
        .unwrap();
        assert_eq!(t.rate.value().to_string(), "156.46375");
        assert_eq!(t.buy_amount.minor(), 15_646);
        assert_eq!(t.buy_at_mid.minor(), 15_725);
        assert_eq!(t.spread_amount.minor(), 79);
        // 5 bps of 10000 cents = 5 cents.
        assert_eq!(t.fee.minor(), 5);
    }

    #[test]
    fn buy_side_quote_rounds_the_sell_amount_up() {
        let t = price_quote(input(
            QuoteAmount::Buy(Amount::positive(10_000).unwrap()),
            "157.25",
            50,
            0,
        ))
        .unwrap();
        // 10000 / 156.46375 = 63.9125... USD -> 6392 cents.
        assert_eq!(t.sell_amount.minor(), 6_392);
        assert_eq!(t.buy_amount.minor(), 10_000);
        assert!(t.buy_at_mid.minor() >= 10_000);
    }

    #[test]
    fn refuses_zero_and_same_currency() {
        let one_cent = QuoteAmount::Sell(Amount::positive(1).unwrap());
        let mut i = input(one_cent, "0.0001", 0, 0);
        assert_eq!(price_quote(i), Err(FxError::RoundsToZero));
        i.buy = cur("USD");
        assert_eq!(price_quote(i), Err(FxError::SameCurrency));
    }

    #[test]
    fn all_in_cost_matches_spread_and_fee() {
        let c = all_in_cost_pct(
            cur("USD"),
            cur("JPY"),
            Amount::positive(10_005).unwrap(),
            Amount::positive(15_646).unwrap(),
            Rate::parse("157.25").unwrap(),
        )
        .unwrap();
        // 1 - 15646 / (100.05 × 157.25) = 0.5521...%
        assert_eq!(c.to_string(), "0.5521");
    }

    proptest! {
        /// No unit is created or lost: the buy side pays `buy_at_mid`, split
        /// between the merchant and revenue; the merchant never gets more
        /// than the rate gives, and the client rate never beats mid.
        #[test]
        fn amounts_conserve_and_favour_the_platform(
            minor in 1_i64..1_000_000_000_000,
            mid_units in 1_i64..100_000_000,
            spread in 0_u32..1_000,
            lock in 0_u32..500,
            sell_side in any::<bool>(),
        ) {
            let mid = Rate::new(Decimal::new(mid_units, 4)).unwrap();
            let amount = Amount::positive(minor).unwrap();
            let q = QuoteInput {
                sell: cur("EUR"),
                buy: cur("KRW"),
                amount: if sell_side { QuoteAmount::Sell(amount) } else { QuoteAmount::Buy(amount) },
                mid,
                spread_bps: spread,
                lock_bps: lock,
            };
            match price_quote(q) {
                Ok(t) => {
                    prop_assert!(t.rate <= t.mid_rate);
                    prop_assert_eq!(t.buy_amount.minor() + t.spread_amount.minor(), t.buy_at_mid.minor());
                    let exact_buy = Decimal::from(t.sell_amount.minor()) / Decimal::ONE_HUNDRED * t.rate.value();
                    prop_assert!(Decimal::from(t.buy_amount.minor()) <= exact_buy);
                    let exact_fee = Decimal::from(t.sell_amount.minor()) * Decimal::from(lock) / Decimal::from(10_000);
                    prop_assert!(Decimal::from(t.fee.minor()) >= exact_fee);
                    prop_assert!(Decimal::from(t.fee.minor()) < exact_fee + Decimal::ONE);
                    if sell_side {
                        prop_assert_eq!(t.sell_amount, amount);
                        prop_assert!(exact_buy - Decimal::from(t.buy_amount.minor()) < Decimal::ONE);
                    } else {
                        prop_assert_eq!(t.buy_amount, amount);
                    }
                }
                Err(e) => prop_assert!(matches!(e, FxError::RoundsToZero | FxError::Overflow)),
            }
        }
    }
}
