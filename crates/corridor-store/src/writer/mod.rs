//! The ledger writer: one per database, the only code that writes.
//!
//! Requests arrive on a channel. The writer takes everything queued (up to
//! a bounded batch), applies each request in order to its in-memory
//! [`Book`], collects the rows to write, commits them in one database
//! transaction and only then answers every request of the batch (a large
//! batch through a task on the async runtime, `relay.rs`). Balance
//! checks happen here, against balances no one else writes, so concurrent
//! debits can never overdraw an account that forbids it and a hot account
//! costs one balance update per batch, not one row lock per transfer.

mod after_sales;
mod backend;
mod balance_bound;
mod batch;
mod compliance;
mod fx;
mod hash;
mod known_keys;
mod merchant_cache;
mod merchant_kyb;
mod payouts;
mod relay;
mod reply;
#[cfg(test)]
mod tests;

use foldhash::{HashMap, HashMapExt};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use corridor_core::ledger::{AccountId, Book, HoldId, Receipt, TxnId};
use tokio::sync::{mpsc, oneshot};

pub use backend::{largest_balance, NextIds, WriterBackend};
pub(crate) use balance_bound::BalanceBound;
pub use batch::{BatchRows, PostingRow, TxnRow};
pub use known_keys::{KeyFill, KnownKeys};
pub(crate) use merchant_cache::MerchantCache;
pub use payouts::{PayoutOutcome, PayoutStatement};
use relay::Relay;
use reply::{Reply, Submission};

use crate::records::{
    AccountKey, ApiKeyRecord, IdempotencyRecord, LedgerWrite, MerchantRecord, StoredResponse,
};
use crate::{Clock, StoreError};

/// The most requests one batch (one database transaction) may hold.
pub const MAX_BATCH_REQUESTS: usize = 8192;

/// The most submissions (single requests or groups) waiting for the writer
/// before senders wait.
pub const MAX_QUEUED_REQUESTS: usize = 65_536;

/// Tuning of a writer.
#[derive(Debug, Clone, Copy)]
pub struct WriterConfig {
    /// Requests per database transaction, at most [`MAX_BATCH_REQUESTS`].
    pub max_batch: usize,
}

impl Default for WriterConfig {
    fn default() -> Self {
        WriterConfig {
            max_batch: MAX_BATCH_REQUESTS,
        }
    }
}

/// What to write.
#[derive(Debug, Clone)]
pub enum WriteOp {
    /// A money movement or hold operation.
    Ledger(LedgerWrite),
    /// A new merchant with its first API key.
    CreateMerchant {
        /// The merchant.
        merchant: MerchantRecord,
        /// Its key (hash only).
        api_key: ApiKeyRecord,
    },
    /// Another API key (the first operator key, at start).
    RegisterApiKey(ApiKeyRecord),
    /// A payment change with its money movement and events.
    Payment(Box<crate::PaymentWrite>),
    /// Webhook endpoints and deliveries.
    Webhooks(crate::WebhookWrite),
    /// Beneficiaries, payouts, payout batches and bank files.
    Payouts(Box<crate::PayoutWrite>),
    /// A charge a provider holds with no attempt behind it.
    ProviderOrphan(crate::OrphanRecord),
    /// Operator settings: connectors, versioned documents, notifications.
    Settings(crate::SettingsWrite),
    /// A refund, dispute or complaint change with its money and events.
    AfterSales(Box<crate::AfterSalesWrite>),
    /// FX objects, rates and their money movement.
    Fx(Box<crate::FxWrite>),
    /// Dashboard users and sign-in sessions.
    Users(crate::UsersWrite),
    /// Sanctions lists, screenings, alerts and audit records.
    Compliance(Box<crate::ComplianceWrite>),
    /// Another write with the audit records of the operator action it is:
    /// appended to the audit chain in the same transaction, and only when
    /// the write is not refused.
    Audited(Box<AuditedWrite>),
}

/// A write and the audit records of what it does.
#[derive(Debug, Clone)]
pub struct AuditedWrite {
    /// The write.
    pub op: WriteOp,
    /// Appended to the audit chain when the write succeeds.
    pub audit: Vec<crate::AuditEntry>,
}

