//! `POST /v1/webhook_endpoints`, `GET /v1/webhook_endpoints[/{id}]`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_store::{Principal, WebhookEndpointRecord, WebhookWrite, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ALL_EVENTS, EVENT_TYPES};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::routes::{list_params, ListResponse};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Longest endpoint URL.
pub const MAX_URL_CHARS: usize = 2048;
/// Most entries in `events`.
pub const MAX_EVENTS: usize = 16;

/// `POST /v1/webhook_endpoints` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookEndpoint {
    /// Where deliveries are POSTed: an https URL (http only in the sandbox),
    /// whose host is not loopback, private or link-local unless the operator
    /// allows it (400 `url_not_allowed`).
    #[schema(
        min_length = 8,
        max_length = 2048,
        pattern = "^https?://[^\\s/@]+(/\\S*)?$"
    )]
    pub url: String,
    /// Event types to receive (`payment.succeeded`, ...), or `*` for all;
    /// 1-16 distinct.
    #[schema(min_items = 1, max_items = 16)]
    pub events: Vec<String>,
    /// For operators: the merchant the endpoint belongs to.
    pub merchant: Option<String>,
}

/// A webhook endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointObject {
    /// `we_...`.
    pub id: String,
    /// Always `webhook_endpoint`.
    pub object: &'static str,
    /// Owning merchant.
    pub merchant: String,
    /// Where deliveries go.
    pub url: String,
    /// Event types it receives.
    pub events: Vec<String>,
    /// The signing secret (`whsec_...`): only in the creation response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Creation time.
    pub created_at: String,
}

impl WebhookEndpointObject {
    /// The API shape of a stored endpoint; the secret only when asked.
    pub fn from_record(e: &WebhookEndpointRecord, with_secret: bool) -> Self {
        WebhookEndpointObject {
            id: e.id.clone(),
            object: "webhook_endpoint",
            merchant: e.merchant_id.clone(),
            url: e.url.clone(),
            events: e.events.clone(),
            secret: with_secret.then(|| e.secret.clone()),
            created_at: rfc3339(e.created_at),
        }
    }
}

