//! Ledger verification.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::Json;
use corridor_core::ledger::Mismatch;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

/// Debits and credits of one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct Totals {
    /// Sum of debit postings, minor units.
    #[schema(value_type = i64)]
    pub debits: i128,
    /// Sum of credit postings, minor units.
    #[schema(value_type = i64)]
    pub credits: i128,
}

/// One inconsistency.
#[derive(Debug, Serialize, ToSchema)]
pub struct MismatchObject {
    /// `account_balance`, `negative_balance`, `currency_not_zero`,
    /// `transaction_unbalanced`, `log_differs` (the embedded store's log
    /// and its database disagree on a transaction), `history_differs` (the
    /// embedded store's account history does not list its postings).
    pub kind: &'static str,
    /// Account (`acc_...`) or transaction (`txn_...`) concerned.
    pub object: Option<String>,
    /// Currency concerned.
    pub currency: Option<String>,
    /// Human-readable detail.
    pub detail: String,
}

/// `GET /v1/ledger/verify` response.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResponse {
    /// True when every balance matches its postings and every currency sums to zero.
    pub balanced: bool,
    /// Totals per currency.
    pub currencies: BTreeMap<String, Totals>,
    /// Accounts recomputed.
    pub accounts_checked: usize,
    /// Every inconsistency found.
    pub mismatches: Vec<MismatchObject>,
    /// What the log comparison covered; `null` on PostgreSQL, which has
    /// no log.
    pub log: Option<LogCheckObject>,
}

fn mismatch(ids: &crate::ids::IdCodec, m: &Mismatch) -> MismatchObject {
    match m {
        Mismatch::AccountBalance {
            account,
            field,
            stored,
            recomputed,
        } => MismatchObject {
            kind: "account_balance",
            object: Some(ids.account(*account)),
            currency: None,
            detail: format!("{field}: stored {stored}, postings say {recomputed}"),
        },
        Mismatch::NegativeBalance { account, available } => MismatchObject {
            kind: "negative_balance",
            object: Some(ids.account(*account)),
            currency: None,
            detail: format!("available {available} on an account that forbids a negative balance"),
        },
        Mismatch::CurrencyNotZero { currency, net } => MismatchObject {
            kind: "currency_not_zero",
            object: None,
            currency: Some(currency.clone()),
            detail: format!("postings sum to {net}, not zero"),
        },
        Mismatch::TransactionUnbalanced { txn, currency, net } => MismatchObject {
            kind: "transaction_unbalanced",
            object: Some(ids.txn(*txn)),
            currency: Some(currency.clone()),
            detail: format!("postings sum to {net}, not zero"),
        },
        Mismatch::LogDiffers { txn, detail } => MismatchObject {
            kind: "log_differs",
            object: Some(ids.txn(*txn)),
            currency: None,
            detail: detail.clone(),
        },
        Mismatch::HistoryDiffers { detail } => MismatchObject {
            kind: "history_differs",
            object: None,
            currency: None,
            detail: detail.clone(),
        },
    }
}

/// The embedded store's log read on its own and compared with its database.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogCheckObject {
    /// Log records read.
    pub records: u64,
    /// Transactions they carry.
    pub transactions: u64,
    /// Postings compared with the database's.
    pub postings: u64,
}

/// Recomputes every balance from the postings (operators).
#[utoipa::path(get, path = "/v1/ledger/verify", responses((status = 200, body = VerifyResponse)))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<VerifyResponse>> {
    caller.require_operator()?;
    let report = state.store().verify().await?;
    Ok(Json(VerifyResponse {
        balanced: report.balanced,
        currencies: report
            .currencies
            .iter()
            .map(|(c, t)| {
                (
                    c.clone(),
                    Totals {
                        debits: t.debits,
                        credits: t.credits,
                    },
                )
            })
            .collect(),
        accounts_checked: report.accounts_checked,
        mismatches: report
            .mismatches
            .iter()
            .map(|m| mismatch(state.ids(), m))
            .collect(),
        log: report.log.map(|l| LogCheckObject {
            records: l.records,
            transactions: l.transactions,
            postings: l.postings,
        }),
    }))
}
