//! Where reference rates come from: the ECB's files, an HTTP JSON source,
//! or rates the operator sets. Each yields days of rates per EUR.

use std::collections::BTreeMap;
use std::time::Duration;

use corridor_core::fx::{Day, EurRates};
use corridor_core::{Currency, Rate};

use super::dates::{day_of, iso};
use super::ecb;

/// Why a provider could not deliver rates.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The source could not be reached or answered an error.
    #[error("rate source unavailable: {0}")]
    Unavailable(String),
    /// The source answered something that is not rates.
    #[error("rate source answered invalid data: {0}")]
    Invalid(String),
}

/// A source of reference rates.
pub trait RateProvider: Send + Sync {
    /// The provider's name, stored as the rates' source.
    fn name(&self) -> &str;
    /// Fetches the rates it has now.
    fn fetch(
        &self,
    ) -> impl std::future::Future<Output = Result<Vec<EurRates>, ProviderError>> + Send;
}

/// An ECB file on disk (daily XML, history CSV or ZIP).
#[derive(Debug, Clone)]
pub struct EcbFileProvider {
    /// The file.
    pub path: std::path::PathBuf,
}

impl RateProvider for EcbFileProvider {
    fn name(&self) -> &str {
        "ecb"
    }

    async fn fetch(&self) -> Result<Vec<EurRates>, ProviderError> {
        let bytes = tokio::fs::read(&self.path)
            .await
            .map_err(|e| ProviderError::Unavailable(format!("{}: {e}", self.path.display())))?;
        ecb::parse(&bytes).map_err(|e| ProviderError::Invalid(e.to_string()))
    }
}

/// How long an HTTP rate source may take.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// The most currencies one answer may carry.
pub const MAX_RATES_PER_DAY: usize = 300;

/// An HTTP source answering `{"base": "EUR", "as_of": "YYYY-MM-DD",
/// "rates": {"USD": "1.1172", ...}}` (rates as decimal strings, per one
/// unit of `base`; a base other than EUR is converted through EUR exactly).
#[derive(Debug, Clone)]
pub struct HttpJsonProvider {
    name: String,
    url: String,
    http: reqwest::Client,
}

impl HttpJsonProvider {
    /// A provider called `name` at `url`.
    pub fn new(name: &str, url: &str) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        Ok(HttpJsonProvider {
            name: name.to_string(),
            url: url.to_string(),
            http,
        })
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRates {
    base: String,
    as_of: String,
    rates: BTreeMap<String, String>,
}

/// Parses a JSON answer into one day of rates per EUR.
pub fn parse_json_rates(body: &str, source: &str) -> Result<EurRates, ProviderError> {
    let parsed: JsonRates =
        serde_json::from_str(body).map_err(|e| ProviderError::Invalid(e.to_string()))?;
    let day = day_of(&parsed.as_of)
        .ok_or_else(|| ProviderError::Invalid(format!("as_of `{}` is not a date", parsed.as_of)))?;
    operator_rates(day, &parsed.base, &parsed.rates, source)
        .map_err(|(field, message)| ProviderError::Invalid(format!("{field}: {message}")))
}

/// Rates per one `base`, as strings, turned into rates per EUR: a base
/// other than EUR needs its own EUR rate in the set. Errors name the field.
pub fn operator_rates(
    day: Day,
    base: &str,
    rates: &BTreeMap<String, String>,
    source: &str,
) -> Result<EurRates, (String, String)> {
    let base = Currency::parse(base).map_err(|e| ("base".to_string(), e.to_string()))?;
    if rates.is_empty() || rates.len() > MAX_RATES_PER_DAY {
        return Err((
            "rates".into(),
            format!("give 1 to {MAX_RATES_PER_DAY} rates"),
        ));
    }
    let mut per_base = BTreeMap::new();
    for (code, text) in rates {
        let field = format!("rates.{code}");
        let currency = Currency::parse(code).map_err(|e| (field.clone(), e.to_string()))?;
        if currency == base {
            return Err((field, "the base itself has no rate".into()));
        }
        let rate = Rate::parse(text).map_err(|e| (field.clone(), e.to_string()))?;
        per_base.insert(currency, rate);
    }
    let per_eur = if base.code() == "EUR" {
        per_base
    } else {
        let eur = Currency::parse("EUR").map_err(|e| ("base".to_string(), e.to_string()))?;
        let eur_per_base = per_base.remove(&eur).ok_or_else(|| {
            (
                "rates.EUR".to_string(),
                format!("a {base} base needs the EUR rate"),
            )
        })?;
        // base per EUR = 1 / (EUR per base); other per EUR = other per base × base per EUR.
        let base_per_eur = rust_decimal::Decimal::ONE
            .checked_div(eur_per_base.value())
            .ok_or_else(|| ("rates.EUR".to_string(), "out of range".to_string()))?;
        let mut out = BTreeMap::new();
        out.insert(
            base,
            Rate::new(base_per_eur).map_err(|e| ("rates.EUR".to_string(), e.to_string()))?,
        );
        for (c, r) in per_base {
            let v = r
                .value()
                .checked_mul(base_per_eur)
                .ok_or_else(|| (format!("rates.{c}"), "out of range".to_string()))?;
            out.insert(
                c,
                Rate::new(v).map_err(|e| (format!("rates.{c}"), e.to_string()))?,
            );
        }
        out
    };
    Ok(EurRates {
        day,
        source: source.to_string(),
        per_eur,
    })
}

impl RateProvider for HttpJsonProvider {
    fn name(&self) -> &str {
        &self.name
    }

    async fn fetch(&self) -> Result<Vec<EurRates>, ProviderError> {
        let response = self
            .http
            .get(&self.url)
            .send()
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(ProviderError::Unavailable(format!(
                "HTTP {}",
                response.status()
            )));
        }
        let body = response
            .text()
            .await
            .map_err(|e| ProviderError::Unavailable(e.to_string()))?;
        Ok(vec![parse_json_rates(&body, &self.name)?])
    }
}

/// Rates the operator set by hand, served as a provider.
#[derive(Debug, Clone)]
pub struct OperatorRates {
    /// The day's rates.
    pub rates: EurRates,
}

impl RateProvider for OperatorRates {
    fn name(&self) -> &str {
        "operator"
    }

    async fn fetch(&self) -> Result<Vec<EurRates>, ProviderError> {
        Ok(vec![self.rates.clone()])
    }
}

/// A short description of a day's set, for logs and the CLI.
pub fn describe(rates: &EurRates) -> String {
    format!(
        "{} ({} currencies, {})",
        iso(rates.day),
        rates.per_eur.len(),
        rates.source
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_rates_convert_a_usd_base_through_eur() {
        let body =
            r#"{"base": "USD", "as_of": "2026-10-30", "rates": {"EUR": "0.8", "CNY": "7.2"}}"#;
        let r = parse_json_rates(body, "test").unwrap();
        let usd = Currency::parse("USD").unwrap();
        let cny = Currency::parse("CNY").unwrap();
        assert_eq!(r.per_eur[&usd].value().to_string(), "1.25");
        assert_eq!(r.per_eur[&cny].value().to_string(), "9.000");
        assert!(parse_json_rates(
            r#"{"base": "USD", "as_of": "2026-10-30", "rates": {"CNY": "7.2"}}"#,
            "t"
        )
        .is_err());
        assert!(parse_json_rates(
            r#"{"base": "EUR", "as_of": "x", "rates": {"CNY": "7.2"}}"#,
            "t"
        )
        .is_err());
    }
}
