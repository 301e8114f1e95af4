//! Balances and balance history.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Query, State};
use axum::Json;
use corridor_core::ledger::AccountKind;
use corridor_store::Owner;
use serde::Serialize;
use utoipa::ToSchema;

use super::{list_params, ListResponse};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::time_fmt::rfc3339;

/// Balances of one currency.
#[derive(Debug, Serialize, ToSchema, Default)]
pub struct CurrencyBalance {
    /// ISO 4217 code.
    pub currency: String,
    /// Spendable now: posted minus reserved.
    pub available: i64,
    /// Captured but not settled yet.
    pub pending: i64,
    /// Held by pending holds (payouts in flight, disputes).
    pub reserved: i64,
}

/// `GET /v1/balances` response.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalancesResponse {
    /// One entry per currency the merchant holds.
    pub balances: Vec<CurrencyBalance>,
}

/// One posting on a merchant's accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceTransaction {
    /// The ledger transaction, `txn_...`.
    pub id: String,
    /// Always `balance_transaction`.
    pub object: &'static str,
    /// Transaction type (`adjustment`, `payment`, ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// Signed amount in minor units (credit positive).
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Which balance it touched: `available` or `pending`.
    pub balance_type: &'static str,
    /// That balance's posted amount after this posting.
    pub balance_after: i64,
    /// The object that caused it.
    pub source_id: Option<String>,
    /// When it was written.
    pub created_at: String,
}

/// The caller's balances per currency.
#[utoipa::path(get, path = "/v1/balances", responses((status = 200, body = BalancesResponse)))]
pub async fn balances(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<BalancesResponse>> {
    list_params(&query)?;
    let merchant = scope(&state, &caller, &query).await?;
    let accounts = state.store().balances(&Owner::Merchant(merchant)).await?;
    let mut per_currency: BTreeMap<&str, CurrencyBalance> = BTreeMap::new();
    for a in &accounts {
        let entry = per_currency
            .entry(a.currency.code())
            .or_insert_with(|| CurrencyBalance {
                currency: a.currency.code().to_string(),
                ..Default::default()
            });
        match a.kind {
            AccountKind::MerchantAvailable => {
                entry.available = a
                    .posted
                    .checked_sub(a.held_out)
                    .ok_or_else(|| ApiError::internal("balance overflow"))?;
                entry.reserved = a.held_out;
            }
            AccountKind::MerchantPending => entry.pending = a.posted,
            _ => {}
        }
    }
    Ok(Json(BalancesResponse {
        balances: per_currency.into_values().collect(),
    }))
}

/// The caller's ledger history, newest first.
#[utoipa::path(get, path = "/v1/balance_transactions", responses((status = 200, body = ListResponse<BalanceTransaction>)))]
pub async fn balance_transactions(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<ListResponse<BalanceTransaction>>> {
    let params = list_params(&query)?;
    let merchant = scope(&state, &caller, &query).await?;
    let before = params
        .starting_after
        .as_deref()
        .map(|s| state.ids().parse_txn("starting_after", s))
        .transpose()?;
    let page = state
        .store()
        .history(&Owner::Merchant(merchant), params.limit, before)
        .await?;
    let data = page
        .items
        .into_iter()
        .map(|e| BalanceTransaction {
            id: state.ids().txn(e.txn),
            object: "balance_transaction",
            kind: e.kind,
            amount: e.amount,
            currency: e.currency.code().to_string(),
            balance_type: if e.account_kind == AccountKind::MerchantPending {
                "pending"
            } else {
                "available"
            },
            balance_after: e.balance_after,
            source_id: e.source_id,
            created_at: rfc3339(e.created_at),
        })
        .collect();
    Ok(Json(ListResponse {
        data,
        has_more: page.has_more,
    }))
}

/// The merchant a balance request is about, checked to exist.
async fn scope(
    state: &AppState,
    caller: &Caller,
    query: &HashMap<String, String>,
) -> ApiResult<String> {
    let merchant = caller.merchant_scope(query.get("merchant").map(String::as_str))?;
    if state.store().merchant(&merchant).await?.is_none() {
        return Err(ApiError::not_found("merchant", &merchant));
    }
    Ok(merchant)
}
