//! Forward contracts (hedging): `POST /v1/fx/forwards`, settle, list.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_core::fx::QuoteAmount;
use corridor_core::{Amount, Timestamp};
use corridor_services::fx::{collateral_held, Forward, ForwardRequest};
use corridor_store::{RefusalCode, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{acting_merchant, currency, fx, require_merchant};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::routes::{list_params, ListResponse};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// `POST /v1/fx/forwards` body: exactly one of `sell_amount` and `buy_amount`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateForward {
    /// ISO 4217 currency sold at maturity (the receivable).
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub sell_currency: String,
    /// ISO 4217 currency bought at maturity.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub buy_currency: String,
    /// Sold, sell minor units.
    #[schema(nullable = true, minimum = 1)]
    pub sell_amount: Option<i64>,
    /// Bought, buy minor units.
    #[schema(nullable = true, minimum = 1)]
    pub buy_amount: Option<i64>,
    /// Delivery date, YYYY-MM-DD: after today, at most 24 months ahead.
    #[schema(format = Date)]
    pub maturity_date: String,
}

/// A margin call.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarginCallObject {
    /// 1, 2, ...
    pub number: u32,
    /// Extra collateral, sell minor units.
    pub amount: i64,
    /// Deadline, YYYY-MM-DD; unmet by then, the position is closed and the loss booked.
    pub due_by: String,
    /// `met` (held from the balance) or `due`.
    pub status: String,
}

/// A forward contract.
#[derive(Debug, Serialize, ToSchema)]
pub struct ForwardObject {
    /// `fwd_...`.
    pub id: String,
    /// Always `fx_forward`.
    pub object: &'static str,
    /// Owner.
    pub merchant: String,
    /// ISO 4217.
    pub sell_currency: String,
    /// ISO 4217.
    pub buy_currency: String,
    /// Sold at maturity, sell minor units.
    pub sell_amount: i64,
    /// Bought at maturity, buy minor units.
    pub buy_amount: i64,
    /// Client forward rate (buy per sell), spread applied.
    pub forward_rate: String,
    /// Covered-interest-parity forward before spread.
    pub forward_mid_rate: String,
    /// Spot at inception (buy per sell).
    pub spot_rate: String,
    /// Policy rate of the sell currency used, percent.
    pub sell_interest_rate: String,
    /// Policy rate of the buy currency used, percent.
    pub buy_interest_rate: String,
    /// Day counts, sell then buy (`ACT/360`, `ACT/365`).
    pub day_counts: Vec<String>,
    /// Trade date.
    pub trade_date: String,
    /// Delivery date.
    pub maturity_date: String,
    /// Initial margin held from the balance at inception, sell minor units.
    pub collateral: i64,
    /// Collateral held now (initial margin and met calls, less what
    /// drawdowns released), sell minor units.
    pub collateral_held: i64,
    /// Initial margin, bps.
    pub initial_margin_bps: u32,
    /// Margin calls.
    pub margin_calls: Vec<MarginCallObject>,
    /// Latest mark-to-market, buy minor units (the merchant's gain positive).
    pub mark_to_market: i64,
    /// Date of that mark.
    pub marked_on: String,
    /// `open`, `settled`, `closed` (early), `closed_margin`.
    pub status: String,
    /// Result booked on an early close, buy minor units.
    #[schema(nullable = true)]
    pub realized: Option<i64>,
    /// Creation time.
    pub created_at: String,
    /// Parts drawn down before maturity, oldest first.
    pub drawdowns: Vec<DrawdownObject>,
}

/// A part of a forward drawn down before maturity.
#[derive(Debug, Serialize, ToSchema)]
pub struct DrawdownObject {
    /// 1, 2, ...
    pub number: u32,
    /// Notional drawn, sell minor units.
    pub sell_amount: i64,
    /// Its share of the buy notional, buy minor units.
    pub buy_amount: i64,
    /// Mark-to-market result booked to the buy balance, buy minor units (gain positive).
    pub realized: i64,
    /// Collateral released, sell minor units.
    pub collateral_released: i64,
    /// YYYY-MM-DD.
    pub drawn_on: String,
}

