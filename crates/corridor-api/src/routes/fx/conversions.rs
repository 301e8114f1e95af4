//! `POST /v1/fx/conversions`: executes a quote exactly at its amounts.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_core::Timestamp;
use corridor_services::fx::{Conversion, FxService};
use corridor_store::{WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{acting_merchant, fx};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::routes::{list_params, ListResponse};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// `POST /v1/fx/conversions` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConversion {
    /// The quote, `quo_...`.
    #[schema(max_length = 64)]
    pub quote: String,
}

/// A conversion.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversionObject {
    /// `cnv_...`.
    pub id: String,
    /// Always `fx_conversion`.
    pub object: &'static str,
    /// Owner.
    pub merchant: String,
    /// The quote executed.
    pub quote: String,
    /// ISO 4217.
    pub sell_currency: String,
    /// ISO 4217.
    pub buy_currency: String,
    /// Sold, sell minor units (debited with `fee`).
    pub sell_amount: i64,
    /// Bought, buy minor units (credited).
    pub buy_amount: i64,
    /// Lock fee, sell minor units.
    pub fee: i64,
    /// Client rate: buy units per sell unit.
    pub rate: String,
    /// Mid-market rate at quote time.
    pub mid_rate: String,
    /// Spread kept by the platform, buy minor units.
    pub spread_amount: i64,
    /// All-in cost against mid-market, percent.
    pub all_in_cost_pct: String,
    /// `manual` or `auto`.
    pub trigger: String,
    /// `succeeded`.
    pub status: String,
    /// Creation time.
    pub created_at: String,
}

/// Renders a conversion.
pub fn render(c: &Conversion) -> ConversionObject {
    ConversionObject {
        id: c.id.clone(),
        object: "fx_conversion",
        merchant: c.merchant_id.clone(),
        quote: c.quote.clone(),
        sell_currency: c.sell_currency.clone(),
        buy_currency: c.buy_currency.clone(),
        sell_amount: c.sell_amount,
        buy_amount: c.buy_amount,
        fee: c.fee,
        rate: c.rate.clone(),
        mid_rate: c.mid_rate.clone(),
        spread_amount: c.spread_amount,
        all_in_cost_pct: c.all_in_cost_pct.clone(),
        trigger: c.trigger.clone(),
        status: c.status.clone(),
        created_at: rfc3339(Timestamp::from_unix_micros(c.created_at)),
    }
}

/// Converts at a quote's amounts: 409 `quote_expired` or `quote_used`, 402 without the balance.
#[utoipa::path(post, path = "/v1/fx/conversions", request_body = CreateConversion,
    params(("merchant" = Option<String>, Query, description = "operators: the merchant")),
    responses((status = 201, body = ConversionObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 402, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateConversion>,
) -> ApiResult<Response> {
    let merchant = acting_merchant(&caller, &query, &[])?;
    if body.quote.is_empty() || body.quote.len() > 64 {
        return Err(ApiError::invalid(
            "quote",
            "parameter_invalid",
            "quote must be a quote id",
        ));
    }
    let prepared = fx(&state)?
        .prepare_conversion(&merchant, &body.quote, "manual")
        .await?;
    let conversion = prepared.conversion;
    let quote_id = body.quote.clone();
    let render_fn = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Fx(Ok(_)) => json_response(StatusCode::CREATED, &render(&conversion)),
        WriteOutcome::Fx(Err(refusal)) => error_response(&ApiError::from(
            FxService::conversion_refusal(&quote_id, refusal),
        )),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Fx(Box::new(prepared.write)),
        render_fn,
    )
    .await
}

/// A conversion.
#[utoipa::path(get, path = "/v1/fx/conversions/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ConversionObject), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ConversionObject>> {
    let c = fx(&state)?.conversion(None, &id).await?;
    if !caller.can_see(&c.merchant_id) {
        return Err(ApiError::not_found("conversion", &id));
    }
    Ok(Json(render(&c)))
}

/// A merchant's conversions, newest first.
#[utoipa::path(get, path = "/v1/fx/conversions",
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query),
           ("merchant" = Option<String>, Query, description = "operators: the merchant")),
    responses((status = 200, body = ListResponse<ConversionObject>), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<ConversionObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    let page = state
        .store()
        .fx_objects(
            "conversion",
            &merchant,
            params.limit,
            params.starting_after.as_deref(),
        )
        .await?;
    let data = page
        .items
        .iter()
        .map(|r| serde_json::from_str::<Conversion>(&r.body).map(|c| render(&c)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    Ok(Json(ListResponse {
        data,
        has_more: page.has_more,
    }))
}