impl WriteOp {
    /// This write with `audit` recorded in the same transaction.
    pub fn audited(self, audit: Vec<crate::AuditEntry>) -> WriteOp {
        WriteOp::Audited(Box::new(AuditedWrite { op: self, audit }))
    }

    /// The write itself, under any audit wrapper.
    pub fn base(&self) -> &WriteOp {
        match self {
            WriteOp::Audited(a) => a.op.base(),
            other => other,
        }
    }
}

/// Why the writer refused a request, as data that survives a replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What kind of refusal.
    pub code: RefusalCode,
    /// Human-readable message.
    pub message: String,
}

/// The kinds of refusal a write can meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalCode {
    /// A ledger rule refused the money movement.
    Ledger(corridor_core::ledger::LedgerErrorKind),
    /// A row changed since it was read (optimistic concurrency).
    VersionConflict,
    /// The change's deadline passed before it reached the writer.
    Expired,
    /// The same bank file was applied before.
    BankFileAlreadyApplied,
    /// The payment a refund claims against does not exist.
    PaymentNotFound,
    /// The refund would exceed what is left of the captured amount.
    RefundExceedsCaptured,
}

impl RefusalCode {
    /// Not enough available balance.
    pub const INSUFFICIENT_FUNDS: RefusalCode =
        RefusalCode::Ledger(corridor_core::ledger::LedgerErrorKind::InsufficientFunds);
    /// A balance would leave the 64-bit range.
    pub const OVERFLOW: RefusalCode =
        RefusalCode::Ledger(corridor_core::ledger::LedgerErrorKind::Overflow);

    /// Stable snake_case code, as errors show it.
    pub fn code(self) -> &'static str {
        match self {
            RefusalCode::Ledger(kind) => kind.code(),
            RefusalCode::VersionConflict => "version_conflict",
            RefusalCode::Expired => "expired",
            RefusalCode::BankFileAlreadyApplied => "bank_file_already_applied",
            RefusalCode::PaymentNotFound => "payment_not_found",
            RefusalCode::RefundExceedsCaptured => "refund_exceeds_captured",
        }
    }
}

impl std::fmt::Display for RefusalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The outcome of one write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteOutcome {
    /// A ledger request was applied (or replayed from its client reference).
    Ledger(Result<Receipt, Refusal>),
    /// The merchant was created.
    MerchantCreated,
    /// The key was registered (or already was).
    ApiKeyRegistered,
    /// The payment change was written (with the ledger receipt if money
    /// moved), or refused: `version_conflict` when the payment changed since
    /// it was read, or the ledger's refusal.
    Payment(Result<Option<Receipt>, Refusal>),
    /// Webhook bookkeeping was written.
    Webhooks,
    /// The payout write: refused as a whole (a version conflict, a bank
    /// file applied before), or one result per payout change.
    Payouts(PayoutOutcome),
    /// The orphan charge was recorded.
    OrphanRecorded,
    /// Operator settings were written.
    Settings,
    /// The after-sales change was written, with a receipt per ledger
    /// movement; or refused: `version_conflict`, `refund_exceeds_captured`
    /// (with what is left in the message), `payment_not_found`, or the
    /// ledger's refusal of the first movement.
    AfterSales(Result<Vec<Receipt>, Refusal>),
    /// The FX change was written (with the ledger receipt if money moved),
    /// or refused: `version_conflict`, `expired`, or the ledger's refusal.
    Fx(Result<Option<Receipt>, Refusal>),
    /// Users and sessions were written.
    Users,
    /// The compliance write was applied, or refused (`version_conflict`).
    Compliance(Result<(), Refusal>),
}

impl WriteOutcome {
    /// Whether the writer refused the write as a whole (nothing of it was
    /// written). A payout write with some changes refused is not.
    pub fn is_refused(&self) -> bool {
        match self {
            WriteOutcome::Ledger(r) => r.is_err(),
            WriteOutcome::Payment(r) | WriteOutcome::Fx(r) => r.is_err(),
            WriteOutcome::AfterSales(r) => r.is_err(),
            WriteOutcome::Compliance(r) => r.is_err(),
            WriteOutcome::Payouts(p) => p.is_err(),
            WriteOutcome::MerchantCreated
            | WriteOutcome::ApiKeyRegistered
            | WriteOutcome::Webhooks
            | WriteOutcome::OrphanRecorded
            | WriteOutcome::Settings
            | WriteOutcome::Users => false,
        }
    }
}

