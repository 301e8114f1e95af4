//! `PATCH /v1/merchants/{id}`: supplies or corrects a merchant's KYB
//! information (registration number, beneficial owners, ownership
//! declaration) and its email, website and marketplace store ids (`null`
//! clears the email or the website). The
//! operator may change any merchant, a merchant key its own (another
//! merchant's id answers 404). Each field is checked and named; the owners
//! are screened again when they change; every change is audited, a change
//! on an approved merchant included.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use corridor_store::{MerchantContact, RefusalCode, WriteOp, WriteOutcome};
use serde::Deserialize;
use utoipa::ToSchema;

use super::compliance_errors::{actor, map_error};
use super::merchant_kyb_fields::{changes, OwnerBody};
use super::merchants::{validate_contact, MerchantObject};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;

/// `PATCH /v1/merchants/{id}` body: each field given replaces the stored
/// one (`beneficial_owners` as a whole list); `email` or `website` given as
/// `null` is cleared.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMerchant {
    /// Company registration number (CN: the unified social credit code).
    pub registration_number: Option<String>,
    /// Beneficial owners: at most 20, shares adding up to at most 100%.
    #[schema(max_items = 20)]
    pub beneficial_owners: Option<Vec<OwnerBody>>,
    /// A declaration standing in for owners at or above the threshold.
    #[schema(min_length = 1, max_length = 1000)]
    pub ownership_declaration: Option<String>,
    /// Contact email; `null` clears it.
    #[serde(default, deserialize_with = "crate::json::clearable")]
    #[schema(value_type = Option<String>, nullable)]
    pub email: Option<Option<String>>,
    /// Website (http or https URL); `null` clears it.
    #[serde(default, deserialize_with = "crate::json::clearable")]
    #[schema(value_type = Option<String>, nullable)]
    pub website: Option<Option<String>>,
    /// Store ids on marketplaces (the whole list).
    pub marketplace_store_ids: Option<Vec<String>>,
}

/// Changes a merchant's KYB information and contact details.
#[utoipa::path(patch, path = "/v1/merchants/{id}", params(("id" = String, Path)), request_body = UpdateMerchant,
    responses((status = 200, body = MerchantObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateMerchant>,
) -> ApiResult<Response> {
    if !caller.can_see(&id) {
        return Err(ApiError::not_found("merchant", &id));
    }
    let merchant = state
        .store()
        .merchant(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("merchant", &id))?;
    let nothing = body.registration_number.is_none()
        && body.beneficial_owners.is_none()
        && body.ownership_declaration.is_none()
        && body.email.is_none()
        && body.website.is_none()
        && body.marketplace_store_ids.is_none();
    if nothing {
        return Err(ApiError::bad_request(
            "parameter_missing",
            "give at least one field to change",
        ));
    }
    validate_contact(
        body.email.as_ref().and_then(Option::as_deref),
        body.website.as_ref().and_then(Option::as_deref),
        body.marketplace_store_ids.as_deref(),
    )?;
    let contact_changes =
        body.email.is_some() || body.website.is_some() || body.marketplace_store_ids.is_some();
    let contact = contact_changes.then(|| MerchantContact {
        email: body.email.clone().unwrap_or_else(|| merchant.email.clone()),
        website: body
            .website
            .clone()
            .unwrap_or_else(|| merchant.website.clone()),
        marketplace_store_ids: body
            .marketplace_store_ids
            .clone()
            .unwrap_or_else(|| merchant.marketplace_store_ids.clone()),
    });
    let changes = changes(
        body.registration_number,
        body.beneficial_owners,
        body.ownership_declaration,
    );
    let stored = state.store().merchant_kyb(&id).await?;
    let compliance = state.compliance().clone();
    let who = actor(&caller);
    let for_service = merchant.clone();
    let shown_contact = contact.clone();
    let onboarding = tokio::task::spawn_blocking(move || {
        compliance.prepare_kyb_change(&for_service, stored.as_ref(), &changes, contact, &who)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(map_error)?;
    let mut after = merchant;
    after.kyb_status = onboarding.status.clone();
    if let Some(c) = shown_contact {
        after.email = c.email;
        after.website = c.website;
        after.marketplace_store_ids = c.marketplace_store_ids;
    }
    let object = MerchantObject::with_info(&after, &onboarding.info, None);
    let render = Box::new(move |o: &WriteOutcome, _at| match o {
        WriteOutcome::Compliance(Ok(())) => json_response(StatusCode::OK, &object),
        WriteOutcome::Compliance(Err(r)) if r.code == RefusalCode::VersionConflict => {
            error_response(&ApiError::conflict(
                "merchant_changed",
                "the merchant changed meanwhile; read it and send the change again",
            ))
        }
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Compliance(Box::new(onboarding.write)),
        render,
    )
    .await
}
