//! The sandbox server's handlers.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use corridor_core::Amount;
use serde::Deserialize;

use super::wire::{
    CaptureBody, ChargeBody, ChargeWire, ErrorBody, ErrorWire, PspWire, RefundBody, RefundWire,
};
use crate::connector::ConnectorResult;
use crate::sandbox::sim::Simulated;
use crate::sandbox::SandboxWorld;
use crate::{
    CancelRequest, CaptureRequest, ChargeResponse, ConnectorError, IdempotencyKey, RefundResponse,
};

/// Largest request body accepted.
const BODY_BYTES_MAX: usize = 64 * 1024;

type World = State<Arc<SandboxWorld>>;

/// The sandbox's routes over `world`.
pub fn router(world: Arc<SandboxWorld>) -> Router {
    Router::new()
        .route("/psp", get(list))
        .route("/psp/{name}", get(describe))
        .route("/psp/{name}/charges", post(charge).get(lookup))
        .route("/psp/{name}/charges/{reference}", get(retrieve))
        .route("/psp/{name}/charges/{reference}/capture", post(capture))
        .route("/psp/{name}/charges/{reference}/cancel", post(cancel))
        .route("/psp/{name}/charges/{reference}/complete", post(complete))
        .route("/psp/{name}/charges/{reference}/action", get(action_page))
        .route("/charges", get(charges_of_payment))
        .route("/psp/{name}/refunds", post(refund).get(lookup_refund))
        .route("/psp/{name}/refunds/{reference}", get(retrieve_refund))
        .layer(DefaultBodyLimit::max(BODY_BYTES_MAX))
        .with_state(world)
}

async fn list(State(world): World) -> Response {
    let names: Vec<&str> = world.profiles().iter().map(|p| p.name.as_str()).collect();
    Json(serde_json::json!({ "psps": names })).into_response()
}

async fn describe(State(world): World, Path(name): Path<String>) -> Response {
    match world.psp_index(&name) {
        Some(index) => Json(PspWire::from_coverage(&name, world.coverage(index))).into_response(),
        None => psp_not_found(&name),
    }
}

async fn charge(
    State(world): World,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(message) => return bad_request(message),
    };
    let parsed = serde_json::from_slice::<ChargeBody>(&body).map_err(|e| e.to_string());
    let request = match parsed.and_then(|b| b.into_request(key)) {
        Ok(request) => request,
        Err(message) => return bad_request(message),
    };
    let (simulated, _) = world.with_sim(|sim| sim.charge(psp, &request));
    answer(&world, simulated).await
}

#[derive(Deserialize)]
struct LookupQuery {
    idempotency_key: String,
}

async fn lookup(
    State(world): World,
    Path(name): Path<String>,
    Query(query): Query<LookupQuery>,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let (simulated, _) = world.with_sim(|sim| sim.lookup(psp, &query.idempotency_key));
    let latency_ms = simulated.latency_ms;
    let value = simulated
        .value
        .and_then(|found| found.ok_or_else(|| ConnectorError::NotFound(String::new())));
    answer(&world, Simulated { value, latency_ms }).await
}

#[derive(Deserialize)]
struct PaymentQuery {
    payment_id: String,
}

/// Every provider's charges for one payment (a test helper).
async fn charges_of_payment(State(world): World, Query(query): Query<PaymentQuery>) -> Response {
    Json(crate::sandbox::provider_charge::ProviderCharges {
        data: world.charges_of_payment(&query.payment_id),
    })
    .into_response()
}

async fn retrieve(
    State(world): World,
    Path((name, reference)): Path<(String, String)>,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let (simulated, _) = world.with_sim(|sim| sim.retrieve(psp, &reference));
    answer(&world, simulated).await
}

async fn capture(
    State(world): World,
    Path((name, reference)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let idempotency_key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(message) => return bad_request(message),
    };
    let parsed = serde_json::from_slice::<CaptureBody>(&body).map_err(|e| e.to_string());
    let amount =
        match parsed.and_then(|b| Amount::positive(b.amount).map_err(|e| format!("amount: {e}"))) {
            Ok(amount) => amount,
            Err(message) => return bad_request(message),
        };
    let request = CaptureRequest {
        idempotency_key,
        reference,
        amount,
        currency: None,
    };
    let (simulated, _) = world.with_sim(|sim| sim.capture(psp, &request));
    answer(&world, simulated).await
}

async fn cancel(
    State(world): World,
    Path((name, reference)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let idempotency_key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(message) => return bad_request(message),
    };
    let request = CancelRequest {
        idempotency_key,
        reference,
        payment_amount: None,
    };
    let (simulated, _) = world.with_sim(|sim| sim.cancel(psp, &request));
    answer(&world, simulated).await
}

async fn complete(
    State(world): World,
    Path((name, reference)): Path<(String, String)>,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let (simulated, _) = world.with_sim(|sim| sim.complete(psp, &reference));
    answer(&world, simulated).await
}

