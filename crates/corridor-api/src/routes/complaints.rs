//! Complaints: create, get, list, respond, resolve, escalate, reports.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use corridor_services::after_sales::{Answered, ComplaintInput, ComplaintResolution};
use corridor_store::Principal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::after_sales_objects::{complaint_object, map_error, ComplaintObject};
use super::refunds::{scope, service};
use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::IdempotencyContext;
use crate::json::ApiJson;
use crate::state::AppState;

/// `POST /v1/complaints` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateComplaint {
    /// The payment (`pay_...`).
    pub payment: String,
    /// `not_received`, `not_as_described`, `unauthorized`, `refund_not_received`, `duplicate_charge` or `other`.
    pub category: String,
    /// The buyer's words, 1-5,000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// How to reach the buyer, 1-5,000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub customer_contact: String,
}

/// `POST /v1/complaints/{id}/respond` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RespondComplaint {
    /// The answer, 1-5,000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub message: String,
    /// A holding reply: the final answer takes longer (extends `respond_by` where the market's rule allows it).
    pub holding_reply: Option<bool>,
}

/// `POST /v1/complaints/{id}/resolve` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveComplaint {
    /// `refund` (creates the refund) or `reject`.
    pub resolution: String,
    /// For a refund: minor units, at least 1; everything left when absent. Refused for a rejection.
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    /// The answer or the reason for the rejection, 1-5,000 characters.
    #[schema(min_length = 1, max_length = 5000)]
    pub message: String,
}

fn merchant_of(caller: &Caller) -> ApiResult<String> {
    match &caller.principal {
        Principal::Merchant(id) => Ok(id.clone()),
        Principal::Operator => Err(ApiError::forbidden(
            "complaints are filed with the merchant's key",
        )),
    }
}

fn now(state: &AppState) -> corridor_core::Timestamp {
    state.store().clock().now()
}

/// Records a buyer complaint about a payment; `respond_by` follows the market's rules.
#[utoipa::path(post, path = "/v1/complaints", request_body = CreateComplaint,
    responses((status = 201, body = ComplaintObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateComplaint>,
) -> ApiResult<(StatusCode, Json<ComplaintObject>)> {
    let input = ComplaintInput {
        merchant_id: merchant_of(&caller)?,
        payment: body.payment,
        category: body.category,
        description: body.description,
        customer_contact: body.customer_contact,
    };
    let reply = idem.map(|e| e.0.after_sales_reply(201));
    match service(&state)?
        .create_complaint(input, reply)
        .await
        .map_err(map_error)?
    {
        Answered::Done(c) => Ok((StatusCode::CREATED, Json(complaint_object(&c, now(&state))))),
        Answered::Replayed(_) => Err(ApiError::conflict("idempotency_key_in_use", "retry")),
    }
}

/// A complaint.
#[utoipa::path(get, path = "/v1/complaints/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ComplaintObject), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ComplaintObject>> {
    let c = service(&state)?
        .complaint(&id, scope(&caller))
        .await
        .map_err(map_error)?;
    Ok(Json(complaint_object(&c, now(&state))))
}

/// Complaints, newest first.
#[utoipa::path(get, path = "/v1/complaints",
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query), ("merchant" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<ComplaintObject>), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<ComplaintObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    let service = service(&state)?;
    if let Some(after) = &params.starting_after {
        service
            .complaint(after, Some(&merchant))
            .await
            .map_err(|_| {
                ApiError::invalid(
                    "starting_after",
                    "resource_missing",
                    format!("no such complaint: '{after}'"),
                )
            })?;
    }
    let (items, has_more) = service
        .complaints(
            Some(&merchant),
            params.limit,
            params.starting_after.as_deref(),
        )
        .await
        .map_err(map_error)?;
    let at = now(&state);
    Ok(Json(ListResponse {
        data: items.iter().map(|c| complaint_object(c, at)).collect(),
        has_more,
    }))
}

