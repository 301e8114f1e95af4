//! Payments: create, confirm, capture, cancel, get, list.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use corridor_core::payments::attempt::AttemptStatus;
use corridor_core::payments::method::MethodType;
use corridor_core::payments::status::PaymentStatus;
use corridor_services::payments::{
    Answer, CardInput, EncryptedCardInput, PaymentError, PaymentInput, PaymentService,
    PaymentSnapshot, RenderFn,
};
use corridor_store::{Principal, StoredResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, stored, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Longest description.
const MAX_DESCRIPTION_CHARS: usize = 1000;

/// The payment method in a request. `Debug` never shows the card number or CVC.
#[derive(Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentMethodBody {
    /// `card`, `alipay`, `konbini`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Card number.
    pub number: Option<String>,
    /// Card expiry month.
    pub exp_month: Option<i64>,
    /// Card expiry year.
    pub exp_year: Option<i64>,
    /// Card security code.
    pub cvc: Option<String>,
    /// Card number encrypted client-side for the provider (Adyen's
    /// `encryptedCardNumber`); with the encrypted expiry, instead of
    /// `number`, `exp_month`, `exp_year` and `cvc`.
    #[schema(max_length = 10000)]
    pub encrypted_card_number: Option<String>,
    /// Encrypted expiry month (Adyen's `encryptedExpiryMonth`).
    #[schema(max_length = 10000)]
    pub encrypted_expiry_month: Option<String>,
    /// Encrypted expiry year (Adyen's `encryptedExpiryYear`).
    #[schema(max_length = 10000)]
    pub encrypted_expiry_year: Option<String>,
    /// Encrypted security code (Adyen's `encryptedSecurityCode`).
    #[schema(max_length = 10000)]
    pub encrypted_security_code: Option<String>,
    /// IBAN (SEPA debit).
    pub iban: Option<String>,
    /// The bank account holder's name (SEPA debit; the mandate names the
    /// debtor). Defaults to `customer.name`.
    #[schema(max_length = 70)]
    pub owner_name: Option<String>,
    /// UPI address.
    pub vpa: Option<String>,
}

impl std::fmt::Debug for PaymentMethodBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |v: &Option<String>| v.as_ref().map(|_| "[redacted]");
        f.debug_struct("PaymentMethodBody")
            .field("kind", &self.kind)
            .field("number", &redacted(&self.number))
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .field("cvc", &redacted(&self.cvc))
            .field("iban", &redacted(&self.iban))
            .field("owner_name", &redacted(&self.owner_name))
            .field("vpa", &self.vpa)
            .finish()
    }
}

/// The buyer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerBody {
    /// Name.
    pub name: Option<String>,
    /// Email.
    pub email: Option<String>,
}

/// `POST /v1/payments` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": 4999, "currency": "USD", "country": "US", "confirm": true,
    "payment_method": {"type": "card", "number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"},
    "description": "Order 1001", "metadata": {"order": "1001"}}))]
pub struct CreatePayment {
    /// Minor units, at least 1; at most the operator's maximum for the
    /// currency (about USD 1,000,000 by default; 400 `amount_too_large`).
    #[schema(minimum = 1)]
    pub amount: i64,
    /// ISO 4217, any case.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub currency: String,
    /// Buyer's market (ISO 3166-1 alpha-2, any case).
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    /// How the buyer pays.
    #[serde(deserialize_with = "crate::json::object")]
    pub payment_method: PaymentMethodBody,
    /// `automatic` (default) or `manual`.
    pub capture_method: Option<String>,
    /// Confirm at once.
    pub confirm: Option<bool>,
    /// Description.
    #[schema(max_length = 1000)]
    pub description: Option<String>,
    /// The buyer.
    #[serde(default, deserialize_with = "crate::json::optional_object")]
    pub customer: Option<CustomerBody>,
    /// Free-form key-value pairs.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `POST /v1/payments/{id}/confirm` body (the method may be given here).
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfirmPayment {
    /// How the buyer pays.
    #[serde(default, deserialize_with = "crate::json::optional_object")]
    pub payment_method: Option<PaymentMethodBody>,
}

/// `POST /v1/payments/{id}/capture` body.
#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CapturePayment {
    /// At most the authorized amount; default all of it.
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
}

