//! `POST /v1/connectors/{id}/notifications`: Adyen's standard webhooks.
//!
//! Every item's HMAC signature is checked first (against the current key
//! and, after a rotation, the previous one); one bad signature answers 401
//! and applies nothing. Then each item is applied once: an item already
//! recorded (Adyen repeats them) is skipped. The answer is `[accepted]`, as
//! Adyen expects, also for a payment Corridor does not know, which is
//! recorded as an orphan for the operator. Chargebacks and failed captures
//! are applied by `notification_disputes`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use corridor_connectors::adyen::notification::{self, EventKind, NotificationItem};
use corridor_connectors::adyen::result::decline_from_reason;
use corridor_connectors::{ChargeOutcome, ChargeResponse, Decline, RefundOutcome};
use corridor_core::payments::method::CaptureMode;
use corridor_core::Amount;
use corridor_services::payments::ProviderResult;
use corridor_store::{
    ConnectorNotificationRecord, PaymentRecord, SettingsWrite, WriteOp, WriteRequest,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};

use super::registry::Live;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::routes::ListResponse;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Receives a batch of Adyen notification items.
#[utoipa::path(post, path = "/v1/connectors/{id}/notifications", params(("id" = String, Path)),
    request_body(content = String, description = "Adyen's `NotificationRequest` (Webhooks API v1)", content_type = "application/json"),
    security(()),
    responses((status = 200, description = "`[accepted]`", body = String, content_type = "text/plain"),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
pub async fn receive(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let registry = state
        .connector_registry()
        .ok_or_else(|| ApiError::unavailable("connectors are not configured on this server"))?;
    let live = registry
        .get(&id)
        .filter(|l| l.record.kind == "adyen")
        .ok_or_else(|| ApiError::not_found("connector", &id))?;
    check_basic_auth(&live, &headers)?;
    let request = notification::parse(&body)
        .map_err(|e| ApiError::invalid("notificationItems", "notification_invalid", e))?;
    let keys = live.credentials.hmac_keys();
    for (i, wrapper) in request.notification_items.iter().enumerate() {
        if !keys.iter().any(|k| wrapper.item.verify(k)) {
            tracing::warn!(connector = %live.record.name, item = i, "notification with a bad HMAC signature refused");
            return Err(ApiError::unauthenticated(&format!(
                "notificationItems[{i}]: the HMAC signature does not verify"
            )));
        }
    }
    for wrapper in &request.notification_items {
        apply_once(&state, &live, &wrapper.item).await?;
    }
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain")],
        "[accepted]",
    )
        .into_response())
}

fn check_basic_auth(live: &Live, headers: &HeaderMap) -> ApiResult<()> {
    let (Some(user), Some(password)) = (
        &live.credentials.notification_username,
        &live.credentials.notification_password,
    ) else {
        return Ok(());
    };
    use base64::Engine;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .unwrap_or_default();
    // Compared as digests, so the time taken says nothing about the secret.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return Err(ApiError::unauthenticated(
            "the notification's basic auth does not match",
        ));
    }
    Ok(())
}

async fn apply_once(state: &AppState, live: &Live, item: &NotificationItem) -> ApiResult<()> {
    let store = state.store();
    let seen = store
        .connector_notification(
            &live.record.id,
            &item.psp_reference,
            &item.event_code,
            item.succeeded(),
        )
        .await?;
    if seen.is_some() {
        return Ok(());
    }
    let payment = find_payment(state, live, item).await?;
    let outcome = match &payment {
        None => "orphan",
        Some(p) => apply(state, live, item, p).await?,
    };
    let record = ConnectorNotificationRecord {
        connector_id: live.record.id.clone(),
        psp_reference: item.psp_reference.clone(),
        event_code: item.event_code.clone(),
        success: item.succeeded(),
        original_reference: item.original_reference.clone(),
        merchant_reference: item.merchant_reference.clone(),
        amount: item.amount.value,
        currency: item.amount.currency.clone(),
        payment_id: payment.map(|p| p.id),
        outcome: outcome.to_string(),
        received_at: store.clock().now(),
    };
    store
        .writer()
        .submit(WriteRequest {
            op: WriteOp::Settings(SettingsWrite {
                notifications: vec![record],
                ..SettingsWrite::default()
            }),
            idempotency: None,
        })
        .await?;
    Ok(())
}

