//! The operator's fee schedules: fees per method type and country, the most
//! specific entry winning, with a catch-all entry required.

use super::fees::FeeSchedule;
use crate::{CountryCode, Currency};

/// Most entries in one table.
pub const FEE_ENTRIES_MAX: usize = 1_000;
/// Highest percentage or surcharge, in basis points (100%).
pub const BPS_MAX: u32 = 10_000;

/// One entry: `None` method or country matches any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeEntry {
    /// Method type code, or any.
    pub method_type: Option<String>,
    /// Buyer country, or any.
    pub country: Option<CountryCode>,
    /// Percentage, basis points.
    pub percent_bps: u32,
    /// Fixed part per currency, minor units; a currency not listed has none.
    pub fixed: Vec<(Currency, i64)>,
    /// Added when the buyer's country is not the merchant's, basis points.
    pub cross_border_bps: u32,
    /// Markup on a conversion between currencies, basis points.
    pub fx_markup_bps: u32,
}

impl FeeEntry {
    fn specificity(&self) -> u8 {
        u8::from(self.method_type.is_some()) * 2 + u8::from(self.country.is_some())
    }

    /// The schedule of a payment in `currency`.
    pub fn schedule(&self, currency: Currency) -> FeeSchedule {
        FeeSchedule {
            percent_bps: self.percent_bps,
            fixed_minor: self
                .fixed
                .iter()
                .find(|(c, _)| *c == currency)
                .map_or(0, |(_, minor)| *minor),
            cross_border_bps: self.cross_border_bps,
        }
    }
}

/// Why a table was refused: the field (`schedules[3].percent_bps`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FeeTableError {
    /// The offending field's path.
    pub field: String,
    /// Stable code.
    pub code: &'static str,
    /// Human-readable reason.
    pub message: String,
}

/// A checked fee table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeTable {
    entries: Vec<FeeEntry>,
}

impl FeeTable {
    /// Checks a table: bounded basis points, non-negative fixed parts, no two
    /// entries for the same method and country (they would overlap), and a
    /// catch-all entry (no method, no country) so every payment has a fee.
    pub fn new(entries: Vec<FeeEntry>) -> Result<Self, FeeTableError> {
        let refuse = |field: String, code, message: String| FeeTableError {
            field,
            code,
            message,
        };
        if entries.is_empty() || entries.len() > FEE_ENTRIES_MAX {
            return Err(refuse(
                "schedules".into(),
                "schedules_invalid",
                format!("1-{FEE_ENTRIES_MAX} entries"),
            ));
        }
        for (i, e) in entries.iter().enumerate() {
            let at = |f: &str| format!("schedules[{i}].{f}");
            for (field, bps) in [
                ("percent_bps", e.percent_bps),
                ("cross_border_bps", e.cross_border_bps),
                ("fx_markup_bps", e.fx_markup_bps),
            ] {
                if bps > BPS_MAX {
                    return Err(refuse(
                        at(field),
                        "bps_out_of_range",
                        format!("at most {BPS_MAX}"),
                    ));
                }
            }
            for (j, (currency, minor)) in e.fixed.iter().enumerate() {
                if *minor < 0 {
                    return Err(refuse(
                        at(&format!("fixed[{j}].amount")),
                        "amount_invalid",
                        "a fixed fee is zero or more".into(),
                    ));
                }
                if e.fixed[..j].iter().any(|(c, _)| c == currency) {
                    return Err(refuse(
                        at(&format!("fixed[{j}].currency")),
                        "duplicate_currency",
                        format!("{currency} is listed twice"),
                    ));
                }
            }
            if let Some(k) = entries[..i]
                .iter()
                .position(|o| o.method_type == e.method_type && o.country == e.country)
            {
                return Err(refuse(
                    format!("schedules[{i}]"),
                    "fee_rules_overlap",
                    format!("schedules[{k}] already sets the fee for the same method and country"),
                ));
            }
        }
        if !entries.iter().any(|e| e.specificity() == 0) {
            return Err(refuse(
                "schedules".into(),
                "fee_schedule_incomplete",
                "one entry must have neither method_type nor country, so every payment has a fee"
                    .into(),
            ));
        }
        Ok(FeeTable { entries })
    }

    /// The entries, as given.
    pub fn entries(&self) -> &[FeeEntry] {
        &self.entries
    }

    /// The most specific entry for a method and country: method and country,
    /// then method, then country, then the catch-all.
    pub fn entry(&self, method_type: &str, country: CountryCode) -> &FeeEntry {
        let matching = self.entries.iter().filter(|e| {
            e.method_type.as_deref().is_none_or(|m| m == method_type)
                && e.country.is_none_or(|c| c == country)
        });
        // `new` guarantees a catch-all, so there is always a match.
        matching
            .max_by_key(|e| e.specificity())
            .unwrap_or(&self.entries[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(method: Option<&str>, country: Option<&str>, bps: u32) -> FeeEntry {
        FeeEntry {
            method_type: method.map(str::to_string),
            country: country.map(|c| CountryCode::parse(c).unwrap()),
            percent_bps: bps,
            fixed: vec![(Currency::parse("USD").unwrap(), 30)],
            cross_border_bps: 150,
            fx_markup_bps: 100,
        }
    }

    #[test]
    fn the_most_specific_entry_applies() {
        let table = FeeTable::new(vec![
            entry(None, None, 250),
            entry(Some("card"), None, 290),
            entry(None, Some("JP"), 300),
            entry(Some("card"), Some("JP"), 320),
        ])
        .unwrap();
        let jp = CountryCode::parse("JP").unwrap();
        let us = CountryCode::parse("US").unwrap();
        assert_eq!(table.entry("card", jp).percent_bps, 320);
        assert_eq!(table.entry("card", us).percent_bps, 290);
        assert_eq!(table.entry("konbini", jp).percent_bps, 300);
        assert_eq!(table.entry("pix", us).percent_bps, 250);
        let usd = Currency::parse("USD").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(table.entry("pix", us).schedule(usd).fixed_minor, 30);
        assert_eq!(table.entry("pix", us).schedule(jpy).fixed_minor, 0);
    }

    #[test]
    fn overlaps_gaps_and_bad_numbers_are_refused_by_field() {
        let err = |entries| FeeTable::new(entries).unwrap_err();
        let overlap = err(vec![
            entry(None, None, 1),
            entry(Some("card"), None, 2),
            entry(Some("card"), None, 3),
        ]);
        assert_eq!(
            (overlap.field.as_str(), overlap.code),
            ("schedules[2]", "fee_rules_overlap")
        );
        assert_eq!(
            err(vec![entry(Some("card"), None, 2)]).code,
            "fee_schedule_incomplete"
        );
        assert_eq!(
            err(vec![entry(None, None, 10_001)]).field,
            "schedules[0].percent_bps"
        );
        let mut negative = entry(None, None, 1);
        negative.fixed[0].1 = -1;
        assert_eq!(err(vec![negative]).field, "schedules[0].fixed[0].amount");
        assert_eq!(err(Vec::new()).field, "schedules");
    }
}