/// One attempt.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptObject {
    /// Connector.
    pub connector: String,
    /// Outcome.
    pub outcome: String,
    /// Decline or error code.
    pub code: Option<String>,
}

/// Card summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardObject {
    /// Network.
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Keyed fingerprint.
    pub fingerprint: String,
}

/// A payment.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentObject {
    /// `pay_...`.
    pub id: String,
    /// Always `payment`.
    pub object: &'static str,
    /// Status.
    pub status: String,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217.
    pub currency: String,
    /// Market.
    pub country: String,
    /// Method type.
    pub payment_method_type: String,
    /// `automatic` or `manual`.
    pub capture_method: String,
    /// Card summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<CardObject>,
    /// Connector of the current attempt.
    pub connector: Option<String>,
    /// Every attempt.
    pub attempts: Vec<AttemptObject>,
    /// Captured.
    pub amount_captured: i64,
    /// Refunded.
    pub amount_refunded: i64,
    /// Fee.
    pub fee: i64,
    /// What the buyer must do: `{type, url?, qr_code?, voucher_number?,
    /// barcode?, vpa?, expires_at?}` (`expires_at` RFC 3339); null when nothing.
    #[schema(value_type = Option<Object>)]
    pub next_action: Option<serde_json::Value>,
    /// Decline reason.
    pub decline_code: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Metadata; null when none was given.
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<serde_json::Value>,
    /// Creation time.
    pub created_at: String,
    /// When the captured funds become available to the merchant (the
    /// method's settlement delay); null until captured.
    #[schema(nullable)]
    pub available_on: Option<String>,
    /// Card payments: the 3-D Secure outcome.
    #[schema(nullable)]
    pub three_d_secure: Option<ThreeDSecureObject>,
}

/// A card payment's 3-D Secure outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThreeDSecureObject {
    /// The market's rules required strong customer authentication (after exemptions).
    pub required: bool,
    /// `authenticated`, `attempted`, `failed` or `not_performed`.
    pub result: String,
    /// `frictionless` or `challenge`; null when no authentication ran.
    #[schema(nullable)]
    pub flow: Option<String>,
    /// Fraud liability moved to the issuer.
    pub liability_shift: bool,
    /// The PSD2 exemption that spared an EEA or UK payment SCA (`low_value`).
    #[schema(nullable)]
    pub exemption: Option<String>,
}

/// The payment's JSON object.
pub fn object(s: &PaymentSnapshot) -> PaymentObject {
    let p = &s.payment;
    PaymentObject {
        id: p.id.clone(),
        object: "payment",
        status: p.status.code().to_string(),
        amount: p.amount,
        currency: p.currency.code().to_string(),
        country: p.country.clone(),
        payment_method_type: p.method_type.code().to_string(),
        capture_method: p.capture_method.code().to_string(),
        card: p.card.as_ref().map(|c| CardObject {
            brand: c.brand.clone(),
            last4: c.last4.clone(),
            fingerprint: c.fingerprint.clone(),
        }),
        connector: p.connector.clone(),
        attempts: attempts(s),
        amount_captured: p.amount_captured,
        amount_refunded: p.amount_refunded,
        fee: p.fee,
        next_action: p.next_action.as_deref().and_then(next_action),
        decline_code: p.decline_code.clone(),
        description: p.description.clone(),
        metadata: p
            .metadata
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok()),
        created_at: rfc3339(p.created_at),
        available_on: p.settle_at.map(rfc3339),
        three_d_secure: corridor_services::after_sales::three_ds::assess(p, &s.attempts).map(|a| {
            ThreeDSecureObject {
                required: a.outcome.required,
                result: a.outcome.result.code().to_string(),
                flow: a.outcome.flow.map(|f| f.code().to_string()),
                liability_shift: a.outcome.liability_shift,
                exemption: a.exemption.map(str::to_string),
            }
        }),
    }
}

