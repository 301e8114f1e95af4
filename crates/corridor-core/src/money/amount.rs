//! Non-negative amounts in a currency's minor unit.

use super::{Currency, MoneyError};

/// A non-negative amount of money in the minor unit of its currency
/// (cents for USD, yen for JPY, fils for KWD), as a 64-bit integer.
///
/// All arithmetic is checked: an overflow is an error, never a wrap.
/// The currency is carried beside the amount, not inside it, because the
/// ledger stores and sums amounts per currency column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(i64);

impl Amount {
    /// Zero.
    pub const ZERO: Amount = Amount(0);

    /// The largest representable amount.
    pub const MAX: Amount = Amount(i64::MAX);

    /// An amount that must be strictly positive (a payment, a transfer, an adjustment).
    pub fn positive(minor: i64) -> Result<Self, MoneyError> {
        if minor > 0 {
            Ok(Amount(minor))
        } else {
            Err(MoneyError::NotPositive)
        }
    }

    /// An amount that may be zero but never negative (a fee, a balance component).
    pub fn non_negative(minor: i64) -> Result<Self, MoneyError> {
        if minor >= 0 {
            Ok(Amount(minor))
        } else {
            Err(MoneyError::NotPositive)
        }
    }

    /// Parses a decimal string in major units (`"12.34"` USD is 1234 cents).
    /// Refuses more decimals than the currency has: nothing is rounded away.
    pub fn parse_major(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let exponent = currency.exponent();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_ok(whole) || !digits_ok(fraction) {
            return Err(MoneyError::NotPositive);
        }
        if fraction.len() > exponent as usize {
            return Err(MoneyError::OutOfRange);
        }
        let scale = 10_i64.checked_pow(exponent).ok_or(MoneyError::Overflow)?;
        let whole: i64 = whole.parse().map_err(|_| MoneyError::OutOfRange)?;
        let padded = format!("{fraction:0<width$}", width = exponent as usize);
        let fraction: i64 = if padded.is_empty() {
            0
        } else {
            padded.parse().map_err(|_| MoneyError::OutOfRange)?
        };
        let minor = whole
            .checked_mul(scale)
            .and_then(|m| m.checked_add(fraction))
            .ok_or(MoneyError::OutOfRange)?;
        Amount::non_negative(minor)
    }

    /// The amount in minor units.
    pub const fn minor(self) -> i64 {
        self.0
    }

    /// Whether the amount is zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Checked addition.
    pub fn checked_add(self, other: Amount) -> Result<Amount, MoneyError> {
        self.0
            .checked_add(other.0)
            .map(Amount)
            .ok_or(MoneyError::Overflow)
    }

    /// Checked subtraction; going below zero is an error.
    pub fn checked_sub(self, other: Amount) -> Result<Amount, MoneyError> {
        match self.0.checked_sub(other.0) {
            Some(v) if v >= 0 => Ok(Amount(v)),
            _ => Err(MoneyError::Overflow),
        }
    }

    /// Formats in major units with exactly the currency's decimals (`12.34`, `1500`, `1.250`).
    pub fn format_major(self, currency: Currency) -> String {
        format_minor_signed(i128::from(self.0), currency)
    }
}

/// Formats a signed minor-unit quantity in major units with the currency's decimals.
pub(crate) fn format_minor_signed(minor: i128, currency: Currency) -> String {
    let exponent = currency.exponent();
    let sign = if minor < 0 { "-" } else { "" };
    let magnitude = minor.unsigned_abs();
    if exponent == 0 {
        return format!("{sign}{magnitude}");
    }
    let scale = 10_u128.pow(exponent);
    format!(
        "{sign}{}.{:0width$}",
        magnitude / scale,
        magnitude % scale,
        width = exponent as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn positive_refuses_zero_and_negative() {
        assert_eq!(Amount::positive(0), Err(MoneyError::NotPositive));
        assert_eq!(Amount::positive(-5), Err(MoneyError::NotPositive));
        assert_eq!(Amount::positive(1).unwrap().minor(), 1);
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(
            Amount::MAX.checked_add(Amount::positive(1).unwrap()),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Amount::ZERO.checked_sub(Amount::positive(1).unwrap()),
            Err(MoneyError::Overflow)
        );
    }

    #[test]
    fn major_units_round_trip_per_exponent() {
        assert_eq!(
            Amount::parse_major("12.34", cur("USD")).unwrap().minor(),
            1234
        );
        assert_eq!(
            Amount::parse_major("12.3", cur("USD")).unwrap().minor(),
            1230
        );
        assert_eq!(
            Amount::parse_major("1500", cur("JPY")).unwrap().minor(),
            1500
        );
        assert_eq!(
            Amount::parse_major("1.250", cur("KWD")).unwrap().minor(),
            1250
        );
        assert!(
            Amount::parse_major("12.345", cur("USD")).is_err(),
            "extra decimals are refused, not rounded"
        );
        assert!(Amount::parse_major("1.5", cur("JPY")).is_err());
        assert!(Amount::parse_major("-1", cur("USD")).is_err());
        assert!(Amount::parse_major("99999999999999999999", cur("USD")).is_err());
        assert_eq!(
            Amount::positive(1234).unwrap().format_major(cur("USD")),
            "12.34"
        );
        assert_eq!(
            Amount::positive(7).unwrap().format_major(cur("KWD")),
            "0.007"
        );
        assert_eq!(
            Amount::positive(1500).unwrap().format_major(cur("JPY")),
            "1500"
        );
    }
}
