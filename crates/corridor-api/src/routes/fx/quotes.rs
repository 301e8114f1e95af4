//! `POST /v1/fx/quotes`, `GET /v1/fx/quotes/{id}`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_core::fx::{LockDuration, QuoteAmount};
use corridor_core::{Amount, Timestamp};
use corridor_services::fx::{Quote, QuoteRequest};
use corridor_store::{WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{acting_merchant, currency, fx, require_merchant};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// `POST /v1/fx/quotes` body: exactly one of `sell_amount` and `buy_amount`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateQuote {
    /// ISO 4217 currency sold.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub sell_currency: String,
    /// ISO 4217 currency bought; not the sell currency.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub buy_currency: String,
    /// Amount sold, sell minor units (positive).
    #[schema(nullable = true, minimum = 1)]
    pub sell_amount: Option<i64>,
    /// Amount bought, buy minor units (positive).
    #[schema(nullable = true, minimum = 1)]
    pub buy_amount: Option<i64>,
    /// How long the rate is held: `1m`, `15m` (default), `1h`, `24h`; longer locks cost more.
    #[schema(nullable = true)]
    pub lock_duration: Option<String>,
}

/// A quote.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteObject {
    /// `quo_...`.
    pub id: String,
    /// Always `fx_quote`.
    pub object: &'static str,
    /// Owner.
    pub merchant: String,
    /// ISO 4217.
    pub sell_currency: String,
    /// ISO 4217.
    pub buy_currency: String,
    /// Sold, sell minor units; `fee` is charged on top.
    pub sell_amount: i64,
    /// Bought, buy minor units.
    pub buy_amount: i64,
    /// Client rate: buy units per one sell unit.
    pub rate: String,
    /// Mid-market rate: buy units per one sell unit.
    pub mid_rate: String,
    /// Spread off mid (weekend/holiday markup included), bps.
    pub spread_bps: u32,
    /// Weekend/holiday markup inside `spread_bps`, bps.
    pub markup_bps: u32,
    /// Lock price, sell minor units.
    pub fee: i64,
    /// `1m`, `15m`, `1h`, `24h`.
    pub lock_duration: String,
    /// All-in cost against mid-market (spread and fee), percent.
    pub all_in_cost_pct: String,
    /// Date of the reference rates used.
    pub rate_date: String,
    /// Source of the reference rates.
    pub rate_source: String,
    /// Pricing version used.
    pub pricing_version: i64,
    /// `open` or `used`.
    pub status: String,
    /// The conversion that used it.
    #[schema(nullable = true)]
    pub conversion: Option<String>,
    /// End of the lock.
    pub expires_at: String,
    /// Creation time.
    pub created_at: String,
}

/// Renders a stored quote.
pub fn render(q: &Quote) -> QuoteObject {
    QuoteObject {
        id: q.id.clone(),
        object: "fx_quote",
        merchant: q.merchant_id.clone(),
        sell_currency: q.sell_currency.clone(),
        buy_currency: q.buy_currency.clone(),
        sell_amount: q.sell_amount,
        buy_amount: q.buy_amount,
        rate: q.rate.clone(),
        mid_rate: q.mid_rate.clone(),
        spread_bps: q.spread_bps,
        markup_bps: q.markup_bps,
        fee: q.fee,
        lock_duration: q.lock_duration.clone(),
        all_in_cost_pct: q.all_in_cost_pct.clone(),
        rate_date: q.rate_date.clone(),
        rate_source: q.rate_source.clone(),
        pricing_version: q.pricing_version,
        status: q.status.clone(),
        conversion: q.conversion.clone(),
        expires_at: rfc3339(Timestamp::from_unix_micros(q.expires_at)),
        created_at: rfc3339(Timestamp::from_unix_micros(q.created_at)),
    }
}

fn amount(param: &str, minor: i64) -> Result<Amount, ApiError> {
    Amount::positive(minor).map_err(|_| {
        ApiError::invalid(
            param,
            "amount_invalid",
            format!("{param} must be a positive integer in minor units"),
        )
    })
}

/// Parses a quote body into a request (shared with payouts' inline quotes).
pub fn parse(body: &CreateQuote) -> Result<QuoteRequest, ApiError> {
    let sell = currency("sell_currency", &body.sell_currency)?;
    let buy = currency("buy_currency", &body.buy_currency)?;
    let amount = match (body.sell_amount, body.buy_amount) {
        (Some(s), None) => QuoteAmount::Sell(amount("sell_amount", s)?),
        (None, Some(b)) => QuoteAmount::Buy(amount("buy_amount", b)?),
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
    let lock = match body.lock_duration.as_deref() {
        None => LockDuration::FifteenMinutes,
        Some(code) => LockDuration::parse(code).ok_or_else(|| {
            ApiError::invalid(
                "lock_duration",
                "parameter_invalid",
                "lock_duration must be 1m, 15m, 1h or 24h",
            )
        })?,
    };
    if sell == buy {
        return Err(ApiError::invalid(
            "buy_currency",
            "currency_same",
            "sell and buy currency must differ",
        ));
    }
    Ok(QuoteRequest {
        sell,
        buy,
        amount,
        lock,
    })
}

/// The operator's per-movement maximum applies to both sides of FX.
pub(crate) fn check_limits(
    state: &AppState,
    sell_currency: &str,
    sell_amount: Option<i64>,
    buy_currency: &str,
    buy_amount: Option<i64>,
) -> Result<(), ApiError> {
    if let Some(a) = sell_amount {
        state
            .policy()
            .check_amount("sell_amount", a, sell_currency)?;
    }
    if let Some(a) = buy_amount {
        state.policy().check_amount("buy_amount", a, buy_currency)?;
    }
    Ok(())
}

/// Creates a quote with a rate lock.
#[utoipa::path(post, path = "/v1/fx/quotes", request_body = CreateQuote,
    params(("merchant" = Option<String>, Query, description = "operators: the merchant")),
    responses((status = 201, body = QuoteObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateQuote>,
) -> ApiResult<Response> {
    let merchant = acting_merchant(&caller, &query, &[])?;
    let request = parse(&body)?;
    check_limits(
        &state,
        &body.sell_currency,
        body.sell_amount,
        &body.buy_currency,
        body.buy_amount,
    )?;
    require_merchant(&state, &merchant).await?;
    let prepared = fx(&state)?.prepare_quote(&merchant, request)?;
    let quote = prepared.quote;
    let render_fn = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Fx(Ok(_)) => json_response(StatusCode::CREATED, &render(&quote)),
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

/// A quote.
#[utoipa::path(get, path = "/v1/fx/quotes/{id}", params(("id" = String, Path)),
    responses((status = 200, body = QuoteObject), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<QuoteObject>> {
    let (quote, _) = fx(&state)?.quote(None, &id).await?;
    if !caller.can_see(&quote.merchant_id) {
        return Err(ApiError::not_found("quote", &id));
    }
    Ok(Json(render(&quote)))
}