/// The attempts, the last one showing how it finally ended: an attempt that
/// answered `requires_action` or `pending` ends when the buyer acts or the
/// provider reports, which the payment's status records.
fn attempts(s: &PaymentSnapshot) -> Vec<AttemptObject> {
    let last = s.attempts.len().saturating_sub(1);
    s.attempts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let waiting = matches!(
                a.outcome,
                AttemptStatus::RequiresAction | AttemptStatus::Pending | AttemptStatus::Unknown
            );
            let settled = match s.payment.status {
                PaymentStatus::RequiresCapture => Some((AttemptStatus::Authorized, None)),
                PaymentStatus::Succeeded => Some((AttemptStatus::Captured, None)),
                PaymentStatus::Failed => {
                    Some((AttemptStatus::Declined, s.payment.decline_code.clone()))
                }
                PaymentStatus::Canceled => Some((AttemptStatus::Canceled, None)),
                PaymentStatus::RequiresPaymentMethod
                | PaymentStatus::RequiresAction
                | PaymentStatus::Processing => None,
            };
            match settled {
                Some((outcome, code)) if waiting && i == last => AttemptObject {
                    connector: a.connector.clone(),
                    outcome: outcome.code().to_string(),
                    code,
                },
                _ => AttemptObject {
                    connector: a.connector.clone(),
                    outcome: a.outcome.code().to_string(),
                    code: a.code.clone(),
                },
            }
        })
        .collect()
}

/// The stored next action, with its expiry as an RFC 3339 `expires_at`.
fn next_action(text: &str) -> Option<serde_json::Value> {
    let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
    if let Some(obj) = value.as_object_mut() {
        if let Some(seconds) = obj.remove("expires_at_unix").and_then(|v| v.as_i64()) {
            let at = corridor_core::Timestamp::from_unix_micros(seconds.saturating_mul(1_000_000));
            obj.insert("expires_at".into(), rfc3339(at).into());
        }
    }
    Some(value)
}

/// Renders a payment for events (`200` with the object).
pub fn event_render() -> RenderFn {
    Arc::new(|s: &PaymentSnapshot| json_response(StatusCode::OK, &object(s)))
}

/// Renders the HTTP answer of an operation: the payment, or the decline.
fn http_render(success: StatusCode) -> RenderFn {
    Arc::new(move |s: &PaymentSnapshot| {
        if s.payment.status == PaymentStatus::Failed {
            let code = s
                .payment
                .decline_code
                .clone()
                .unwrap_or_else(|| "declined".into());
            error_response(&ApiError::declined(&code, &s.payment.id))
        } else {
            json_response(success, &object(s))
        }
    })
}

fn service(state: &AppState) -> ApiResult<&PaymentService> {
    state
        .payments()
        .filter(|service| service.has_connectors())
        .ok_or_else(|| {
            ApiError::invalid(
                "payment_method.type",
                "no_connector_available",
                "no payment connector is configured on this server: outside sandbox mode only real connectors take payments, and none is set up",
            )
        })
}

fn merchant_of(caller: &Caller) -> ApiResult<String> {
    match &caller.principal {
        Principal::Merchant(id) => Ok(id.clone()),
        Principal::Operator => Err(ApiError::forbidden(
            "payments are made with the merchant's key",
        )),
    }
}

fn scope(caller: &Caller) -> Option<&str> {
    match &caller.principal {
        Principal::Merchant(id) => Some(id),
        Principal::Operator => None,
    }
}

