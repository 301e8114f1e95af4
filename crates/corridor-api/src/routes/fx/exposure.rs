//! `GET /v1/fx/exposure`: positions per currency and value-at-risk.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use corridor_services::fx::VarFigures;
use serde::Serialize;
use utoipa::ToSchema;

use super::{acting_merchant, fx, require_merchant};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

/// Value-at-risk, home-currency minor units (a loss not exceeded with the
/// confidence over the horizon; historical simulation on the ECB history).
#[derive(Debug, Serialize, ToSchema)]
pub struct VarObject {
    /// 95%, 1 day.
    pub var_95_1d: i64,
    /// 99%, 1 day.
    pub var_99_1d: i64,
    /// 95%, 30 days (21 TARGET business days).
    pub var_95_30d: i64,
    /// 99%, 30 days.
    pub var_99_30d: i64,
}

fn var(v: &VarFigures) -> VarObject {
    VarObject {
        var_95_1d: v.var_95_1d,
        var_99_1d: v.var_99_1d,
        var_95_30d: v.var_95_30d,
        var_99_30d: v.var_99_30d,
    }
}

/// One currency's position.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyExposureObject {
    /// ISO 4217.
    pub currency: String,
    /// Available plus pending balance, minor units.
    pub balance: i64,
    /// Reserved by holds (collateral, ...), minor units (included in `balance`).
    pub reserved: i64,
    /// Pending payments not yet captured, minor units.
    pub expected_receivables: i64,
    /// Sold forward, not yet delivered, minor units.
    pub hedged: i64,
    /// balance + expected receivables − hedged, minor units.
    pub net_open_position: i64,
    /// The same in the home currency at today's mid, home minor units.
    pub net_open_position_home: i64,
    /// This position's VaR.
    pub value_at_risk: VarObject,
}

/// `GET /v1/fx/exposure` response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExposureResponse {
    /// The merchant.
    pub merchant: String,
    /// Home currency (VaR and net positions are in it).
    pub home_currency: String,
    /// Date of the reference rates used.
    pub as_of: String,
    /// `historical_simulation`.
    pub method: &'static str,
    /// Daily scenarios used (up to 500 TARGET business days).
    pub scenarios: usize,
    /// Per currency.
    pub currencies: Vec<CurrencyExposureObject>,
    /// VaR of the positions together.
    pub value_at_risk: VarObject,
}

/// A merchant's currency exposure and value-at-risk.
#[utoipa::path(get, path = "/v1/fx/exposure",
    params(("merchant" = Option<String>, Query, description = "operators: the merchant")),
    responses((status = 200, body = ExposureResponse), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ExposureResponse>> {
    let merchant = acting_merchant(&caller, &query, &[])?;
    let record = require_merchant(&state, &merchant).await?;
    let e = fx(&state)?
        .exposure(&merchant, record.home_currency)
        .await?;
    Ok(Json(ExposureResponse {
        merchant,
        home_currency: e.home.code().to_string(),
        as_of: e.as_of,
        method: "historical_simulation",
        scenarios: e.scenarios,
        currencies: e
            .currencies
            .iter()
            .map(|c| CurrencyExposureObject {
                currency: c.currency.code().to_string(),
                balance: c.balance,
                reserved: c.reserved,
                expected_receivables: c.expected_receivables,
                hedged: c.hedged,
                net_open_position: c.net_open,
                net_open_position_home: c.net_open_home,
                value_at_risk: var(&c.var),
            })
            .collect(),
        value_at_risk: var(&e.total_var),
    }))
}
