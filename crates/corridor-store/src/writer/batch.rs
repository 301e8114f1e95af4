//! Turning a queue of requests into the rows of one transaction.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use corridor_core::ledger::{
    AccountId, AccountState, ContentHash, HoldChange, HoldId, HoldState, HoldStatus, LedgerCommand,
    LedgerError, Posting, Receipt, Recorded, TxnId, TxnMeta,
};
use corridor_core::Timestamp;

use super::hash::content_hash;
use super::{
    KnownKeys, Refusal, RefusalCode, WriteOp, WriteOutcome, WriteRequest, WriteResult,
    WriterBackend, WriterState,
};
use crate::records::{
    AccountKey, ApiKeyRecord, IdempotencyRecord, LedgerOp, LedgerWrite, MerchantRecord,
};
use crate::StoreError;

/// A ledger transaction header. Failed requests that carried a client
/// reference are recorded too (with `failure`), so a retry stays failed.
#[derive(Debug, Clone)]
pub struct TxnRow {
    /// Id.
    pub id: TxnId,
    /// Client reference.
    pub client_ref: Option<String>,
    /// Content digest, when a client reference was given.
    pub content_hash: Option<ContentHash>,
    /// Why it failed, if it did.
    pub failure: Option<Refusal>,
    /// Type, source, description.
    pub meta: TxnMeta,
    /// Hold created or resolved.
    pub hold: Option<HoldId>,
    /// Write time.
    pub created_at: Timestamp,
}

/// One posting row.
#[derive(Debug, Clone, Copy)]
pub struct PostingRow {
    /// Transaction.
    pub txn: TxnId,
    /// Leg number, from 0.
    pub leg: i32,
    /// Account.
    pub account: AccountId,
    /// Signed amount.
    pub amount: i64,
    /// Posted balance after.
    pub balance_after: i64,
}

/// Everything one batch writes, in one transaction.
#[derive(Debug, Default)]
pub struct BatchRows {
    /// Accounts opened by this batch: id, key, forbids_negative.
    pub accounts_new: Vec<(AccountId, AccountKey, bool)>,
    /// Transaction headers.
    pub txns: Vec<TxnRow>,
    /// Postings.
    pub postings: Vec<PostingRow>,
    /// Holds created, with creation time.
    pub holds_new: Vec<(HoldState, Timestamp)>,
    /// Holds that left `Pending`, with the time they did.
    pub holds_resolved: Vec<(HoldState, Timestamp)>,
    /// Final balances of every account touched: id, posted, held_out, held_in.
    pub balances: Vec<(AccountId, i64, i64, i64)>,
    /// New merchants.
    pub merchants: Vec<MerchantRecord>,
    /// New API keys (inserted if absent).
    pub api_keys: Vec<ApiKeyRecord>,
    /// Completed idempotency keys.
    pub idempotency: Vec<IdempotencyRecord>,
    /// Payments inserted or updated.
    pub payments: Vec<crate::PaymentRecord>,
    /// Payment attempts.
    pub attempts: Vec<crate::AttemptRecord>,
    /// Outbox events.
    pub events: Vec<crate::EventRecord>,
    /// Webhook endpoints, deliveries and cursors.
    pub webhooks: Vec<crate::WebhookWrite>,
    /// Beneficiary, payout, batch and bank file rows, and users and
    /// sessions, in order.
    pub payout_statements: Vec<super::payouts::PayoutStatement>,
    /// Idempotency keys whose effect began in this batch.
    pub started_keys: Vec<crate::StartedKey>,
    /// Provider charges without an attempt.
    pub orphans: Vec<crate::OrphanRecord>,
    /// Operator settings.
    pub settings: Vec<crate::SettingsWrite>,
    /// Refunds, disputes and complaints inserted or updated.
    pub after_sales: Vec<crate::AfterSalesRecord>,
    /// FX objects inserted or updated.
    pub fx_objects: Vec<crate::FxObjectRecord>,
    /// FX reference rates inserted or replaced.
    pub fx_rates: Vec<crate::FxRateRow>,
    /// Compliance rows (lists, screenings, alerts, audit), in order.
    pub compliance_statements: Vec<super::payouts::PayoutStatement>,
}

/// What was prefetched for one batch.
pub(super) struct Loaded {
    pub(super) after_sales: super::after_sales::Loaded,
    client_refs: HashMap<String, Recorded>,
    idempotency: HashMap<(String, String), IdempotencyRecord>,
    pub(super) payment_versions: HashMap<String, i64>,
    pub(super) fx_versions: HashMap<String, i64>,
    pub(super) payouts: super::payouts::PayoutLoaded,
    pub(super) compliance: super::compliance::ComplianceLoaded,
}

