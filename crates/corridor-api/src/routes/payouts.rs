//! Payouts: priced (rail, fee, exchange, value date) and held on the
//! merchant's balance at creation; preview, get and list.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Json};
use corridor_services::payouts::{PayoutInput, PayoutPlan};
use corridor_store::{PayoutRecord, RefusalCode, WriteOp, WriteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::beneficiaries::{map_error, merchant_of, scope};
use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// `POST /v1/payouts` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePayout {
    /// Minor units of `currency` leaving the balance (the fee comes on top).
    /// Give this or `target_amount`.
    #[schema(minimum = 1)]
    pub amount: Option<i64>,
    /// The balance paid from (ISO 4217).
    pub currency: String,
    /// `ben_...`.
    pub beneficiary: String,
    /// Minor units of the beneficiary's currency that must arrive, instead of `amount`.
    #[schema(minimum = 1)]
    pub target_amount: Option<i64>,
    /// The beneficiary's currency, if the caller wants it checked.
    pub target_currency: Option<String>,
    /// A quote id from `POST /v1/fx/quotes` (selling `currency` for the
    /// beneficiary's), for a cross-currency payout: the payout pays exactly
    /// its amounts (omit `amount`, or give the quote's) and uses it up.
    /// Without it a quote is made on the fly with the shortest lock.
    pub quote: Option<String>,
    /// ISO 20022 purpose code; required for CNY and INR (`GDDS`, `SCVE`,
    /// `SUPP`, `SALA`, `TRAD`, `INTC`, `FAMI`, `OTHR`).
    #[schema(max_length = 4)]
    pub purpose_code: Option<String>,
    /// Shown to the beneficiary.
    #[schema(min_length = 1, max_length = 140)]
    pub reference: Option<String>,
    /// SWIFT charges: `sha` (shared, default) or `our` (sender pays all).
    pub charges: Option<String>,
}

/// The exchange of a cross-currency payout.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PayoutFx {
    /// The quote used, when the FX service issued one.
    #[schema(nullable)]
    pub quote: Option<String>,
    /// Units of the beneficiary's currency per unit of the balance's, spread included.
    pub rate: String,
    /// Sold (balance currency).
    pub sell_currency: String,
    /// Sold, minor units.
    pub sell_amount: i64,
    /// Bought (beneficiary currency).
    pub buy_currency: String,
    /// Bought, minor units.
    pub buy_amount: i64,
    /// Mid-market rate, same units (absent on payouts made before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid_rate: Option<String>,
    /// The quote's fee (its lock's price), balance minor units, included in the payout's `fee`.
    #[serde(default)]
    pub fee: i64,
    /// The spread the platform keeps, beneficiary-currency minor units.
    #[serde(default)]
    pub spread_amount: i64,
    /// Where the reference rate comes from (the FX service's rate source).
    pub source: String,
}

/// A payout.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutObject {
    /// `po_...`.
    pub id: String,
    /// Always `payout`.
    pub object: &'static str,
    /// `pending` (held, waiting for a batch), `in_transit` (in a file sent to
    /// the bank), `paid`, `failed` (rejected; released), `returned` (reversed).
    pub status: String,
    /// Minor units leaving the balance, without the fee.
    pub amount: i64,
    /// The balance's currency.
    pub currency: String,
    /// Fee, in `currency`: the rail's, plus the FX quote's own fee when exchanged.
    pub fee: i64,
    /// Minor units the beneficiary receives.
    pub target_amount: i64,
    /// The beneficiary's currency.
    pub target_currency: String,
    /// The exchange, when the currencies differ.
    #[schema(nullable)]
    pub fx: Option<PayoutFx>,
    /// `ben_...`.
    pub beneficiary: String,
    /// `sepa`, `local`, `swift_sha`, `swift_our`.
    pub rail: String,
    /// When the beneficiary is credited (`YYYY-MM-DD`).
    pub value_date: String,
    /// Purpose code.
    #[schema(nullable)]
    pub purpose_code: Option<String>,
    /// Reference.
    #[schema(nullable)]
    pub reference: Option<String>,
    /// SWIFT gpi UETR.
    pub uetr: String,
    /// ISO 20022 end-to-end id.
    pub end_to_end_id: String,
    /// The batch it is in.
    #[schema(nullable)]
    pub batch: Option<String>,
    /// The bank's reason code for a reject or return.
    #[schema(nullable)]
    pub failure_code: Option<String>,
    /// Creation time.
    pub created_at: String,
}

