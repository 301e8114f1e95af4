//! `corridor markets`: the market knowledge base as readable tables. Needs
//! no database: the data is compiled into the binary.

use anyhow::{anyhow, bail};
use corridor_core::{CountryCode, Currency};
use corridor_markets::{markets, AmountLimit, Market, PaymentMethod};

use crate::cli::MarketsCommand;

/// Runs `corridor markets list|show`.
pub fn run(command: &MarketsCommand) -> anyhow::Result<()> {
    match command {
        MarketsCommand::List => {
            print!("{}", list());
            Ok(())
        }
        MarketsCommand::Show { country } => {
            print!("{}", show(lookup(country)?));
            Ok(())
        }
    }
}

fn lookup(country: &str) -> anyhow::Result<&'static Market> {
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        bail!("country must be an ISO 3166-1 alpha-2 code (two letters), got '{country}'");
    }
    CountryCode::parse(country)
        .ok()
        .and_then(|code| markets().get(code))
        .ok_or_else(|| {
            anyhow!(
                "no such market: '{}' (see `corridor markets list`)",
                country.to_ascii_uppercase()
            )
        })
}

/// One line per market.
fn list() -> String {
    let mut out = format!(
        "{:<4} {:<22} {:<4} {:<10} METHODS\n",
        "CC", "NAME", "CUR", "STATUS"
    );
    for m in markets().all() {
        let methods: Vec<&str> = m
            .methods()
            .iter()
            .map(|p| p.method_type().as_str())
            .collect();
        out.push_str(&format!(
            "{:<4} {:<22} {:<4} {:<10} {}\n",
            m.country().as_str(),
            m.name(),
            m.currency().code(),
            m.status().as_str(),
            if methods.is_empty() {
                "-".to_string()
            } else {
                methods.join(", ")
            },
        ));
    }
    out
}

/// A market's currency, status, methods and rules with their sources.
fn show(m: &Market) -> String {
    let mut out = format!(
        "{} {}\ncurrency  {}\nstatus    {}\n\nPAYMENT METHODS\n",
        m.country().as_str(),
        m.name(),
        m.currency().code(),
        m.status().as_str()
    );
    if m.methods().is_empty() {
        out.push_str("  (none offered)\n");
    } else {
        out.push_str(&format!(
            "  {:<18} {:>6}  {:<13} {:<5}  {}\n",
            "TYPE", "SHARE", "FLOW", "ASYNC", "NAME"
        ));
        for p in m.methods() {
            out.push_str(&method_lines(p));
        }
    }
    if let Some(source) = m.shares_source() {
        out.push_str(&format!("  shares (approximate): {source}\n"));
    }
    out.push_str("\nRULES\n");
    if m.rules().is_empty() {
        out.push_str("  (none recorded)\n");
    }
    for r in m.rules() {
        out.push_str(&format!(
            "  {}\n    {}\n    source: {}\n",
            r.code(),
            r.summary(),
            r.source()
        ));
    }
    out
}

fn method_lines(p: &PaymentMethod) -> String {
    let share = p.share().map_or("-".to_string(), |s| format!("{s}%"));
    let mut out = format!(
        "  {:<18} {:>6}  {:<13} {:<5}  {}\n",
        p.method_type().as_str(),
        share,
        p.flow().as_str(),
        if p.is_async() { "yes" } else { "no" },
        p.name()
    );
    for limit in p.limits() {
        out.push_str(&format!("  {:<18} limits {}\n", "", limit_text(limit)));
    }
    if let Some(e) = p.expiry() {
        let days = |d: Option<u16>| d.map_or("-".to_string(), |d| d.to_string());
        out.push_str(&format!(
            "  {:<18} expires after {} days by default ({}-{} days)\n",
            "",
            days(e.default_days()),
            days(e.min_days()),
            days(e.max_days())
        ));
    }
    out.push_str(&format!("  {:<18} source: {}\n", "", p.source()));
    out
}

fn limit_text(limit: &AmountLimit) -> String {
    let currency = limit.currency();
    let amount = |a: Option<i64>| a.map_or("-".to_string(), |a| major(a, currency));
    format!(
        "{} {} to {}",
        currency.code(),
        amount(limit.min_minor()),
        amount(limit.max_minor())
    )
}

/// Minor units as a major-unit amount with thousands separators, without
/// floats: `1000000` MXN is `10,000.00`, `300000` JPY is `300,000`.
fn major(amount_minor: i64, currency: Currency) -> String {
    let digits = amount_minor.unsigned_abs().to_string();
    let exponent = usize::try_from(currency.exponent()).unwrap_or(0);
    let padded = format!("{digits:0>width$}", width = exponent + 1);
    let (whole, fraction) = padded.split_at(padded.len() - exponent);
    // Digits only, so byte chunks are characters: a short first group, then threes.
    let first = match whole.len() % 3 {
        0 => 3,
        n => n,
    };
    let (head, rest) = whole.split_at(first.min(whole.len()));
    let mut grouped = head.to_string();
    for chunk in rest.as_bytes().chunks(3) {
        grouped.push(',');
        grouped.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    let sign = if amount_minor < 0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_units_follow_the_currency_exponent() {
        let cur = |c: &str| Currency::parse(c).unwrap();
        assert_eq!(major(300_000, cur("JPY")), "300,000");
        assert_eq!(major(1_000_000, cur("MXN")), "10,000.00");
        assert_eq!(major(5, cur("USD")), "0.05");
        assert_eq!(major(1234, cur("KWD")), "1.234");
    }

    #[test]
    fn show_prints_methods_rules_and_sources() {
        let text = show(lookup("jp").unwrap());
        for needle in [
            "JP Japan",
            "currency  JPY",
            "konbini",
            "paypay",
            "JPY 120 to 300,000",
            "jp_emv_3ds",
            "source:",
        ] {
            assert!(text.contains(needle), "{needle} missing from\n{text}");
        }
        assert!(lookup("XX").is_err());
        assert!(lookup("JPN").is_err());
    }
}