/// Renders a forward.
pub fn render(f: &Forward) -> ForwardObject {
    ForwardObject {
        id: f.id.clone(),
        object: "fx_forward",
        merchant: f.merchant_id.clone(),
        sell_currency: f.sell_currency.clone(),
        buy_currency: f.buy_currency.clone(),
        sell_amount: f.sell_amount,
        buy_amount: f.buy_amount,
        forward_rate: f.forward_rate.clone(),
        forward_mid_rate: f.forward_mid_rate.clone(),
        spot_rate: f.spot_rate.clone(),
        sell_interest_rate: f.sell_interest.0.clone(),
        buy_interest_rate: f.buy_interest.0.clone(),
        day_counts: vec![f.day_counts.0.clone(), f.day_counts.1.clone()],
        trade_date: f.trade_date.clone(),
        maturity_date: f.maturity_date.clone(),
        collateral: f.collateral,
        collateral_held: if f.status == "open" {
            collateral_held(f).unwrap_or(f.collateral)
        } else {
            0
        },
        initial_margin_bps: f.initial_margin_bps,
        margin_calls: f
            .margin_calls
            .iter()
            .map(|c| MarginCallObject {
                number: c.number,
                amount: c.amount,
                due_by: c.due_by.clone(),
                status: c.status.clone(),
            })
            .collect(),
        mark_to_market: f.mark_to_market,
        marked_on: f.marked_on.clone(),
        status: f.status.clone(),
        realized: f.realized,
        created_at: rfc3339(Timestamp::from_unix_micros(f.created_at)),
        drawdowns: f
            .drawdowns
            .iter()
            .map(|d| DrawdownObject {
                number: d.number,
                sell_amount: d.sell_amount,
                buy_amount: d.buy_amount,
                realized: d.realized,
                collateral_released: d.collateral_released,
                drawn_on: d.drawn_on.clone(),
            })
            .collect(),
    }
}

fn parse(body: &CreateForward) -> Result<ForwardRequest, ApiError> {
    let sell = currency("sell_currency", &body.sell_currency)?;
    let buy = currency("buy_currency", &body.buy_currency)?;
    let positive = |param: &str, v: i64| {
        Amount::positive(v).map_err(|_| {
            ApiError::invalid(
                param,
                "amount_invalid",
                format!("{param} must be a positive integer in minor units"),
            )
        })
    };
    let amount = match (body.sell_amount, body.buy_amount) {
        (Some(s), None) => QuoteAmount::Sell(positive("sell_amount", s)?),
        (None, Some(b)) => QuoteAmount::Buy(positive("buy_amount", b)?),
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "buy_amount",
                "parameter_conflict",
                "give sell_amount or buy_amount, not both",
            ))
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "sell_amount",
                "parameter_missing",
                "give sell_amount or buy_amount",
            ))
        }
    };
    let maturity = corridor_services::fx::dates::day_of(&body.maturity_date).ok_or_else(|| {
        ApiError::invalid(
            "maturity_date",
            "parameter_invalid",
            "maturity_date must be a date YYYY-MM-DD",
        )
    })?;
    if sell == buy {
        return Err(ApiError::invalid(
            "buy_currency",
            "currency_same",
            "sell and buy currency must differ",
        ));
    }
    Ok(ForwardRequest {
        sell,
        buy,
        amount,
        maturity,
    })
}

