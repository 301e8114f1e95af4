//! Manual adjustments: move money between a merchant's available balance and
//! the platform's adjustment account.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use corridor_core::ledger::{AccountKind, Side, TxnMeta};
use corridor_core::{Amount, Currency};
use corridor_store::{
    AccountKey, LedgerOp, LedgerWrite, Owner, RefusalCode, TransferLeg, WriteOp, WriteOutcome,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{error_response, json_response, submit, IdempotencyContext};
use crate::json::ApiJson;
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Longest reason.
const MAX_REASON_CHARS: usize = 500;

/// Which way an adjustment moves money.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Into the merchant's available balance.
    Credit,
    /// Out of it (refused if the balance can't cover it).
    Debit,
}

/// `POST /v1/merchants/{id}/adjustments` body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": 125000, "currency": "USD", "direction": "credit", "reason": "Amazon US settlement"}))]
pub struct CreateAdjustment {
    /// Positive integer in the currency's minor unit, at most the
    /// operator's maximum for the currency (400 `amount_too_large`).
    #[schema(minimum = 1)]
    pub amount: i64,
    /// ISO 4217 code, any case.
    #[schema(pattern = "^[A-Za-z]{3}$")]
    pub currency: String,
    /// `credit` or `debit`.
    pub direction: Direction,
    /// Why (kept in the ledger), 1-500 characters.
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// A ledger transaction created by an adjustment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerTransactionObject {
    /// `txn_...`.
    pub id: String,
    /// Always `ledger_transaction`.
    pub object: &'static str,
    /// Transaction type: `adjustment`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The merchant.
    pub merchant: String,
    /// `credit` or `debit`.
    pub direction: Direction,
    /// Minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The reason given.
    pub reason: String,
    /// When it was written.
    pub created_at: String,
}

struct Valid {
    amount: Amount,
    currency: Currency,
    reason: String,
}

fn validate(body: &CreateAdjustment) -> ApiResult<Valid> {
    let amount = Amount::positive(body.amount).map_err(|_| {
        ApiError::invalid(
            "amount",
            "amount_invalid",
            "amount must be a positive integer in minor units",
        )
    })?;
    let currency = Currency::parse(&body.currency)
        .map_err(|e| ApiError::invalid("currency", "currency_invalid", e.to_string()))?;
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::invalid(
            "reason",
            "parameter_invalid",
            format!("reason must be 1-{MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(Valid {
        amount,
        currency,
        reason: reason.to_string(),
    })
}

fn legs(merchant: &str, v: &Valid, direction: Direction) -> Vec<TransferLeg> {
    let merchant_account = AccountKey {
        owner: Owner::Merchant(merchant.to_string()),
        currency: v.currency,
        kind: AccountKind::MerchantAvailable,
    };
    let platform = AccountKey {
        owner: Owner::PlatformFor(merchant.to_string()),
        currency: v.currency,
        kind: AccountKind::PlatformAdjustments,
    };
    let (from, to) = match direction {
        Direction::Credit => (platform, merchant_account),
        Direction::Debit => (merchant_account, platform),
    };
    vec![
        TransferLeg {
            account: from,
            side: Side::Debit,
            amount: v.amount,
        },
        TransferLeg {
            account: to,
            side: Side::Credit,
            amount: v.amount,
        },
    ]
}

/// Credits or debits a merchant's available balance (operators).
#[utoipa::path(post, path = "/v1/merchants/{id}/adjustments", request_body = CreateAdjustment, params(("id" = String, Path)),
    responses((status = 201, body = LedgerTransactionObject), (status = 400, body = crate::error::ErrorBody),
        (status = 402, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(merchant): Path<String>,
    idem: Option<Extension<IdempotencyContext>>,
    ApiJson(body): ApiJson<CreateAdjustment>,
) -> ApiResult<Response> {
    caller.require_operator()?;
    let valid = validate(&body)?;
    state
        .policy()
        .check_amount("amount", body.amount, &body.currency)?;
    if state.store().merchant(&merchant).await?.is_none() {
        return Err(ApiError::not_found("merchant", &merchant));
    }
    crate::policy::check_headroom(
        state.store(),
        &merchant,
        "amount",
        body.amount,
        &body.currency,
    )
    .await?;
    let ids = state.ids().clone();
    let write = LedgerWrite {
        client_ref: None,
        op: LedgerOp::Transfer(legs(&merchant, &valid, body.direction)),
        meta: TxnMeta {
            kind: "adjustment".into(),
            source_id: None,
            description: Some(valid.reason.clone()),
        },
    };
    let direction = body.direction;
    let audit = crate::audit::entry(
        &caller,
        "merchant.adjusted",
        &merchant,
        serde_json::json!({
            "direction": direction, "amount": valid.amount.minor(),
            "currency": valid.currency.code(), "reason": valid.reason,
        }),
    );
    let render = Box::new(move |outcome: &WriteOutcome, at| {
        match outcome {
        WriteOutcome::Ledger(Ok(receipt)) => json_response(
            StatusCode::CREATED,
            &LedgerTransactionObject {
                id: receipt.txn.map(|t| ids.txn(t)).unwrap_or_default(),
                object: "ledger_transaction",
                kind: "adjustment",
                merchant: merchant.clone(),
                direction,
                amount: valid.amount.minor(),
                currency: valid.currency.code().to_string(),
                reason: valid.reason.clone(),
                created_at: rfc3339(at),
            },
        ),
        WriteOutcome::Ledger(Err(refusal)) if refusal.code == RefusalCode::INSUFFICIENT_FUNDS => {
            error_response(&ApiError::insufficient_funds(format!(
                "the merchant's available {} balance cannot cover this debit",
                valid.currency
            )))
        }
        WriteOutcome::Ledger(Err(refusal)) if refusal.code == RefusalCode::OVERFLOW => {
            error_response(&ApiError::invalid(
                "amount",
                "amount_too_large",
                format!(
                    "this adjustment would take the merchant's {} balance beyond the ledger's 64-bit range",
                    valid.currency
                ),
            ))
        }
        other => error_response(&ApiError::internal(format!("unexpected outcome {other:?}"))),
    }
    });
    let op = WriteOp::Ledger(write).audited(vec![audit]);
    submit(&state, idem.map(|e| e.0), op, render).await
}
