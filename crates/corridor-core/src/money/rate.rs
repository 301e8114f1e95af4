//! Exchange rates as decimals, and the named roundings used to apply them.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::{Amount, Currency, MoneyError};

/// How a converted amount is brought back to whole minor units.
///
/// Every conversion names one of these; there is no default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// Toward zero: the receiving side never gets a fraction it was not paid.
    /// Used when the platform pays out a converted amount.
    Down,
    /// Away from zero: the paying side covers the fraction.
    /// Used when computing what a buyer or merchant must pay.
    Up,
    /// To the nearest unit, ties to even (banker's rounding): neutral, for
    /// reporting figures that are not paid to anyone.
    HalfEven,
}

impl Rounding {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Rounding::Down => RoundingStrategy::ToZero,
            Rounding::Up => RoundingStrategy::AwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
        }
    }
}

/// A strictly positive exchange rate: units of the quote currency per one
/// unit of the base currency (major units on both sides, as rates are quoted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(Decimal);

impl Rate {
    /// Parses a decimal string such as `"7.1834"`.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let value: Decimal = text
            .parse()
            .map_err(|_| MoneyError::InvalidRate(text.to_string()))?;
        Rate::new(value).map_err(|_| MoneyError::InvalidRate(text.to_string()))
    }

    /// Wraps a decimal, refusing zero and negative rates.
    pub fn new(value: Decimal) -> Result<Self, MoneyError> {
        if value > Decimal::ZERO {
            Ok(Rate(value))
        } else {
            Err(MoneyError::InvalidRate(value.to_string()))
        }
    }

    /// The rate as a decimal.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// Converts `amount` of `from` into `to` at this rate, rounding to the
    /// minor unit of `to` as `rounding` says.
    pub fn convert(
        self,
        amount: Amount,
        from: Currency,
        to: Currency,
        rounding: Rounding,
    ) -> Result<Amount, MoneyError> {
        let major = Decimal::from(amount.minor()) / pow10(from.exponent())?;
        let converted = major.checked_mul(self.0).ok_or(MoneyError::Overflow)?;
        let minor = converted
            .checked_mul(pow10(to.exponent())?)
            .ok_or(MoneyError::Overflow)?
            .round_dp_with_strategy(0, rounding.strategy());
        let minor = minor.to_i64().ok_or(MoneyError::OutOfRange)?;
        Amount::non_negative(minor)
    }
}

fn pow10(exponent: u32) -> Result<Decimal, MoneyError> {
    10_i64
        .checked_pow(exponent)
        .map(Decimal::from)
        .ok_or(MoneyError::Overflow)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn converts_between_exponents() {
        let usd_jpy = Rate::parse("151.237").unwrap();
        // 10.00 USD -> 1512.37 JPY -> 1512 down, 1513 up.
        let ten_usd = Amount::positive(1000).unwrap();
        assert_eq!(
            usd_jpy
                .convert(ten_usd, cur("USD"), cur("JPY"), Rounding::Down)
                .unwrap()
                .minor(),
            1512
        );
        assert_eq!(
            usd_jpy
                .convert(ten_usd, cur("USD"), cur("JPY"), Rounding::Up)
                .unwrap()
                .minor(),
            1513
        );
        let usd_kwd = Rate::parse("0.30715").unwrap();
        // 10.00 USD -> 3.0715 KWD -> 3.071 down, 3.072 up, 3.072 half-even (0.5 -> even 2).
        assert_eq!(
            usd_kwd
                .convert(ten_usd, cur("USD"), cur("KWD"), Rounding::Down)
                .unwrap()
                .minor(),
            3071
        );
        assert_eq!(
            usd_kwd
                .convert(ten_usd, cur("USD"), cur("KWD"), Rounding::Up)
                .unwrap()
                .minor(),
            3072
        );
        assert_eq!(
            usd_kwd
                .convert(ten_usd, cur("USD"), cur("KWD"), Rounding::HalfEven)
                .unwrap()
                .minor(),
            3072
        );
    }

    #[test]
    fn exact_results_are_not_moved_by_any_rounding() {
        let rate = Rate::parse("2").unwrap();
        for rounding in [Rounding::Down, Rounding::Up, Rounding::HalfEven] {
            let out = rate
                .convert(
                    Amount::positive(150).unwrap(),
                    cur("EUR"),
                    cur("USD"),
                    rounding,
                )
                .unwrap();
            assert_eq!(out.minor(), 300);
        }
    }

    #[test]
    fn refuses_bad_rates_and_overflow() {
        assert!(Rate::parse("0").is_err());
        assert!(Rate::parse("-1.2").is_err());
        assert!(Rate::parse("abc").is_err());
        let huge = Rate::parse("1000000").unwrap();
        assert!(huge
            .convert(Amount::MAX, cur("USD"), cur("JPY"), Rounding::Down)
            .is_err());
    }
}