/// Sells a future receivable forward; the initial margin is held from the balance.
#[utoipa::path(post, path = "/v1/fx/forwards", request_body = CreateForward,
    params(("merchant" = Option<String>, Query, description = "operators: the merchant")),
    responses((status = 201, body = ForwardObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 402, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateForward>,
) -> ApiResult<Response> {
    let merchant = acting_merchant(&caller, &query, &[])?;
    let request = parse(&body)?;
    super::quotes::check_limits(
        &state,
        &body.sell_currency,
        body.sell_amount,
        &body.buy_currency,
        body.buy_amount,
    )?;
    require_merchant(&state, &merchant).await?;
    let prepared = fx(&state)?.prepare_forward(&merchant, request)?;
    let forward = prepared.forward;
    let render_fn = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Fx(Ok(_)) => json_response(StatusCode::CREATED, &render(&forward)),
        WriteOutcome::Fx(Err(r)) if r.code == RefusalCode::INSUFFICIENT_FUNDS => {
            error_response(&ApiError::insufficient_funds(format!(
                "the available {} balance cannot hold the initial margin of {}",
                forward.sell_currency, forward.collateral
            )))
        }
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

/// Settles a forward: delivery at the locked rate on or after maturity, else early close at the mark-to-market.
#[utoipa::path(post, path = "/v1/fx/forwards/{id}/settle", params(("id" = String, Path)),
    responses((status = 200, body = ForwardObject), (status = 401, body = crate::error::ErrorBody),
        (status = 402, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn settle(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ForwardObject>> {
    let service = fx(&state)?;
    let (f, _) = service.forward(None, &id).await?;
    if !caller.can_see(&f.merchant_id) {
        return Err(ApiError::not_found("forward", &id));
    }
    Ok(Json(render(
        &service.settle_forward(&f.merchant_id, &id).await?,
    )))
}

/// `POST /v1/fx/forwards/{id}/drawdowns` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDrawdown {
    /// Notional to draw down, sell minor units: below the notional left.
    #[schema(minimum = 1)]
    pub sell_amount: i64,
}

/// Draws down part of an open forward before maturity: that part is closed
/// at its mark-to-market result (booked to the buy balance), the notional
/// shrinks, and the part's share of the collateral is released.
#[utoipa::path(post, path = "/v1/fx/forwards/{id}/drawdowns", params(("id" = String, Path)),
    request_body = CreateDrawdown,
    responses((status = 200, body = ForwardObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 402, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn draw_down(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateDrawdown>,
) -> ApiResult<Response> {
    let service = fx(&state)?;
    let (f, _) = service.forward(None, &id).await?;
    if !caller.can_see(&f.merchant_id) {
        return Err(ApiError::not_found("forward", &id));
    }
    let prepared = service
        .prepare_drawdown(&f.merchant_id, &id, body.sell_amount)
        .await?;
    let forward = prepared.forward;
    let render_fn = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Fx(Ok(_)) => json_response(StatusCode::OK, &render(&forward)),
        WriteOutcome::Fx(Err(r)) if r.code == RefusalCode::VersionConflict => {
            error_response(&ApiError::conflict(
                "forward_changed",
                "the forward changed meanwhile; read it again",
            ))
        }
        WriteOutcome::Fx(Err(r)) if r.code == RefusalCode::INSUFFICIENT_FUNDS => {
            error_response(&ApiError::insufficient_funds(format!(
                "the available {} balance cannot take the loss booked",
                forward.buy_currency
            )))
        }
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    let response = submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Fx(Box::new(prepared.write)),
        render_fn,
    )
    .await?;
    // The part's collateral is released now; if this fails, the FX job and
    // the next settle finish it (each step is found again by its reference).
    if let Err(e) = service.finish_collateral_swaps(&id).await {
        tracing::warn!(error = %e, forward = %id, "drawdown collateral swap unfinished; retried by the FX job");
    }
    Ok(response)
}

/// A forward.
#[utoipa::path(get, path = "/v1/fx/forwards/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ForwardObject), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ForwardObject>> {
    let (f, _) = fx(&state)?.forward(None, &id).await?;
    if !caller.can_see(&f.merchant_id) {
        return Err(ApiError::not_found("forward", &id));
    }
    Ok(Json(render(&f)))
}

/// A merchant's forwards, newest first.
#[utoipa::path(get, path = "/v1/fx/forwards",
    params(("limit" = Option<u32>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query),
           ("merchant" = Option<String>, Query, description = "operators: the merchant")),
    responses((status = 200, body = ListResponse<ForwardObject>), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<ForwardObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    let page = state
        .store()
        .fx_objects(
            "forward",
            &merchant,
            params.limit,
            params.starting_after.as_deref(),
        )
        .await?;
    let data = page
        .items
        .iter()
        .map(|r| serde_json::from_str::<Forward>(&r.body).map(|f| render(&f)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    Ok(Json(ListResponse {
        data,
        has_more: page.has_more,
    }))
}