/// Answers a complaint (or sends a holding reply).
#[utoipa::path(post, path = "/v1/complaints/{id}/respond", params(("id" = String, Path)), request_body = RespondComplaint,
    responses((status = 200, body = ComplaintObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn respond(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<RespondComplaint>,
) -> ApiResult<Json<ComplaintObject>> {
    let reply = idem.map(|e| e.0.after_sales_reply(200));
    let c = service(&state)?
        .respond_complaint(
            &id,
            scope(&caller),
            &body.message,
            body.holding_reply.unwrap_or(false),
            reply,
        )
        .await
        .map_err(map_error)?;
    Ok(Json(complaint_object(&c, now(&state))))
}

/// Resolves a complaint by a refund (which creates it) or a reasoned rejection.
#[utoipa::path(post, path = "/v1/complaints/{id}/resolve", params(("id" = String, Path)), request_body = ResolveComplaint,
    responses((status = 200, body = ComplaintObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 402, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<ResolveComplaint>,
) -> ApiResult<Json<ComplaintObject>> {
    let resolution = match (body.resolution.as_str(), body.amount) {
        ("refund", amount) => ComplaintResolution::Refund { amount },
        ("reject", None) => ComplaintResolution::Reject,
        ("reject", Some(_)) => {
            return Err(ApiError::invalid(
                "amount",
                "parameter_unknown",
                "amount is only for a refund",
            ))
        }
        _ => {
            return Err(ApiError::invalid(
                "resolution",
                "parameter_invalid",
                "resolution must be refund or reject",
            ))
        }
    };
    let reply = idem.map(|e| e.0.after_sales_reply(200));
    let c = service(&state)?
        .resolve_complaint(&id, scope(&caller), resolution, &body.message, reply)
        .await
        .map_err(map_error)?;
    Ok(Json(complaint_object(&c, now(&state))))
}

/// Escalates a complaint to a dispute (card payments).
#[utoipa::path(post, path = "/v1/complaints/{id}/escalate", params(("id" = String, Path)),
    responses((status = 200, body = ComplaintObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn escalate(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
) -> ApiResult<Json<ComplaintObject>> {
    let reply = idem.map(|e| e.0.after_sales_reply(200));
    let c = service(&state)?
        .escalate_complaint(&id, scope(&caller), reply)
        .await
        .map_err(map_error)?;
    Ok(Json(complaint_object(&c, now(&state))))
}

/// One market's complaint figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplaintReportObject {
    /// The market.
    pub country: String,
    /// Complaints received.
    pub total: i64,
    /// Counts by status.
    pub by_status: BTreeMap<String, i64>,
    /// Counts by category.
    pub by_category: BTreeMap<String, i64>,
    /// Mean seconds to the first response (null if none answered).
    #[schema(nullable)]
    pub mean_first_response_seconds: Option<i64>,
    /// Longest wait for a first response, in seconds.
    #[schema(nullable)]
    pub max_first_response_seconds: Option<i64>,
    /// Resolution mix: `refund`, `reject`, `escalated`.
    pub resolutions: BTreeMap<String, i64>,
    /// Refunded through complaints, minor units by currency.
    pub refunded: BTreeMap<String, i64>,
    /// Open past their deadline now.
    pub overdue: i64,
}

/// Complaint reports per market.
#[utoipa::path(get, path = "/v1/complaints/reports",
    params(("merchant" = Option<String>, Query), ("country" = Option<String>, Query, pattern = "^[A-Z]{2}$")),
    responses((status = 200, body = ListResponse<ComplaintReportObject>), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn reports(
    State(state): State<AppState>,
    caller: Caller,
    Query(mut query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<ComplaintReportObject>>> {
    let country = query.remove("country");
    if let Some(c) = &country {
        corridor_core::CountryCode::parse(c).map_err(|_| {
            ApiError::invalid(
                "country",
                "parameter_invalid",
                "country is an ISO 3166-1 alpha-2 code",
            )
        })?;
    }
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    let reports = service(&state)?
        .complaint_reports(Some(&merchant), country.as_deref())
        .await
        .map_err(map_error)?;
    Ok(Json(ListResponse {
        data: reports
            .into_iter()
            .map(|r| ComplaintReportObject {
                country: r.country,
                total: r.total,
                by_status: r.by_status,
                by_category: r.by_category,
                mean_first_response_seconds: r.mean_first_response_seconds,
                max_first_response_seconds: r.max_first_response_seconds,
                resolutions: r.resolutions,
                refunded: r.refunded,
                overdue: r.overdue,
            })
            .collect(),
        has_more: false,
    }))
}
