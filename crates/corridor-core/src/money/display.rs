//! Amounts as people read them: `USD 1,250.00`, `JPY 12,345`, `KWD 1.234`.

use super::Currency;

/// Formats minor units in the currency's major unit, with thousands
/// separators and exactly the currency's number of decimals. Nothing is
/// rounded: every minor unit is shown.
pub fn format_minor(minor: i64, currency: Currency) -> String {
    let exponent = currency.exponent() as usize;
    let sign = if minor < 0 { "-" } else { "" };
    let digits = minor.unsigned_abs().to_string();
    let padded = format!("{digits:0>width$}", width = exponent + 1);
    let (whole, fraction) = padded.split_at(padded.len() - exponent);
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if fraction.is_empty() {
        format!("{} {sign}{grouped}", currency.code())
    } else {
        format!("{} {sign}{grouped}.{fraction}", currency.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(minor: i64, code: &str) -> String {
        format_minor(minor, Currency::parse(code).unwrap())
    }

    #[test]
    fn formats_each_exponent() {
        assert_eq!(fmt(125_000, "USD"), "USD 1,250.00");
        assert_eq!(fmt(12_345, "JPY"), "JPY 12,345");
        assert_eq!(fmt(1_234, "KWD"), "KWD 1.234");
        assert_eq!(fmt(5, "EUR"), "EUR 0.05");
        assert_eq!(fmt(0, "JPY"), "JPY 0");
        assert_eq!(fmt(-100_000, "USD"), "USD -1,000.00");
        assert_eq!(fmt(i64::MAX, "USD"), "USD 92,233,720,368,547,758.07");
        assert_eq!(fmt(i64::MIN, "JPY"), "JPY -9,223,372,036,854,775,808");
    }
}
