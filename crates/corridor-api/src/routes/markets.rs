//! Markets: the knowledge base of currencies, local payment methods and
//! payment rules per country. Read-only, for any valid key.

use axum::extract::Path;
use axum::Json;
use corridor_core::CountryCode;
use corridor_markets::{
    markets, AmountLimit, Market, PaymentMethod, Rule, RuleKind, VoucherExpiry,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::ListResponse;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};

/// A country's market.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketObject {
    /// ISO 3166-1 alpha-2 code, upper case.
    pub country: String,
    /// English short name.
    pub name: String,
    /// Local currency, ISO 4217.
    pub currency: String,
    /// `open`, `restricted` or `blocked`.
    pub status: &'static str,
    /// Local payment methods.
    pub payment_methods: Vec<PaymentMethodObject>,
    /// Payment rules, each with its source.
    pub rules: Vec<RuleObject>,
    /// The report the methods' `share_pct` come from, when any is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shares_source: Option<String>,
}

/// A local payment method.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentMethodObject {
    /// Stable type id (`card`, `konbini`, `pix`, ...), as `payment_method.type` takes it.
    #[serde(rename = "type")]
    pub method_type: &'static str,
    /// Display name.
    pub name: String,
    /// Approximate share of the market's e-commerce payments, a decimal
    /// percent string (`"64"`, `"12.5"`), when a source gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_pct: Option<String>,
    /// What the share measures when it is a category rather than this method alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_basis: Option<String>,
    /// Whether a payment completes asynchronously (voucher, QR, bank transfer).
    #[serde(rename = "async")]
    pub is_async: bool,
    /// `card`, `redirect`, `qr`, `voucher`, `bank_debit`, `collect`, `bnpl`, `wallet` or `bank_transfer`.
    pub flow: &'static str,
    /// Currencies the method can be charged in.
    pub currencies: Vec<String>,
    /// Amount bounds per payment, where real ones exist.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub limits: Vec<LimitObject>,
    /// Voucher expiry, for methods paid later.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<ExpiryObject>,
    /// Typical business days from payment to funds available.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settlement_days: Option<u16>,
    /// Anything else worth knowing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Where these facts come from.
    pub source: String,
}

/// Amount bounds in one currency, minor units.
#[derive(Debug, Serialize, ToSchema)]
pub struct LimitObject {
    /// ISO 4217 code.
    pub currency: String,
    /// Smallest amount accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_amount: Option<i64>,
    /// Largest amount accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_amount: Option<i64>,
}

/// Voucher expiry in calendar days.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExpiryObject {
    /// When the merchant sets nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_days: Option<u16>,
    /// Shortest the merchant may set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_days: Option<u16>,
    /// Longest the merchant may set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_days: Option<u16>,
}

/// A payment rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleObject {
    /// Stable code (`psd2_sca`, `us_ofac_itsr`).
    pub code: String,
    /// What it means for a merchant.
    pub summary: String,
    /// The regulation or authoritative document.
    pub source: String,
    /// `info`, `sca`, `import_limit`, `pa_cb` or `sanctions`.
    pub kind: &'static str,
}

fn limit(l: &AmountLimit) -> LimitObject {
    LimitObject {
        currency: l.currency().code().to_string(),
        min_amount: l.min_minor(),
        max_amount: l.max_minor(),
    }
}

fn expiry(e: &VoucherExpiry) -> ExpiryObject {
    ExpiryObject {
        default_days: e.default_days(),
        min_days: e.min_days(),
        max_days: e.max_days(),
    }
}

fn method(m: &PaymentMethod) -> PaymentMethodObject {
    PaymentMethodObject {
        method_type: m.method_type().as_str(),
        name: m.name().to_string(),
        share_pct: m.share().map(|s| s.to_string()),
        share_basis: m.share_basis().map(str::to_string),
        is_async: m.is_async(),
        flow: m.flow().as_str(),
        currencies: m
            .currencies()
            .iter()
            .map(|c| c.code().to_string())
            .collect(),
        limits: m.limits().iter().map(limit).collect(),
        expiry: m.expiry().map(expiry),
        settlement_days: m.settlement_days(),
        notes: m.notes().map(str::to_string),
        source: m.source().to_string(),
    }
}

fn rule(r: &Rule) -> RuleObject {
    RuleObject {
        code: r.code().to_string(),
        summary: r.summary().to_string(),
        source: r.source().to_string(),
        kind: match r.kind() {
            RuleKind::Info => "info",
            RuleKind::Sca(_) => "sca",
            RuleKind::ImportLimit(_) => "import_limit",
            RuleKind::PaCb(_) => "pa_cb",
            RuleKind::Sanctions(_) => "sanctions",
        },
    }
}

fn object(m: &Market) -> MarketObject {
    MarketObject {
        country: m.country().as_str().to_string(),
        name: m.name().to_string(),
        currency: m.currency().code().to_string(),
        status: m.status().as_str(),
        payment_methods: m.methods().iter().map(method).collect(),
        rules: m.rules().iter().map(rule).collect(),
        shares_source: m.shares_source().map(str::to_string),
    }
}

/// Every known market, by country code. The list is small and complete:
/// `has_more` is always false.
#[utoipa::path(get, path = "/v1/markets",
    responses((status = 200, body = ListResponse<MarketObject>), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(_caller: Caller) -> Json<ListResponse<MarketObject>> {
    Json(ListResponse {
        data: markets().all().iter().map(object).collect(),
        has_more: false,
    })
}

/// One country's market; the code is accepted in any case.
#[utoipa::path(get, path = "/v1/markets/{country}",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2 country code, any case")),
    responses((status = 200, body = MarketObject), (status = 400, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(_caller: Caller, Path(country): Path<String>) -> ApiResult<Json<MarketObject>> {
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ApiError::invalid(
            "country",
            "country_invalid",
            "country must be an ISO 3166-1 alpha-2 code (two letters)",
        ));
    }
    // Two letters that name no country, or a country we hold nothing on, are both unknown markets.
    CountryCode::parse(&country)
        .ok()
        .and_then(|code| markets().get(code))
        .map(|m| Json(object(m)))
        .ok_or_else(|| ApiError::not_found("market", &country.to_ascii_uppercase()))
}
