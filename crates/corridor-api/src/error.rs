//! The API's error type and its JSON shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// `{"error": {...}}`, as API.md fixes it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The fields of an error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid_request_error`, `authentication_error`, ...
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Stable machine-readable code.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The payment concerned, for declines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment: Option<String>,
}

/// An error answered to a client. Internal details never leave the server.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    kind: &'static str,
    code: String,
    message: String,
    param: Option<String>,
    payment: Option<String>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            kind,
            code: code.to_string(),
            message: message.into(),
            param: None,
            payment: None,
        }
    }

    /// 400 about one field.
    pub fn invalid(param: &str, code: &str, message: impl Into<String>) -> Self {
        let mut e = ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            code,
            message,
        );
        e.param = Some(param.to_string());
        e
    }

    /// 400 about the request as a whole.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            code,
            message,
        )
    }

    /// 413.
    pub fn too_large(limit_bytes: usize) -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            "body_too_large",
            format!("the request body exceeds {limit_bytes} bytes"),
        )
    }

    /// 413: the body is over the limit of the route it was sent to.
    pub fn body_over_route_limit() -> Self {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "invalid_request_error",
            "body_too_large",
            "the request body is larger than this operation accepts",
        )
    }

    /// 401.
    pub fn unauthenticated(message: &str) -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid_api_key",
            message,
        )
    }

    /// 403 for a caller that may not use this endpoint.
    pub fn forbidden(message: &str) -> Self {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "permission_error",
            "forbidden",
            message,
        )
    }

    /// 404.
    pub fn not_found(what: &str, id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "resource_missing",
            format!("no such {what}: '{id}'"),
        )
    }

    /// 402 on a money movement the balance can't cover.
    pub fn insufficient_funds(message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient_funds",
            "insufficient_funds",
            message,
        )
    }

    /// 402: a payment was declined; `code` is the decline reason.
    pub fn declined(code: &str, payment_id: &str) -> Self {
        let mut e = ApiError::new(
            StatusCode::PAYMENT_REQUIRED,
            "payment_error",
            code,
            format!("the payment was declined ({code})"),
        );
        e.payment = Some(payment_id.to_string());
        e
    }

    /// 403: a compliance rule forbids this.
    pub fn compliance(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "compliance_error", code, message)
    }

    /// 503: a provider could not be reached; nothing was charged.
    pub fn unavailable(message: impl Into<String>) -> Self {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "api_error",
            "processor_unavailable",
            message,
        )
    }

    /// 409 for a state conflict.
    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::CONFLICT, "conflict", code, message)
    }

    /// 409 while the same idempotency key is still running.
    pub fn idempotency_in_use() -> Self {
        ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_error",
            "idempotency_key_in_use",
            "a request with this Idempotency-Key is still being processed",
        )
    }

    /// 422 for a reused idempotency key with a different request.
    pub fn idempotency_reused() -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_error",
            "idempotency_key_reused",
            "this Idempotency-Key was used with a different request",
        )
    }

    /// 500, logged here, answered without details.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        tracing::error!(%error, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "internal_error",
            "an internal error occurred",
        )
    }

    /// The same error, naming the request field at fault.
    pub fn with_param(mut self, param: &str) -> Self {
        self.param = Some(param.to_string());
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                kind: self.kind,
                code: self.code.clone(),
                message: self.message.clone(),
                param: self.param.clone(),
                payment: self.payment.clone(),
            },
        }
    }
}

impl From<corridor_store::StoreError> for ApiError {
    fn from(e: corridor_store::StoreError) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

/// Result of a handler.
pub type ApiResult<T> = Result<T, ApiError>;
