//! `GET /v1/webhook_endpoints/{id}/deliveries`: an endpoint's delivery log.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::Json;
use corridor_store::DeliveryLogEntry;
use serde::Serialize;
use utoipa::ToSchema;

use super::endpoints::visible;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::routes::{list_params, ListResponse};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// One delivery of one event to one endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryObject {
    /// `whd_...`.
    pub id: String,
    /// Always `webhook_delivery`.
    pub object: &'static str,
    /// The endpoint (`we_...`).
    pub endpoint: String,
    /// The event delivered (`evt_...`).
    pub event: String,
    /// The event's type.
    #[serde(rename = "type")]
    pub kind: String,
    /// `pending` (will be tried at `next_attempt_at`), `delivered` or `failed` (gave up).
    pub status: String,
    /// Attempts made so far.
    pub attempts: i64,
    /// HTTP status of the last answer, if one came.
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<String>,
    /// When an attempt succeeded.
    pub delivered_at: Option<String>,
    /// When the delivery was created.
    pub created_at: String,
}

impl WebhookDeliveryObject {
    /// The API shape of a delivery log entry.
    pub fn from_entry(e: &DeliveryLogEntry) -> Self {
        let d = &e.delivery;
        WebhookDeliveryObject {
            id: d.id.clone(),
            object: "webhook_delivery",
            endpoint: d.endpoint_id.clone(),
            event: e.event_id.clone(),
            kind: e.event_type.clone(),
            status: d.status.clone(),
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error.clone(),
            next_attempt_at: (d.status == "pending").then(|| rfc3339(d.next_attempt_at)),
            delivered_at: d.delivered_at.map(rfc3339),
            created_at: rfc3339(d.created_at),
        }
    }
}

/// An endpoint's deliveries, newest event first.
#[utoipa::path(get, path = "/v1/webhook_endpoints/{id}/deliveries", params(("id" = String, Path)),
    responses((status = 200, body = ListResponse<WebhookDeliveryObject>), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<WebhookDeliveryObject>>> {
    let endpoint = visible(&state, &caller, &id).await?;
    let params = list_params(&query)?;
    if let Some(after) = &params.starting_after {
        let found = state.store().webhook_delivery(after).await?;
        if found.is_none_or(|d| d.endpoint_id != endpoint.id) {
            return Err(ApiError::invalid(
                "starting_after",
                "resource_missing",
                format!("no such delivery of this endpoint: '{after}'"),
            ));
        }
    }
    let page = state
        .store()
        .webhook_deliveries(&endpoint.id, params.limit, params.starting_after.as_deref())
        .await?;
    Ok(Json(ListResponse {
        data: page
            .items
            .iter()
            .map(WebhookDeliveryObject::from_entry)
            .collect(),
        has_more: page.has_more,
    }))
}
