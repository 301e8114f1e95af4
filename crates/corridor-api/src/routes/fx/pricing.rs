//! `PUT /v1/fx/pricing` (operator): spreads per pair and tier, lock prices,
//! the weekend and holiday markup. Every change is a new version.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use corridor_core::fx::{LockDuration, Pricing, SpreadRule, Tier};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{currency, fx};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::state::AppState;

/// One spread rule.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpreadBody {
    /// Currency sold; absent for any.
    #[schema(nullable = true, pattern = "^[A-Za-z]{3}$")]
    pub sell_currency: Option<String>,
    /// Currency bought; absent for any.
    #[schema(nullable = true, pattern = "^[A-Za-z]{3}$")]
    pub buy_currency: Option<String>,
    /// `standard`, `volume` or `enterprise`; absent for any.
    #[schema(nullable = true)]
    pub tier: Option<String>,
    /// Spread off mid, basis points (0-1000).
    #[schema(minimum = 0, maximum = 1000)]
    pub spread_bps: u32,
}

/// `PUT /v1/fx/pricing` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PricingBody {
    /// Spread when no rule matches, bps (0-1000).
    #[schema(minimum = 0, maximum = 1000)]
    pub default_spread_bps: u32,
    /// Rules (at most 500); the most specific match wins: pair over tier over nothing.
    #[serde(default)]
    pub spreads: Vec<SpreadBody>,
    /// Price of each lock, bps of the sold amount, for every one of `1m`, `15m`, `1h`, `24h`; never cheaper for a longer lock (0-500).
    pub lock_bps: BTreeMap<String, u32>,
    /// Added to the spread when TARGET2 or either currency's market is closed (weekend, holiday), bps (0-500).
    #[schema(minimum = 0, maximum = 500)]
    pub weekend_holiday_markup_bps: u32,
    /// Oldest reference rate a quote may use, TARGET business days (0-10). Default 3.
    #[serde(default)]
    #[schema(nullable = true, minimum = 0, maximum = 10)]
    pub max_rate_age_business_days: Option<u32>,
    /// Tier of named merchants; others are `standard`.
    #[serde(default)]
    pub merchant_tiers: BTreeMap<String, String>,
}

/// The pricing in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct PricingResponse {
    /// Always `fx_pricing`.
    pub object: &'static str,
    /// Version (0: the default, never set).
    pub version: i64,
    /// bps.
    pub default_spread_bps: u32,
    /// Rules.
    pub spreads: Vec<SpreadBody>,
    /// Lock prices, bps.
    pub lock_bps: BTreeMap<String, u32>,
    /// bps.
    pub weekend_holiday_markup_bps: u32,
    /// TARGET business days.
    pub max_rate_age_business_days: u32,
    /// Tiers.
    pub merchant_tiers: BTreeMap<String, String>,
}

fn to_pricing(body: &PricingBody) -> Result<Pricing, ApiError> {
    let mut rules = Vec::with_capacity(body.spreads.len());
    for (i, s) in body.spreads.iter().enumerate() {
        let cur = |field: &str, v: &Option<String>| -> Result<_, ApiError> {
            v.as_deref()
                .map(|c| currency(&format!("spreads[{i}].{field}"), c))
                .transpose()
        };
        let tier = match &s.tier {
            None => None,
            Some(t) => Some(Tier::parse(t).ok_or_else(|| {
                ApiError::invalid(
                    &format!("spreads[{i}].tier"),
                    "parameter_invalid",
                    "tier must be standard, volume or enterprise",
                )
            })?),
        };
        rules.push(SpreadRule {
            sell: cur("sell_currency", &s.sell_currency)?,
            buy: cur("buy_currency", &s.buy_currency)?,
            tier,
            spread_bps: s.spread_bps,
        });
    }
    let mut lock_bps = BTreeMap::new();
    for (code, bps) in &body.lock_bps {
        let d = LockDuration::parse(code).ok_or_else(|| {
            ApiError::invalid(
                &format!("lock_bps.{code}"),
                "parameter_unknown",
                "lock durations are 1m, 15m, 1h and 24h",
            )
        })?;
        lock_bps.insert(d, *bps);
    }
    let mut merchant_tiers = BTreeMap::new();
    for (m, t) in &body.merchant_tiers {
        let tier = Tier::parse(t).ok_or_else(|| {
            ApiError::invalid(
                &format!("merchant_tiers.{m}"),
                "parameter_invalid",
                "tier must be standard, volume or enterprise",
            )
        })?;
        merchant_tiers.insert(m.clone(), tier);
    }
    Ok(Pricing {
        default_spread_bps: body.default_spread_bps,
        rules,
        lock_bps,
        weekend_holiday_markup_bps: body.weekend_holiday_markup_bps,
        max_rate_age_business_days: body.max_rate_age_business_days.unwrap_or(3),
        merchant_tiers,
    })
}

fn render(version: i64, p: &Pricing) -> PricingResponse {
    PricingResponse {
        object: "fx_pricing",
        version,
        default_spread_bps: p.default_spread_bps,
        spreads: p
            .rules
            .iter()
            .map(|r| SpreadBody {
                sell_currency: r.sell.map(|c| c.code().to_string()),
                buy_currency: r.buy.map(|c| c.code().to_string()),
                tier: r.tier.map(|t| t.code().to_string()),
                spread_bps: r.spread_bps,
            })
            .collect(),
        lock_bps: p
            .lock_bps
            .iter()
            .map(|(d, b)| (d.code().to_string(), *b))
            .collect(),
        weekend_holiday_markup_bps: p.weekend_holiday_markup_bps,
        max_rate_age_business_days: p.max_rate_age_business_days,
        merchant_tiers: p
            .merchant_tiers
            .iter()
            .map(|(m, t)| (m.clone(), t.code().to_string()))
            .collect(),
    }
}

/// Sets FX pricing (operators): validated, stored as a new version.
#[utoipa::path(put, path = "/v1/fx/pricing", request_body = PricingBody,
    responses((status = 200, body = PricingResponse), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<PricingBody>,
) -> ApiResult<Json<PricingResponse>> {
    caller.require_operator()?;
    let pricing = to_pricing(&body)?;
    let version = fx(&state)?.set_pricing(pricing.clone()).await?;
    Ok(Json(render(version, &pricing)))
}

/// The FX pricing in force (operators).
#[utoipa::path(get, path = "/v1/fx/pricing",
    responses((status = 200, body = PricingResponse), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<PricingResponse>> {
    caller.require_operator()?;
    let (version, pricing) = fx(&state)?.pricing();
    Ok(Json(render(version, &pricing)))
}
