//! Beneficiaries: create (bank details validated per country and currency),
//! get and list, with account numbers masked.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_core::payouts::{masked, BankAccountInput};
use corridor_services::payouts::{BeneficiaryInput, PayoutError};
use corridor_store::{BeneficiaryRecord, Principal, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Bank details. Which fields are required depends on the country and the
/// currency: an IBAN (and a BIC outside SEPA) in IBAN countries; `routing_number`,
/// `account_number` and `account_type` for USD in the US; `sort_code` and
/// `account_number` for GBP in the UK; `ifsc` (India), `bank_code` (China's
/// CNAPS code), `bank_code` and `branch_code` (Japan's Zengin codes), `bsb`
/// (Australia), `transit_number` and `institution_number` (Canada), `clabe`
/// (Mexico), `bank_code`, `branch_code` and `cpf_cnpj` (Brazil); otherwise
/// SWIFT: `bic` and `account_number`. A field the scheme does not use is refused.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BankAccountBody {
    /// IBAN, print or electronic form (shown masked: last four).
    #[schema(max_length = 42)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// BIC (ISO 9362), 8 or 11 characters.
    #[schema(pattern = "^[A-Za-z]{6}[A-Za-z0-9]{2}([A-Za-z0-9]{3})?$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// Account number (shown masked: last four).
    #[schema(max_length = 34)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_number: Option<String>,
    /// US ABA routing number, 9 digits with its checksum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub routing_number: Option<String>,
    /// UK sort code, 6 digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_code: Option<String>,
    /// India IFSC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifsc: Option<String>,
    /// China CNAPS code (12 digits), Japan Zengin bank code (4), Brazil bank code (3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_code: Option<String>,
    /// Japan Zengin branch code (3), Brazil branch (4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_code: Option<String>,
    /// Mexico CLABE, 18 digits with its check digit (shown masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clabe: Option<String>,
    /// US account type: `checking` or `savings`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    /// Australia BSB, 6 digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bsb: Option<String>,
    /// Canada transit number, 5 digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_number: Option<String>,
    /// Canada institution number, 3 digits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution_number: Option<String>,
    /// Brazil CPF (11 digits) or CNPJ (14), with check digits (shown masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpf_cnpj: Option<String>,
}

impl From<&BankAccountBody> for BankAccountInput {
    fn from(b: &BankAccountBody) -> Self {
        BankAccountInput {
            iban: b.iban.clone(),
            bic: b.bic.clone(),
            account_number: b.account_number.clone(),
            routing_number: b.routing_number.clone(),
            sort_code: b.sort_code.clone(),
            ifsc: b.ifsc.clone(),
            bank_code: b.bank_code.clone(),
            branch_code: b.branch_code.clone(),
            clabe: b.clabe.clone(),
            account_type: b.account_type.clone(),
            bsb: b.bsb.clone(),
            transit_number: b.transit_number.clone(),
            institution_number: b.institution_number.clone(),
            cpf_cnpj: b.cpf_cnpj.clone(),
        }
    }
}