/// Builds the HTTP response stored under an idempotency key from the outcome,
/// inside the writer, so it commits with the effect. `None` leaves the key
/// open: the request was refused in a way a retry may get past (a version
/// conflict), so nothing about it may be replayed. It may run more than once
/// (a batch that fails is retried without the request that failed it), so it
/// must not consume anything.
pub type RespondFn =
    Box<dyn Fn(&WriteOutcome, corridor_core::Timestamp) -> Option<StoredResponse> + Send>;

/// An idempotency key to complete in the same transaction as the effect.
pub struct IdempotencyCapture {
    /// The caller's scope.
    pub scope: String,
    /// The key.
    pub key: String,
    /// Digest of the request.
    pub request_hash: String,
    /// Builds the response to store.
    pub respond: RespondFn,
}

impl std::fmt::Debug for IdempotencyCapture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdempotencyCapture")
            .field("scope", &self.scope)
            .field("key", &self.key)
            .finish()
    }
}

/// One request to the writer.
#[derive(Debug)]
pub struct WriteRequest {
    /// What to write.
    pub op: WriteOp,
    /// The idempotency key to complete with it, if any.
    pub idempotency: Option<IdempotencyCapture>,
}

/// The writer's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteResult {
    /// Applied and durable; `response` is what was stored under the idempotency key.
    Done {
        /// The outcome.
        outcome: WriteOutcome,
        /// The stored response, when an idempotency key came with the request.
        response: Option<StoredResponse>,
        /// The batch's time, stamped on every row it wrote.
        at: corridor_core::Timestamp,
    },
    /// The idempotency key had already been completed (by another node or an
    /// earlier request): nothing was applied; this is the first record.
    AlreadyCompleted(IdempotencyRecord),
}

/// Handle to the writer; cheap to clone.
#[derive(Clone, Debug)]
pub struct LedgerWriter {
    tx: mpsc::Sender<Submission>,
    merchants: Arc<MerchantCache>,
    balances: Arc<BalanceBound>,
    keys: Arc<KnownKeys>,
}

impl LedgerWriter {
    /// Starts a writer on its own thread over `backend`.
    pub fn start<B: WriterBackend>(
        mut backend: B,
        clock: Arc<dyn Clock>,
        config: WriterConfig,
    ) -> Result<Self, StoreError> {
        let next = backend.next_ids()?;
        let (tx, rx) = mpsc::channel(MAX_QUEUED_REQUESTS);
        let max_batch = config.max_batch.clamp(1, MAX_BATCH_REQUESTS);
        let merchants = Arc::new(MerchantCache::default());
        let balances = Arc::new(BalanceBound::default());
        balances.cover_largest(next.largest_balance);
        let (keys, fill) = backend.known_keys()?;
        let keys = Arc::new(keys);
        if let Some(fill) = fill {
            known_keys::fill_in_background(keys.clone(), fill)?;
        }
        let state = WriterState::new(
            backend,
            clock,
            next,
            max_batch,
            merchants.clone(),
            balances.clone(),
            keys.clone(),
        );
        std::thread::Builder::new()
            .name("ledger-writer".into())
            .spawn(move || state.run(rx))
            .map_err(|e| StoreError::Task(e.to_string()))?;
        Ok(LedgerWriter {
            tx,
            merchants,
            balances,
            keys,
        })
    }

    /// The merchants read through this writer's cache, which it clears
    /// whenever a batch may have changed one.
    pub(crate) fn merchant_cache(&self) -> &MerchantCache {
        &self.merchants
    }

    /// A bound on every account's balance, raised before a batch is answered.
    pub(crate) fn balance_bound(&self) -> &BalanceBound {
        &self.balances
    }