async fn refund(
    State(world): World,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let key = match idempotency_key(&headers) {
        Ok(key) => key,
        Err(message) => return bad_request(message),
    };
    let parsed = serde_json::from_slice::<RefundBody>(&body).map_err(|e| e.to_string());
    let request = match parsed.and_then(|b| b.into_request(key)) {
        Ok(request) => request,
        Err(message) => return bad_request(message),
    };
    let (simulated, _) = world.with_sim(|sim| sim.refund(psp, &request));
    answer_refund(&world, simulated).await
}

async fn lookup_refund(
    State(world): World,
    Path(name): Path<String>,
    Query(query): Query<LookupQuery>,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let (simulated, _) = world.with_sim(|sim| sim.lookup_refund(psp, &query.idempotency_key));
    let latency_ms = simulated.latency_ms;
    let value = simulated
        .value
        .and_then(|found| found.ok_or_else(|| ConnectorError::NotFound(String::new())));
    answer_refund(&world, Simulated { value, latency_ms }).await
}

async fn retrieve_refund(
    State(world): World,
    Path((name, reference)): Path<(String, String)>,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let (simulated, _) = world.with_sim(|sim| sim.retrieve_refund(psp, &reference));
    answer_refund(&world, simulated).await
}

/// Like [`answer`], for a refund.
async fn answer_refund(
    world: &SandboxWorld,
    simulated: Simulated<ConnectorResult<RefundResponse>>,
) -> Response {
    match simulated.value {
        Ok(response) => {
            world.pause(simulated.latency_ms).await;
            (StatusCode::OK, Json(RefundWire::from_response(&response))).into_response()
        }
        Err(failure) => fail(world, simulated.latency_ms, failure).await,
    }
}

/// The page a buyer's browser lands on for a 3DS challenge or a redirect.
async fn action_page(
    State(world): World,
    Path((name, reference)): Path<(String, String)>,
) -> Response {
    let Some(psp) = world.psp_index(&name) else {
        return psp_not_found(&name);
    };
    let (simulated, _) = world.with_sim(|sim| sim.retrieve(psp, &reference));
    let Ok(charge) = simulated.value else {
        return error(
            StatusCode::NOT_FOUND,
            ErrorWire::new("charge_not_found", "no such charge"),
        );
    };
    // Only a stored charge's own (generated) reference and name reach the page.
    Html(format!(
        "<!doctype html><title>Sandbox {name}</title>\
         <h1>{name}: {reference}</h1><p>Status: {status}. Amount: {amount} {currency}.</p>\
         <form method=\"post\" action=\"/psp/{name}/charges/{reference}/complete\">\
         <button type=\"submit\">Complete as the buyer</button></form>",
        reference = charge.reference,
        status = charge.outcome.code(),
        amount = charge.amount.format_major(charge.currency),
        currency = charge.currency,
    ))
    .into_response()
}

/// Sends the simulated answer after its simulated latency; a timeout holds
/// the request for the world's hang time first, so the client gives up.
async fn answer(
    world: &SandboxWorld,
    simulated: Simulated<ConnectorResult<ChargeResponse>>,
) -> Response {
    match simulated.value {
        Ok(response) => {
            world.pause(simulated.latency_ms).await;
            (StatusCode::OK, Json(ChargeWire::from_response(&response))).into_response()
        }
        Err(failure) => fail(world, simulated.latency_ms, failure).await,
    }
}

/// Answers a failure; a timeout holds the request for the world's hang time
/// first, so the client gives up.
async fn fail(world: &SandboxWorld, latency_ms: u32, failure: ConnectorError) -> Response {
    if let ConnectorError::Timeout { .. } = failure {
        let hang_ms = u64::from(world.config().http_hang_ms);
        tokio::time::sleep(Duration::from_millis(hang_ms)).await;
    } else {
        world.pause(latency_ms).await;
    }
    error(status_of(&failure), ErrorWire::from_error(&failure))
}

fn status_of(failure: &ConnectorError) -> StatusCode {
    match failure {
        ConnectorError::Timeout { .. } => StatusCode::GATEWAY_TIMEOUT,
        ConnectorError::ServerError { status } => {
            StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        }
        ConnectorError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ConnectorError::Unsupported(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ConnectorError::NotFound(_) => StatusCode::NOT_FOUND,
        ConnectorError::InvalidState(_) => StatusCode::CONFLICT,
        ConnectorError::IdempotencyConflict => StatusCode::UNPROCESSABLE_ENTITY,
        ConnectorError::InvalidRequest(_) => StatusCode::BAD_REQUEST,
        ConnectorError::Protocol(_) => StatusCode::BAD_GATEWAY,
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<IdempotencyKey, String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| IdempotencyKey::parse(v).ok())
        .ok_or_else(|| {
            "Idempotency-Key: a header of 1-255 visible ASCII characters is required".to_string()
        })
}

fn psp_not_found(name: &str) -> Response {
    // The name comes from the URL: echo it only through JSON encoding.
    error(
        StatusCode::NOT_FOUND,
        ErrorWire::new("psp_not_found", format!("no provider is named `{name}`")),
    )
}

fn bad_request(message: String) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        ErrorWire::new("invalid_request", message),
    )
}

fn error(status: StatusCode, wire: ErrorWire) -> Response {
    (status, Json(ErrorBody { error: wire })).into_response()
}
