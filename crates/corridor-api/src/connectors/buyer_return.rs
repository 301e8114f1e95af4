//! `POST /v1/payments/{id}/details`: the buyer came back from a redirect or
//! a 3DS2 step; what the provider handed over is submitted to it (Adyen's
//! `/payments/details`) and its answer applied to the payment.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::Json;
use corridor_connectors::adyen::{DetailsRequest, DETAILS_FIELDS};
use corridor_connectors::{ConnectorError, IdempotencyKey};
use corridor_core::payments::status::PaymentStatus;
use corridor_core::Amount;
use corridor_store::Principal;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::routes::payments::{object, PaymentObject};
use crate::state::AppState;

/// Longest detail value.
pub const DETAIL_LEN_MAX: usize = 20_000;

/// `POST /v1/payments/{id}/details` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentDetailsBody {
    /// What the provider handed back to the buyer's browser or app: Adyen's
    /// `redirectResult` (after a redirect), `threeDSResult` (after a native
    /// 3DS2 challenge), `payload`, `threeds2.fingerprint`,
    /// `threeds2.challengeResult` or `MD`; 1-20000 characters each.
    pub details: BTreeMap<String, String>,
}

/// Submits the buyer's return to the payment's provider and applies its answer.
#[utoipa::path(post, path = "/v1/payments/{id}/details", params(("id" = String, Path)), request_body = PaymentDetailsBody,
    responses((status = 200, body = PaymentObject),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 503, body = crate::error::ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PaymentDetailsBody>,
) -> ApiResult<Json<PaymentObject>> {
    let service = state
        .payments()
        .ok_or_else(|| ApiError::unavailable("payments are not configured on this server"))?;
    let scope = match &caller.principal {
        Principal::Operator => None,
        Principal::Merchant(m) => Some(m.as_str()),
    };
    let snapshot = service
        .get(&id, scope)
        .await
        .map_err(|_| ApiError::not_found("payment", &id))?;
    if body.details.is_empty() {
        return Err(ApiError::invalid(
            "details",
            "parameter_missing",
            "details is empty",
        ));
    }
    for (name, value) in &body.details {
        let param = format!("details.{name}");
        if !DETAILS_FIELDS.contains(&name.as_str()) {
            return Err(ApiError::invalid(
                &param,
                "parameter_unknown",
                format!(
                    "`{name}` is not a detail; known: {}",
                    DETAILS_FIELDS.join(", ")
                ),
            ));
        }
        if value.is_empty() || value.len() > DETAIL_LEN_MAX {
            return Err(ApiError::invalid(
                &param,
                "parameter_invalid",
                format!("{param} is 1-{DETAIL_LEN_MAX} characters"),
            ));
        }
    }
    let payment = &snapshot.payment;
    if payment.status != PaymentStatus::RequiresAction {
        return Err(ApiError::conflict(
            "payment_unexpected_state",
            format!("a payment that is {} has no pending action", payment.status),
        ));
    }
    let connector = payment.connector.clone().unwrap_or_default();
    let adyen = state
        .connector_registry()
        .and_then(|r| r.by_name(&connector))
        .and_then(|l| l.adyen)
        .ok_or_else(|| {
            ApiError::conflict(
                "payment_unexpected_state",
                format!("the payment's provider `{connector}` takes no details"),
            )
        })?;
    // The same return submitted twice carries the same key: Adyen answers
    // the first result.
    let digest = Sha256::digest(serde_json::to_vec(&body.details).unwrap_or_default());
    let key = IdempotencyKey::parse(&format!("{id}-details-{}", &hex::encode(digest)[..16]))
        .map_err(|_| ApiError::internal("idempotency key"))?;
    let response = adyen
        .submit_details(DetailsRequest {
            idempotency_key: key,
            payment_id: id.clone(),
            amount: Amount::non_negative(payment.amount).map_err(ApiError::internal)?,
            currency: payment.currency,
            capture: payment.capture_method,
            details: body.details.into_iter().collect(),
        })
        .await
        .map_err(|e| match e {
            ConnectorError::InvalidRequest(m) => ApiError::invalid("details", "details_refused", m),
            other => {
                ApiError::unavailable(format!("the provider could not take the details: {other}"))
            }
        })?;
    service
        .apply_provider_result(&connector, &id, &response)
        .await
        .map_err(|e| {
            ApiError::unavailable(format!("the provider's answer could not be applied: {e}"))
        })?;
    let after = service
        .get(&id, scope)
        .await
        .map_err(|_| ApiError::not_found("payment", &id))?;
    Ok(Json(object(&after)))
}
