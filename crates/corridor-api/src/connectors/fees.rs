//! `PUT /v1/fee_schedules`, `GET /v1/fee_schedules`: the operator's fees
//! per method and country, replacing the built-in schedule without a restart.

use axum::extract::State;
use axum::response::Response;
use axum::Json;
use corridor_core::payments::fee_table::{FeeEntry, FeeTable};
use corridor_core::{CountryCode, Currency};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// The settings kind fee schedules are stored under.
pub const KIND: &str = "fee_schedules";

/// A fixed fee in one currency.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixedFeeBody {
    /// ISO 4217 code.
    pub currency: String,
    /// Minor units, zero or more.
    #[schema(minimum = 0)]
    pub amount: i64,
}

/// The fee of payments by a method in a country; absent method or country
/// matches any. The most specific entry applies (method and country, then
/// method, then country, then the catch-all).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeScheduleBody {
    /// Payment method type, or any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_type: Option<String>,
    /// Buyer country, or any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Percentage of the amount, basis points (rounded up to the minor unit).
    #[schema(minimum = 0, maximum = 10000)]
    pub percent_bps: u32,
    /// Fixed part per currency; a currency not listed has none.
    #[serde(default)]
    pub fixed: Vec<FixedFeeBody>,
    /// Added when the buyer's country is not the merchant's, basis points.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub cross_border_bps: u32,
    /// Markup on a currency conversion, basis points.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub fx_markup_bps: u32,
}

/// `PUT /v1/fee_schedules` body.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeSchedulesBody {
    /// 1-1000 entries, at most one per (method, country), one catch-all.
    #[schema(min_items = 1, max_items = 1000)]
    pub schedules: Vec<FeeScheduleBody>,
}

/// The fee schedules in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeSchedulesObject {
    /// Always `fee_schedules`.
    pub object: &'static str,
    /// 1, 2, ...; 0 while the built-in schedule applies.
    pub version: i64,
    /// The entries (empty for version 0).
    pub schedules: Vec<FeeScheduleBody>,
    /// When this version was put in force; null for version 0.
    pub created_at: Option<String>,
}

/// Turns the body into a checked table; errors name the field.
pub(crate) fn to_table(body: &FeeSchedulesBody) -> ApiResult<FeeTable> {
    let mut entries = Vec::with_capacity(body.schedules.len());
    for (i, s) in body.schedules.iter().enumerate() {
        let at = |f: &str| format!("schedules[{i}].{f}");
        let method_type = match &s.method_type {
            None => None,
            Some(m) => Some(
                corridor_connectors::MethodType::parse(m)
                    .ok_or_else(|| {
                        ApiError::invalid(
                            &at("method_type"),
                            "payment_method_invalid",
                            format!("unknown payment method type `{m}`"),
                        )
                    })?
                    .code()
                    .to_string(),
            ),
        };
        let country = match &s.country {
            None => None,
            Some(c) => Some(CountryCode::parse(c).map_err(|_| {
                ApiError::invalid(
                    &at("country"),
                    "country_invalid",
                    format!("unknown country `{c}`"),
                )
            })?),
        };
        let mut fixed = Vec::with_capacity(s.fixed.len());
        for (j, f) in s.fixed.iter().enumerate() {
            let currency = Currency::parse(&f.currency).map_err(|_| {
                ApiError::invalid(
                    &at(&format!("fixed[{j}].currency")),
                    "currency_invalid",
                    format!("unknown currency `{}`", f.currency),
                )
            })?;
            fixed.push((currency, f.amount));
        }
        entries.push(FeeEntry {
            method_type,
            country,
            percent_bps: s.percent_bps,
            fixed,
            cross_border_bps: s.cross_border_bps,
            fx_markup_bps: s.fx_markup_bps,
        });
    }
    FeeTable::new(entries).map_err(|e| ApiError::invalid(&e.field, e.code, e.message))
}

/// Replaces the fee schedules; they apply to the next fee computed.
#[utoipa::path(put, path = "/v1/fee_schedules", request_body = FeeSchedulesBody,
    responses((status = 200, body = FeeSchedulesObject),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<FeeSchedulesBody>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let registry = state
        .connector_registry()
        .ok_or_else(|| ApiError::unavailable("payments are not configured on this server"))?;
    let table = to_table(&body)?;
    let _guard = registry.write_lock.lock().await;
    let version = crate::settings_documents::next_version(&state, KIND).await?;
    let now = state.store().clock().now();
    let shown = FeeSchedulesObject {
        object: "fee_schedules",
        version,
        schedules: body.schedules.clone(),
        created_at: Some(rfc3339(now)),
    };
    let response =
        crate::settings_documents::store(&state, &caller, KIND, version, now, &body, shown).await?;
    if let Some(service) = state.payments() {
        service.set_fee_table(table);
    }
    Ok(response)
}

/// The fee schedules in force.
#[utoipa::path(get, path = "/v1/fee_schedules",
    responses((status = 200, body = FeeSchedulesObject),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<FeeSchedulesObject>> {
    caller.require_operator()?;
    let stored = crate::settings_documents::latest::<FeeSchedulesBody>(&state, KIND).await?;
    Ok(Json(match stored {
        None => FeeSchedulesObject {
            object: "fee_schedules",
            version: 0,
            schedules: Vec::new(),
            created_at: None,
        },
        Some(v) => FeeSchedulesObject {
            object: "fee_schedules",
            version: v.version,
            schedules: v.body.schedules,
            created_at: Some(v.created_at),
        },
    }))
}
