//! Routing tests: rule tables and router scenarios in a small text DSL,
//! exploration, and properties of the order.

mod exploration;
mod property;
mod router;
mod rules;

use super::RouteContext;
use crate::{Amount, CountryCode, Currency, Timestamp};

/// 2026-11-26T00:00:00Z.
const START: Timestamp = Timestamp::from_unix_micros(1_795_651_200_000_000);

fn country(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap_or_else(|e| panic!("{e}"))
}

fn currency(code: &str) -> Currency {
    Currency::parse(code).unwrap_or_else(|e| panic!("{code}: {e}"))
}

/// A card payment of 25.00 USD from `country_code`, unless told otherwise.
fn context<'a>(method: &'a str, country_code: &str) -> RouteContext<'a> {
    RouteContext {
        method,
        country: country(country_code),
        currency: currency("USD"),
        amount: Amount::positive(2_500).unwrap(),
    }
}

/// `seconds` after [`START`].
fn at(seconds: i64) -> Timestamp {
    START.plus_seconds(seconds)
}

/// The lines of `text` that say something: trimmed, without blanks and `#` comments.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}
