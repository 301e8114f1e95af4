//! The largest amount one request may move, per currency.
//!
//! Every payment, adjustment, refund, conversion and payout is checked
//! against it. The operator sets it per currency; where they have not, the
//! default is about USD 1,000,000 in that currency (a table of rounded
//! figures below; a currency missing from it gets one million major units).

use std::collections::BTreeMap;

use super::{Currency, MoneyError};

/// Default maximum per request, in major units, for currencies whose major
/// unit is worth much more or much less than a US dollar. Rounded figures of
/// about USD 1,000,000 at 2025-2026 reference rates (ECB, central banks):
/// they only need the right order of magnitude, and operators override them.
const DEFAULT_MAX_MAJOR: &[(&str, i64)] = &[
    ("AED", 3_700_000),
    ("ARS", 1_000_000_000),
    ("AUD", 1_500_000),
    ("BHD", 380_000),
    ("BRL", 5_500_000),
    ("CAD", 1_400_000),
    ("CHF", 900_000),
    ("CLP", 950_000_000),
    ("CNY", 7_200_000),
    ("COP", 4_000_000_000),
    ("CZK", 23_000_000),
    ("DKK", 7_000_000),
    ("EGP", 50_000_000),
    ("EUR", 950_000),
    ("GBP", 800_000),
    ("HKD", 7_800_000),
    ("HUF", 370_000_000),
    ("IDR", 16_000_000_000),
    ("ILS", 3_700_000),
    ("INR", 85_000_000),
    ("JOD", 710_000),
    ("JPY", 150_000_000),
    ("KES", 130_000_000),
    ("KRW", 1_400_000_000),
    ("KWD", 310_000),
    ("MXN", 19_000_000),
    ("MYR", 4_500_000),
    ("NGN", 1_600_000_000),
    ("NOK", 11_000_000),
    ("NZD", 1_700_000),
    ("OMR", 385_000),
    ("PEN", 3_800_000),
    ("PHP", 57_000_000),
    ("PKR", 280_000_000),
    ("PLN", 4_000_000),
    ("QAR", 3_650_000),
    ("RON", 4_700_000),
    ("SAR", 3_750_000),
    ("SEK", 10_500_000),
    ("SGD", 1_350_000),
    ("THB", 35_000_000),
    ("TRY", 40_000_000),
    ("TWD", 32_000_000),
    ("USD", 1_000_000),
    ("VND", 26_000_000_000),
    ("ZAR", 18_000_000),
];

/// Major units allowed for a currency missing from the table.
const FALLBACK_MAX_MAJOR: i64 = 1_000_000;

/// The default maximum of one request in `currency`, in minor units.
pub fn default_max_minor(currency: Currency) -> i64 {
    let major = DEFAULT_MAX_MAJOR
        .iter()
        .find(|(code, _)| *code == currency.code())
        .map_or(FALLBACK_MAX_MAJOR, |(_, major)| *major);
    10_i64
        .checked_pow(currency.exponent())
        .and_then(|scale| major.checked_mul(scale))
        .unwrap_or(i64::MAX)
}

/// Maximum amount per request, per currency: the operator's settings over
/// the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AmountLimits {
    configured: BTreeMap<Currency, i64>,
}

impl AmountLimits {
    /// Sets the maximum of `currency` to `max_minor` (strictly positive).
    pub fn set(&mut self, currency: Currency, max_minor: i64) -> Result<(), MoneyError> {
        if max_minor <= 0 {
            return Err(MoneyError::NotPositive);
        }
        self.configured.insert(currency, max_minor);
        Ok(())
    }

    /// Parses `CUR=MINOR` settings (`USD=100000000`), as operators write them.
    pub fn parse_settings<'a>(settings: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut limits = AmountLimits::default();
        for setting in settings {
            let (code, max) = setting
                .split_once('=')
                .ok_or_else(|| format!("'{setting}': expected CURRENCY=MAX_MINOR_UNITS"))?;
            let currency = Currency::parse(code.trim()).map_err(|e| format!("'{setting}': {e}"))?;
            let max: i64 = max.trim().parse().map_err(|_| {
                format!("'{setting}': the maximum must be an integer in minor units")
            })?;
            limits
                .set(currency, max)
                .map_err(|_| format!("'{setting}': the maximum must be greater than zero"))?;
        }
        Ok(limits)
    }

    /// The largest amount one request may move in `currency`, in minor units.
    pub fn max_minor(&self, currency: Currency) -> i64 {
        self.configured
            .get(&currency)
            .copied()
            .unwrap_or_else(|| default_max_minor(currency))
    }

    /// Whether `minor` is within the maximum of `currency`.
    pub fn allows(&self, currency: Currency, minor: i64) -> bool {
        minor <= self.max_minor(currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn defaults_are_about_a_million_dollars() {
        assert_eq!(default_max_minor(cur("USD")), 100_000_000);
        assert_eq!(default_max_minor(cur("JPY")), 150_000_000);
        assert_eq!(default_max_minor(cur("KWD")), 310_000_000);
        // Not in the table: one million major units.
        assert_eq!(default_max_minor(cur("ISK")), 1_000_000);
    }

    #[test]
    fn operator_settings_override_defaults() {
        let limits =
            AmountLimits::parse_settings(["usd=500", "JPY = 9223372036854775807"]).unwrap();
        assert_eq!(limits.max_minor(cur("USD")), 500);
        assert!(limits.allows(cur("USD"), 500));
        assert!(!limits.allows(cur("USD"), 501));
        assert_eq!(limits.max_minor(cur("JPY")), i64::MAX);
        assert_eq!(limits.max_minor(cur("EUR")), 95_000_000);
    }

    #[test]
    fn refuses_bad_settings() {
        for bad in [
            "USD",
            "XXX=5",
            "USD=0",
            "USD=-3",
            "USD=1.5",
            "USD=99999999999999999999",
        ] {
            assert!(AmountLimits::parse_settings([bad]).is_err(), "{bad}");
        }
    }
}
