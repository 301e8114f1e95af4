//! Applying a payout-side write inside a batch: version checks, the bank
//! file's digest, each change's money movement, then the rows.

use foldhash::{HashMap, HashSet};

use corridor_core::ledger::{AccountId, Receipt};
use corridor_core::Timestamp;

use super::batch::{apply_ledger, Loaded};
use super::{Refusal, RefusalCode, WriterBackend, WriterState};
use crate::payout_rows::{
    bank_file_values, batch_values, beneficiary_values, payout_values, SqlValue,
};
use crate::payout_sql as q;
use crate::{PayoutWrite, StoreError};

/// What the prefetch loaded for payout writes.
#[derive(Debug, Default)]
pub(super) struct PayoutLoaded {
    /// Stored payout versions.
    pub payout_versions: HashMap<String, i64>,
    /// Stored batch versions.
    pub batch_versions: HashMap<String, i64>,
    /// Digests of bank files already applied.
    pub bank_files: HashSet<String>,
}

/// The outcome of a payout write: refused as a whole, or one result per
/// change (the receipt of its first ledger movement).
pub type PayoutOutcome = Result<Vec<Result<Option<Receipt>, Refusal>>, Refusal>;

/// Loads versions and seen files for the payout writes of a batch.
pub(super) fn prefetch<B: WriterBackend>(
    w: &mut WriterState<B>,
    writes: &[&PayoutWrite],
) -> Result<PayoutLoaded, StoreError> {
    let mut payouts = Vec::new();
    let mut batches = Vec::new();
    let mut files = Vec::new();
    for write in writes {
        payouts.extend(write.changes.iter().map(|c| c.payout.id.clone()));
        batches.extend(write.batch.iter().map(|b| b.batch.id.clone()));
        files.extend(write.bank_file.iter().map(|f| f.id.clone()));
    }
    let mut loaded = PayoutLoaded::default();
    if !payouts.is_empty() {
        loaded.payout_versions = w
            .backend
            .load_versions(q::PAYOUT_VERSION, &payouts)?
            .into_iter()
            .collect();
    }
    if !batches.is_empty() {
        loaded.batch_versions = w
            .backend
            .load_versions(q::BATCH_VERSION, &batches)?
            .into_iter()
            .collect();
    }
    if !files.is_empty() {
        loaded.bank_files = w
            .backend
            .load_versions(q::BANK_FILE_SEEN, &files)?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
    }
    Ok(loaded)
}

/// Applies one payout write.
pub(super) fn apply<B: WriterBackend>(
    w: &mut WriterState<B>,
    loaded: &mut Loaded,
    rows: &mut super::BatchRows,
    touched: &mut HashSet<AccountId>,
    write: PayoutWrite,
    now: Timestamp,
) -> Result<PayoutOutcome, StoreError> {
    for change in &write.changes {
        let stored = loaded
            .payouts
            .payout_versions
            .get(&change.payout.id)
            .copied();
        if stored != change.expected_version {
            return Ok(Err(Refusal {
                code: RefusalCode::VersionConflict,
                message: format!("payout {} changed since it was read", change.payout.id),
            }));
        }
    }
    if let Some(batch) = &write.batch {
        let stored = loaded.payouts.batch_versions.get(&batch.batch.id).copied();
        if stored != batch.expected_version {
            return Ok(Err(Refusal {
                code: RefusalCode::VersionConflict,
                message: format!("payout batch {} changed since it was read", batch.batch.id),
            }));
        }
    }
    if let Some(file) = &write.bank_file {
        if loaded.payouts.bank_files.contains(&file.id) {
            return Ok(Err(Refusal {
                code: RefusalCode::BankFileAlreadyApplied,
                message: "this bank file was applied before".into(),
            }));
        }
    }
    if write.not_after.is_some_and(|deadline| now > deadline) {
        return Ok(Err(Refusal {
            code: RefusalCode::Expired,
            message: "the deadline of this change (its FX quote's lock) has passed".into(),
        }));
    }
    if let Some(quote) = &write.fx_quote {
        let stored = loaded.fx_versions.get(&quote.object.id).copied();
        if stored != quote.expected_version {
            return Ok(Err(Refusal {
                code: RefusalCode::VersionConflict,
                message: format!("FX quote {} changed since it was read", quote.object.id),
            }));
        }
    }
    let mut results = Vec::with_capacity(write.changes.len());
    for change in write.changes {
        let mut ledger = change.ledger.into_iter();
        let receipt = match ledger.next() {
            None => None,
            Some(first) => match apply_ledger(w, loaded, rows, touched, &first, now) {
                Ok(receipt) => Some(receipt),
                Err(refusal) => {
                    results.push(Err(refusal));
                    continue;
                }
            },
        };
        for rest in ledger {
            if let Err(refusal) = apply_ledger(w, loaded, rows, touched, &rest, now) {
                // Platform accounts never refuse; if one did, the book no
                // longer matches what this write meant: write nothing.
                return Err(StoreError::Corrupt(format!(
                    "a platform leg of payout {} was refused: {}",
                    change.payout.id, refusal.code
                )));
            }
        }
        let mut payout = change.payout;
        if payout.hold_id.is_none() {
            payout.hold_id = receipt.and_then(|r| r.hold).map(|h| h.0);
        }
        payout.version = change.expected_version.map_or(1, |v| v + 1);
        payout.updated_at = now;
        loaded
            .payouts
            .payout_versions
            .insert(payout.id.clone(), payout.version);
        rows.payout_statements
            .push((q::UPSERT_PAYOUT, payout_values(&payout)));
        for event in change.events {
            rows.events.push(w.event_row(event, now));
        }
        results.push(Ok(receipt));
    }
    // The quote is used only by a write whose every change applied.
    if let Some(quote) = write.fx_quote.filter(|_| results.iter().all(Result::is_ok)) {
        let mut object = quote.object;
        object.version = quote.expected_version.map_or(1, |v| v + 1);
        object.updated_at = now;
        loaded.fx_versions.insert(object.id.clone(), object.version);
        rows.fx_objects.push(object);
    }
    if let Some(b) = write.beneficiary {
        rows.payout_statements
            .push((q::INSERT_BENEFICIARY, beneficiary_values(&b)));
    }
    if let Some(change) = write.batch {
        let mut batch = change.batch;
        batch.version = change.expected_version.map_or(1, |v| v + 1);
        loaded
            .payouts
            .batch_versions
            .insert(batch.id.clone(), batch.version);
        rows.payout_statements
            .push((q::UPSERT_BATCH, batch_values(&batch)));
    }
    if let Some(file) = write.bank_file {
        loaded.payouts.bank_files.insert(file.id.clone());
        rows.payout_statements
            .push((q::INSERT_BANK_FILE, bank_file_values(&file)));
    }
    Ok(Ok(results))
}

/// A statement of the payout side with its parameters.
pub type PayoutStatement = (&'static str, Vec<SqlValue>);