    /// The idempotency keys the database may hold, each added before the
    /// batch writing it commits.
    pub(crate) fn known_keys(&self) -> &KnownKeys {
        &self.keys
    }

    /// Submits one request and waits until its batch is durable.
    pub async fn submit(&self, request: WriteRequest) -> Result<WriteResult, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Submission::One(request, reply)).await?;
        match answer.await {
            Ok(answer) => unshare(answer),
            Err(_) => Err(StoreError::WriterStopped),
        }
    }

    /// Submits `requests` together and waits until every one of them is
    /// durable: one result per request, in order, each as [`Self::submit`]
    /// would have returned it. The requests are applied in order and may
    /// share batches with other submitters' requests; one refused or failed
    /// request does not stop the others. A client with many writes at hand
    /// saves a channel message and a wake-up per request.
    pub async fn submit_all(
        &self,
        requests: Vec<WriteRequest>,
    ) -> Result<Vec<Result<WriteResult, StoreError>>, StoreError> {
        let (reply, answers) = oneshot::channel();
        self.send(Submission::Group(requests, reply)).await?;
        let answers = answers.await.map_err(|_| StoreError::WriterStopped)?;
        Ok(answers.into_iter().map(unshare).collect())
    }

    async fn send(&self, submission: Submission) -> Result<(), StoreError> {
        self.tx
            .send(submission)
            .await
            .map_err(|_| StoreError::WriterStopped)
    }
}

/// One request's answer as its submitter gets it.
fn unshare(answer: reply::Answer) -> Result<WriteResult, StoreError> {
    answer.map_err(|shared| StoreError::Task(shared.to_string()))
}

/// Everything the writer thread owns.
struct WriterState<B> {
    backend: B,
    clock: Arc<dyn Clock>,
    book: Book,
    account_ids: HashMap<AccountKey, AccountId>,
    next: NextIds,
    /// The in-memory state may disagree with the database (a batch failed,
    /// perhaps after committing): ids are re-read before the next batch.
    stale: bool,
    max_batch: usize,
    /// Cleared after a batch that may change a merchant, before it is answered.
    merchants: Arc<MerchantCache>,
    /// Covers every balance a batch leaves, before it is answered.
    balances: Arc<BalanceBound>,
    /// Holds every key a batch writes, before it commits.
    keys: Arc<KnownKeys>,
    /// Delivers the answers.
    relay: Relay,
}

impl<B: WriterBackend> WriterState<B> {
    fn new(
        backend: B,
        clock: Arc<dyn Clock>,
        next: NextIds,
        max_batch: usize,
        merchants: Arc<MerchantCache>,
        balances: Arc<BalanceBound>,
        keys: Arc<KnownKeys>,
    ) -> Self {
        WriterState {
            backend,
            clock,
            book: Book::new(),
            account_ids: HashMap::new(),
            next,
            stale: false,
            max_batch,
            merchants,
            balances,
            keys,
            // On the starting thread: the runtime of whoever starts the writer.
            relay: Relay::on_current_runtime(),
        }
    }

    /// Takes what is queued, up to a batch, and writes it; a group larger
    /// than what is left of a batch waits in the backlog for the next one.
    fn run(mut self, mut rx: mpsc::Receiver<Submission>) {
        let mut backlog: VecDeque<(WriteRequest, Reply)> = VecDeque::new();
        loop {
            if backlog.is_empty() {
                match rx.blocking_recv() {
                    Some(first) => reply::unpack(first, &mut backlog),
                    None => break,
                }
            }
            while backlog.len() < self.max_batch {
                match rx.try_recv() {
                    Ok(next) => reply::unpack(next, &mut backlog),
                    Err(_) => break,
                }
            }
            let size = backlog.len().min(self.max_batch);
            let (requests, replies): (Vec<WriteRequest>, Vec<Reply>) =
                backlog.drain(..size).unzip();
            self.process_items(requests, replies);
        }
        // Every handle is gone: a fill still reading stops.
        self.keys.abandon();
    }

