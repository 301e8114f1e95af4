//! Reading form fields: amounts typed in major units, and the message an
//! API error shows next to its field.

use corridor_core::Currency;

use crate::error::ApiError;

/// Parses an amount typed in major units (`12.50`, `1,250`, `1000`) into
/// minor units of `currency`; more decimals than the currency has are refused.
pub fn parse_major(text: &str, currency: Currency) -> Result<i64, String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let exponent = usize::try_from(currency.exponent()).unwrap_or(0);
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
        return Err(format!("Enter an amount like {}.", example(currency)));
    }
    if fraction.len() > exponent {
        return Err(format!(
            "{} has {exponent} decimal places at most.",
            currency.code()
        ));
    }
    let padded = format!("{whole}{fraction:0<exponent$}");
    padded
        .parse::<i64>()
        .map_err(|_| "The amount is too large.".to_string())
}

fn example(currency: Currency) -> &'static str {
    match currency.exponent() {
        0 => "1250",
        3 => "12.500",
        _ => "12.50",
    }
}

/// A refused request as a page shows it: the field at fault (if any) and the message.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// The API field name at fault.
    pub field: Option<String>,
    /// What to tell the user.
    pub message: String,
}

impl Problem {
    /// From an API error.
    pub fn of(e: &ApiError) -> Problem {
        let body = e.body();
        Problem {
            field: body.error.param,
            message: body.error.message,
        }
    }

    /// About one field.
    pub fn field(field: &str, message: impl Into<String>) -> Problem {
        Problem {
            field: Some(field.to_string()),
            message: message.into(),
        }
    }

    /// The message if it is about `field`.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        (self.field.as_deref() == Some(field)).then_some(self.message.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_amounts_become_minor_units() {
        let usd = Currency::parse("USD").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        assert_eq!(parse_major("12.5", usd), Ok(1250));
        assert_eq!(parse_major("1,250.00", usd), Ok(125_000));
        assert_eq!(parse_major("7", usd), Ok(700));
        assert_eq!(parse_major("1250", jpy), Ok(1250));
        assert!(parse_major("12.5", jpy).is_err());
        assert!(parse_major("12.505", usd).is_err());
        assert!(parse_major("-3", usd).is_err());
        assert!(parse_major("abc", usd).is_err());
        assert!(parse_major("99999999999999999999", usd).is_err());
    }
}
