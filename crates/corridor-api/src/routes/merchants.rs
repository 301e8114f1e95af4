//! Merchants: create, get, list. Creation takes the KYB information too
//! (registration number, beneficial owners, ownership declaration), checked
//! against the country's requirements; the legal name and each owner are
//! screened and the merchant starts `pending`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_core::{CountryCode, Currency};
use corridor_services::compliance::KybInfo;
use corridor_store::{
    ApiKeyRecord, MerchantKybRecord, MerchantRecord, Principal, WriteOp, WriteOutcome,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::compliance_errors::{actor, map_error};
use super::merchant_kyb_fields::{changes, KybFields, OwnerBody, OwnerObject};
use super::{list_params, ListResponse};
use crate::auth::{hash_key, new_merchant_key, Caller};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Most marketplace store ids per merchant.
const MAX_STORE_IDS: usize = 50;
/// Longest text field.
const MAX_TEXT_CHARS: usize = 200;

/// `POST /v1/merchants` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMerchant {
    /// Registered legal name.
    pub legal_name: String,
    /// ISO 3166-1 alpha-2 country of incorporation.
    pub country: String,
    /// ISO 4217 currency the merchant is paid out in.
    pub home_currency: String,
    /// Contact email.
    pub email: Option<String>,
    /// Website (http or https URL).
    pub website: Option<String>,
    /// Store ids on marketplaces.
    pub marketplace_store_ids: Option<Vec<String>>,
    /// Company registration number (CN: the 18-character unified social
    /// credit code, its check character verified).
    pub registration_number: Option<String>,
    /// Beneficial owners: at most 20, shares adding up to at most 100%.
    #[schema(max_items = 20)]
    pub beneficial_owners: Option<Vec<OwnerBody>>,
    /// A declaration standing in for owners at or above the country's
    /// threshold (no natural person reaches it; who controls the company).
    #[schema(min_length = 1, max_length = 1000)]
    pub ownership_declaration: Option<String>,
}

/// A merchant.
#[derive(Debug, Serialize, ToSchema)]
pub struct MerchantObject {
    /// `mer_...`.
    pub id: String,
    /// Always `merchant`.
    pub object: &'static str,
    /// Registered legal name.
    pub legal_name: String,
    /// Country of incorporation.
    pub country: String,
    /// Home currency.
    pub home_currency: String,
    /// Contact email.
    pub email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Marketplace store ids.
    pub marketplace_store_ids: Vec<String>,
    /// `pending`, `approved`, `rejected`, `info_requested`.
    pub kyb_status: String,
    /// The merchant's secret key: only in the creation response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_key: Option<String>,
    /// Creation time.
    pub created_at: String,
    /// Company registration number.
    pub registration_number: Option<String>,
    /// Beneficial owners.
    pub beneficial_owners: Vec<OwnerObject>,
    /// A declaration standing in for owners at or above the threshold.
    pub ownership_declaration: Option<String>,
    /// Fields the merchant's country requires that are not given yet. An
    /// approval while any of them is missing raises a
    /// `kyb_incomplete_approval` alert; one while a requested field is
    /// missing is refused (409 `kyb_incomplete`).
    pub kyb_missing: Vec<String>,
    /// Fields the operator asked for (`request_info`) and not supplied
    /// since: approval is refused (409 `kyb_incomplete`) until this is empty.
    pub kyb_requested: Vec<String>,
}

impl MerchantObject {
    /// The merchant with its KYB information (`None`: none given yet).
    pub(crate) fn from_record(
        m: &MerchantRecord,
        kyb: Option<&MerchantKybRecord>,
        api_key: Option<String>,
    ) -> Self {
        Self::with_info(m, &KybInfo::of(kyb), api_key)
    }

    /// The merchant with its KYB information.
    pub(crate) fn with_info(m: &MerchantRecord, info: &KybInfo, api_key: Option<String>) -> Self {
        let kyb = KybFields::of(info, info.missing(m));
        MerchantObject {
            id: m.id.clone(),
            object: "merchant",
            legal_name: m.legal_name.clone(),
            country: m.country.clone(),
            home_currency: m.home_currency.code().to_string(),
            email: m.email.clone(),
            website: m.website.clone(),
            marketplace_store_ids: m.marketplace_store_ids.clone(),
            kyb_status: m.kyb_status.clone(),
            api_key,
            created_at: rfc3339(m.created_at),
            registration_number: kyb.registration_number,
            beneficial_owners: kyb.beneficial_owners,
            ownership_declaration: kyb.ownership_declaration,
            kyb_missing: kyb.kyb_missing,
            kyb_requested: kyb.kyb_requested,
        }
    }
}

fn text(param: &str, value: &str, required: bool) -> ApiResult<()> {
    let trimmed = value.trim();
    if (required && trimmed.is_empty())
        || value.chars().count() > MAX_TEXT_CHARS
        || value.chars().any(char::is_control)
    {
        return Err(ApiError::invalid(
            param,
            "parameter_invalid",
            format!("{param} must be 1-{MAX_TEXT_CHARS} printable characters"),
        ));
    }
    Ok(())
}