/// The payout's JSON object.
pub fn object(p: &PayoutRecord) -> PayoutObject {
    PayoutObject {
        id: p.id.clone(),
        object: "payout",
        status: p.status.clone(),
        amount: p.amount,
        currency: p.currency.code().into(),
        fee: p.fee,
        target_amount: p.target_amount,
        target_currency: p.target_currency.code().into(),
        fx: p.fx.as_deref().and_then(|f| serde_json::from_str(f).ok()),
        beneficiary: p.beneficiary_id.clone(),
        rail: p.rail.clone(),
        value_date: p.value_date.clone(),
        purpose_code: p.purpose_code.clone(),
        reference: p.reference.clone(),
        uetr: p.uetr.clone(),
        end_to_end_id: p.end_to_end_id.clone(),
        batch: p.batch_id.clone(),
        failure_code: p.failure_code.clone(),
        created_at: rfc3339(p.created_at),
    }
}

/// Adds a `payout.<status>` event (the payout's JSON) for every change the
/// predicate picks, so webhook endpoints hear of new payouts and of each
/// status a payout reaches.
pub fn add_events(
    write: &mut corridor_store::PayoutWrite,
    pick: impl Fn(&corridor_store::PayoutChange) -> bool,
) {
    for change in &mut write.changes {
        if !pick(change) {
            continue;
        }
        let kind = match (change.expected_version, change.payout.status.as_str()) {
            (None, _) => "payout.created".to_string(),
            (Some(_), status) => format!("payout.{status}"),
        };
        change.events.push(corridor_store::NewEvent {
            merchant_id: change.payout.merchant_id.clone(),
            kind,
            object: serde_json::to_string(&object(&change.payout)).unwrap_or_default(),
        });
    }
}

/// What a payout will cost and deliver.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayoutPreview {
    /// Always `payout_preview`.
    pub object: &'static str,
    /// Leaves the balance, without the fee.
    pub amount: i64,
    /// The balance's currency.
    pub currency: String,
    /// Fee, in `currency`.
    pub fee: i64,
    /// Amount plus fee: what the balance must cover.
    pub total: i64,
    /// Arrives.
    pub target_amount: i64,
    /// The beneficiary's currency.
    pub target_currency: String,
    /// The exchange.
    #[schema(nullable)]
    pub fx: Option<PayoutFx>,
    /// The rail.
    pub rail: String,
    /// When the beneficiary is credited.
    pub value_date: String,
}

fn input(merchant: String, b: &CreatePayout) -> PayoutInput {
    PayoutInput {
        merchant_id: merchant,
        amount: b.amount,
        currency: b.currency.clone(),
        target_amount: b.target_amount,
        target_currency: b.target_currency.clone(),
        beneficiary: b.beneficiary.clone(),
        quote: b.quote.clone(),
        purpose_code: b.purpose_code.clone(),
        reference: b.reference.clone(),
        charges: b.charges.clone(),
    }
}

fn preview(plan: &PayoutPlan) -> PayoutPreview {
    PayoutPreview {
        object: "payout_preview",
        amount: plan.amount.minor(),
        currency: plan.currency.code().into(),
        fee: plan.fee.minor(),
        total: plan.amount.minor().saturating_add(plan.fee.minor()),
        target_amount: plan.target_amount.minor(),
        target_currency: plan.target_currency.code().into(),
        fx: plan
            .fx
            .as_ref()
            .and_then(|q| serde_json::from_str(&corridor_services::payouts::fx_json(q)).ok()),
        rail: plan.rail.code().into(),
        value_date: plan.value_date.clone(),
    }
}