impl From<BankAccountInput> for BankAccountBody {
    fn from(b: BankAccountInput) -> Self {
        BankAccountBody {
            iban: b.iban,
            bic: b.bic,
            account_number: b.account_number,
            routing_number: b.routing_number,
            sort_code: b.sort_code,
            ifsc: b.ifsc,
            bank_code: b.bank_code,
            branch_code: b.branch_code,
            clabe: b.clabe,
            account_type: b.account_type,
            bsb: b.bsb,
            transit_number: b.transit_number,
            institution_number: b.institution_number,
            cpf_cnpj: b.cpf_cnpj,
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    /// Street and number.
    #[schema(max_length = 70)]
    pub line1: Option<String>,
    /// More.
    #[schema(max_length = 70)]
    pub line2: Option<String>,
    /// Town.
    #[schema(max_length = 35)]
    pub city: Option<String>,
    /// Postal code.
    #[schema(max_length = 16)]
    pub postal_code: Option<String>,
}

/// `POST /v1/beneficiaries` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBeneficiary {
    /// Account holder's name.
    #[schema(min_length = 1, max_length = 140)]
    pub name: String,
    /// Country of the account (ISO 3166-1 alpha-2).
    pub country: String,
    /// Currency the account receives (ISO 4217).
    pub currency: String,
    /// Bank details.
    pub bank_account: BankAccountBody,
    /// Postal address.
    pub address: Option<AddressBody>,
}

/// A beneficiary.
#[derive(Debug, Serialize, ToSchema)]
pub struct BeneficiaryObject {
    /// `ben_...`.
    pub id: String,
    /// Always `beneficiary`.
    pub object: &'static str,
    /// Account holder.
    pub name: String,
    /// Country of the account.
    pub country: String,
    /// Currency it receives.
    pub currency: String,
    /// How the account is identified: `iban`, `us_aba`, `gb_sort_code`,
    /// `in_ifsc`, `cn_cnaps`, `jp_zengin`, `au_bsb`, `ca_transit`,
    /// `mx_clabe`, `br_bank`, `swift`.
    pub scheme: String,
    /// Bank details, account identifiers masked to their last four.
    pub bank_account: BankAccountBody,
    /// Postal address.
    #[schema(nullable)]
    pub address: Option<AddressBody>,
    /// Creation time.
    pub created_at: String,
}

/// The beneficiary's JSON object (masked).
pub fn object(b: &BeneficiaryRecord) -> BeneficiaryObject {
    let fields = corridor_services::payouts::account_fields_of(&b.bank_account);
    BeneficiaryObject {
        id: b.id.clone(),
        object: "beneficiary",
        name: b.name.clone(),
        country: b.country.clone(),
        currency: b.currency.code().to_string(),
        scheme: b.scheme.clone(),
        bank_account: masked(&fields).into(),
        address: b
            .address
            .as_deref()
            .and_then(|a| serde_json::from_str(a).ok()),
        created_at: rfc3339(b.created_at),
    }
}

/// Maps a payout error to the API's.
pub fn map_error(e: PayoutError) -> ApiError {
    match e {
        PayoutError::Invalid {
            param,
            code,
            message,
        } => ApiError::invalid(&param, &code, message),
        PayoutError::Blocked { code, message } => ApiError::compliance(&code, message),
        PayoutError::NotFound { kind, id } => ApiError::not_found(kind, &id),
        PayoutError::Conflict { code, message } => ApiError::conflict(&code, message),
        PayoutError::Store(e) => ApiError::internal(e),
    }
}

/// The merchant behind a merchant key.
pub fn merchant_of(caller: &Caller) -> ApiResult<String> {
    match &caller.principal {
        Principal::Merchant(id) => Ok(id.clone()),
        Principal::Operator => Err(ApiError::forbidden(
            "beneficiaries and payouts are made with the merchant's key",
        )),
    }
}

/// A merchant's own scope, or any for operators.
pub fn scope(caller: &Caller) -> Option<&str> {
    match &caller.principal {
        Principal::Merchant(id) => Some(id),
        Principal::Operator => None,
    }
}

fn address_json(a: &AddressBody) -> ApiResult<String> {
    let limits = [
        ("address.line1", &a.line1, 70),
        ("address.line2", &a.line2, 70),
        ("address.city", &a.city, 35),
        ("address.postal_code", &a.postal_code, 16),
    ];
    for (param, value, max) in limits {
        if let Some(v) = value {
            if v.trim().is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
                return Err(ApiError::invalid(
                    param,
                    "parameter_invalid",
                    format!("{param} must be 1-{max} printable characters"),
                ));
            }
        }
    }
    serde_json::to_string(a).map_err(ApiError::internal)
}

/// Creates a beneficiary.
#[utoipa::path(post, path = "/v1/beneficiaries", request_body = CreateBeneficiary,
    responses((status = 201, body = BeneficiaryObject), (status = 400, body = crate::error::ErrorBody),
        (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateBeneficiary>,
) -> ApiResult<Response> {
    let merchant = merchant_of(&caller)?;
    let address = body.address.as_ref().map(address_json).transpose()?;
    let now = state.store().clock().now();
    let prepared = state
        .payouts()
        .prepare_beneficiary(
            BeneficiaryInput {
                merchant_id: merchant,
                name: body.name.clone(),
                country: body.country.clone(),
                currency: body.currency.clone(),
                bank_account: (&body.bank_account).into(),
                address,
            },
            now,
        )
        .map_err(map_error)?;
    let record = prepared.record;
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Payouts(Ok(_)) => json_response(StatusCode::CREATED, &object(&record)),
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Payouts(Box::new(prepared.write)),
        render,
    )
    .await
}

/// A beneficiary.
#[utoipa::path(get, path = "/v1/beneficiaries/{id}", params(("id" = String, Path)),
    responses((status = 200, body = BeneficiaryObject), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<BeneficiaryObject>> {
    let b = state
        .payouts()
        .beneficiary(&id, scope(&caller))
        .await
        .map_err(map_error)?;
    Ok(Json(object(&b)))
}

/// The merchant's beneficiaries, newest first.
#[utoipa::path(get, path = "/v1/beneficiaries",
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query), ("merchant" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<BeneficiaryObject>), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<BeneficiaryObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    if let Some(after) = &params.starting_after {
        state
            .payouts()
            .beneficiary(after, Some(&merchant))
            .await
            .map_err(|_| {
                ApiError::invalid(
                    "starting_after",
                    "resource_missing",
                    format!("no such beneficiary: '{after}'"),
                )
            })?;
    }
    let page = state
        .store()
        .beneficiaries(&merchant, params.limit, params.starting_after.as_deref())
        .await?;
    Ok(Json(ListResponse {
        data: page.items.iter().map(object).collect(),
        has_more: page.has_more,
    }))
}