    /// Writes `requests` as one batch. A batch that fails for a reason other
    /// than an unknown commit outcome is split in two and each half retried,
    /// so a request that cannot be written (a value the database refuses)
    /// ends up alone and only it gets the error.
    fn process_items(&mut self, mut requests: Vec<WriteRequest>, mut replies: Vec<Reply>) {
        if requests.is_empty() {
            return;
        }
        let started = Instant::now();
        let size = requests.len();
        if self.stale {
            if let Err(e) = self.reload() {
                self.fail(replies, e);
                return;
            }
        }
        let attempt = batch::build(self, &requests).and_then(|(rows, results)| {
            self.note_keys(&rows);
            self.backend.commit(&rows)?;
            Ok((rows, results))
        });
        match attempt {
            Ok((rows, results)) => {
                for (hold, _) in &rows.holds_resolved {
                    self.book.forget_hold(hold.id);
                }
                if requests
                    .iter()
                    .any(|r| merchant_cache::may_change_merchants(&r.op))
                {
                    self.merchants.clear();
                }
                tracing::trace!(
                    size,
                    elapsed_us = started.elapsed().as_micros() as u64,
                    "ledger batch committed"
                );
                self.relay.answer(
                    replies
                        .into_iter()
                        .zip(results.into_iter().map(Ok))
                        .collect(),
                );
            }
            Err(e) if size == 1 || matches!(e, StoreError::CommitUnknown(_)) => {
                self.fail(replies, e)
            }
            Err(e) => {
                tracing::warn!(error = %e, size, "ledger batch failed; retrying it in halves");
                self.forget();
                let (later, later_replies) =
                    (requests.split_off(size / 2), replies.split_off(size / 2));
                self.process_items(requests, replies);
                self.process_items(later, later_replies);
            }
        }
    }

    /// Adds the idempotency keys `rows` complete or start, and the client
    /// references they record, to the known keys.
    fn note_keys(&self, rows: &BatchRows) {
        for client_ref in rows.txns.iter().filter_map(|t| t.client_ref.as_deref()) {
            self.keys.insert(KnownKeys::CLIENT_REFS, client_ref);
        }
        for k in &rows.idempotency {
            self.keys.insert(&k.scope, &k.key);
        }
        for k in &rows.started_keys {
            self.keys.insert(&k.scope, &k.key);
        }
    }

    /// Drops the in-memory state: balances and account ids are loaded again
    /// on demand, and the next ids re-read before the next batch.
    /// The merchant cache is cleared too: the failed batch may have committed.
    fn forget(&mut self) {
        self.merchants.clear();
        self.book = Book::new();
        self.account_ids.clear();
        self.stale = true;
    }

    /// Re-reads the next free ids from the database.
    fn reload(&mut self) -> Result<(), StoreError> {
        self.next = self.backend.next_ids()?;
        self.balances.cover_largest(self.next.largest_balance);
        self.stale = false;
        Ok(())
    }

    /// A batch that could not be written: its requests get the error and
    /// the writer's state is reloaded from the database before the next one
    /// (the commit may have happened even though it reported an error).
    fn fail(&mut self, replies: Vec<Reply>, error: StoreError) {
        tracing::error!(%error, "ledger batch failed");
        self.forget();
        let shared = Arc::new(error);
        self.relay.answer(
            replies
                .into_iter()
                .map(|reply| (reply, Err(shared.clone())))
                .collect(),
        );
    }

    fn alloc_txn(&mut self) -> TxnId {
        let id = TxnId(self.next.txn);
        self.next.txn += 1;
        id
    }

    fn alloc_hold(&mut self) -> HoldId {
        let id = HoldId(self.next.hold);
        self.next.hold += 1;
        id
    }

    /// The outbox row of `event`, at the next position.
    fn event_row(
        &mut self,
        event: crate::NewEvent,
        now: corridor_core::Timestamp,
    ) -> crate::EventRecord {
        let seq = self.next.event;
        self.next.event += 1;
        crate::EventRecord {
            seq,
            id: crate::time_ordered_id("evt_", now),
            merchant_id: event.merchant_id,
            kind: event.kind,
            object: event.object,
            created_at: now,
        }
    }

    fn alloc_account(&mut self) -> AccountId {
        let id = AccountId(self.next.account);
        self.next.account += 1;
        id
    }
}