pub(crate) fn map_error(e: PaymentError) -> ApiError {
    match e {
        PaymentError::Invalid {
            param,
            code,
            message,
        } => ApiError::invalid(&param, code, message),
        PaymentError::Blocked { code, message } => ApiError::compliance(code, message),
        PaymentError::NotFound(id) => ApiError::not_found("payment", &id),
        PaymentError::State { code, message } => ApiError::conflict(code, message),
        PaymentError::Declined { payment, code } => ApiError::declined(&code, &payment.payment.id),
        PaymentError::Unavailable(message) => ApiError::unavailable(message),
        PaymentError::IdempotencyReused => ApiError::idempotency_reused(),
        PaymentError::Store(e) => ApiError::internal(e),
    }
}

fn answer(result: Result<Answer, PaymentError>, render: &RenderFn) -> ApiResult<Response> {
    match result.map_err(map_error)? {
        // Rendered already when the operation completed the request's key.
        Answer::Payment(_, Some(response)) => Ok(stored(response)),
        Answer::Payment(s, None) => Ok(stored(render(&s))),
        Answer::Replayed(r) => Ok(replayed(r)),
    }
}

fn replayed(r: StoredResponse) -> Response {
    let mut response = stored(r);
    response.headers_mut().insert(
        "idempotent-replayed",
        axum::http::HeaderValue::from_static("true"),
    );
    response
}

/// A JSON body that may be absent (an empty body means all defaults).
fn optional_body<T: Default + serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        crate::json::parse(bytes)
    }
}

