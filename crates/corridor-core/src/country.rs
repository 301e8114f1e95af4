//! ISO 3166-1 alpha-2 country codes.

use std::str::FromStr;

/// An ISO 3166-1 alpha-2 country code, stored upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode([u8; 2]);

/// The code is not an ISO 3166-1 alpha-2 country.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown country code `{0}`")]
pub struct UnknownCountry(pub String);

impl CountryCode {
    /// Parses a two-letter code in any case.
    pub fn parse(code: &str) -> Result<Self, UnknownCountry> {
        let upper = code.to_ascii_uppercase();
        let bytes: [u8; 2] = upper
            .as_bytes()
            .try_into()
            .map_err(|_| UnknownCountry(code.to_string()))?;
        if !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(UnknownCountry(code.to_string()));
        }
        match iso_currency::Country::from_str(&upper) {
            Ok(c) if !c.name().is_empty() => Ok(CountryCode(bytes)),
            _ => Err(UnknownCountry(code.to_string())),
        }
    }

    /// The upper-case code.
    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_codes_in_any_case() {
        assert_eq!(CountryCode::parse("cn").unwrap().as_str(), "CN");
        assert_eq!(CountryCode::parse("DE").unwrap().as_str(), "DE");
    }

    #[test]
    fn refuses_unknown_codes() {
        for code in ["", "X", "XX", "USA", "1A", "ZZ"] {
            assert!(CountryCode::parse(code).is_err(), "{code}");
        }
    }
}
