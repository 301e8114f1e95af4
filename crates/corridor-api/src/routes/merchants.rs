//! Merchants: create, get, list.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_core::{CountryCode, Currency};
use corridor_store::{ApiKeyRecord, MerchantRecord, Principal, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
}

impl MerchantObject {
    pub(crate) fn from_record(m: &MerchantRecord, api_key: Option<String>) -> Self {
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
    if let Some(email) = &body.email {
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
    if let Some(site) = &body.website {
        text("website", site, true)?;
        if !(site.starts_with("https://") || site.starts_with("http://")) {
            return Err(ApiError::invalid(
                "website",
                "url_invalid",
                "website must be an http(s) URL",
            ));
        }
    }
    let stores = body.marketplace_store_ids.as_deref().unwrap_or_default();
    if stores.len() > MAX_STORE_IDS {
        return Err(ApiError::invalid(
            "marketplace_store_ids",
            "parameter_invalid",
            format!("at most {MAX_STORE_IDS} store ids"),
        ));
    }
    for (i, id) in stores.iter().enumerate() {
        text(&format!("marketplace_store_ids[{i}]"), id, true)?;
    }
    Ok((country, currency))
}

/// Creates a merchant and its first API key.
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
    // The detail names the merchant, never its API key.
    let audit = crate::audit::entry(
        &caller,
        "merchant.created",
        &merchant.id,
        serde_json::json!({
            "legal_name": merchant.legal_name, "country": merchant.country,
            "home_currency": merchant.home_currency.code(),
        }),
    );
    let shown = merchant.clone();
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::MerchantCreated => json_response(
            StatusCode::CREATED,
            &MerchantObject::from_record(&shown, Some(api_key.clone())),
        ),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::CreateMerchant {
            merchant,
            api_key: key_record,
        }
        .audited(vec![audit]),
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
    Ok(Json(MerchantObject::from_record(&merchant, None)))
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
    Ok(Json(ListResponse {
        data: page
            .items
            .iter()
            .map(|m| MerchantObject::from_record(m, None))
            .collect(),
        has_more: page.has_more,
    }))
}
