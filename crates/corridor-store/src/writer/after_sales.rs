//! Applying after-sales changes in the writer: versions, a refund's claim
//! on what is left to refund, ledger movements and events.
//!
//! The claim is checked here, against the payment's captured amount and
//! every refund that did not fail (as stored, plus those of this batch), so
//! concurrent refunds of one payment can never exceed what was captured.

use foldhash::{HashMap, HashSet};

use corridor_core::ledger::{AccountId, Receipt};
use corridor_core::Timestamp;

use super::batch::{apply_ledger, BatchRows, Loaded as BatchLoaded};
use super::{Refusal, RefusalCode, WriterBackend, WriterState};
use crate::{AfterSalesKind, AfterSalesWrite, StoreError};

/// What the batch's after-sales changes need loaded.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    versions: HashMap<String, i64>,
    /// Per payment: captured, and taken by refunds that did not fail.
    refund_basis: HashMap<String, (i64, i64)>,
}

/// Notes the ids and payments a change needs.
pub(super) fn wanted(write: &AfterSalesWrite, ids: &mut Vec<String>, payments: &mut Vec<String>) {
    ids.extend(write.records.iter().map(|(r, _)| r.id.clone()));
    if let Some(claim) = &write.refund_claim {
        payments.push(claim.payment_id.clone());
    }
    for (record, _) in &write.records {
        if record.kind == AfterSalesKind::Refund {
            payments.push(record.payment_id.clone());
        }
    }
}

/// Loads versions and refund bases, one query round each.
pub(super) fn load<B: WriterBackend>(
    w: &mut WriterState<B>,
    ids: &[String],
    payments: &[String],
) -> Result<Loaded, StoreError> {
    let mut loaded = Loaded::default();
    if !ids.is_empty() {
        loaded.versions = w
            .backend
            .load_after_sales_versions(ids)?
            .into_iter()
            .collect();
    }
    if !payments.is_empty() {
        let mut unique = payments.to_vec();
        unique.sort_unstable();
        unique.dedup();
        loaded.refund_basis = w
            .backend
            .load_refund_basis(&unique)?
            .into_iter()
            .map(|(id, captured, refunded)| (id, (captured, refunded)))
            .collect();
    }
    Ok(loaded)
}

fn refuse(code: RefusalCode, message: String) -> Refusal {
    Refusal { code, message }
}

/// Applies one change: every check first, then the money (only the first
/// movement may be refused), then the rows.
pub(super) fn apply<B: WriterBackend>(
    w: &mut WriterState<B>,
    loaded: &mut BatchLoaded,
    rows: &mut BatchRows,
    touched: &mut HashSet<AccountId>,
    write: AfterSalesWrite,
    now: Timestamp,
) -> Result<Result<Vec<Receipt>, Refusal>, StoreError> {
    for (record, expected) in &write.records {
        let stored = loaded.after_sales.versions.get(&record.id).copied();
        if stored != *expected {
            return Ok(Err(refuse(
                RefusalCode::VersionConflict,
                format!("{} changed since it was read", record.id),
            )));
        }
    }
    if let Some(claim) = &write.refund_claim {
        let Some((captured, refunded)) = loaded.after_sales.refund_basis.get(&claim.payment_id)
        else {
            return Ok(Err(refuse(
                RefusalCode::PaymentNotFound,
                format!("no payment {}", claim.payment_id),
            )));
        };
        let left = captured.saturating_sub(*refunded).max(0);
        if claim.amount > left {
            return Ok(Err(refuse(
                RefusalCode::RefundExceedsCaptured,
                format!("only {left} is left to refund"),
            )));
        }
    }
    let mut receipts = Vec::with_capacity(write.ledger.len());
    for (i, ledger) in write.ledger.into_iter().enumerate() {
        match apply_ledger(w, loaded, rows, touched, &ledger, now) {
            Ok(receipt) => receipts.push(receipt),
            Err(refusal) if i == 0 => return Ok(Err(refusal)),
            Err(refusal) => {
                return Err(StoreError::Corrupt(format!(
                    "an after-sales movement after the first was refused: {}",
                    refusal.message
                )))
            }
        }
    }
    if let Some(claim) = &write.refund_claim {
        if let Some(basis) = loaded.after_sales.refund_basis.get_mut(&claim.payment_id) {
            basis.1 = basis.1.saturating_add(claim.amount);
        }
    }
    for (mut record, expected) in write.records {
        let failed_now = record.kind == AfterSalesKind::Refund
            && expected.is_some()
            && record.status == "failed";
        if failed_now {
            if let Some(basis) = loaded.after_sales.refund_basis.get_mut(&record.payment_id) {
                basis.1 = basis.1.saturating_sub(record.amount);
            }
        }
        record.version = expected.map_or(1, |v| v + 1);
        record.updated_at = now;
        loaded
            .after_sales
            .versions
            .insert(record.id.clone(), record.version);
        rows.after_sales.push(record);
    }
    for event in write.events {
        rows.events.push(w.event_row(event, now));
    }
    Ok(Ok(receipts))
}
