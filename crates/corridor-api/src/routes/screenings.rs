//! Screenings: a name (with type, country and date of birth when known)
//! against the sanctions lists in force, decided `clear`, `review` or
//! `block`, stored with its matches, scores and the lists version.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_services::compliance::{ScreeningInput, Subject};
use corridor_store::{Principal, ScreeningRecord, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compliance_errors::{actor, map_error};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// `POST /v1/screenings` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateScreening {
    /// The name to screen.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `person` or `organization`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// ISO 3166-1 alpha-2 country (nationality, residence or registration).
    #[schema(min_length = 2, max_length = 2)]
    pub country: Option<String>,
    /// Date of birth, `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
}

/// A listed entry close to the name.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MatchObject {
    /// `ofac_sdn`, `un_consolidated`, `eu`, `uk_ofsi` or the operator list's name.
    pub list: String,
    /// The list's own id (OFAC `ent_num`, UN `REFERENCE_NUMBER`).
    pub entry_id: String,
    /// The entry's name or alias that matched best.
    pub name: String,
    /// 0 to 1.
    pub score: f64,
}

/// A screening.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningObject {
    /// `scr_...`.
    pub id: String,
    /// Always `screening`.
    pub object: &'static str,
    /// The name screened.
    pub name: String,
    /// `clear`, `review` or `block`.
    pub decision: String,
    /// Matches at or above the review threshold, best first.
    pub matches: Vec<MatchObject>,
    /// The version of the lists screened against.
    pub lists_version: String,
    /// The alert raised for a `review` or `block`.
    #[schema(nullable)]
    pub alert: Option<String>,
    /// The thresholds the decision was made with.
    #[schema(nullable)]
    pub thresholds: Option<ThresholdsUsed>,
    /// Creation time.
    pub created_at: String,
}

/// The thresholds a screening was decided with.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ThresholdsUsed {
    /// The version of `/v1/compliance/screening_thresholds` (0: the
    /// calibrated default).
    pub version: i64,
    /// From this score up: `review`, as a decimal string.
    pub review: String,
    /// From this score up: `block`, as a decimal string.
    pub block: String,
}

fn thresholds_used(body: &serde_json::Value) -> Option<ThresholdsUsed> {
    let t = body.get("thresholds")?;
    Some(ThresholdsUsed {
        version: t
            .get("version")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0),
        review: t.get("review")?.as_f64()?.to_string(),
        block: t.get("block")?.as_f64()?.to_string(),
    })
}

/// The screening's JSON object.
pub fn object(r: &ScreeningRecord, alert: Option<String>) -> ScreeningObject {
    let body: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
    let matches = body
        .get("matches")
        .cloned()
        .and_then(|m| serde_json::from_value(m).ok())
        .unwrap_or_default();
    ScreeningObject {
        id: r.id.clone(),
        object: "screening",
        name: r.name.clone(),
        decision: r.decision.clone(),
        matches,
        lists_version: r.lists_version.clone(),
        alert,
        thresholds: thresholds_used(&body),
        created_at: rfc3339(r.created_at),
    }
}

/// Screens a name.
#[utoipa::path(post, path = "/v1/screenings", request_body = CreateScreening,
    responses((status = 201, body = ScreeningObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateScreening>,
) -> ApiResult<Response> {
    let merchant_id = match &caller.principal {
        Principal::Merchant(id) => Some(id.clone()),
        Principal::Operator => None,
    };
    let input = ScreeningInput {
        name: body.name,
        kind: body.kind,
        country: body.country,
        date_of_birth: body.date_of_birth,
    };
    let compliance = state.compliance().clone();
    let who = actor(&caller);
    let outcome = tokio::task::spawn_blocking(move || {
        compliance.prepare_screening(
            &input,
            &Subject {
                kind: "api",
                merchant_id,
                object_id: None,
            },
            &who,
        )
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(map_error)?;
    let rendered = object(
        &outcome.record,
        outcome.alert.as_ref().map(|a| a.id.clone()),
    );
    let render = Box::new(move |result: &WriteOutcome, _at| match result {
        WriteOutcome::Compliance(Ok(())) => json_response(StatusCode::CREATED, &rendered),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Compliance(Box::new(outcome.write)),
        render,
    )
    .await
}

/// A screening (a merchant sees its own).
#[utoipa::path(get, path = "/v1/screenings/{id}", params(("id" = String, Path)),
    responses((status = 200, body = ScreeningObject), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<ScreeningObject>> {
    let record = state
        .store()
        .screening(&id)
        .await
        .map_err(ApiError::internal)?;
    let visible = match (&record, &caller.principal) {
        (Some(_), Principal::Operator) => true,
        (Some(r), Principal::Merchant(m)) => r.merchant_id.as_deref() == Some(m),
        (None, _) => false,
    };
    match record {
        Some(r) if visible => Ok(Json(object(&r, None))),
        _ => Err(ApiError::not_found("screening", &id)),
    }
}
