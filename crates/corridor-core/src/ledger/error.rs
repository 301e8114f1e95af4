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
    /// The kind of refusal, without its details.
    pub fn kind(&self) -> LedgerErrorKind {
        use LedgerErrorKind as K;
        match self {
            LedgerError::ExistsWithDifferentContent => K::ExistsWithDifferentContent,
            LedgerError::TooFewPostings => K::TooFewPostings,
            LedgerError::TooManyPostings => K::TooManyPostings,
            LedgerError::ZeroAmount => K::ZeroAmount,
            LedgerError::SameAccount => K::SameAccount,
            LedgerError::AccountNotFound(_) => K::AccountNotFound,
            LedgerError::CurrencyMismatch => K::CurrencyMismatch,
            LedgerError::Unbalanced(_) => K::Unbalanced,
            LedgerError::HoldNotFound(_) => K::HoldNotFound,
            LedgerError::HoldAlreadyPosted => K::HoldAlreadyPosted,
            LedgerError::HoldAlreadyVoided => K::HoldAlreadyVoided,
            LedgerError::HoldExpired => K::HoldExpired,
            LedgerError::HoldNotExpired => K::HoldNotExpired,
            LedgerError::ExceedsHold => K::ExceedsHold,
            LedgerError::ExceedsAvailable(_) => K::InsufficientFunds,
            LedgerError::Overflow => K::Overflow,
        }
    }

    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }
}

/// The kind of a [`LedgerError`]: what is stored with a failed client
/// reference and replayed to its retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LedgerErrorKind {
    /// See [`LedgerError::ExistsWithDifferentContent`].
    ExistsWithDifferentContent,
    /// See [`LedgerError::TooFewPostings`].
    TooFewPostings,
    /// See [`LedgerError::TooManyPostings`].
    TooManyPostings,
    /// See [`LedgerError::ZeroAmount`].
    ZeroAmount,
    /// See [`LedgerError::SameAccount`].
    SameAccount,
    /// See [`LedgerError::AccountNotFound`].
    AccountNotFound,
    /// See [`LedgerError::CurrencyMismatch`].
    CurrencyMismatch,
    /// See [`LedgerError::Unbalanced`].
    Unbalanced,
    /// See [`LedgerError::HoldNotFound`].
    HoldNotFound,
    /// See [`LedgerError::HoldAlreadyPosted`].
    HoldAlreadyPosted,
    /// See [`LedgerError::HoldAlreadyVoided`].
    HoldAlreadyVoided,
    /// See [`LedgerError::HoldExpired`].
    HoldExpired,
    /// See [`LedgerError::HoldNotExpired`].
    HoldNotExpired,
    /// See [`LedgerError::ExceedsHold`].
    ExceedsHold,
    /// See [`LedgerError::ExceedsAvailable`].
    InsufficientFunds,
    /// See [`LedgerError::Overflow`].
    Overflow,
}

impl LedgerErrorKind {
    /// Every kind, in precedence order.
    pub const ALL: [LedgerErrorKind; 16] = [
        LedgerErrorKind::ExistsWithDifferentContent,
        LedgerErrorKind::TooFewPostings,
        LedgerErrorKind::TooManyPostings,
        LedgerErrorKind::ZeroAmount,
        LedgerErrorKind::SameAccount,
        LedgerErrorKind::AccountNotFound,
        LedgerErrorKind::CurrencyMismatch,
        LedgerErrorKind::Unbalanced,
        LedgerErrorKind::HoldNotFound,
        LedgerErrorKind::HoldAlreadyPosted,
        LedgerErrorKind::HoldAlreadyVoided,
        LedgerErrorKind::HoldExpired,
        LedgerErrorKind::HoldNotExpired,
        LedgerErrorKind::ExceedsHold,
        LedgerErrorKind::InsufficientFunds,
        LedgerErrorKind::Overflow,
    ];

    /// A stable, machine-readable code, as stored.
    pub fn code(self) -> &'static str {
        use LedgerErrorKind as K;
        match self {
            K::ExistsWithDifferentContent => "exists_with_different_content",
            K::TooFewPostings => "too_few_postings",
            K::TooManyPostings => "too_many_postings",
            K::ZeroAmount => "zero_amount",
            K::SameAccount => "same_account",
            K::AccountNotFound => "account_not_found",
            K::CurrencyMismatch => "currency_mismatch",
            K::Unbalanced => "unbalanced_postings",
            K::HoldNotFound => "hold_not_found",
            K::HoldAlreadyPosted => "hold_already_posted",
            K::HoldAlreadyVoided => "hold_already_voided",
            K::HoldExpired => "hold_expired",
            K::HoldNotExpired => "hold_not_expired",
            K::ExceedsHold => "exceeds_hold",
            K::InsufficientFunds => "insufficient_funds",
            K::Overflow => "overflow",
        }
    }

    /// The kind with this stored code.
    pub fn parse(code: &str) -> Option<Self> {
        LedgerErrorKind::ALL.into_iter().find(|k| k.code() == code)
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
    /// Its outcome: a receipt, or the kind of error it failed with.
    pub outcome: Result<Receipt, LedgerErrorKind>,
}

impl Recorded {
    /// Answers a retry under the same client reference: the first outcome if
    /// the content is the same, otherwise `ExistsWithDifferentContent`.
    /// A failure is replayed as a failure: an id that failed stays failed.
    pub fn replay(
        &self,
        hash: super::ContentHash,
    ) -> Result<Result<Receipt, LedgerErrorKind>, LedgerError> {
        if self.hash == hash {
            Ok(self.outcome)
        } else {
            Err(LedgerError::ExistsWithDifferentContent)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LedgerErrorKind;

    #[test]
    fn kinds_round_trip_through_their_codes() {
        for k in LedgerErrorKind::ALL {
            assert_eq!(LedgerErrorKind::parse(k.code()), Some(k));
        }
        assert_eq!(LedgerErrorKind::parse("exceeds_available"), None);
    }
}
