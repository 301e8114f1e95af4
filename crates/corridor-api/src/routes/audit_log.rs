//! `GET /v1/audit_log` (operator): the hash-chained record of every
//! operator action and compliance decision, newest first. `corridor audit
//! verify` checks the chain.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::Json;
use corridor_store::AuditRecord;
use serde::Serialize;
use utoipa::ToSchema;

use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// The id prefix of audit records (`aud_<seq>`).
const PREFIX: &str = "aud_";

/// One record of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditRecordObject {
    /// `aud_<seq>`.
    pub id: String,
    /// Always `audit_record`.
    pub object: &'static str,
    /// 1, 2, ... without gaps.
    pub seq: i64,
    /// `operator`, `merchant:<id>` or `system`.
    pub actor: String,
    /// What was done: `merchant.created`, `connector.updated`,
    /// `routing_rules.updated`, `screening.decided`, ...
    pub action: String,
    /// The object acted on.
    pub object_id: String,
    /// What was done, without secrets.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// SHA-256 of the previous record's hash and this record's fields.
    pub hash: String,
    /// The previous record's hash.
    pub prev_hash: String,
    /// When.
    pub created_at: String,
}

fn object(r: &AuditRecord) -> AuditRecordObject {
    AuditRecordObject {
        id: format!("{PREFIX}{}", r.seq),
        object: "audit_record",
        seq: r.seq,
        actor: r.actor.clone(),
        action: r.action.clone(),
        object_id: r.object_id.clone(),
        detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
        hash: r.hash.clone(),
        prev_hash: r.prev_hash.clone(),
        created_at: rfc3339(r.at),
    }
}

/// The audit log, newest first (operator).
#[utoipa::path(get, path = "/v1/audit_log",
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<AuditRecordObject>), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<AuditRecordObject>>> {
    caller.require_operator()?;
    let params = list_params(&query)?;
    if params.merchant.is_some() {
        return Err(ApiError::invalid(
            "merchant",
            "parameter_unknown",
            "the audit log is not kept per merchant",
        ));
    }
    let before = match &params.starting_after {
        None => None,
        Some(after) => Some(
            after
                .strip_prefix(PREFIX)
                .and_then(|n| n.parse::<i64>().ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "starting_after",
                        "resource_missing",
                        format!("no such audit record: '{after}'"),
                    )
                })?,
        ),
    };
    let page = state.store().audit_page(before, params.limit).await?;
    Ok(Json(ListResponse {
        data: page.items.iter().map(object).collect(),
        has_more: page.has_more,
    }))
}
