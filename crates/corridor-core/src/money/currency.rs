//! ISO 4217 currencies with their minor-unit exponent.

use super::MoneyError;

/// An ISO 4217 currency that Corridor can hold and move: an active national
/// currency with a defined minor unit (no funds codes, precious metals,
/// testing codes or superseded codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Parses a three-letter code in any case (`"usd"`, `"USD"`).
    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let unknown = || MoneyError::UnknownCurrency(code.to_string());
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(unknown());
        }
        let iso =
            iso_currency::Currency::from_code(&code.to_ascii_uppercase()).ok_or_else(unknown)?;
        let settles = iso.exponent().is_some()
            && !iso.is_special()
            && !iso.is_fund()
            && iso.is_superseded().is_none();
        if settles {
            Ok(Currency(iso))
        } else {
            Err(unknown())
        }
    }

    /// The upper-case ISO 4217 alphabetic code.
    pub fn code(self) -> &'static str {
        self.0.code()
    }

    /// Digits of the minor unit: JPY 0, USD 2, KWD 3.
    pub fn exponent(self) -> u32 {
        // `parse` admits only currencies whose exponent is defined.
        u32::from(self.0.exponent().unwrap_or(0))
    }

    /// Whether ISO 4217 lists `country` among the currency's users (its
    /// legal tender there, possibly alongside others).
    pub fn is_used_in(self, country: crate::CountryCode) -> bool {
        use std::str::FromStr;
        iso_currency::Country::from_str(country.as_str())
            .is_ok_and(|c| self.0.used_by().contains(&c))
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponents_follow_iso_4217() {
        for (code, exponent) in [
            ("JPY", 0),
            ("USD", 2),
            ("EUR", 2),
            ("KWD", 3),
            ("BHD", 3),
            ("KRW", 0),
        ] {
            assert_eq!(
                Currency::parse(code).unwrap().exponent(),
                exponent,
                "{code}"
            );
        }
    }

    #[test]
    fn accepts_any_case_and_answers_upper_case() {
        assert_eq!(Currency::parse("cny").unwrap().code(), "CNY");
    }

    #[test]
    fn refuses_unknown_and_non_settling_codes() {
        for code in [
            "", "US", "USDX", "ABC", "XAU", "XXX", "XTS", "BOV", "HRK", "U$D",
        ] {
            assert_eq!(
                Currency::parse(code),
                Err(MoneyError::UnknownCurrency(code.to_string())),
                "{code}"
            );
        }
    }
}
