//! `PUT /v1/fx/auto_conversion`: keep every currency, or convert what
//! settles to the home currency.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{acting_merchant, fx, require_merchant};
use crate::auth::Caller;
use crate::error::ApiResult;
use crate::json::ApiJson;
use crate::state::AppState;

/// `PUT /v1/fx/auto_conversion` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAutoConversion {
    /// `keep` (hold each currency as received) or `convert_to_home`.
    pub mode: String,
}

/// The rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct AutoConversionObject {
    /// Always `fx_auto_conversion`.
    pub object: &'static str,
    /// The merchant.
    pub merchant: String,
    /// `keep` or `convert_to_home`.
    pub mode: String,
    /// Where conversions go.
    pub home_currency: String,
}

fn render(r: corridor_services::fx::AutoConversionRule) -> AutoConversionObject {
    AutoConversionObject {
        object: "fx_auto_conversion",
        merchant: r.merchant_id,
        mode: r.mode,
        home_currency: r.home_currency,
    }
}

/// Sets the merchant's auto-conversion rule.
#[utoipa::path(put, path = "/v1/fx/auto_conversion", request_body = SetAutoConversion,
    params(("merchant" = Option<String>, Query, description = "operators: the merchant")),
    responses((status = 200, body = AutoConversionObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
    ApiJson(body): ApiJson<SetAutoConversion>,
) -> ApiResult<Json<AutoConversionObject>> {
    let merchant = acting_merchant(&caller, &query, &[])?;
    let record = require_merchant(&state, &merchant).await?;
    let rule = fx(&state)?
        .set_auto_conversion(&merchant, record.home_currency, &body.mode)
        .await?;
    Ok(Json(render(rule)))
}

/// The merchant's auto-conversion rule.
#[utoipa::path(get, path = "/v1/fx/auto_conversion",
    params(("merchant" = Option<String>, Query, description = "operators: the merchant")),
    responses((status = 200, body = AutoConversionObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<AutoConversionObject>> {
    let merchant = acting_merchant(&caller, &query, &[])?;
    let record = require_merchant(&state, &merchant).await?;
    Ok(Json(render(
        fx(&state)?
            .auto_conversion(&merchant, record.home_currency)
            .await?,
    )))
}
