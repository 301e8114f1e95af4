//! Sandbox test helpers of after-sales: the network opens and decides
//! disputes; rates for cross-currency refunds.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use corridor_core::{Currency, Rate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::after_sales_objects::{dispute_object, map_error, DisputeObject};
use super::refunds::{scope, service};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::IdempotencyContext;
use crate::json::ApiJson;
use crate::state::AppState;

/// `POST /v1/test_helpers/payments/{id}/dispute` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenDispute {
    /// The network's reason code: Visa `10.1`-`13.9`, Mastercard `48xx`.
    pub reason_code: String,
}

/// `POST /v1/test_helpers/disputes/{id}/close` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseDispute {
    /// `won` or `lost`.
    pub outcome: String,
}

/// `POST /v1/test_helpers/fx_rates` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetRate {
    /// ISO 4217.
    pub from: String,
    /// ISO 4217.
    pub to: String,
    /// Units of `to` per unit of `from`, a positive decimal string.
    pub rate: String,
}

/// A rate set.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateObject {
    /// ISO 4217.
    pub from: String,
    /// ISO 4217.
    pub to: String,
    /// The rate.
    pub rate: String,
    /// RFC 3339: in force from.
    pub since: String,
}

fn sandbox_only(state: &AppState, what: &str) -> ApiResult<()> {
    match state.test_clock() {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found("endpoint", what)),
    }
}

/// Sandbox: the card network opens a dispute on a payment.
#[utoipa::path(post, path = "/v1/test_helpers/payments/{id}/dispute", params(("id" = String, Path)), request_body = OpenDispute,
    responses((status = 201, body = DisputeObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn open_dispute(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<OpenDispute>,
) -> ApiResult<(StatusCode, Json<DisputeObject>)> {
    sandbox_only(&state, "dispute")?;
    let reply = idem.map(|e| e.0.after_sales_reply(201));
    let dispute = service(&state)?
        .open_dispute(&id, scope(&caller), &body.reason_code, None, reply)
        .await
        .map_err(map_error)?;
    Ok((StatusCode::CREATED, Json(dispute_object(&dispute))))
}

/// Sandbox: the card network decides a dispute.
#[utoipa::path(post, path = "/v1/test_helpers/disputes/{id}/close", params(("id" = String, Path)), request_body = CloseDispute,
    responses((status = 200, body = DisputeObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 402, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn close_dispute(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CloseDispute>,
) -> ApiResult<Json<DisputeObject>> {
    sandbox_only(&state, "close")?;
    let won = match body.outcome.as_str() {
        "won" => true,
        "lost" => false,
        _ => {
            return Err(ApiError::invalid(
                "outcome",
                "parameter_invalid",
                "outcome must be won or lost",
            ))
        }
    };
    let service = service(&state)?;
    // The caller must see the dispute (a merchant only its own).
    service
        .dispute(&id, scope(&caller))
        .await
        .map_err(map_error)?;
    let reply = idem.map(|e| e.0.after_sales_reply(200));
    let dispute = service
        .close_dispute(&id, won, reply)
        .await
        .map_err(map_error)?;
    Ok(Json(dispute_object(&dispute)))
}

/// Sandbox: sets the rate cross-currency refunds use from now on.
#[utoipa::path(post, path = "/v1/test_helpers/fx_rates", request_body = SetRate,
    responses((status = 201, body = RateObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn set_rate(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<SetRate>,
) -> ApiResult<(StatusCode, Json<RateObject>)> {
    sandbox_only(&state, "fx_rates")?;
    let currency = |param: &str, code: &str| {
        Currency::parse(code)
            .map_err(|e| ApiError::invalid(param, "currency_invalid", e.to_string()))
    };
    let from = currency("from", &body.from)?;
    let to = currency("to", &body.to)?;
    if from == to {
        return Err(ApiError::invalid(
            "to",
            "parameter_invalid",
            "to must differ from from",
        ));
    }
    let rate = Rate::parse(&body.rate)
        .map_err(|e| ApiError::invalid("rate", "rate_invalid", e.to_string()))?;
    let rates = state
        .sandbox_rates()
        .ok_or_else(|| ApiError::not_found("endpoint", "fx_rates"))?;
    let since = state.store().clock().now();
    rates.set(from, to, since, rate);
    Ok((
        StatusCode::CREATED,
        Json(RateObject {
            from: from.code().into(),
            to: to.code().into(),
            rate: rate.value().normalize().to_string(),
            since: crate::time_fmt::rfc3339(since),
        }),
    ))
}