fn input(merchant: String, body: &CreatePayment) -> ApiResult<PaymentInput> {
    if body
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION_CHARS)
    {
        return Err(ApiError::invalid(
            "description",
            "parameter_invalid",
            format!("at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    let m = &body.payment_method;
    let encrypted_card = EncryptedCardInput {
        number: m.encrypted_card_number.clone(),
        expiry_month: m.encrypted_expiry_month.clone(),
        expiry_year: m.encrypted_expiry_year.clone(),
        security_code: m.encrypted_security_code.clone(),
    };
    let raw =
        m.number.is_some() || m.exp_month.is_some() || m.exp_year.is_some() || m.cvc.is_some();
    let card = (m.kind == "card" && (raw || encrypted_card.number.is_none())).then(|| CardInput {
        number: m.number.clone().unwrap_or_default(),
        exp_month: m.exp_month.unwrap_or(0),
        exp_year: m.exp_year.unwrap_or(0),
        cvc: m.cvc.clone().unwrap_or_default(),
    });
    Ok(PaymentInput {
        merchant_id: merchant,
        amount: body.amount,
        currency: body.currency.clone(),
        country: body.country.clone(),
        method_type: m.kind.clone(),
        card,
        encrypted_card,
        iban: m.iban.clone(),
        owner_name: owner_name(body),
        vpa: m.vpa.clone(),
        capture_method: body.capture_method.clone(),
        confirm: body.confirm.unwrap_or(false),
        description: body.description.clone(),
        metadata: body
            .metadata
            .as_ref()
            .map(|m| serde_json::Value::Object(m.clone()).to_string()),
        customer_email: body.customer.as_ref().and_then(|c| c.email.clone()),
    })
}

/// Creates (and with `confirm`, confirms) a payment.
#[utoipa::path(post, path = "/v1/payments", request_body = CreatePayment,
    responses((status = 201, body = PaymentObject), (status = 400, body = crate::error::ErrorBody), (status = 402, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreatePayment>,
) -> ApiResult<Response> {
    let merchant = merchant_of(&caller)?;
    state
        .policy()
        .check_amount("amount", body.amount, &body.currency)?;
    let service = service(&state)?;
    let payment_input = input(merchant.clone(), &body)?;
    if body.amount > 0 {
        crate::policy::check_headroom(
            state.store(),
            &merchant,
            "amount",
            body.amount,
            &body.currency,
        )
        .await?;
    }
    let render = http_render(StatusCode::CREATED);
    let reply = idem.map(|e| e.0.reply(render.clone()));
    let result = service.create(payment_input, reply).await;
    if let Ok(Answer::Payment(created, _)) = &result {
        if created.payment.status == PaymentStatus::RequiresPaymentMethod {
            // Kept with the holder's name it was given, so a bare confirm
            // names the same debtor.
            let mut method = body.payment_method.clone();
            method.owner_name = owner_name(&body);
            state
                .card_vault()
                .keep(&merchant, &created.payment.id, method);
        }
    }
    answer(result, &render)
}

/// A payment.
#[utoipa::path(get, path = "/v1/payments/{id}", params(("id" = String, Path)), responses((status = 200, body = PaymentObject), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PaymentObject>> {
    let payment = state
        .store()
        .payment(&id)
        .await?
        .filter(|p| scope(&caller).is_none_or(|m| m == p.merchant_id))
        .ok_or_else(|| ApiError::not_found("payment", &id))?;
    let attempts = state.store().payment_attempts(&id).await?;
    Ok(Json(object(&PaymentSnapshot { payment, attempts })))
}

/// The merchant's payments, newest first.
#[utoipa::path(get, path = "/v1/payments", responses((status = 200, body = ListResponse<PaymentObject>)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<PaymentObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    if state.store().merchant(&merchant).await?.is_none() {
        return Err(ApiError::not_found("merchant", &merchant));
    }
    if let Some(after) = &params.starting_after {
        let owned = state
            .store()
            .payment(after)
            .await?
            .is_some_and(|p| p.merchant_id == merchant);
        if !owned {
            return Err(ApiError::invalid(
                "starting_after",
                "resource_missing",
                format!("no such payment: '{after}'"),
            ));
        }
    }
    let page = state
        .store()
        .payments(&merchant, params.limit, params.starting_after.as_deref())
        .await?;
    // The page's attempts in one query, not one per payment.
    let ids: Vec<String> = page.items.iter().map(|p| p.id.clone()).collect();
    let mut attempts = state.store().attempts_of_payments(&ids).await?;
    let data = page
        .items
        .into_iter()
        .map(|payment| {
            let attempts = attempts.remove(&payment.id).unwrap_or_default();
            object(&PaymentSnapshot { payment, attempts })
        })
        .collect();
    Ok(Json(ListResponse {
        data,
        has_more: page.has_more,
    }))
}

/// Confirms a payment.
#[utoipa::path(post, path = "/v1/payments/{id}/confirm", params(("id" = String, Path)), request_body = ConfirmPayment, responses((status = 200, body = PaymentObject), (status = 402, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    crate::json::RawBody(body): crate::json::RawBody,
) -> ApiResult<Response> {
    let merchant = merchant_of(&caller)?;
    let service = service(&state)?;
    let current = service.get(&id, Some(&merchant)).await.map_err(map_error)?;
    let p = &current.payment;
    let body: ConfirmPayment = optional_body(&body)?;
    let method = match body.payment_method {
        Some(method) => method,
        None => stored_method(&state, &merchant, p)?,
    };
    let request = CreatePayment {
        amount: p.amount,
        currency: p.currency.code().to_string(),
        country: p.country.clone(),
        payment_method: method,
        capture_method: Some(p.capture_method.code().to_string()),
        confirm: Some(true),
        description: None,
        customer: None,
        metadata: None,
    };
    let render = http_render(StatusCode::OK);
    let reply = idem.map(|e| e.0.reply(render.clone()));
    let result = service
        .confirm(
            &id,
            Some(&merchant),
            input(merchant.clone(), &request)?,
            reply,
        )
        .await;
    if matches!(result, Ok(_) | Err(PaymentError::Declined { .. })) {
        state.card_vault().forget(&merchant, &id);
    }
    answer(result, &render)
}

