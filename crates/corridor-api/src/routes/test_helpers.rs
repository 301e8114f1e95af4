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

/// Furthest the sandbox clock may run ahead of the wall clock: ten years
/// (further, every card on file would look expired).
const MAX_CLOCK_OFFSET_SECONDS: i64 = MAX_ADVANCE_SECONDS;

/// `POST /v1/test_helpers/clock/advance` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    /// Seconds to move the sandbox clock forward.
    #[schema(minimum = 1, maximum = 316224000)]
    pub seconds: i64,
}

/// The sandbox clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockObject {
    /// The sandbox's current time (RFC 3339).
    pub now: String,
    /// How far ahead of the wall clock it runs, in seconds.
    pub offset_seconds: i64,
}

fn clock_object(state: &AppState, clock: &corridor_store::TestClock) -> ClockObject {
    ClockObject {
        now: rfc3339(state.store().clock().now()),
        offset_seconds: clock.offset_seconds(),
    }
}

/// Moves the sandbox clock forward (operators only: the clock is the whole
/// server's, so no merchant may move another's time).
#[utoipa::path(post, path = "/v1/test_helpers/clock/advance", request_body = Advance,
    responses((status = 200, body = ClockObject), (status = 400, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn advance_clock(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<Advance>,
) -> ApiResult<Json<ClockObject>> {
    let clock = state
        .test_clock()
        .ok_or_else(|| ApiError::not_found("endpoint", "/v1/test_helpers/clock/advance"))?;
    caller.require_operator()?;
    if !(1..=MAX_ADVANCE_SECONDS).contains(&body.seconds) {
        return Err(ApiError::invalid(
            "seconds",
            "parameter_invalid",
            format!("seconds must be from 1 to {MAX_ADVANCE_SECONDS}"),
        ));
    }
    if !clock.advance_within(body.seconds, MAX_CLOCK_OFFSET_SECONDS) {
        return Err(ApiError::invalid(
            "seconds",
            "clock_offset_too_large",
            format!(
                "the sandbox clock may run at most {MAX_CLOCK_OFFSET_SECONDS} seconds ahead of the wall clock (now {} ahead); reset it with POST /v1/test_helpers/clock/reset",
                clock.offset_seconds()
            ),
        ));
    }
    Ok(Json(clock_object(&state, clock)))
}

/// Puts the sandbox clock back on the wall clock (operators only).
#[utoipa::path(post, path = "/v1/test_helpers/clock/reset",
    responses((status = 200, body = ClockObject), (status = 403, body = crate::error::ErrorBody)))]
pub async fn reset_clock(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ClockObject>> {
    let clock = state
        .test_clock()
        .ok_or_else(|| ApiError::not_found("endpoint", "/v1/test_helpers/clock/reset"))?;
    caller.require_operator()?;
    clock.reset();
    Ok(Json(clock_object(&state, clock)))
}

/// Longest scheduled fault: one day.
const MAX_FAULT_SECONDS: i64 = 24 * 3600;

/// `POST /v1/test_helpers/connectors/{name}/faults` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFault {
    /// `outage`, `server_errors` or `timeouts`.
    pub kind: String,
    /// How long, from now (at most a day).
    #[schema(minimum = 1, maximum = 86400)]
    pub seconds: i64,
    /// Share of calls hit, 1-100 (not for outages).
    #[schema(minimum = 1, maximum = 100)]
    pub rate_pct: Option<u8>,
}

/// A scheduled fault.
#[derive(Debug, Serialize, ToSchema)]
pub struct FaultObject {
    /// The simulated provider.
    pub connector: String,
    /// The fault.
    pub kind: String,
    /// Start.
    pub from: String,
    /// End.
    pub until: String,
}

/// Sandbox: schedules a provider outage, 5xx burst or timeouts starting now (operators).
#[utoipa::path(post, path = "/v1/test_helpers/connectors/{name}/faults", params(("name" = String, Path)), request_body = ScheduleFault,
    responses((status = 201, body = FaultObject), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn schedule_fault(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Path(name): axum::extract::Path<String>,
    ApiJson(body): ApiJson<ScheduleFault>,
) -> ApiResult<(axum::http::StatusCode, Json<FaultObject>)> {
    caller.require_operator()?;
    let world = state
        .sandbox()
        .filter(|_| state.test_clock().is_some())
        .ok_or_else(|| ApiError::not_found("endpoint", "faults"))?;
    if !(1..=MAX_FAULT_SECONDS).contains(&body.seconds) {
        return Err(ApiError::invalid(
            "seconds",
            "parameter_invalid",
            format!("seconds must be from 1 to {MAX_FAULT_SECONDS}"),
        ));
    }
    let rate = match body.rate_pct {
        Some(r @ 1..=100) => f64::from(r) / 100.0,
        Some(_) => {
            return Err(ApiError::invalid(
                "rate_pct",
                "parameter_invalid",
                "rate_pct must be from 1 to 100",
            ))
        }
        None => 1.0,
    };
    use corridor_connectors::sandbox::{Fault, FaultKind};
    let kind = match body.kind.as_str() {
        "outage" => FaultKind::Outage,
        "server_errors" => FaultKind::ServerErrors { rate },
        "timeouts" => FaultKind::Timeouts {
            rate,
            processed_rate: 0.5,
        },
        other => {
            return Err(ApiError::invalid(
                "kind",
                "parameter_invalid",
                format!("unknown fault kind '{other}'"),
            ))
        }
    };
    let now = state.store().clock().now();
    let fault = Fault::new(&name, now, body.seconds, kind);
    let (from, until) = (fault.from, fault.until);
    world.schedule_fault(fault).map_err(|e| match e {
        corridor_connectors::sandbox::SandboxError::UnknownPsp(_) => {
            ApiError::not_found("connector", &name)
        }
        other => ApiError::conflict("too_many_faults", other.to_string()),
    })?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(FaultObject {
            connector: name,
            kind: body.kind,
            from: rfc3339(from),
            until: rfc3339(until),
        }),
    ))
}
