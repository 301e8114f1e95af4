//! Issuers' fraud reports (Visa TC40, Mastercard SAFE): list, get, and the
//! sandbox helper standing for the network that relays one.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use corridor_services::after_sales::{FraudReport, FraudReportInput};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::after_sales_objects::map_error;
use super::refunds::{scope, service};
use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::IdempotencyContext;
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// An issuer's fraud report on a card payment. It moves no money.
#[derive(Debug, Serialize, ToSchema)]
pub struct FraudReportObject {
    /// `fr_...`.
    pub id: String,
    /// The reported payment.
    pub payment: String,
    /// `visa` (TC40) or `mastercard` (SAFE).
    pub network: String,
    /// The network's name of the fraud type: Visa `lost`, `stolen`,
    /// `not_received_as_issued`, `fraudulent_application`,
    /// `issuer_reported_counterfeit`, `miscellaneous`,
    /// `fraudulent_use_of_account_number`; Mastercard `lost`, `stolen`,
    /// `never_received_issue`, `fraudulent_application`, `counterfeit_card`,
    /// `account_takeover`, `card_not_present`.
    pub fraud_type: String,
    /// The network's code of the fraud type: Visa `0`-`6`, Mastercard `00`-`06`.
    pub fraud_type_code: String,
    /// The network's name for the fraud type.
    pub fraud_type_description: String,
    /// The network's (or provider's) reference of the report.
    pub network_report_id: String,
    /// `test_helper`, or `connector:<id>` for a provider's notification.
    pub source: String,
    /// The payment's captured amount, in minor units.
    pub amount: i64,
    /// The payment currency.
    pub currency: String,
    /// RFC 3339: when the issuer reported it.
    pub reported_at: String,
    /// RFC 3339: when Corridor recorded it.
    pub created_at: String,
}

/// Fraud report as JSON.
pub fn fraud_report_object(r: &FraudReport) -> FraudReportObject {
    FraudReportObject {
        id: r.id.clone(),
        payment: r.payment_id.clone(),
        network: r.network.code().into(),
        fraud_type: r.fraud_type.name(r.network).into(),
        fraud_type_code: r.fraud_type.code(r.network),
        fraud_type_description: r.fraud_type.description(r.network).into(),
        network_report_id: r.network_report_id.clone(),
        source: r.source.clone(),
        amount: r.amount.minor(),
        currency: r.currency.code().into(),
        reported_at: rfc3339(r.reported_at),
        created_at: rfc3339(r.created_at),
    }
}

/// `POST /v1/test_helpers/payments/{id}/fraud_report` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportFraud {
    /// `visa` or `mastercard`; the card's brand when absent (and it must match).
    pub network: Option<String>,
    /// The network's fraud type name (Visa `fraudulent_use_of_account_number`,
    /// Mastercard `card_not_present`, ...) or code (Visa TC40 `0`-`6`,
    /// Mastercard SAFE `00`-`06`).
    pub fraud_type: String,
    /// The network's reference of the report (1-64 printable ASCII
    /// characters); one is made when absent. The same reference on the
    /// same payment is one report.
    #[schema(max_length = 64)]
    pub network_report_id: Option<String>,
}

/// Sandbox: the issuer reports a card payment as fraudulent (Visa TC40,
/// Mastercard SAFE). 201 with the new report; 200 with the first when the
/// same network report was recorded before.
#[utoipa::path(post, path = "/v1/test_helpers/payments/{id}/fraud_report", params(("id" = String, Path)), request_body = ReportFraud,
    responses((status = 201, body = FraudReportObject), (status = 200, body = FraudReportObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<ReportFraud>,
) -> ApiResult<(StatusCode, Json<FraudReportObject>)> {
    if state.test_clock().is_none() {
        return Err(ApiError::not_found("endpoint", "fraud_report"));
    }
    let reply = idem.map(|e| e.0.after_sales_reply(201));
    let input = FraudReportInput {
        payment_id: id,
        network: body.network,
        fraud_type: body.fraud_type,
        network_report_id: body.network_report_id,
        source: "test_helper".into(),
        reported_at: None,
    };
    let (report, created) = service(&state)?
        .record_fraud_report(input, scope(&caller), reply)
        .await
        .map_err(map_error)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(fraud_report_object(&report))))
}

/// A fraud report.
#[utoipa::path(get, path = "/v1/fraud_reports/{id}", params(("id" = String, Path)),
    responses((status = 200, body = FraudReportObject), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<FraudReportObject>> {
    let report = service(&state)?
        .fraud_report(&id, scope(&caller))
        .await
        .map_err(map_error)?;
    Ok(Json(fraud_report_object(&report)))
}

/// Fraud reports, newest first; with `payment`, that payment's, oldest
/// first (one page of `limit`).
#[utoipa::path(get, path = "/v1/fraud_reports",
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query),
        ("merchant" = Option<String>, Query), ("payment" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<FraudReportObject>), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(mut query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<FraudReportObject>>> {
    let payment = query.remove("payment");
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    let service = service(&state)?;
    if let Some(payment) = payment {
        if params.starting_after.is_some() {
            return Err(ApiError::invalid(
                "starting_after",
                "parameter_invalid",
                "a payment's fraud reports are listed in one page: starting_after does not apply",
            ));
        }
        let mut items = service
            .fraud_reports_of_payment(&payment, Some(&merchant))
            .await
            .map_err(map_error)?;
        let has_more = items.len() > params.limit;
        items.truncate(params.limit);
        return Ok(Json(ListResponse {
            data: items.iter().map(fraud_report_object).collect(),
            has_more,
        }));
    }
    if let Some(after) = &params.starting_after {
        service
            .fraud_report(after, Some(&merchant))
            .await
            .map_err(|_| {
                ApiError::invalid(
                    "starting_after",
                    "resource_missing",
                    format!("no such fraud report: '{after}'"),
                )
            })?;
    }
    let (items, has_more) = service
        .fraud_reports(
            Some(&merchant),
            params.limit,
            params.starting_after.as_deref(),
        )
        .await
        .map_err(map_error)?;
    Ok(Json(ListResponse {
        data: items.iter().map(fraud_report_object).collect(),
        has_more,
    }))
}
