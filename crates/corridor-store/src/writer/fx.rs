//! Applying an FX change inside the writer: versions, expiry, money, rows.

use foldhash::HashSet;

use corridor_core::ledger::{AccountId, Receipt};
use corridor_core::Timestamp;

use super::batch::{apply_ledger, BatchRows, Loaded};
use super::{Refusal, RefusalCode, WriterBackend, WriterState};
use crate::FxWrite;

/// Checks every object's version and the deadline, applies the ledger
/// movement (a refusal writes nothing of the change), then queues the rows.
pub(super) fn apply<B: WriterBackend>(
    w: &mut WriterState<B>,
    loaded: &mut Loaded,
    rows: &mut BatchRows,
    touched: &mut HashSet<AccountId>,
    write: FxWrite,
    now: Timestamp,
) -> Result<Option<Receipt>, Refusal> {
    if write.not_after.is_some_and(|deadline| now > deadline) {
        return Err(Refusal {
            code: RefusalCode::Expired,
            message: "the deadline of this change has passed".into(),
        });
    }
    for o in &write.objects {
        let stored = loaded.fx_versions.get(&o.object.id).copied();
        if stored != o.expected_version {
            return Err(Refusal {
                code: RefusalCode::VersionConflict,
                message: format!("{} changed since it was read", o.object.id),
            });
        }
    }
    let receipt = match write.ledger {
        Some(ledger) => Some(apply_ledger(w, loaded, rows, touched, &ledger, now)?),
        None => None,
    };
    for o in write.objects {
        let mut object = o.object;
        object.version = o.expected_version.map_or(1, |v| v + 1);
        object.updated_at = now;
        loaded.fx_versions.insert(object.id.clone(), object.version);
        rows.fx_objects.push(object);
    }
    rows.fx_rates.extend(write.rates);
    Ok(receipt)
}
