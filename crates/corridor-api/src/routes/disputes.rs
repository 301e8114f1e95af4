//! Disputes: get, list, evidence, submit, accept, monitoring.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::{Extension, Json};
use corridor_core::aftersales::evidence::TransactionIdentity;
use corridor_services::after_sales::EvidenceInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::after_sales_objects::{
    dispute_object, map_error, monitoring_object, DisputeObject, MonitoringObject,
};
use super::refunds::{scope, service};
use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::IdempotencyContext;
use crate::state::AppState;

/// Longest identifier in Compelling Evidence 3.0 data, in characters.
const IDENTITY_CHARS_MAX: usize = 500;

/// Identifying data of one transaction (Compelling Evidence 3.0).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityBody {
    /// The buyer's account id at the merchant.
    #[schema(max_length = 500)]
    pub customer_account_id: Option<String>,
    /// The device's id or fingerprint.
    #[schema(max_length = 500)]
    pub device_id: Option<String>,
    /// The buyer's IP address.
    #[schema(max_length = 500)]
    pub ip_address: Option<String>,
    /// The shipping address.
    #[schema(max_length = 500)]
    pub shipping_address: Option<String>,
}

/// A prior transaction offered as compelling evidence.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriorTransactionBody {
    /// The prior payment (`pay_...`) of the same merchant.
    pub payment: String,
    /// Its identifying data.
    #[serde(flatten)]
    pub identity: IdentityBody,
}

/// Visa Compelling Evidence 3.0 (10.4 disputes).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompellingEvidenceBody {
    /// The disputed transaction's identifying data.
    pub disputed_transaction: IdentityBody,
    /// At most 10 prior undisputed transactions, 120-365 days older, same card.
    #[schema(max_items = 10)]
    pub prior_transactions: Vec<PriorTransactionBody>,
}

/// `POST /v1/disputes/{id}/evidence` body: evidence fields (strings of 1-20,000 characters)
/// named as `shipping_tracking_number`, `shipping_carrier`, `shipping_date`, `shipping_address`,
/// `customer_purchase_ip`, `customer_email_address`, `billing_address`, `access_activity_log`,
/// `product_description`, `receipt`, `refund_policy`, `refund_refusal_explanation`,
/// `duplicate_charge_id`, `duplicate_charge_explanation`, `uncategorized_text`;
/// `compelling_evidence_3` for Visa 10.4; `submit: true` submits at once.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EvidenceBody {
    /// Submit the evidence with this request.
    pub submit: Option<bool>,
    /// Visa Compelling Evidence 3.0.
    pub compelling_evidence_3: Option<CompellingEvidenceBody>,
    /// The evidence fields.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub fields: HashMap<String, serde_json::Value>,
}

fn identity(param: &str, body: IdentityBody) -> ApiResult<TransactionIdentity> {
    let check = |name: &str, v: Option<String>| -> ApiResult<Option<String>> {
        match v {
            Some(text) if text.trim().is_empty() || text.chars().count() > IDENTITY_CHARS_MAX => {
                Err(ApiError::invalid(
                    &format!("{param}.{name}"),
                    "parameter_invalid",
                    format!("{name} must be 1-{IDENTITY_CHARS_MAX} characters"),
                ))
            }
            other => Ok(other),
        }
    };
    Ok(TransactionIdentity {
        customer_account_id: check("customer_account_id", body.customer_account_id)?,
        device_id: check("device_id", body.device_id)?,
        ip_address: check("ip_address", body.ip_address)?,
        shipping_address: check("shipping_address", body.shipping_address)?,
    })
}

fn evidence_input(body: EvidenceBody) -> ApiResult<EvidenceInput> {
    let mut fields = Vec::with_capacity(body.fields.len());
    let mut names: Vec<_> = body.fields.into_iter().collect();
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, value) in names {
        let serde_json::Value::String(text) = value else {
            return Err(ApiError::invalid(
                &name,
                "parameter_invalid",
                format!("{name} must be a string"),
            ));
        };
        fields.push((name, text));
    }
    let compelling_evidence_3 = match body.compelling_evidence_3 {
        None => None,
        Some(ce3) => {
            let disputed = identity(
                "compelling_evidence_3.disputed_transaction",
                ce3.disputed_transaction,
            )?;
            let mut priors = Vec::with_capacity(ce3.prior_transactions.len());
            for (i, p) in ce3.prior_transactions.into_iter().enumerate() {
                let param = format!("compelling_evidence_3.prior_transactions[{i}]");
                priors.push((p.payment, identity(&param, p.identity)?));
            }
            Some((disputed, priors))
        }
    };
    Ok(EvidenceInput {
        fields,
        compelling_evidence_3,
    })
}

