//! Public ids: a type prefix and either a random part or the internal number.

use corridor_core::ledger::{AccountId, TxnId};
use rand::distr::{Alphanumeric, SampleString};

use crate::error::ApiError;

/// Random characters in a generated id.
const ID_RANDOM_CHARS: usize = 24;

/// A new merchant id.
pub fn new_merchant_id() -> String {
    format!(
        "mer_{}",
        Alphanumeric.sample_string(&mut rand::rng(), ID_RANDOM_CHARS)
    )
}

/// `txn_<n>`.
pub fn txn(id: TxnId) -> String {
    format!("txn_{}", id.0)
}

/// `acc_<n>`.
pub fn account(id: AccountId) -> String {
    format!("acc_{}", id.0)
}

/// Parses `txn_<n>` from a parameter.
pub fn parse_txn(param: &str, text: &str) -> Result<TxnId, ApiError> {
    text.strip_prefix("txn_")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .map(TxnId)
        .ok_or_else(|| {
            ApiError::invalid(
                param,
                "parameter_invalid",
                format!("'{text}' is not a transaction id (txn_...)"),
            )
        })
}
