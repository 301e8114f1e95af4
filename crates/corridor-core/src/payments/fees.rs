//! Processing fees: a percentage, a fixed part, and a cross-border surcharge.

use crate::{Amount, MoneyError};

/// Basis points in one whole.
const BPS_PER_ONE: i128 = 10_000;

/// The fee terms of one payment method in one market.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeSchedule {
    /// Percentage of the amount, in basis points (290 = 2.90%).
    pub percent_bps: u32,
    /// Fixed part per payment, in the payment currency's minor unit.
    pub fixed_minor: i64,
    /// Added when the card or account is from another country than the market, in bps.
    pub cross_border_bps: u32,
}

impl FeeSchedule {
    /// The fee on `amount`: the percentage part is rounded up to the next
    /// minor unit (the merchant pays the fraction: the platform never
    /// undercharges its own schedule), then the fixed part is added. The fee
    /// never exceeds the amount, so the merchant's net is never negative.
    pub fn fee(&self, amount: Amount, cross_border: bool) -> Result<Amount, MoneyError> {
        let bps = i128::from(self.percent_bps)
            + if cross_border {
                i128::from(self.cross_border_bps)
            } else {
                0
            };
        let numerator = i128::from(amount.minor()) * bps;
        let percent_part = (numerator + BPS_PER_ONE - 1) / BPS_PER_ONE;
        let total = percent_part + i128::from(self.fixed_minor);
        let capped = total.min(i128::from(amount.minor()));
        let minor = i64::try_from(capped).map_err(|_| MoneyError::Overflow)?;
        Amount::non_negative(minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(minor: i64) -> Amount {
        Amount::positive(minor).unwrap()
    }

    #[test]
    fn percentage_rounds_up_then_fixed_is_added() {
        let card = FeeSchedule {
            percent_bps: 290,
            fixed_minor: 30,
            cross_border_bps: 150,
        };
        // 2.9% of 10.00 = 0.29 exactly, + 0.30.
        assert_eq!(card.fee(amount(1_000), false).unwrap().minor(), 59);
        // 4.4% of 10.01 = 0.44044 -> 0.45 (up), + 0.30.
        assert_eq!(card.fee(amount(1_001), true).unwrap().minor(), 75);
    }

    #[test]
    fn fee_never_exceeds_the_amount() {
        let schedule = FeeSchedule {
            percent_bps: 300,
            fixed_minor: 30,
            cross_border_bps: 0,
        };
        assert_eq!(schedule.fee(amount(20), false).unwrap().minor(), 20);
    }

    #[test]
    fn zero_decimal_currencies_round_to_whole_units() {
        let konbini = FeeSchedule {
            percent_bps: 275,
            fixed_minor: 0,
            cross_border_bps: 0,
        };
        // 2.75% of ¥1,999 = ¥54.9725 -> ¥55.
        assert_eq!(konbini.fee(amount(1_999), false).unwrap().minor(), 55);
    }

    #[test]
    fn huge_amounts_do_not_overflow() {
        let schedule = FeeSchedule {
            percent_bps: 10_000,
            fixed_minor: 0,
            cross_border_bps: 10_000,
        };
        assert_eq!(schedule.fee(Amount::MAX, true).unwrap(), Amount::MAX);
    }
}