pub(super) fn build<B: WriterBackend>(
    w: &mut WriterState<B>,
    requests: &[WriteRequest],
) -> Result<(BatchRows, Vec<WriteResult>), StoreError> {
    let now = w.clock.now();
    let mut loaded = prefetch(w, requests)?;
    let mut rows = BatchRows::default();
    let mut touched: HashSet<AccountId> = HashSet::new();
    let mut results = Vec::with_capacity(requests.len());
    for request in requests {
        if let Some(cap) = &request.idempotency {
            if let Some(done) = loaded
                .idempotency
                .get(&(cap.scope.clone(), cap.key.clone()))
            {
                results.push(WriteResult::AlreadyCompleted(done.clone()));
                continue;
            }
        }
        let outcome = match &request.op {
            // The commonest write, applied without copying it.
            WriteOp::Ledger(write) => WriteOutcome::Ledger(apply_ledger(
                w,
                &mut loaded,
                &mut rows,
                &mut touched,
                write,
                now,
            )),
            op => apply_op(w, &mut loaded, &mut rows, &mut touched, op.clone(), now)?,
        };
        let response = request.idempotency.as_ref().and_then(|cap| {
            let response = (cap.respond)(&outcome, now)?;
            let record = IdempotencyRecord {
                scope: cap.scope.clone(),
                key: cap.key.clone(),
                request_hash: cap.request_hash.clone(),
                response: response.clone(),
                created_at: now,
            };
            loaded
                .idempotency
                .insert((record.scope.clone(), record.key.clone()), record.clone());
            rows.idempotency.push(record);
            Some(response)
        });
        results.push(WriteResult::Done {
            outcome,
            response,
            at: now,
        });
    }
    let mut largest = 0;
    for id in touched {
        let s = w
            .book
            .account(id)
            .ok_or_else(|| StoreError::Corrupt(format!("account {id:?} left the book")))?;
        largest = largest.max(s.posted.unsigned_abs());
        rows.balances.push((id, s.posted, s.held_out, s.held_in));
    }
    w.balances.cover_largest(largest);
    Ok((rows, results))
}

/// Applies one write to the batch and answers its outcome.
fn apply_op<B: WriterBackend>(
    w: &mut WriterState<B>,
    loaded: &mut Loaded,
    rows: &mut BatchRows,
    touched: &mut HashSet<AccountId>,
    op: WriteOp,
    now: Timestamp,
) -> Result<WriteOutcome, StoreError> {
    Ok(match op {
        WriteOp::Ledger(write) => {
            WriteOutcome::Ledger(apply_ledger(w, loaded, rows, touched, &write, now))
        }
        WriteOp::CreateMerchant { merchant, api_key } => {
            rows.merchants.push(merchant);
            rows.api_keys.push(api_key);
            WriteOutcome::MerchantCreated
        }
        WriteOp::RegisterApiKey(key) => {
            rows.api_keys.push(key);
            WriteOutcome::ApiKeyRegistered
        }
        WriteOp::Payment(write) => {
            WriteOutcome::Payment(apply_payment(w, loaded, rows, touched, *write, now))
        }
        WriteOp::Webhooks(write) => {
            rows.webhooks.push(write);
            WriteOutcome::Webhooks
        }
        WriteOp::Fx(write) => {
            WriteOutcome::Fx(super::fx::apply(w, loaded, rows, touched, *write, now))
        }
        WriteOp::Payouts(write) => WriteOutcome::Payouts(super::payouts::apply(
            w, loaded, rows, touched, *write, now,
        )?),
        WriteOp::ProviderOrphan(orphan) => {
            rows.orphans.push(orphan);
            WriteOutcome::OrphanRecorded
        }
        WriteOp::Settings(write) => {
            rows.settings.push(write);
            WriteOutcome::Settings
        }
        WriteOp::Users(write) => {
            rows.payout_statements
                .extend(crate::user_store::statements(write, now));
            WriteOutcome::Users
        }
        WriteOp::Compliance(write) => WriteOutcome::Compliance(super::compliance::apply(
            w,
            &mut loaded.compliance,
            rows,
            *write,
            now,
        )?),
        WriteOp::Audited(audited) => {
            let super::AuditedWrite { op, audit } = *audited;
            let outcome = apply_op(w, loaded, rows, touched, op, now)?;
            if !outcome.is_refused() {
                super::compliance::append_audit(w, &mut loaded.compliance, rows, audit, now)?;
            }
            outcome
        }
        WriteOp::AfterSales(write) => WriteOutcome::AfterSales(super::after_sales::apply(
            w, loaded, rows, touched, *write, now,
        )?),
    })
}

