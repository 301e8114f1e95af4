//! Compliance alerts (operator): listed newest first, resolved with a
//! reason that goes to the audit log.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_store::{AlertRecord, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compliance_errors::{actor, map_error};
use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// An alert.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertObject {
    /// `alr_...`.
    pub id: String,
    /// Always `compliance_alert`.
    pub object: &'static str,
    /// `screening_review`, `screening_block`, `transaction_monitoring`, ...
    pub kind: String,
    /// `low`, `medium` or `high`.
    pub severity: String,
    /// `open` or `resolved`.
    pub status: String,
    /// The screening behind it.
    #[schema(nullable)]
    pub screening: Option<String>,
    /// The merchant concerned.
    #[schema(nullable)]
    pub merchant: Option<String>,
    /// What it is about.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// The operator's reason, once resolved.
    #[schema(nullable)]
    pub resolution: Option<String>,
    /// When raised.
    pub created_at: String,
    /// When resolved.
    #[schema(nullable)]
    pub resolved_at: Option<String>,
}

fn object(a: &AlertRecord) -> AlertObject {
    AlertObject {
        id: a.id.clone(),
        object: "compliance_alert",
        kind: a.kind.clone(),
        severity: a.severity.clone(),
        status: a.status.clone(),
        screening: a.screening_id.clone(),
        merchant: a.merchant_id.clone(),
        details: serde_json::from_str(&a.body).unwrap_or_default(),
        resolution: a.resolution.clone(),
        created_at: rfc3339(a.created_at),
        resolved_at: a.resolved_at.map(rfc3339),
    }
}

/// `POST /v1/compliance/alerts/{id}/resolve` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveAlert {
    /// Why the alert is closed (a false positive, the party cleared, ...).
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// Alerts, newest first (operator); `status` filters `open` or `resolved`.
#[utoipa::path(get, path = "/v1/compliance/alerts",
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query),
        ("status" = Option<String>, Query, description = "open or resolved")),
    responses((status = 200, body = ListResponse<AlertObject>), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(mut query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<AlertObject>>> {
    caller.require_operator()?;
    let status = query.remove("status");
    if let Some(s) = &status {
        if s != "open" && s != "resolved" {
            return Err(ApiError::invalid(
                "status",
                "parameter_invalid",
                "status must be open or resolved",
            ));
        }
    }
    let params = list_params(&query)?;
    if let Some(after) = &params.starting_after {
        if state
            .store()
            .compliance_alert(after)
            .await
            .map_err(ApiError::internal)?
            .is_none()
        {
            return Err(ApiError::invalid(
                "starting_after",
                "resource_missing",
                format!("no such alert: '{after}'"),
            ));
        }
    }
    let page = state
        .store()
        .compliance_alerts(
            status.as_deref(),
            params.limit,
            params.starting_after.as_deref(),
        )
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(ListResponse {
        data: page.items.iter().map(object).collect(),
        has_more: page.has_more,
    }))
}

/// Resolves an open alert with a reason (operator).
#[utoipa::path(post, path = "/v1/compliance/alerts/{id}/resolve", params(("id" = String, Path)), request_body = ResolveAlert,
    responses((status = 200, body = AlertObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ResolveAlert>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let (resolved, write) = state
        .compliance()
        .prepare_resolve(&id, &body.reason, &actor(&caller))
        .await
        .map_err(map_error)?;
    let rendered = object(&resolved);
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Compliance(Ok(())) => json_response(StatusCode::OK, &rendered),
        WriteOutcome::Compliance(Err(r)) => {
            error_response(&ApiError::conflict(r.code.code(), r.message.clone()))
        }
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Compliance(Box::new(write)),
        render,
    )
    .await
}