/// A dispute.
#[utoipa::path(get, path = "/v1/disputes/{id}", params(("id" = String, Path)),
    responses((status = 200, body = DisputeObject), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<DisputeObject>> {
    let dispute = service(&state)?
        .dispute(&id, scope(&caller))
        .await
        .map_err(map_error)?;
    Ok(Json(dispute_object(&dispute)))
}

/// Disputes, newest first.
#[utoipa::path(get, path = "/v1/disputes",
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query), ("merchant" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<DisputeObject>), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<DisputeObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    let service = service(&state)?;
    if let Some(after) = &params.starting_after {
        service.dispute(after, Some(&merchant)).await.map_err(|_| {
            ApiError::invalid(
                "starting_after",
                "resource_missing",
                format!("no such dispute: '{after}'"),
            )
        })?;
    }
    let (items, has_more) = service
        .disputes(
            Some(&merchant),
            params.limit,
            params.starting_after.as_deref(),
        )
        .await
        .map_err(map_error)?;
    Ok(Json(ListResponse {
        data: items.iter().map(dispute_object).collect(),
        has_more,
    }))
}

/// Saves evidence (and with `submit: true` submits it). Refused after submission or after the deadline.
#[utoipa::path(post, path = "/v1/disputes/{id}/evidence", params(("id" = String, Path)), request_body = EvidenceBody,
    responses((status = 200, body = DisputeObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    crate::json::RawBody(body): crate::json::RawBody,
) -> ApiResult<Json<DisputeObject>> {
    let body: EvidenceBody = crate::json::parse(&body)?;
    let submit = body.submit.unwrap_or(false);
    let input = evidence_input(body)?;
    let reply = idem.map(|e| e.0.after_sales_reply(200));
    let dispute = service(&state)?
        .save_evidence(&id, scope(&caller), input, submit, reply)
        .await
        .map_err(map_error)?;
    Ok(Json(dispute_object(&dispute)))
}

/// Submits the saved evidence (once; required fields of the category checked).
#[utoipa::path(post, path = "/v1/disputes/{id}/submit", params(("id" = String, Path)),
    responses((status = 200, body = DisputeObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
) -> ApiResult<Json<DisputeObject>> {
    let reply = idem.map(|e| e.0.after_sales_reply(200));
    let dispute = service(&state)?
        .submit_dispute(&id, scope(&caller), reply)
        .await
        .map_err(map_error)?;
    Ok(Json(dispute_object(&dispute)))
}

/// Accepts the dispute: it closes as lost and the held amount and fee are taken.
#[utoipa::path(post, path = "/v1/disputes/{id}/accept", params(("id" = String, Path)),
    responses((status = 200, body = DisputeObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 402, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
) -> ApiResult<Json<DisputeObject>> {
    let reply = idem.map(|e| e.0.after_sales_reply(200));
    let dispute = service(&state)?
        .accept_dispute(&id, scope(&caller), reply)
        .await
        .map_err(map_error)?;
    Ok(Json(dispute_object(&dispute)))
}

/// The merchant's card monitoring ratios this month (Visa VAMP, Mastercard ECM).
#[derive(Debug, Serialize, ToSchema)]
pub struct MonitoringResponse {
    /// RFC 3339: the month's first instant.
    pub month_start: String,
    /// Visa VAMP and Mastercard ECM.
    pub programs: Vec<MonitoringObject>,
}

/// Card monitoring ratios with their early warnings.
#[utoipa::path(get, path = "/v1/disputes/monitoring", params(("merchant" = Option<String>, Query)),
    responses((status = 200, body = MonitoringResponse), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn monitoring(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<MonitoringResponse>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    let m = service(&state)?
        .dispute_monitoring(&merchant)
        .await
        .map_err(map_error)?;
    Ok(Json(MonitoringResponse {
        month_start: crate::time_fmt::rfc3339(m.month_start),
        programs: vec![
            monitoring_object(&merchant, &m.visa),
            monitoring_object(&merchant, &m.mastercard),
        ],
    }))
}
