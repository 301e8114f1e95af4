//! Ledger outcomes as data.

use super::{AccountId, HoldId, TxnId};

/// Why the ledger refused a request. Variants are listed in the order they
/// are checked, so a request with several faults reports the first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The client reference was used before with different content.
    #[error("the client reference was already used with different content")]
    ExistsWithDifferentContent,
    /// Fewer than two postings.
    #[error("a transaction needs at least two postings")]
    TooFewPostings,
    /// More than [`super::MAX_POSTINGS_PER_TRANSACTION`] postings.
    #[error("a transaction may have at most 64 postings")]
    TooManyPostings,
    /// A posting or hold of zero.
    #[error("amounts must be greater than zero")]
    ZeroAmount,
    /// A hold between an account and itself.
    #[error("debit and credit accounts must differ")]
    SameAccount,
    /// An account that does not exist.
    #[error("account {0:?} does not exist")]
    AccountNotFound(AccountId),
    /// Accounts of different currencies in one hold.
    #[error("accounts are in different currencies")]
    CurrencyMismatch,
    /// Postings don't sum to zero in some currency.
    #[error("postings do not balance in {0}")]
    Unbalanced(&'static str),
    /// A hold that does not exist.
    #[error("hold {0:?} does not exist")]
    HoldNotFound(HoldId),
    /// The hold was posted already.
    #[error("the hold was already posted")]
    HoldAlreadyPosted,
    /// The hold was voided already.
    #[error("the hold was already voided")]
    HoldAlreadyVoided,
    /// The hold expired.
    #[error("the hold has expired")]
    HoldExpired,
    /// Asked to expire a hold whose time has not come.
    #[error("the hold has not reached its expiry")]
    HoldNotExpired,
    /// Posting more than the hold reserved.
    #[error("the amount exceeds the hold")]
    ExceedsHold,
    /// The debit would take an account that forbids it below zero.
    #[error("insufficient available balance on account {0:?}")]
    ExceedsAvailable(AccountId),
    /// A balance would leave the 64-bit range.
    #[error("a balance would overflow")]
    Overflow,
}

impl LedgerError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::ExistsWithDifferentContent => "exists_with_different_content",
            LedgerError::TooFewPostings => "too_few_postings",
            LedgerError::TooManyPostings => "too_many_postings",
            LedgerError::ZeroAmount => "zero_amount",
            LedgerError::SameAccount => "same_account",
            LedgerError::AccountNotFound(_) => "account_not_found",
            LedgerError::CurrencyMismatch => "currency_mismatch",
            LedgerError::Unbalanced(_) => "unbalanced_postings",
            LedgerError::HoldNotFound(_) => "hold_not_found",
            LedgerError::HoldAlreadyPosted => "hold_already_posted",
            LedgerError::HoldAlreadyVoided => "hold_already_voided",
            LedgerError::HoldExpired => "hold_expired",
            LedgerError::HoldNotExpired => "hold_not_expired",
            LedgerError::ExceedsHold => "exceeds_hold",
            LedgerError::ExceedsAvailable(_) => "insufficient_funds",
            LedgerError::Overflow => "overflow",
        }
    }
}

/// What a successful request produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction written, if the request posted money.
    pub txn: Option<TxnId>,
    /// The hold created or resolved, if any.
    pub hold: Option<HoldId>,
}

/// The first outcome recorded under a client reference, replayed to retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// Digest of the first request's content.
    pub hash: super::ContentHash,
    /// Its outcome: a receipt, or the code of the error it failed with.
    pub outcome: Result<Receipt, String>,
}

impl Recorded {
    /// Answers a retry under the same client reference: the first outcome if
    /// the content is the same, otherwise `ExistsWithDifferentContent`.
    /// A failure is replayed as a failure: an id that failed stays failed.
    pub fn replay(&self, hash: super::ContentHash) -> Result<Result<Receipt, String>, LedgerError> {
        if self.hash == hash {
            Ok(self.outcome.clone())
        } else {
            Err(LedgerError::ExistsWithDifferentContent)
        }
    }
}
