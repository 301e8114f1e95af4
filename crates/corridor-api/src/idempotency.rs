//! `Idempotency-Key`, handled once for every POST.
//!
//! The middleware answers replays (same key, same request) from the stored
//! response, refuses a reused key with a different request (422) and a key
//! still in flight (409). A handler's effect and the response stored under
//! the key are written by the ledger writer in one transaction, through
//! [`submit`], so a crash can never leave one without the other.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use corridor_core::Timestamp;
use corridor_store::{
    IdempotencyCapture, StoredResponse, WriteOp, WriteOutcome, WriteRequest, WriteResult,
};
use sha2::{Digest, Sha256};

use crate::auth::{bearer, hash_key};
use crate::error::{ApiError, ApiResult};
use crate::json::MAX_BODY_BYTES;
use crate::state::AppState;

/// Header carrying the key.
pub const HEADER: &str = "idempotency-key";

/// Longest accepted key.
pub const MAX_KEY_CHARS: usize = 255;

/// The key of the current request, put in its extensions by the middleware.
#[derive(Debug, Clone)]
pub struct IdempotencyContext {
    scope: String,
    key: String,
    request_hash: String,
    /// Nothing was stored under the key when the request was admitted (no
    /// response, no started effect), and the request holds it in flight.
    unused: bool,
    /// The resource an earlier run of this request started under the key.
    started: Option<String>,
}

impl IdempotencyContext {
    /// The key as a service completes it with its final write.
    pub fn reply(
        &self,
        render: corridor_services::payments::RenderFn,
    ) -> corridor_services::payments::Reply {
        corridor_services::payments::Reply {
            scope: self.scope.clone(),
            key: self.key.clone(),
            request_hash: self.request_hash.clone(),
            render,
            unused: self.unused,
            started: self.started.clone(),
        }
    }
}

impl IdempotencyContext {
    /// The key as the after-sales service completes it, with the HTTP
    /// status of the response it stores.
    pub fn after_sales_reply(&self, status: u16) -> corridor_services::after_sales::Reply {
        corridor_services::after_sales::Reply {
            scope: self.scope.clone(),
            key: self.key.clone(),
            request_hash: self.request_hash.clone(),
            status,
        }
    }
}

/// Releases the in-flight mark however the handler ends.
struct InFlight {
    state: AppState,
    scope: String,
    key: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.state.end_in_flight(&self.scope, &self.key);
    }
}

/// The middleware.
pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST || !request.headers().contains_key(HEADER) {
        return next.run(request).await;
    }
    match prepare(&state, request).await {
        Ok(Prepared::Run(request, guard)) => {
            let response = next.run(request).await;
            drop(guard);
            response
        }
        Ok(Prepared::Answer(response)) => response,
        Err(e) => e.into_response(),
    }
}

enum Prepared {
    Run(Request, InFlight),
    Answer(Response),
}

async fn prepare(state: &AppState, request: Request) -> ApiResult<Prepared> {
    let key = parse_key(request.headers().get(HEADER))?;
    let scope = bearer(request.headers())
        .map(hash_key)
        .unwrap_or_else(|| "anonymous".to_string());
    let (mut parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| ApiError::too_large(MAX_BODY_BYTES))?;
    let request_hash = request_digest(&parts.method, parts.uri.path(), &bytes);
    // Marked in flight before the stored key is read: two requests with one
    // key can't both miss the stored response and both run.
    if !state.begin_in_flight(&scope, &key) {
        return Err(ApiError::idempotency_in_use());
    }
    let guard = InFlight {
        state: state.clone(),
        scope: scope.clone(),
        key: key.clone(),
    };
    let stored = state.store().key_state(&scope, &key).await?;
    if let Some(done) = stored.completed {
        return replay_or_refuse(&done.request_hash, &request_hash, done.response)
            .map(Prepared::Answer);
    }
    // A request that started an effect (a payment created and being
    // confirmed) and never answered: only the same request may resume it.
    if let Some((started_hash, _)) = &stored.started {
        if *started_hash != request_hash {
            return Err(ApiError::idempotency_reused());
        }
    }
    parts.extensions.insert(IdempotencyContext {
        scope,
        key,
        request_hash,
        unused: stored.started.is_none(),
        started: stored.started.map(|(_, resource)| resource),
    });
    Ok(Prepared::Run(
        Request::from_parts(parts, Body::from(bytes)),
        guard,
    ))
}

fn parse_key(value: Option<&HeaderValue>) -> ApiResult<String> {
    let invalid = || {
        ApiError::invalid(
            "Idempotency-Key",
            "idempotency_key_invalid",
            "Idempotency-Key must be 1-255 visible ASCII characters",
        )
    };
    let key = value.and_then(|v| v.to_str().ok()).ok_or_else(invalid)?;
    let valid =
        !key.is_empty() && key.len() <= MAX_KEY_CHARS && key.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        Ok(key.to_string())
    } else {
        Err(invalid())
    }
}

fn request_digest(method: &Method, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_str().as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    hex::encode(h.finalize())
}

fn replay_or_refuse(
    stored_hash: &str,
    request_hash: &str,
    response: StoredResponse,
) -> ApiResult<Response> {
    if stored_hash != request_hash {
        return Err(ApiError::idempotency_reused());
    }
    let mut answer = stored(response);
    answer
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(answer)
}

/// A stored response as an HTTP response.
pub fn stored(response: StoredResponse) -> Response {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        response.body,
    )
        .into_response()
}

/// Renders a write's outcome as the HTTP response (status and JSON body).
/// It runs inside the writer when an idempotency key is present, so it must
/// be deterministic given the outcome and the batch time.
pub type Render = Box<dyn Fn(&WriteOutcome, Timestamp) -> StoredResponse + Send + Sync>;

/// Renders an error the way it is stored and answered.
pub fn error_response(e: &ApiError) -> StoredResponse {
    StoredResponse {
        status: e.status().as_u16(),
        body: serde_json::to_string(&e.body()).unwrap_or_default(),
    }
}

/// Renders a JSON value with a status.
pub fn json_response<T: serde::Serialize>(status: StatusCode, value: &T) -> StoredResponse {
    match serde_json::to_string(value) {
        Ok(body) => StoredResponse {
            status: status.as_u16(),
            body,
        },
        Err(e) => error_response(&ApiError::internal(e)),
    }
}

/// Submits a write; the response is rendered from its outcome and, when the
/// request carried an `Idempotency-Key`, stored with the effect.
pub async fn submit(
    state: &AppState,
    context: Option<IdempotencyContext>,
    op: WriteOp,
    render: Render,
) -> ApiResult<Response> {
    let render = std::sync::Arc::new(render);
    let capture = context.as_ref().map(|ctx| {
        let render = render.clone();
        IdempotencyCapture {
            scope: ctx.scope.clone(),
            key: ctx.key.clone(),
            request_hash: ctx.request_hash.clone(),
            respond: Box::new(move |outcome, at| Some(render(outcome, at))),
        }
    });
    match state
        .store()
        .writer()
        .submit(WriteRequest {
            op,
            idempotency: capture,
        })
        .await?
    {
        WriteResult::Done {
            response: Some(response),
            ..
        } => Ok(stored(response)),
        WriteResult::Done {
            outcome,
            response: None,
            at,
        } => Ok(stored(render(&outcome, at))),
        WriteResult::AlreadyCompleted(done) => {
            let hash = context.map(|c| c.request_hash).unwrap_or_default();
            replay_or_refuse(&done.request_hash, &hash, done.response)
        }
    }
}
