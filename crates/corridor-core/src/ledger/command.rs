//! What can be asked of the ledger.

use super::AccountId;
use crate::{Amount, Currency, Timestamp};

/// The most postings one transaction may carry.
pub const MAX_POSTINGS_PER_TRANSACTION: usize = 64;

/// Internal numeric id of a ledger transaction (public form: `txn_<n>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TxnId(pub i64);

/// Internal numeric id of a hold (a pending transfer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HoldId(pub i64);

/// Which side of an account a posting touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Lowers a credit-normal balance.
    Debit,
    /// Raises a credit-normal balance.
    Credit,
}

/// One line of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    /// The account touched.
    pub account: AccountId,
    /// Debit or credit.
    pub side: Side,
    /// How much, in the account's currency. Must be positive.
    pub amount: Amount,
}

impl Posting {
    /// The posting as a signed change to a credit-normal balance.
    pub fn signed(&self) -> i64 {
        match self.side {
            Side::Credit => self.amount.minor(),
            // An Amount is never negative, so its negation always fits.
            Side::Debit => -self.amount.minor(),
        }
    }
}

/// A money movement or hold operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerCommand {
    /// Post a balanced set of postings at once.
    Transfer {
        /// Two or more postings that balance per currency.
        postings: Vec<Posting>,
    },
    /// Reserve `amount` on `debit` for `credit`, until `expires_at`.
    CreateHold {
        /// Id allocated by the writer.
        id: HoldId,
        /// The account whose money is reserved.
        debit: AccountId,
        /// The account that will receive it when posted.
        credit: AccountId,
        /// How much is reserved.
        amount: Amount,
        /// After this instant the hold can only expire.
        expires_at: Timestamp,
    },
    /// Post a pending hold, in full (`amount: None`) or in part; the rest is released.
    PostHold {
        /// The hold.
        id: HoldId,
        /// How much to post; at most the hold's amount.
        amount: Option<Amount>,
    },
    /// Release a pending hold without moving money.
    VoidHold {
        /// The hold.
        id: HoldId,
    },
    /// Release a pending hold whose time has passed.
    ExpireHold {
        /// The hold.
        id: HoldId,
    },
}

/// What a transaction is and where it came from, for history and audit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TxnMeta {
    /// A short machine-readable type (`adjustment`, `payment`, ...).
    pub kind: String,
    /// The id of the object that caused it (`pay_...`), if any.
    pub source_id: Option<String>,
    /// Free text for operators.
    pub description: Option<String>,
}

/// A digest of a request's content, for idempotency comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ContentHash(pub [u8; 16]);

/// Where a hold stands. Each hold leaves `Pending` exactly once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldStatus {
    /// Money is reserved.
    Pending,
    /// Posted for this amount (the rest, if any, released).
    Posted(Amount),
    /// Released by request.
    Voided,
    /// Released because its time passed.
    Expired,
}

impl HoldStatus {
    /// Stable storage code.
    pub fn code(self) -> &'static str {
        match self {
            HoldStatus::Pending => "pending",
            HoldStatus::Posted(_) => "posted",
            HoldStatus::Voided => "voided",
            HoldStatus::Expired => "expired",
        }
    }
}

/// A hold as the writer holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldState {
    /// Its id.
    pub id: HoldId,
    /// Account whose money is reserved.
    pub debit: AccountId,
    /// Account that receives it when posted.
    pub credit: AccountId,
    /// Reserved amount.
    pub amount: Amount,
    /// Currency of both accounts.
    pub currency: Currency,
    /// When it stops being postable.
    pub expires_at: Timestamp,
    /// Where it stands.
    pub status: HoldStatus,
}
