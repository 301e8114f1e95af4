//! The rows the store reads and writes. These are storage types, owned by
//! this crate; the API converts them to its own JSON types.

use corridor_core::ledger::{AccountKind, HoldId, Side, TxnId, TxnMeta};
use corridor_core::{Amount, Currency, Timestamp};

/// Who owns an account.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// The platform itself.
    Platform,
    /// A merchant, by id (`mer_...`).
    Merchant(String),
    /// The platform's side of one merchant's business (clearing, revenue,
    /// adjustments): partitioned per merchant so that a sum growing with one
    /// merchant's volume can never refuse another merchant's request.
    PlatformFor(String),
}

/// Prefix of the stored form of [`Owner::PlatformFor`].
const PLATFORM_FOR_PREFIX: &str = "platform:";

impl Owner {
    /// The stored form: `platform`, the merchant id, or `platform:<merchant id>`.
    pub fn code(&self) -> String {
        match self {
            Owner::Platform => "platform".to_string(),
            Owner::Merchant(id) => id.clone(),
            Owner::PlatformFor(id) => format!("{PLATFORM_FOR_PREFIX}{id}"),
        }
    }

    /// Parses the stored form.
    pub fn parse(code: &str) -> Owner {
        if code == "platform" {
            Owner::Platform
        } else if let Some(merchant) = code.strip_prefix(PLATFORM_FOR_PREFIX) {
            Owner::PlatformFor(merchant.to_string())
        } else {
            Owner::Merchant(code.to_string())
        }
    }
}

/// The natural key of an account: one per owner, currency and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountKey {
    /// Owner.
    pub owner: Owner,
    /// Currency.
    pub currency: Currency,
    /// Kind.
    pub kind: AccountKind,
}

/// One leg of a transfer, naming its account by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferLeg {
    /// The account (created on first use).
    pub account: AccountKey,
    /// Debit or credit.
    pub side: Side,
    /// Positive amount in the account's currency.
    pub amount: Amount,
}

/// A ledger operation with accounts named by key; the writer resolves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerOp {
    /// Post balanced legs at once.
    Transfer(Vec<TransferLeg>),
    /// Reserve money on `debit` for `credit` until `expires_at`.
    CreateHold {
        /// Account whose money is reserved.
        debit: AccountKey,
        /// Account that receives it when posted.
        credit: AccountKey,
        /// Amount reserved.
        amount: Amount,
        /// When the hold stops being postable.
        expires_at: Timestamp,
    },
    /// Post a hold in full or in part.
    PostHold {
        /// The hold.
        hold: HoldId,
        /// Amount to post (default: all of it).
        amount: Option<Amount>,
    },
    /// Release a hold.
    VoidHold(HoldId),
    /// Release a hold whose time has passed.
    ExpireHold(HoldId),
}

/// A ledger operation with its client reference and metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerWrite {
    /// Optional client-supplied transaction id (idempotency at the ledger level).
    pub client_ref: Option<String>,
    /// The operation.
    pub op: LedgerOp,
    /// What it is and where it came from.
    pub meta: TxnMeta,
}

/// A merchant as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantRecord {
    /// `mer_...`.
    pub id: String,
    /// Registered legal name.
    pub legal_name: String,
    /// ISO 3166-1 alpha-2 country of incorporation.
    pub country: String,
    /// Currency the merchant is paid out in.
    pub home_currency: Currency,
    /// Contact email.
    pub email: Option<String>,
    /// Website.
    pub website: Option<String>,
    /// Store ids on marketplaces (Amazon, ...).
    pub marketplace_store_ids: Vec<String>,
    /// `pending`, `approved`, `rejected`, `info_requested`.
    pub kyb_status: String,
    /// Creation time.
    pub created_at: Timestamp,
}

/// Who an API key belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An operator of the platform.
    Operator,
    /// A merchant, by id.
    Merchant(String),
}

/// An API key to register: only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyRecord {
    /// Hex SHA-256 of the key.
    pub key_hash: String,
    /// Whose key it is.
    pub principal: Principal,
}

/// An HTTP response stored under an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: String,
}

/// An idempotency key with the request it first came with and its response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// Who used the key (the caller's principal).
    pub scope: String,
    /// The key.
    pub key: String,
    /// Hex digest of method, path and body.
    pub request_hash: String,
    /// The response.
    pub response: StoredResponse,
    /// When it was stored.
    pub created_at: Timestamp,
}

/// Balances of one account, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountBalance {
    /// The account id.
    pub account: corridor_core::ledger::AccountId,
    /// Its currency.
    pub currency: Currency,
    /// Its kind.
    pub kind: AccountKind,
    /// Posted balance (credits minus debits).
    pub posted: i64,
    /// Reserved by pending holds that debit it.
    pub held_out: i64,
    /// Incoming from pending holds that credit it.
    pub held_in: i64,
}

/// One posting as seen in an account's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// The transaction.
    pub txn: TxnId,
    /// Leg number inside it.
    pub leg: i32,
    /// The account.
    pub account: corridor_core::ledger::AccountId,
    /// The account's kind.
    pub account_kind: AccountKind,
    /// Transaction type.
    pub kind: String,
    /// Signed amount (credit positive).
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// Posted balance after this posting.
    pub balance_after: i64,
    /// Source object id.
    pub source_id: Option<String>,
    /// When the transaction was written.
    pub created_at: Timestamp,
}

/// A transaction with its postings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxnRecord {
    /// Id.
    pub id: TxnId,
    /// Type, source and description.
    pub meta: TxnMeta,
    /// The hold it created or resolved, if any.
    pub hold: Option<HoldId>,
    /// When it was written.
    pub created_at: Timestamp,
    /// Its postings: (account, owner, account kind, currency, signed amount, balance after).
    pub postings: Vec<PostingRecord>,
}

/// One posting of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingRecord {
    /// Account id.
    pub account: corridor_core::ledger::AccountId,
    /// Account owner.
    pub owner: Owner,
    /// Account kind.
    pub kind: AccountKind,
    /// Currency.
    pub currency: Currency,
    /// Signed amount.
    pub amount: i64,
    /// Posted balance after.
    pub balance_after: i64,
}

/// A page of a list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// Items.
    pub items: Vec<T>,
    /// Whether older items exist.
    pub has_more: bool,
}