fn validate(body: &CreateMerchant) -> ApiResult<(CountryCode, Currency)> {
    text("legal_name", &body.legal_name, true)?;
    let country = CountryCode::parse(&body.country)
        .map_err(|e| ApiError::invalid("country", "country_invalid", e.to_string()))?;
    let currency = Currency::parse(&body.home_currency)
        .map_err(|e| ApiError::invalid("home_currency", "currency_invalid", e.to_string()))?;
    validate_contact(
        body.email.as_deref(),
        body.website.as_deref(),
        body.marketplace_store_ids.as_deref(),
    )?;
    Ok((country, currency))
}

/// Checks email, website and store ids, naming the field at fault.
pub(crate) fn validate_contact(
    email: Option<&str>,
    website: Option<&str>,
    stores: Option<&[String]>,
) -> ApiResult<()> {
    if let Some(email) = email {
        text("email", email, true)?;
        let valid = email.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !email.contains(' ')
        });
        if !valid {
            return Err(ApiError::invalid(
                "email",
                "email_invalid",
                "email must look like name@example.com",
            ));
        }
    }
    if let Some(site) = website {
        text("website", site, true)?;
        if !(site.starts_with("https://") || site.starts_with("http://")) {
            return Err(ApiError::invalid(
                "website",
                "url_invalid",
                "website must be an http(s) URL",
            ));
        }
    }
    let stores = stores.unwrap_or_default();
    if stores.len() > MAX_STORE_IDS {
        return Err(ApiError::invalid(
            "marketplace_store_ids",
            "parameter_invalid",
            format!("at most {MAX_STORE_IDS} store ids"),
        ));
    }
    for (i, id) in stores.iter().enumerate() {
        text(&format!("marketplace_store_ids[{i}]"), id, true)?;
        if stores[..i].contains(id) {
            return Err(ApiError::invalid(
                &format!("marketplace_store_ids[{i}]"),
                "parameter_invalid",
                format!("store id '{id}' is listed twice"),
            ));
        }
    }
    Ok(())
}

/// Creates a merchant and its first API key, with its KYB information;
/// the legal name and each beneficial owner are screened.
#[utoipa::path(post, path = "/v1/merchants", request_body = CreateMerchant,
    responses((status = 201, body = MerchantObject), (status = 400, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateMerchant>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let (country, home_currency) = validate(&body)?;
    let api_key = new_merchant_key();
    let merchant = MerchantRecord {
        id: crate::ids::new_merchant_id(),
        legal_name: body.legal_name.trim().to_string(),
        country: country.as_str().to_string(),
        home_currency,
        email: body.email,
        website: body.website,
        marketplace_store_ids: body.marketplace_store_ids.unwrap_or_default(),
        kyb_status: "pending".to_string(),
        created_at: state.store().clock().now(),
    };
    let key_record = ApiKeyRecord {
        key_hash: hash_key(&api_key),
        principal: Principal::Merchant(merchant.id.clone()),
    };
    let changes = changes(
        body.registration_number,
        body.beneficial_owners,
        body.ownership_declaration,
    );
    let compliance = state.compliance().clone();
    let who = actor(&caller);
    let shown = merchant.clone();
    let onboarding = tokio::task::spawn_blocking(move || {
        compliance.prepare_new_merchant(merchant, key_record, &changes, &who)
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(map_error)?;
    let object = MerchantObject::with_info(&shown, &onboarding.info, Some(api_key));
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Compliance(Ok(())) => json_response(StatusCode::CREATED, &object),
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

/// A merchant by id. A merchant key sees only its own merchant.
#[utoipa::path(get, path = "/v1/merchants/{id}", params(("id" = String, Path)),
    responses((status = 200, body = MerchantObject), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<MerchantObject>> {
    if !caller.can_see(&id) {
        return Err(ApiError::not_found("merchant", &id));
    }
    let merchant = state
        .store()
        .merchant(&id)
        .await?
        .ok_or_else(|| ApiError::not_found("merchant", &id))?;
    let kyb = state.store().merchant_kyb(&id).await?;
    Ok(Json(MerchantObject::from_record(
        &merchant,
        kyb.as_ref(),
        None,
    )))
}

/// Merchants, newest first (operators).
#[utoipa::path(get, path = "/v1/merchants", responses((status = 200, body = ListResponse<MerchantObject>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<MerchantObject>>> {
    caller.require_operator()?;
    let params = list_params(&query)?;
    if let Some(after) = &params.starting_after {
        if state.store().merchant(after).await?.is_none() {
            return Err(ApiError::invalid(
                "starting_after",
                "resource_missing",
                format!("no such merchant: '{after}'"),
            ));
        }
    }
    let page = state
        .store()
        .merchants(params.limit, params.starting_after.as_deref())
        .await?;
    let ids: Vec<String> = page.items.iter().map(|m| m.id.clone()).collect();
    let kyb: HashMap<String, MerchantKybRecord> = state
        .store()
        .merchant_kyb_of(&ids)
        .await?
        .into_iter()
        .map(|k| (k.merchant_id.clone(), k))
        .collect();
    Ok(Json(ListResponse {
        data: page
            .items
            .iter()
            .map(|m| MerchantObject::from_record(m, kyb.get(&m.id), None))
            .collect(),
        has_more: page.has_more,
    }))
}