/// Loads, in one round per kind, the accounts, holds, client references
/// and idempotency keys the batch needs and the writer does not hold yet.
fn prefetch<B: WriterBackend>(
    w: &mut WriterState<B>,
    requests: &[WriteRequest],
) -> Result<Loaded, StoreError> {
    let mut keys: HashSet<AccountKey> = HashSet::new();
    let mut holds: Vec<HoldId> = Vec::new();
    let mut refs: Vec<String> = Vec::new();
    let mut idem: Vec<(String, String)> = Vec::new();
    let mut payments: Vec<String> = Vec::new();
    let mut after_sales_ids: Vec<String> = Vec::new();
    let mut refund_payments: Vec<String> = Vec::new();
    let mut fx_ids: Vec<String> = Vec::new();
    let mut payout_writes: Vec<&crate::PayoutWrite> = Vec::new();
    let mut writes: Vec<&LedgerWrite> = Vec::new();
    for r in requests {
        if let Some(cap) = &r.idempotency {
            idem.push((cap.scope.clone(), cap.key.clone()));
        }
        match r.op.base() {
            WriteOp::Ledger(write) => writes.push(write),
            WriteOp::Payment(p) => {
                payments.push(p.payment.id.clone());
                writes.extend(p.ledger.iter());
            }
            WriteOp::AfterSales(a) => {
                super::after_sales::wanted(a, &mut after_sales_ids, &mut refund_payments);
                writes.extend(a.ledger.iter());
            }
            WriteOp::Fx(f) => {
                fx_ids.extend(f.objects.iter().map(|o| o.object.id.clone()));
                writes.extend(f.ledger.iter());
            }
            WriteOp::Payouts(p) => {
                fx_ids.extend(p.fx_quote.iter().map(|o| o.object.id.clone()));
                payout_writes.push(p);
                writes.extend(p.changes.iter().flat_map(|c| c.ledger.iter()));
            }
            WriteOp::CreateMerchant { .. }
            | WriteOp::RegisterApiKey(_)
            | WriteOp::Webhooks(_)
            | WriteOp::ProviderOrphan(_)
            | WriteOp::Settings(_)
            | WriteOp::Users(_)
            | WriteOp::Compliance(_)
            | WriteOp::Audited(_) => {}
        }
    }
    for write in writes {
        want_ledger(w, write, &mut keys, &mut holds, &mut refs);
    }
    if !keys.is_empty() {
        let keys: Vec<AccountKey> = keys.into_iter().collect();
        for (key, id, state) in w.backend.load_accounts(&keys)? {
            w.book.insert_account(id, state);
            w.account_ids.insert(key, id);
        }
    }
    if !holds.is_empty() {
        let held: Vec<HoldState> = w.backend.load_holds(&holds)?;
        load_hold_accounts(w, &held)?;
        for hold in held {
            w.book.insert_hold(hold);
        }
    }
    // A reference the known keys have never seen is new: nothing to load.
    refs.retain(|r| w.keys.may_hold(KnownKeys::CLIENT_REFS, r));
    let client_refs = if refs.is_empty() {
        HashMap::new()
    } else {
        w.backend.load_client_refs(&refs)?.into_iter().collect()
    };
    let idempotency = if idem.is_empty() {
        HashMap::new()
    } else {
        w.backend
            .load_idempotency(&idem)?
            .into_iter()
            .map(|r| ((r.scope.clone(), r.key.clone()), r))
            .collect()
    };
    let payment_versions = if payments.is_empty() {
        HashMap::new()
    } else {
        w.backend
            .load_payment_versions(&payments)?
            .into_iter()
            .collect()
    };
    let after_sales = super::after_sales::load(w, &after_sales_ids, &refund_payments)?;
    let fx_versions = if fx_ids.is_empty() {
        HashMap::new()
    } else {
        w.backend.load_fx_versions(&fx_ids)?.into_iter().collect()
    };
    let payouts = super::payouts::prefetch(w, &payout_writes)?;
    Ok(Loaded {
        after_sales,
        client_refs,
        idempotency,
        payment_versions,
        fx_versions,
        payouts,
        compliance: Default::default(),
    })
}