/// Prices a payout without making it: fee, exchange, what arrives, when.
/// Across currencies the exchange is an FX quote (one-minute lock) whose id
/// `POST /v1/payouts` accepts as `quote` to pay exactly these amounts.
#[utoipa::path(post, path = "/v1/payouts/preview", request_body = CreatePayout,
    responses((status = 200, body = PayoutPreview), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
pub async fn preview_payout(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreatePayout>,
) -> ApiResult<Json<PayoutPreview>> {
    let merchant = merchant_of(&caller)?;
    let now = state.store().clock().now();
    let plan = state
        .payouts()
        .plan(&input(merchant, &body), now)
        .await
        .map_err(map_error)?;
    Ok(Json(preview(&plan)))
}

/// Creates a payout: amount plus fee are held on the balance at once.
#[utoipa::path(post, path = "/v1/payouts", request_body = CreatePayout,
    responses((status = 201, body = PayoutObject), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody),
        (status = 402, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreatePayout>,
) -> ApiResult<Response> {
    let merchant = merchant_of(&caller)?;
    let service = state.payouts().clone();
    let now = state.store().clock().now();
    // The daily limit is checked against a total no concurrent payout of
    // this merchant changes until this one is written.
    let _serial = service.lock_merchant(&merchant).await;
    let plan = service
        .plan(&input(merchant.clone(), &body), now)
        .await
        .map_err(map_error)?;
    service
        .check_limits(&plan, &merchant, now)
        .await
        .map_err(map_error)?;
    let prepared = service
        .prepare_payout(plan, &merchant, now)
        .map_err(map_error)?;
    let record = prepared.record.clone();
    let quote_id = prepared.plan.fx.as_ref().and_then(|q| q.id.clone());
    let mut write = prepared.write;
    add_events(&mut write, |_| true);
    let render = Box::new(move |outcome: &WriteOutcome, _at| match outcome {
        WriteOutcome::Payouts(Ok(results)) => match results.first() {
            Some(Ok(receipt)) => {
                let mut r = record.clone();
                r.hold_id = receipt.and_then(|x| x.hold).map(|h| h.0);
                json_response(StatusCode::CREATED, &object(&r))
            }
            Some(Err(refusal)) if refusal.code == RefusalCode::INSUFFICIENT_FUNDS => {
                error_response(&ApiError::insufficient_funds(format!(
                    "the available {} balance cannot cover {} plus the fee of {} (minor units)",
                    record.currency, record.amount, record.fee
                )))
            }
            other => error_response(&ApiError::internal(format!("unexpected result {other:?}"))),
        },
        WriteOutcome::Payouts(Err(refusal)) => {
            let quote = quote_id.as_deref().unwrap_or("");
            error_response(&match refusal.code {
                RefusalCode::VersionConflict => ApiError::conflict(
                    "quote_used",
                    format!("quote {quote} was used by another payout or conversion"),
                ),
                RefusalCode::Expired => ApiError::conflict(
                    "quote_expired",
                    format!(
                        "quote {quote} expired before the payout was written; ask for a new one"
                    ),
                ),
                _ => ApiError::conflict(refusal.code.code(), refusal.message.clone()),
            })
        }
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    });
    submit(
        &state,
        idem.map(|e| e.0),
        WriteOp::Payouts(Box::new(write)),
        render,
    )
    .await
}

/// A payout.
#[utoipa::path(get, path = "/v1/payouts/{id}", params(("id" = String, Path)),
    responses((status = 200, body = PayoutObject), (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<PayoutObject>> {
    let p = state
        .payouts()
        .payout(&id, scope(&caller))
        .await
        .map_err(map_error)?;
    Ok(Json(object(&p)))
}

/// The merchant's payouts, newest first.
#[utoipa::path(get, path = "/v1/payouts",
    params(("limit" = Option<i64>, Query, minimum = 1, maximum = 100), ("starting_after" = Option<String>, Query), ("merchant" = Option<String>, Query)),
    responses((status = 200, body = ListResponse<PayoutObject>), (status = 400, body = crate::error::ErrorBody), (status = 401, body = crate::error::ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<PayoutObject>>> {
    let params = list_params(&query)?;
    let merchant = caller.merchant_scope(params.merchant.as_deref())?;
    if let Some(after) = &params.starting_after {
        state
            .payouts()
            .payout(after, Some(&merchant))
            .await
            .map_err(|_| {
                ApiError::invalid(
                    "starting_after",
                    "resource_missing",
                    format!("no such payout: '{after}'"),
                )
            })?;
    }
    let page = state
        .store()
        .payouts(&merchant, params.limit, params.starting_after.as_deref())
        .await?;
    Ok(Json(ListResponse {
        data: page.items.iter().map(object).collect(),
        has_more: page.has_more,
    }))
}
