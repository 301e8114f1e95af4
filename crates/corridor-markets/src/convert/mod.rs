//! Raw TOML structs into validated domain types. Every check names the
//! file and the field at fault.

mod method;
mod rule;

use std::collections::HashSet;

use corridor_core::{CountryCode, Currency};

use crate::raw::RawMarket;
use crate::share::FULL_TENTHS;
use crate::{LoadError, Market, MarketStatus};

/// Longest free text (names, summaries, sources), in characters.
const MAX_TEXT_CHARS: usize = 1000;

/// The file being converted, for error messages.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn err(self, field: impl Into<String>, message: impl Into<String>) -> LoadError {
        LoadError::new(self.file, field, message)
    }

    /// Non-empty printable text of bounded length.
    fn text(self, field: &str, value: &str) -> Result<String, LoadError> {
        let trimmed = value.trim();
        if trimmed.is_empty()
            || value.chars().count() > MAX_TEXT_CHARS
            || value.chars().any(char::is_control)
        {
            return Err(self.err(
                field,
                format!("must be 1-{MAX_TEXT_CHARS} printable characters"),
            ));
        }
        Ok(trimmed.to_string())
    }

    fn optional_text(self, field: &str, value: Option<&str>) -> Result<Option<String>, LoadError> {
        value.map(|v| self.text(field, v)).transpose()
    }

    fn currency(self, field: &str, code: &str) -> Result<Currency, LoadError> {
        Currency::parse(code).map_err(|e| self.err(field, e.to_string()))
    }

    /// A strictly positive amount in minor units.
    fn positive(self, field: &str, amount_minor: i64) -> Result<i64, LoadError> {
        if amount_minor > 0 {
            Ok(amount_minor)
        } else {
            Err(self.err(field, "must be a positive amount in minor units"))
        }
    }
}

/// Parses and validates one data file named after its country code.
pub(crate) fn market(file: &str, text: &str) -> Result<Market, LoadError> {
    let ctx = Ctx { file };
    let raw: RawMarket = toml::from_str(text).map_err(|e| ctx.err("(file)", e.to_string()))?;
    let country =
        CountryCode::parse(&raw.country).map_err(|e| ctx.err("country", e.to_string()))?;
    if country.as_str() != file {
        return Err(ctx.err(
            "country",
            format!("`{}` in a file named {file}.toml", raw.country),
        ));
    }
    let status = MarketStatus::parse(&raw.status)
        .ok_or_else(|| ctx.err("status", "must be open, restricted or blocked"))?;
    let methods = raw
        .payment_methods
        .iter()
        .enumerate()
        .map(|(i, m)| method::convert(ctx, &format!("payment_methods[{i}]"), m))
        .collect::<Result<Vec<_>, _>>()?;
    let rules = raw
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| rule::convert(ctx, &format!("rules[{i}]"), r))
        .collect::<Result<Vec<_>, _>>()?;
    let market = Market {
        country,
        name: ctx.text("name", &raw.name)?,
        currency: ctx.currency("currency", &raw.currency)?,
        status,
        shares_source: ctx.optional_text("shares_source", raw.shares_source.as_deref())?,
        methods,
        rules,
    };
    check_methods(ctx, &market)?;
    check_rules(ctx, &market)?;
    check_status(ctx, &market)?;
    Ok(market)
}

/// Types are unique, shares add up to at most 100 % and have a source.
fn check_methods(ctx: Ctx<'_>, market: &Market) -> Result<(), LoadError> {
    let mut seen = HashSet::new();
    let mut total_tenths: u16 = 0;
    for (i, m) in market.methods.iter().enumerate() {
        if !seen.insert(m.method_type) {
            return Err(ctx.err(
                format!("payment_methods[{i}].type"),
                format!("`{}` listed twice", m.method_type),
            ));
        }
        if let Some(share) = m.share {
            total_tenths = total_tenths.saturating_add(share.tenths());
        }
    }
    if total_tenths > FULL_TENTHS {
        return Err(ctx.err(
            "payment_methods",
            format!(
                "shares add up to {} tenths of a percent, more than 100 %",
                total_tenths
            ),
        ));
    }
    let has_shares = market.methods.iter().any(|m| m.share.is_some());
    if has_shares && market.shares_source.is_none() {
        return Err(ctx.err("shares_source", "required when a method has share_pct"));
    }
    Ok(())
}

/// Codes are unique.
fn check_rules(ctx: Ctx<'_>, market: &Market) -> Result<(), LoadError> {
    let mut seen = HashSet::new();
    for (i, r) in market.rules.iter().enumerate() {
        if !seen.insert(r.code.as_str()) {
            return Err(ctx.err(
                format!("rules[{i}].code"),
                format!("`{}` listed twice", r.code),
            ));
        }
    }
    Ok(())
}

/// An open market lists at least one method; a blocked one lists none and
/// names a comprehensive sanctions program; a restricted one names a
/// sanctions program that justifies the restriction.
fn check_status(ctx: Ctx<'_>, market: &Market) -> Result<(), LoadError> {
    let comprehensive = market.sanctions().any(|s| s.comprehensive);
    let any_sanctions = market.sanctions().next().is_some();
    match market.status {
        MarketStatus::Open if market.methods.is_empty() => Err(ctx.err(
            "payment_methods",
            "an open market lists at least one method",
        )),
        MarketStatus::Blocked if !market.methods.is_empty() => {
            Err(ctx.err("payment_methods", "a blocked market offers no method"))
        }
        MarketStatus::Blocked if !comprehensive => Err(ctx.err(
            "rules",
            "a blocked market names a comprehensive sanctions program",
        )),
        MarketStatus::Restricted if !any_sanctions => Err(ctx.err(
            "rules",
            "a restricted market names the sanctions program behind it",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