/// Notes what a ledger write needs loaded: its accounts, holds and client
/// reference.
fn want_ledger<B: WriterBackend>(
    w: &WriterState<B>,
    write: &LedgerWrite,
    keys: &mut HashSet<AccountKey>,
    holds: &mut Vec<HoldId>,
    refs: &mut Vec<String>,
) {
    if let Some(client_ref) = &write.client_ref {
        refs.push(client_ref.clone());
    }
    let mut want = |key: &AccountKey| {
        if !w.account_ids.contains_key(key) {
            keys.insert(key.clone());
        }
    };
    match &write.op {
        LedgerOp::Transfer(legs) => legs.iter().for_each(|l| want(&l.account)),
        LedgerOp::CreateHold { debit, credit, .. } => {
            want(debit);
            want(credit);
        }
        LedgerOp::PostHold { hold, .. } | LedgerOp::VoidHold(hold) | LedgerOp::ExpireHold(hold) => {
            if w.book.hold(*hold).is_none() {
                holds.push(*hold);
            }
        }
    }
}

/// Loads, by id, the accounts of loaded holds that the writer does not hold
/// yet (after a restart or a failed batch, nothing is in memory).
fn load_hold_accounts<B: WriterBackend>(
    w: &mut WriterState<B>,
    held: &[HoldState],
) -> Result<(), StoreError> {
    let mut missing: Vec<AccountId> = held
        .iter()
        .flat_map(|h| [h.debit, h.credit])
        .filter(|a| w.book.account(*a).is_none())
        .collect();
    missing.sort_unstable();
    missing.dedup();
    if missing.is_empty() {
        return Ok(());
    }
    for (key, id, state) in w.backend.load_accounts_by_id(&missing)? {
        w.book.insert_account(id, state);
        w.account_ids.insert(key, id);
    }
    match missing.iter().find(|a| w.book.account(**a).is_none()) {
        Some(a) => Err(StoreError::Corrupt(format!(
            "a hold names account {a:?}, which does not exist"
        ))),
        None => Ok(()),
    }
}

/// Resolves an account key to its id, opening the account in memory if it
/// does not exist yet. An opened account is written only if the request
/// that opened it succeeds (see `apply_ledger`).
fn resolve<B: WriterBackend>(
    w: &mut WriterState<B>,
    opened: &mut Vec<(AccountId, AccountKey, bool)>,
    key: &AccountKey,
) -> AccountId {
    if let Some(id) = w.account_ids.get(key) {
        return *id;
    }
    let id = w.alloc_account();
    let forbids_negative = key.kind.forbids_negative();
    w.book
        .insert_account(id, AccountState::open(key.currency, forbids_negative));
    w.account_ids.insert(key.clone(), id);
    opened.push((id, key.clone(), forbids_negative));
    id
}

fn to_command<B: WriterBackend>(
    w: &mut WriterState<B>,
    opened: &mut Vec<(AccountId, AccountKey, bool)>,
    op: &LedgerOp,
) -> LedgerCommand {
    match op {
        LedgerOp::Transfer(legs) => LedgerCommand::Transfer {
            postings: legs
                .iter()
                .map(|l| Posting {
                    account: resolve(w, opened, &l.account),
                    side: l.side,
                    amount: l.amount,
                })
                .collect(),
        },
        LedgerOp::CreateHold {
            debit,
            credit,
            amount,
            expires_at,
        } => LedgerCommand::CreateHold {
            id: w.alloc_hold(),
            debit: resolve(w, opened, debit),
            credit: resolve(w, opened, credit),
            amount: *amount,
            expires_at: *expires_at,
        },
        LedgerOp::PostHold { hold, amount } => LedgerCommand::PostHold {
            id: *hold,
            amount: *amount,
        },
        LedgerOp::VoidHold(hold) => LedgerCommand::VoidHold { id: *hold },
        LedgerOp::ExpireHold(hold) => LedgerCommand::ExpireHold { id: *hold },
    }
}

/// Applies a payment change: checks the version, applies its ledger movement
/// (a refusal writes nothing of the change), then queues the rows.
fn apply_payment<B: WriterBackend>(
    w: &mut WriterState<B>,
    loaded: &mut Loaded,
    rows: &mut BatchRows,
    touched: &mut HashSet<AccountId>,
    write: crate::PaymentWrite,
    now: Timestamp,
) -> Result<Option<Receipt>, Refusal> {
    let id = write.payment.id.clone();
    let stored = loaded.payment_versions.get(&id).copied();
    if stored != write.expected_version {
        return Err(Refusal {
            code: RefusalCode::VersionConflict,
            message: format!("payment {id} changed since it was read"),
        });
    }
    let receipt = match write.ledger {
        Some(ledger) => Some(apply_ledger(w, loaded, rows, touched, &ledger, now)?),
        None => None,
    };
    let mut payment = write.payment;
    payment.version = stored.map_or(1, |v| v + 1);
    payment.updated_at = now;
    loaded.payment_versions.insert(id, payment.version);
    rows.payments.push(payment);
    rows.attempts.extend(write.attempts);
    rows.started_keys.extend(write.started_key);
    for event in write.events {
        rows.events.push(w.event_row(event, now));
    }
    Ok(receipt)
}