/// The payment an item concerns: by Corridor's reference (the payment id,
/// for `AUTHORISATION`), else by Adyen's payment reference.
async fn find_payment(
    state: &AppState,
    live: &Live,
    item: &NotificationItem,
) -> ApiResult<Option<PaymentRecord>> {
    let store = state.store();
    let name = &live.record.name;
    if let Some(p) = store.payment(&item.merchant_reference).await? {
        if p.connector.as_deref() == Some(name.as_str()) {
            return Ok(Some(p));
        }
    }
    let reference = item
        .original_reference
        .as_deref()
        .filter(|r| !r.is_empty())
        .unwrap_or(&item.psp_reference);
    Ok(store.payment_by_connector_ref(name, reference).await?)
}

/// Applies one item to its payment; the recorded outcome.
async fn apply(
    state: &AppState,
    live: &Live,
    item: &NotificationItem,
    payment: &PaymentRecord,
) -> ApiResult<&'static str> {
    let Some(service) = state.payments() else {
        return Ok("recorded");
    };
    let same_money = item.amount.currency == payment.currency.code();
    let amount = Amount::non_negative(item.amount.value).ok();
    let response = |outcome: ChargeOutcome, captured: Amount| ChargeResponse {
        reference: item
            .original_reference
            .clone()
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| item.psp_reference.clone()),
        outcome,
        amount: Amount::non_negative(payment.amount).unwrap_or(Amount::ZERO),
        currency: payment.currency,
        amount_captured: captured,
        fee: Amount::ZERO,
        latency_ms: 0,
    };
    let charge = match (EventKind::of(&item.event_code), item.succeeded()) {
        (EventKind::Refund, true) => {
            return refund_result(state, live, item, RefundOutcome::Succeeded).await
        }
        (EventKind::Refund, false) | (EventKind::RefundFailed, _) => {
            let code = item
                .reason
                .clone()
                .filter(|r| !r.is_empty())
                .unwrap_or_else(|| "refund_failed".into());
            return refund_result(state, live, item, RefundOutcome::Failed { code }).await;
        }
        (EventKind::Authorisation, true) => {
            if !same_money || item.amount.value != payment.amount {
                tracing::error!(payment = %payment.id, "AUTHORISATION for another amount than the payment's; recorded, not applied");
                return Ok("recorded");
            }
            if payment.capture_method == CaptureMode::Manual {
                response(ChargeOutcome::Authorized, Amount::ZERO)
            } else {
                response(ChargeOutcome::Captured, amount.unwrap_or(Amount::ZERO))
            }
        }
        (EventKind::Authorisation, false) => response(
            ChargeOutcome::Declined(Decline::new(decline_from_reason(item.reason.as_deref()))),
            Amount::ZERO,
        ),
        (EventKind::Capture, true) if same_money => {
            response(ChargeOutcome::Captured, amount.unwrap_or(Amount::ZERO))
        }
        (EventKind::Cancellation, true) => response(ChargeOutcome::Canceled, Amount::ZERO),
        (EventKind::Capture, false) | (EventKind::CaptureFailed, _) => {
            return super::notification_disputes::apply_capture_failure(state, live, item, payment)
                .await
        }
        (EventKind::FraudReport, true) => {
            return super::notification_fraud::apply_fraud_report(state, live, item, payment).await
        }
        (EventKind::Dispute(event), _) => {
            return super::notification_disputes::apply_dispute(state, live, item, payment, event)
                .await
        }
        _ => return Ok("recorded"),
    };
    let result = service
        .apply_provider_result(&live.record.name, &payment.id, &charge)
        .await
        .map_err(|e| {
            ApiError::unavailable(format!("the notification could not be applied: {e}"))
        })?;
    Ok(match result {
        ProviderResult::Applied => "applied",
        ProviderResult::UnknownPayment => "orphan",
    })
}