/// The method a bare confirm uses: the one kept since creation, or for a
/// method that needs no details, its type alone.
fn stored_method(
    state: &AppState,
    merchant: &str,
    payment: &corridor_store::PaymentRecord,
) -> ApiResult<PaymentMethodBody> {
    if let Some(kept) = state.card_vault().get(merchant, &payment.id) {
        return Ok(kept);
    }
    if matches!(
        payment.method_type,
        MethodType::Card | MethodType::SepaDebit | MethodType::Upi
    ) {
        return Err(ApiError::invalid(
            "payment_method",
            "payment_method_required",
            format!(
                "this {} payment's details are no longer held (they are kept in memory only, for {} minutes after creation, and never stored): send payment_method again to confirm",
                payment.method_type,
                crate::card_vault::VAULT_TTL.as_secs() / 60
            ),
        ));
    }
    Ok(PaymentMethodBody {
        kind: payment.method_type.code().to_string(),
        number: None,
        exp_month: None,
        exp_year: None,
        cvc: None,
        encrypted_card_number: None,
        encrypted_expiry_month: None,
        encrypted_expiry_year: None,
        encrypted_security_code: None,
        iban: None,
        owner_name: None,
        vpa: None,
    })
}

/// The SEPA account holder's name: the method's own, else the buyer's.
fn owner_name(body: &CreatePayment) -> Option<String> {
    body.payment_method
        .owner_name
        .clone()
        .or_else(|| body.customer.as_ref().and_then(|c| c.name.clone()))
}

/// Captures an authorized payment.
#[utoipa::path(post, path = "/v1/payments/{id}/capture", params(("id" = String, Path)), request_body = CapturePayment, responses((status = 200, body = PaymentObject), (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn capture(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    crate::json::RawBody(body): crate::json::RawBody,
) -> ApiResult<Response> {
    let merchant = merchant_of(&caller)?;
    let render = http_render(StatusCode::OK);
    let reply = idem.map(|e| e.0.reply(render.clone()));
    let amount = optional_body::<CapturePayment>(&body)?.amount;
    // The body is checked before the payment's state: a bad amount is a bad
    // request whatever the payment is doing.
    if amount.is_some_and(|a| a < 1) {
        return Err(ApiError::invalid(
            "amount",
            "amount_invalid",
            "the amount to capture is a positive integer in minor units",
        ));
    }
    answer(
        service(&state)?
            .capture(&id, Some(&merchant), amount, reply)
            .await,
        &render,
    )
}

/// Cancels a payment that is not captured.
#[utoipa::path(post, path = "/v1/payments/{id}/cancel", params(("id" = String, Path)), responses((status = 200, body = PaymentObject), (status = 409, body = crate::error::ErrorBody)))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
) -> ApiResult<Response> {
    let merchant = merchant_of(&caller)?;
    let render = http_render(StatusCode::OK);
    let reply = idem.map(|e| e.0.reply(render.clone()));
    answer(
        service(&state)?.cancel(&id, Some(&merchant), reply).await,
        &render,
    )
}

/// Sandbox: the buyer completes the pending action.
#[utoipa::path(post, path = "/v1/test_helpers/payments/{id}/complete", params(("id" = String, Path)), responses((status = 200, body = PaymentObject)))]
pub async fn complete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let service = service(&state)?;
    service.get(&id, scope(&caller)).await.map_err(map_error)?;
    let render = http_render(StatusCode::OK);
    match service.complete_action(&id).await {
        Err(PaymentError::Declined { payment, .. }) => {
            Ok((StatusCode::OK, Json(object(&payment))).into_response())
        }
        other => answer(other, &render),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_card_data() {
        let body: CreatePayment = crate::json::parse(
            br#"{"amount": 100, "currency": "USD", "country": "US",
                "payment_method": {"type": "card", "number": "4242424242424242",
                "exp_month": 12, "exp_year": 2030, "cvc": "737"}}"#,
        )
        .unwrap();
        let printed = format!("{body:?}");
        assert!(
            !printed.contains("4242") && !printed.contains("737"),
            "{printed}"
        );
        let input = input("mer_1".into(), &body).unwrap();
        let printed = format!("{input:?}");
        assert!(
            !printed.contains("4242") && !printed.contains("737"),
            "{printed}"
        );
    }
}
