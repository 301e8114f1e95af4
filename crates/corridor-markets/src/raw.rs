//! The TOML shape of a data file, exactly as written. Private: `convert`
//! turns it into the domain types, validating every field.

use serde::Deserialize;

/// One `data/<CC>.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMarket {
    pub country: String,
    pub name: String,
    pub currency: String,
    pub status: String,
    pub shares_source: Option<String>,
    #[serde(default)]
    pub payment_methods: Vec<RawMethod>,
    #[serde(default)]
    pub rules: Vec<RawRule>,
}

/// `[[payment_methods]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMethod {
    #[serde(rename = "type")]
    pub method_type: String,
    pub name: String,
    #[serde(rename = "async")]
    pub is_async: bool,
    pub flow: String,
    pub currencies: Vec<String>,
    pub share_pct: Option<RawShare>,
    pub share_basis: Option<String>,
    #[serde(default)]
    pub limits: Vec<RawLimit>,
    pub expiry: Option<RawExpiry>,
    pub settlement_days: Option<u16>,
    pub notes: Option<String>,
    pub source: String,
}

/// A share written as an integer percent (`64`) or a decimal string (`"12.5"`).
/// A TOML float matches neither and is refused.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum RawShare {
    Whole(u16),
    Decimal(String),
}

/// `limits = [{ currency, min_minor?, max_minor? }]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLimit {
    pub currency: String,
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
}

/// `expiry = { default_days?, min_days?, max_days? }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExpiry {
    pub default_days: Option<u16>,
    pub min_days: Option<u16>,
    pub max_days: Option<u16>,
}

/// `[[rules]]`: text, plus at most one structured table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRule {
    pub code: String,
    pub summary: String,
    pub source: String,
    pub sca: Option<RawSca>,
    pub import_limit: Option<RawImportLimit>,
    pub pa_cb: Option<RawPaCb>,
    pub sanctions: Option<RawSanctions>,
}

/// `[rules.sca]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSca {
    pub currency: String,
    pub low_value_exemption_minor: Option<i64>,
    pub low_value_cumulative_minor_max: Option<i64>,
    pub low_value_count_max: Option<u16>,
    #[serde(default)]
    pub tra: Vec<RawTraBand>,
    pub merchant_initiated_exempt: bool,
    pub recurring_fixed_amount_exempt: bool,
}

/// `tra = [{ amount_minor_max, fraud_rate_bps_max }]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTraBand {
    pub amount_minor_max: i64,
    pub fraud_rate_bps_max: u16,
}

/// `[rules.import_limit]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawImportLimit {
    pub currency: String,
    pub per_transaction_minor_max: i64,
    pub per_year_minor_max: i64,
}

/// `[rules.pa_cb]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPaCb {
    pub currency: String,
    pub per_unit_minor_max: i64,
    pub buyer_due_diligence_above_minor: Option<i64>,
}

/// `[rules.sanctions]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSanctions {
    pub authority: String,
    pub program: String,
    pub comprehensive: bool,
}
