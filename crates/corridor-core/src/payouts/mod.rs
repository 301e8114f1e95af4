//! Payouts to bank accounts: account validation per country and currency
//! (IBAN registry, BIC, national bank codes and their check digits), rails
//! and their fees, purpose codes, and the payout state machine.

pub mod bank_account;
pub mod checks;
pub mod iban;
pub mod rails;
pub mod status;

pub use bank_account::{masked, validate, BankAccount, BankAccountInput, Scheme};
pub use rails::{choose_rail, purpose_required, ChargeBearer, Rail, PURPOSE_CODES};
pub use status::PayoutStatus;

/// Why bank details were refused: the field (as a JSON path), a stable
/// code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetailError {
    /// The request field, `bank_account.iban`, ...
    pub field: &'static str,
    /// Stable code: `iban_checksum_invalid`, `parameter_missing`, ...
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

impl DetailError {
    /// An error on `field`.
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        DetailError {
            field,
            code,
            message: message.into(),
        }
    }
}

/// The last four characters (all of a shorter text).
pub fn last_four(s: &str) -> &str {
    let start = s.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    &s[start..]
}
