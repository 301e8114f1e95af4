//! The shipped seed table of central-bank policy-rate changes
//! (`data/policy_rates.csv`: currency, series, effective date, rate in
//! percent, source). Policy rates stand in for the money-market deposit
//! rates covered interest parity strictly needs.

use corridor_core::fx::{PolicyRate, PolicyRateTable};
use corridor_core::Currency;
use rust_decimal::Decimal;

use super::dates::day_of;

const SEED: &str = include_str!("../../data/policy_rates.csv");

/// Parses a policy-rate table in the seed's CSV format.
pub fn parse_policy_rates(text: &str) -> Result<PolicyRateTable, String> {
    let mut lines = text.lines().enumerate();
    match lines.next() {
        Some((_, "currency,series,effective,rate_pct,source")) => {}
        _ => return Err("the header must be `currency,series,effective,rate_pct,source`".into()),
    }
    let mut entries = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.splitn(5, ',').collect();
        let [currency, series, effective, rate, source] = cells[..] else {
            return Err(format!("line {}: five columns expected", i + 1));
        };
        entries.push(PolicyRate {
            currency: Currency::parse(currency).map_err(|e| format!("line {}: {e}", i + 1))?,
            series: series.to_string(),
            effective: day_of(effective).ok_or_else(|| format!("line {}: bad date", i + 1))?,
            rate_pct: rate
                .parse::<Decimal>()
                .map_err(|e| format!("line {}: {e}", i + 1))?,
            source: source.to_string(),
        });
    }
    Ok(PolicyRateTable::new(entries))
}

/// The seed table.
pub fn seed_policy_rates() -> PolicyRateTable {
    // A unit test parses the seed, so this cannot fail in a built binary.
    parse_policy_rates(SEED).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_parses_and_steps() {
        let t = parse_policy_rates(SEED).unwrap();
        assert!(t.entries().len() > 100);
        let usd = Currency::parse("USD").unwrap();
        let r = t.rate_on(usd, day_of("2009-06-01").unwrap()).unwrap();
        assert_eq!(r.rate_pct, Decimal::new(25, 2));
        assert!(t
            .rate_on(
                Currency::parse("KRW").unwrap(),
                day_of("2020-01-01").unwrap()
            )
            .is_none());
    }
}
