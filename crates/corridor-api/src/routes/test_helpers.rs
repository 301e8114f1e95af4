//! Sandbox test helpers (only with `--sandbox`; 404 otherwise).

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Longest single advance: ten years.
const MAX_ADVANCE_SECONDS: i64 = 10 * 366 * 24 * 3600;

/// `POST /v1/test_helpers/clock/advance` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// Seconds to move the sandbox clock forward.
    pub seconds: i64,
}

/// The sandbox clock after an advance.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockObject {
    /// The sandbox's current time.
    pub now: String,
}

/// Moves the sandbox clock forward.
#[utoipa::path(post, path = "/v1/test_helpers/clock/advance", request_body = Advance, responses((status = 200, body = ClockObject)))]
pub async fn advance_clock(
    State(state): State<AppState>,
    _caller: Caller,
    ApiJson(body): ApiJson<Advance>,
) -> ApiResult<Json<ClockObject>> {
    let clock = state
        .test_clock()
        .ok_or_else(|| ApiError::not_found("endpoint", "/v1/test_helpers/clock/advance"))?;
    if !(1..=MAX_ADVANCE_SECONDS).contains(&body.seconds) {
        return Err(ApiError::invalid(
            "seconds",
            "parameter_invalid",
            format!("seconds must be from 1 to {MAX_ADVANCE_SECONDS}"),
        ));
    }
    clock.advance(body.seconds);
    Ok(Json(ClockObject {
        now: rfc3339(state.store().clock().now()),
    }))
}
