//! What a database must offer the writer.

use corridor_core::ledger::{AccountId, AccountState, HoldId, HoldState, Recorded};

use super::{BatchRows, KeyFill, KnownKeys};
use crate::records::{AccountKey, IdempotencyRecord};
use crate::StoreError;

/// The next free ids, read once at start; the writer allocates after that.
/// With them, the largest balance, where the writer's balance bound starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextIds {
    /// Next account id.
    pub account: i64,
    /// Next transaction id.
    pub txn: i64,
    /// Next hold id.
    pub hold: i64,
    /// Next event position in the outbox.
    pub event: i64,
    /// The largest absolute posted balance of any account.
    pub largest_balance: u64,
}

/// The largest absolute balance, from the largest and smallest posted ones.
pub fn largest_balance(max_posted: i64, min_posted: i64) -> u64 {
    max_posted.unsigned_abs().max(min_posted.unsigned_abs())
}

/// A database as the writer uses it: synchronous, on the writer's thread.
pub trait WriterBackend: Send + 'static {
    /// Reads the next free ids.
    fn next_ids(&mut self) -> Result<NextIds, StoreError>;
    /// A filter of every idempotency key the database holds, completed or
    /// started, and every ledger client reference: filled and marked so, or
    /// empty with what fills it while the writer runs.
    fn known_keys(&mut self) -> Result<(KnownKeys, Option<KeyFill>), StoreError>;
    /// Loads existing accounts by key; missing keys are simply absent.
    fn load_accounts(
        &mut self,
        keys: &[AccountKey],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError>;
    /// Loads existing accounts by id (the accounts of a loaded hold).
    fn load_accounts_by_id(
        &mut self,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountKey, AccountId, AccountState)>, StoreError>;
    /// Loads holds by id; missing ids are absent.
    fn load_holds(&mut self, ids: &[HoldId]) -> Result<Vec<HoldState>, StoreError>;
    /// Loads what was recorded under client references.
    fn load_client_refs(&mut self, refs: &[String]) -> Result<Vec<(String, Recorded)>, StoreError>;
    /// Loads completed idempotency keys, by (scope, key).
    fn load_idempotency(
        &mut self,
        keys: &[(String, String)],
    ) -> Result<Vec<IdempotencyRecord>, StoreError>;
    /// Loads the stored versions of payments; missing ids are absent.
    fn load_payment_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError>;
    /// Loads the stored versions of after-sales objects; missing ids are absent.
    fn load_after_sales_versions(
        &mut self,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError>;
    /// Loads, per payment, its captured amount and what its refunds that did
    /// not fail take; missing payments are absent.
    fn load_refund_basis(
        &mut self,
        payment_ids: &[String],
    ) -> Result<Vec<(String, i64, i64)>, StoreError>;
    /// Loads the stored versions of FX objects; missing ids are absent.
    fn load_fx_versions(&mut self, ids: &[String]) -> Result<Vec<(String, i64)>, StoreError>;
    /// Runs `sql` (`SELECT id, <integer> ... WHERE id = $1`) for each id and
    /// returns the rows found: versions of payouts and batches, digests of
    /// bank files seen.
    fn load_versions(
        &mut self,
        sql: &str,
        ids: &[String],
    ) -> Result<Vec<(String, i64)>, StoreError>;
    /// Writes a batch in one durable transaction, or nothing.
    fn commit(&mut self, rows: &BatchRows) -> Result<(), StoreError>;
}
