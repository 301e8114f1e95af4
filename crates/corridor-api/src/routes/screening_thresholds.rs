//! `PUT /v1/compliance/screening_thresholds`, `GET` the same: the match
//! scores from which a screening is `review` and `block`, set by the
//! operator as decimal strings (`0 < review <= block <= 1`), versioned,
//! audited and put in force for the next screening without a restart.
//! Until the operator puts a version, the calibrated default is in force
//! (version 0).

use std::str::FromStr;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use corridor_services::compliance::{ComplianceService, Thresholds};
use corridor_store::Store;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// The settings kind the versions are stored under.
pub const KIND: &str = "screening_thresholds";

/// The most decimal places a threshold may carry.
pub const MAX_SCALE: u32 = 6;

/// The operator's thresholds.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningThresholdsBody {
    /// From this score up a match is reviewed by a person: a decimal
    /// string above 0 and at most 1 (`"0.84"`).
    #[schema(example = "0.84")]
    pub review: String,
    /// From this score up the operation is blocked: a decimal string at
    /// least `review` and at most 1 (`"0.97"`).
    #[schema(example = "0.97")]
    pub block: String,
}

/// The thresholds in force.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScreeningThresholdsObject {
    /// Always `screening_thresholds`.
    pub object: &'static str,
    /// 1, 2, ...; 0 for the calibrated default.
    pub version: i64,
    /// As put.
    pub review: String,
    /// As put.
    pub block: String,
    /// When this version was put in force; null for the default.
    pub created_at: Option<String>,
}

fn score(field: &str, text: &str) -> ApiResult<Decimal> {
    let value = Decimal::from_str(text.trim())
        .ok()
        .filter(|d| text.trim() == text && d.scale() <= MAX_SCALE)
        .ok_or_else(|| {
            ApiError::invalid(
                field,
                "parameter_invalid",
                format!(
                    "{field} is a decimal string with at most {MAX_SCALE} decimal places, e.g. \"0.84\""
                ),
            )
        })?;
    if value <= Decimal::ZERO || value > Decimal::ONE {
        return Err(ApiError::invalid(
            field,
            "parameter_invalid",
            format!("{field} must be above 0 and at most 1"),
        ));
    }
    Ok(value)
}

/// Checks the body; the normalized body and the matcher's thresholds.
/// Errors name the field.
pub fn parse(body: &ScreeningThresholdsBody) -> ApiResult<(ScreeningThresholdsBody, Thresholds)> {
    let review = score("review", &body.review)?;
    let block = score("block", &body.block)?;
    if block < review {
        return Err(ApiError::invalid(
            "block",
            "parameter_invalid",
            "block must be at least review",
        ));
    }
    let as_f64 = |d: Decimal| d.to_f64().ok_or_else(|| ApiError::internal("threshold"));
    let thresholds = Thresholds::new(as_f64(review)?, as_f64(block)?)
        .map_err(|e| ApiError::invalid("block", "parameter_invalid", e))?;
    let normalized = ScreeningThresholdsBody {
        review: review.normalize().to_string(),
        block: block.normalize().to_string(),
    };
    Ok((normalized, thresholds))
}

/// The calibrated default, as the API shows it.
fn default_object() -> ScreeningThresholdsObject {
    ScreeningThresholdsObject {
        object: "screening_thresholds",
        version: 0,
        review: Thresholds::DEFAULT.review.to_string(),
        block: Thresholds::DEFAULT.block.to_string(),
        created_at: None,
    }
}

/// Puts the operator's stored thresholds in force at start.
pub async fn load(store: &Store, compliance: &ComplianceService) -> Result<(), String> {
    if let Some(v) = store
        .latest_settings(KIND)
        .await
        .map_err(|e| e.to_string())?
    {
        let body: ScreeningThresholdsBody =
            serde_json::from_str(&v.body).map_err(|e| e.to_string())?;
        let (_, thresholds) =
            parse(&body).map_err(|e| format!("stored screening thresholds: {e:?}"))?;
        compliance.set_thresholds(v.version, thresholds);
    }
    Ok(())
}

/// Replaces the screening thresholds; they apply to the next screening.
#[utoipa::path(put, path = "/v1/compliance/screening_thresholds", request_body = ScreeningThresholdsBody,
    responses((status = 200, body = ScreeningThresholdsObject),
        (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<ScreeningThresholdsBody>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let (body, thresholds) = parse(&body)?;
    let compliance = state.compliance().clone();
    let _guard = compliance.rules_lock().lock().await;
    let version = crate::settings_documents::next_version(&state, KIND).await?;
    let now = state.store().clock().now();
    let shown = ScreeningThresholdsObject {
        object: "screening_thresholds",
        version,
        review: body.review.clone(),
        block: body.block.clone(),
        created_at: Some(rfc3339(now)),
    };
    let response =
        crate::settings_documents::store(&state, &caller, KIND, version, now, &body, shown).await?;
    if response.status() == StatusCode::OK {
        compliance.set_thresholds(version, thresholds);
    }
    Ok(response)
}

/// The screening thresholds in force.
#[utoipa::path(get, path = "/v1/compliance/screening_thresholds",
    responses((status = 200, body = ScreeningThresholdsObject),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ScreeningThresholdsObject>> {
    caller.require_operator()?;
    let stored = crate::settings_documents::latest::<ScreeningThresholdsBody>(&state, KIND).await?;
    Ok(Json(match stored {
        None => default_object(),
        Some(v) => ScreeningThresholdsObject {
            object: "screening_thresholds",
            version: v.version,
            review: v.body.review,
            block: v.body.block,
            created_at: Some(v.created_at),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(review: &str, block: &str) -> ScreeningThresholdsBody {
        ScreeningThresholdsBody {
            review: review.into(),
            block: block.into(),
        }
    }

    fn param(b: &ScreeningThresholdsBody) -> Option<String> {
        let e = format!("{:?}", parse(b).err()?);
        let start = e.find("param: Some(\"")? + "param: Some(\"".len();
        let end = start + e[start..].find('"')?;
        Some(e[start..end].to_string())
    }

    #[test]
    fn thresholds_are_checked_and_normalized() {
        let (shown, t) = parse(&body("0.800", "1")).unwrap();
        assert_eq!((shown.review.as_str(), shown.block.as_str()), ("0.8", "1"));
        assert_eq!((t.review, t.block), (0.8, 1.0));
        let (_, t) = parse(&body("0.9", "0.9")).unwrap();
        assert_eq!((t.review, t.block), (0.9, 0.9));
        for (review, block, field) in [
            ("0", "0.9", "review"),
            ("-0.1", "0.9", "review"),
            ("1.01", "1.01", "review"),
            ("abc", "0.9", "review"),
            (" 0.8", "0.9", "review"),
            ("0.1234567", "0.9", "review"),
            ("0.8", "0.7", "block"),
            ("0.8", "1.5", "block"),
            ("0.8", "", "block"),
            ("NaN", "0.9", "review"),
        ] {
            assert_eq!(
                param(&body(review, block)).as_deref(),
                Some(field),
                "{review} {block}"
            );
        }
    }
}