/// A request resolved to internal ids.
struct Request<'a> {
    client_ref: Option<String>,
    command: LedgerCommand,
    meta: &'a TxnMeta,
}

/// Accounts opened for a request are written if it succeeded and forgotten
/// if it was refused, so a refusal writes nothing.
fn keep_or_forget_opened<B: WriterBackend>(
    w: &mut WriterState<B>,
    rows: &mut BatchRows,
    opened: Vec<(AccountId, AccountKey, bool)>,
    succeeded: bool,
) {
    if succeeded {
        rows.accounts_new.extend(opened);
        return;
    }
    for (id, key, _) in opened {
        w.book.forget_account(id);
        w.account_ids.remove(&key);
    }
}

fn refusal(e: &LedgerError) -> Refusal {
    Refusal {
        code: RefusalCode::Ledger(e.kind()),
        message: e.to_string(),
    }
}

pub(super) fn apply_ledger<B: WriterBackend>(
    w: &mut WriterState<B>,
    loaded: &mut Loaded,
    rows: &mut BatchRows,
    touched: &mut HashSet<AccountId>,
    write: &LedgerWrite,
    now: Timestamp,
) -> Result<Receipt, Refusal> {
    let hash = write.client_ref.as_ref().map(|_| content_hash(write));
    if let (Some(client_ref), Some(hash)) = (&write.client_ref, hash) {
        if let Some(recorded) = loaded.client_refs.get(client_ref) {
            return match recorded.replay(hash) {
                Ok(Ok(receipt)) => Ok(receipt),
                Ok(Err(kind)) => Err(Refusal {
                    message: format!("this client reference failed before: {}", kind.code()),
                    code: RefusalCode::Ledger(kind),
                }),
                Err(e) => Err(refusal(&e)),
            };
        }
    }
    let mut opened = Vec::new();
    let command = to_command(w, &mut opened, &write.op);
    let request = Request {
        client_ref: write.client_ref.clone(),
        command,
        meta: &write.meta,
    };
    let result = w.book.apply(&request.command, now);
    keep_or_forget_opened(w, rows, opened, result.is_ok());
    let txn = match (&result, &request.client_ref) {
        (Ok(_), _) | (Err(_), Some(_)) => Some(w.alloc_txn()),
        (Err(_), None) => None,
    };
    let outcome = match result {
        Ok(applied) => {
            let txn = txn.unwrap_or(TxnId(0));
            for (leg, p) in applied.postings.iter().enumerate() {
                touched.insert(p.account);
                let leg = i32::try_from(leg).unwrap_or(i32::MAX);
                rows.postings.push(PostingRow {
                    txn,
                    leg,
                    account: p.account,
                    amount: p.signed,
                    balance_after: p.balance_after,
                });
            }
            let hold = match applied.hold {
                Some(HoldChange::Created(h)) => {
                    touched.extend([h.debit, h.credit]);
                    rows.holds_new.push((h, now));
                    Some(h.id)
                }
                Some(HoldChange::Resolved(h)) => {
                    touched.extend([h.debit, h.credit]);
                    debug_assert!(h.status != HoldStatus::Pending);
                    rows.holds_resolved.push((h, now));
                    Some(h.id)
                }
                None => None,
            };
            Ok(Receipt {
                txn: Some(txn),
                hold,
            })
        }
        Err(e) => Err(e),
    };
    if let Some(id) = txn {
        let hold = outcome.as_ref().ok().and_then(|r| r.hold);
        rows.txns.push(TxnRow {
            id,
            client_ref: request.client_ref.clone(),
            content_hash: hash,
            failure: outcome.as_ref().err().map(refusal),
            meta: request.meta.clone(),
            hold,
            created_at: now,
        });
    }
    if let (Some(client_ref), Some(hash)) = (request.client_ref, hash) {
        let recorded = Recorded {
            hash,
            outcome: outcome.clone().map_err(|e| e.kind()),
        };
        loaded.client_refs.insert(client_ref, recorded);
    }
    outcome.map_err(|e| refusal(&e))
}
