//! Refunds: create, get, list.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use corridor_services::after_sales::{AfterSalesService, Answered, RefundBankDetails, RefundInput};
use corridor_store::Principal;
use serde::Deserialize;
use utoipa::ToSchema;

use super::after_sales_objects::{map_error, refund_object, RefundObject};
use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::IdempotencyContext;
use crate::json::ApiJson;
use crate::state::AppState;

/// Bank details for a refund by bank transfer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankAccountBody {
    /// Account holder, 1-140 characters.
    #[schema(min_length = 1, max_length = 140)]
    pub holder_name: String,
    /// Bank code (digits).
    #[schema(min_length = 1, max_length = 140, pattern = "^[0-9]+$")]
    pub bank_code: String,
    /// Branch code, where the country uses one.
    #[schema(min_length = 1, max_length = 140)]
    pub branch_code: Option<String>,
    /// Account number (digits; a CLABE in Mexico).
    #[schema(min_length = 1, max_length = 140, pattern = "^[0-9]+$")]
    pub account_number: String,
}

/// `POST /v1/refunds` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRefund {
    /// The payment (`pay_...`).
    pub payment: String,
    /// Minor units, at least 1; everything left to refund when absent.
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    /// `duplicate`, `fraudulent`, `requested_by_customer` or `other`.
    pub reason: Option<String>,
    /// Required for Konbini, OXXO and Boleto payments (refunded by bank transfer); refused otherwise.
    pub bank_account: Option<BankAccountBody>,
}

pub(crate) fn service(state: &AppState) -> ApiResult<&AfterSalesService> {
    state
        .after_sales()
        .ok_or_else(|| ApiError::unavailable("no payment providers are configured"))
}

pub(crate) fn scope(caller: &Caller) -> Option<&str> {
    match &caller.principal {
        Principal::Merchant(id) => Some(id),
        Principal::Operator => None,
    }
}

fn merchant_of(caller: &Caller) -> ApiResult<String> {
    match &caller.principal {
        Principal::Merchant(id) => Ok(id.clone()),
        Principal::Operator => Err(ApiError::forbidden(
            "refunds are made with the merchant's key",
        )),
    }
}

/// Refunds a payment in full or in part, through the payment's connector.
#[utoipa::path(post, path = "/v1/refunds", request_body = CreateRefund,
    responses((status = 201, body = RefundObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 402, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateRefund>,
) -> ApiResult<(StatusCode, Json<RefundObject>)> {
    let merchant = merchant_of(&caller)?;
    let input = RefundInput {
        merchant_id: merchant,
        payment: body.payment,
        amount: body.amount,
        reason: body.reason,
        bank_account: body.bank_account.map(|b| RefundBankDetails {
            holder_name: b.holder_name,
            bank_code: b.bank_code,
            branch_code: b.branch_code,
            account_number: b.account_number,
        }),
    };
    let reply = idem.map(|e| e.0.after_sales_reply(201));
    match service(&state)?
        .create_refund(input, reply)
        .await
        .map_err(map_error)?
    {
        Answered::Done(refund) => Ok((StatusCode::CREATED, Json(refund_object(&refund)))),
        Answered::Replayed(_) => Err(ApiError::conflict("idempotency_key_in_use", "retry")),
    }
}

/// A refund.
#[utoipa::path(get, path = "/v1/refunds/{id}", params(("id" = String, Path)),
    responses((status = 200, body = RefundObject), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<RefundObject>> {
    let refund = service(&state)?
        .refund(&id, scope(&caller))
        .await
        .map_err(map_error)?;
    Ok(Json(refund_object(&refund)))
}

/// Refunds, newest first.
#[utoipa::path(get, path = "/v1/refunds",
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query), ("merchant" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<RefundObject>), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<RefundObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    let service = service(&state)?;
    if let Some(after) = &params.starting_after {
        service.refund(after, Some(&merchant)).await.map_err(|_| {
            ApiError::invalid(
                "starting_after",
                "resource_missing",
                format!("no such refund: '{after}'"),
            )
        })?;
    }
    let (items, has_more) = service
        .refunds(
            Some(&merchant),
            params.limit,
            params.starting_after.as_deref(),
        )
        .await
        .map_err(map_error)?;
    Ok(Json(ListResponse {
        data: items.iter().map(refund_object).collect(),
        has_more,
    }))
}
