//! `POST /v1/merchants/{id}/kyb` (operator): approve, reject or request
//! information, with a note. Approval needs every field the operator
//! asked for (409 `kyb_incomplete` naming those still missing), raises an
//! alert when other required fields are missing, and screens the legal
//! name and each beneficial owner; `request_info` records the fields asked
//! for.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use corridor_store::{RefusalCode, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compliance_errors::{actor, map_error};
use super::merchants::MerchantObject;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;

/// `POST /v1/merchants/{id}/kyb` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KybBody {
    /// `approve`, `reject` or `request_info`.
    pub decision: String,
    /// Why, for the audit log.
    #[schema(min_length = 1, max_length = 1000)]
    pub note: String,
    /// With `request_info`: the fields asked for (`registration_number`,
    /// `beneficial_owners`, `website`, `marketplace_store_ids`); by default
    /// the ones missing.
    pub fields: Option<Vec<String>>,
}

/// The merchant after the decision, with the screening of its name.
#[derive(Debug, Serialize, ToSchema)]
pub struct KybResult {
    /// The merchant.
    pub merchant: MerchantObject,
    /// The screening run on approval.
    #[schema(nullable)]
    pub screening: Option<String>,
    /// `clear`, `review` or `block` for that screening.
    #[schema(nullable)]
    pub screening_decision: Option<String>,
    /// The screenings of the beneficial owners run on approval.
    pub owner_screenings: Vec<OwnerScreening>,
}

/// The screening of one beneficial owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerScreening {
    /// `scr_...`.
    pub screening: String,
    /// The owner's name.
    pub name: String,
    /// `clear`, `review` or `block`.
    pub decision: String,
}

/// Records a KYB decision (operator).
#[utoipa::path(post, path = "/v1/merchants/{id}/kyb", params(("id" = String, Path)), request_body = KybBody,
    responses((status = 200, body = KybResult), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<KybBody>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let merchant = state
        .store()
        .merchant(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("merchant", &id))?;
    let stored = state.store().merchant_kyb(&id).await?;
    let compliance = state.compliance().clone();
    let who = actor(&caller);
    let for_service = merchant.clone();
    let decision = body.decision.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        compliance.prepare_kyb(
            &for_service,
            stored.as_ref(),
            &decision,
            &body.note,
            body.fields.as_deref(),
            &who,
        )
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(map_error)?;
    let mut after = merchant;
    after.kyb_status = outcome.status.clone();
    let result = KybResult {
        merchant: MerchantObject::with_info(&after, &outcome.info, None),
        screening: outcome.screening.as_ref().map(|s| s.record.id.clone()),
        screening_decision: outcome
            .screening
            .as_ref()
            .map(|s| s.record.decision.clone()),
        owner_screenings: outcome
            .owner_screenings
            .iter()
            .map(|s| OwnerScreening {
                screening: s.record.id.clone(),
                name: s.record.name.clone(),
                decision: s.record.decision.clone(),
            })
            .collect(),
    };
    let refused = outcome.refused.clone();
    let render = Box::new(move |o: &WriteOutcome, _at| match (o, &refused) {
        (WriteOutcome::Compliance(Ok(())), None) => json_response(StatusCode::OK, &result),
        (WriteOutcome::Compliance(Ok(())), Some(why)) => {
            error_response(&ApiError::compliance("sanctions_match", why.clone()))
        }
        (WriteOutcome::Compliance(Err(r)), _) if r.code == RefusalCode::VersionConflict => {
            error_response(&ApiError::conflict(
                "merchant_changed",
                "the merchant's KYB information changed meanwhile; read it and decide again",
            ))
        }
        (other, _) => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Compliance(Box::new(outcome.write)),
        render,
    )
    .await
}
