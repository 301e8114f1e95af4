//! The ledger rules: accounts, balanced transactions, holds, verification.
//!
//! A [`Book`] holds the balances of the accounts a writer has loaded and
//! applies [`LedgerCommand`]s to them, one at a time, returning either the
//! effects to persist or a [`LedgerError`]. The store's ledger writer owns the
//! only `Book` of a database, which is why balance checks need no row locks.

mod account;
mod book;
mod command;
mod error;
mod verify;

pub use account::{AccountId, AccountKind, AccountState};
pub use book::{simple_transfer, Applied, Book, HoldChange, PostingEffect};
pub use command::{
    ContentHash, HoldId, HoldState, HoldStatus, LedgerCommand, Posting, Side, TxnId, TxnMeta,
    MAX_POSTINGS_PER_TRANSACTION,
};
pub use error::{LedgerError, LedgerErrorKind, Receipt, Recorded};
pub use verify::{
    verify, AccountCheck, CurrencyTotals, LogCheck, Mismatch, VerifyInput, VerifyReport,
};