/// Applies a `REFUND` or `REFUND_FAILED` item to the refund it names (its
/// `merchantReference` is the refund's id, sent with the refund).
async fn refund_result(
    state: &AppState,
    live: &Live,
    item: &NotificationItem,
    outcome: RefundOutcome,
) -> ApiResult<&'static str> {
    let Some(after_sales) = state.after_sales() else {
        return Ok("recorded");
    };
    let changed = after_sales
        .apply_provider_refund_result(
            &live.record.name,
            &item.merchant_reference,
            &item.psp_reference,
            outcome,
        )
        .await
        .map_err(|e| {
            ApiError::unavailable(format!("the notification could not be applied: {e}"))
        })?;
    Ok(if changed { "applied" } else { "recorded" })
}

/// `GET /v1/connectors/{id}/notifications` query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only `applied`, `recorded` or `orphan` items.
    pub outcome: Option<String>,
    /// At most this many, newest first (1-100, default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<String>,
}

/// One recorded notification item.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationObject {
    /// Adyen's reference of the payment or modification.
    pub psp_reference: String,
    /// For a modification, the payment's reference.
    pub original_reference: Option<String>,
    /// `AUTHORISATION`, `CAPTURE`, ...
    pub event_code: String,
    /// Whether the event succeeded.
    pub success: bool,
    /// The reference Corridor gave.
    pub merchant_reference: String,
    /// Minor units.
    pub amount: i64,
    /// Currency code as received.
    pub currency: String,
    /// The payment, if known.
    pub payment: Option<String>,
    /// `applied`, `recorded` or `orphan`.
    pub outcome: String,
    /// When it arrived.
    pub received_at: String,
}

/// The notifications a connector received, for the operator (orphans first
/// among what to look at).
#[utoipa::path(get, path = "/v1/connectors/{id}/notifications", params(("id" = String, Path), NotificationQuery),
    responses((status = 200, body = ListResponse<NotificationObject>),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(query): Query<NotificationQuery>,
) -> ApiResult<Json<ListResponse<NotificationObject>>> {
    caller.require_operator()?;
    if state.store().connector(&id).await?.is_none() {
        return Err(ApiError::not_found("connector", &id));
    }
    let limit = match query.limit.as_deref() {
        None => 20,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", "parameter_invalid", "limit is 1-100"))?,
    };
    if let Some(o) = &query.outcome {
        if !matches!(o.as_str(), "applied" | "recorded" | "orphan") {
            return Err(ApiError::invalid(
                "outcome",
                "parameter_invalid",
                "outcome is applied, recorded or orphan",
            ));
        }
    }
    // Read generously, then filter: a page of one outcome among many.
    let rows = state.store().connector_notifications(&id, 10_000).await?;
    let data: Vec<NotificationObject> = rows
        .into_iter()
        .filter(|r| query.outcome.as_deref().is_none_or(|o| o == r.outcome))
        .take(limit + 1)
        .map(|r| NotificationObject {
            psp_reference: r.psp_reference,
            original_reference: r.original_reference,
            event_code: r.event_code,
            success: r.success,
            merchant_reference: r.merchant_reference,
            amount: r.amount,
            currency: r.currency,
            payment: r.payment_id,
            outcome: r.outcome,
            received_at: rfc3339(r.received_at),
        })
        .collect();
    let has_more = data.len() > limit;
    let mut data = data;
    data.truncate(limit);
    Ok(Json(ListResponse { data, has_more }))
}