/// An absolute http(s) URL with a host, without credentials or control characters.
pub(super) fn validate_url(url: &str) -> ApiResult<()> {
    let invalid = |why: &str| ApiError::invalid("url", "url_invalid", format!("url {why}"));
    if url.chars().count() > MAX_URL_CHARS {
        return Err(invalid(&format!(
            "must be at most {MAX_URL_CHARS} characters"
        )));
    }
    // The URL parser silently drops tabs and newlines; refuse them instead.
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid("must not contain spaces or control characters"));
    }
    let parsed = reqwest::Url::parse(url).map_err(|_| invalid("must be an absolute URL"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("must use http or https"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("must name a host"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(invalid("must not carry credentials"));
    }
    Ok(())
}

/// The server's target policy applied to a syntactically valid URL: https
/// outside the sandbox, no private, loopback or link-local host (as written
/// or as resolved now) unless the operator allows them.
async fn check_target(state: &AppState, url: &str) -> ApiResult<()> {
    let policy = super::target::TargetPolicy {
        require_https: state.test_clock().is_none(),
        allow_private: state.policy().allow_private_webhooks,
    };
    let invalid = |why: String| ApiError::invalid("url", "url_not_allowed", format!("url {why}"));
    let parsed = reqwest::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    policy.check_url(&parsed).map_err(invalid)?;
    policy.check_resolved(&parsed).await.map_err(invalid)
}

/// A non-empty list of distinct known event types.
pub(super) fn validate_events(events: &[String]) -> ApiResult<()> {
    if events.is_empty() || events.len() > MAX_EVENTS {
        return Err(ApiError::invalid(
            "events",
            "parameter_invalid",
            format!("events must list 1 to {MAX_EVENTS} event types"),
        ));
    }
    for (i, event) in events.iter().enumerate() {
        let param = format!("events[{i}]");
        if event != ALL_EVENTS && !EVENT_TYPES.contains(&event.as_str()) {
            return Err(ApiError::invalid(
                &param,
                "event_type_invalid",
                format!(
                    "unknown event type '{event}'; known: *, {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        }
        if events[..i].contains(event) {
            return Err(ApiError::invalid(
                &param,
                "parameter_invalid",
                format!("'{event}' is listed twice"),
            ));
        }
    }
    Ok(())
}

/// The merchant an endpoint is created for: a merchant key's own, or the
/// existing merchant an operator names in the body.
async fn owner(state: &AppState, caller: &Caller, requested: Option<&str>) -> ApiResult<String> {
    let Principal::Operator = caller.principal else {
        return caller.merchant_scope(requested);
    };
    let id = requested.ok_or_else(|| {
        ApiError::invalid(
            "merchant",
            "parameter_missing",
            "operators must name the merchant (\"merchant\": \"mer_...\")",
        )
    })?;
    match state.store().merchant(id).await? {
        Some(m) => Ok(m.id),
        None => Err(ApiError::invalid(
            "merchant",
            "resource_missing",
            format!("no such merchant: '{id}'"),
        )),
    }
}

/// Registers a webhook endpoint; the response carries its signing secret.
#[utoipa::path(post, path = "/v1/webhook_endpoints", request_body = CreateWebhookEndpoint,
    responses((status = 201, body = WebhookEndpointObject), (status = 400, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateWebhookEndpoint>,
) -> ApiResult<Response> {
    let merchant_id = owner(&state, &caller, body.merchant.as_deref()).await?;
    validate_url(&body.url)?;
    check_target(&state, &body.url).await?;
    validate_events(&body.events)?;
    let endpoint = WebhookEndpointRecord {
        id: super::new_endpoint_id(),
        merchant_id,
        url: body.url,
        events: body.events,
        secret: super::new_secret(),
        created_at: state.store().clock().now(),
    };
    let shown = WebhookEndpointObject::from_record(&endpoint, true);
    // The detail keeps the URL without its query (which may carry a
    // token), never the signing secret.
    let url = endpoint.url.split(['?', '#']).next().unwrap_or_default();
    let audit = crate::audit::entry(
        &caller,
        "webhook_endpoint.created",
        &endpoint.id,
        serde_json::json!({"merchant": endpoint.merchant_id, "url": url, "events": endpoint.events}),
    );
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Webhooks => json_response(StatusCode::CREATED, &shown),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    let write = WebhookWrite {
        endpoints_new: vec![endpoint],
        ..WebhookWrite::default()
    };
    let op = WriteOp::Webhooks(write).audited(vec![audit]);
    submit(&state, idem.map(|e| e.0), op, render).await
}

/// The endpoint with this id, if the caller may see it (404 otherwise).
pub(super) async fn visible(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> ApiResult<WebhookEndpointRecord> {
    match state.store().webhook_endpoint(id).await? {
        Some(e) if caller.can_see(&e.merchant_id) => Ok(e),
        _ => Err(ApiError::not_found("webhook_endpoint", id)),
    }
}

/// A webhook endpoint by id (without its secret).
#[utoipa::path(get, path = "/v1/webhook_endpoints/{id}", params(("id" = String, Path)),
    responses((status = 200, body = WebhookEndpointObject), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<WebhookEndpointObject>> {
    let endpoint = visible(&state, &caller, &id).await?;
    Ok(Json(WebhookEndpointObject::from_record(&endpoint, false)))
}

/// A merchant's webhook endpoints, newest first (operators pass `?merchant=`).
#[utoipa::path(get, path = "/v1/webhook_endpoints",
    responses((status = 200, body = ListResponse<WebhookEndpointObject>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<WebhookEndpointObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    if state.store().merchant(&merchant).await?.is_none() {
        return Err(ApiError::not_found("merchant", &merchant));
    }
    if let Some(after) = &params.starting_after {
        let found = state.store().webhook_endpoint(after).await?;
        if found.is_none_or(|e| e.merchant_id != merchant) {
            return Err(ApiError::invalid(
                "starting_after",
                "resource_missing",
                format!("no such webhook endpoint: '{after}'"),
            ));
        }
    }
    let page = state
        .store()
        .webhook_endpoints(&merchant, params.limit, params.starting_after.as_deref())
        .await?;
    Ok(Json(ListResponse {
        data: page
            .items
            .iter()
            .map(|e| WebhookEndpointObject::from_record(e, false))
            .collect(),
        has_more: page.has_more,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(e: ApiError) -> Option<String> {
        e.body().error.param
    }

    #[test]
    fn urls_must_be_http_with_a_host() {
        for ok in ["https://example.com/hook", "http://127.0.0.1:8080/x?y=1"] {
            assert!(validate_url(ok).is_ok(), "{ok}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        for bad in [
            "",
            "example.com/hook",
            "ftp://example.com",
            "https://",
            "https://user:pw@example.com",
            "https://exa\nmple.com",
            "mailto:a@example.com",
            long.as_str(),
        ] {
            let e = validate_url(bad).expect_err(bad);
            assert_eq!(param(e).as_deref(), Some("url"), "{bad}");
        }
    }

    #[test]
    fn events_must_be_known_and_distinct() {
        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(validate_events(&list(&["*"])).is_ok());
        assert!(validate_events(&list(&["payment.succeeded", "payment.failed"])).is_ok());
        let cases: [(&[&str], &str); 4] = [
            (&[], "events"),
            (&["payment.succeeded", "payment.made"], "events[1]"),
            (&["payment.failed", "payment.failed"], "events[1]"),
            (&["payment.succeeded,payment.failed"], "events[0]"),
        ];
        for (events, field) in cases {
            let e = validate_events(&list(events)).expect_err(field);
            assert_eq!(param(e).as_deref(), Some(field));
        }
    }
}
